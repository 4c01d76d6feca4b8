//! Before a template runs, every function it names must exist (Go checks this at parse time; we check it
//! when the final function set is known, so callers can add functions after loading).

use crate::ast::{Arg, ArgKind, List, Node, Pipe};
use crate::error::{Error, Result};
use crate::funcs::FuncMap;
use crate::unit::Unit;

/// Fails with [`Error::FunctionNotDefined`] at the first call of an unknown function.
pub(crate) fn check_funcs(unit: &Unit, funcs: &FuncMap) -> Result<()> {
    let c = Checker { unit, funcs };
    c.list(&unit.parsed.main)?;
    for body in unit.parsed.defines.values() {
        c.list(body)?;
    }
    Ok(())
}

struct Checker<'a> {
    unit: &'a Unit,
    funcs: &'a FuncMap,
}

impl Checker<'_> {
    fn list(&self, list: &List) -> Result<()> {
        for node in list {
            match node {
                Node::Action(p) => self.pipe(p)?,
                Node::If(b) | Node::Range(b) | Node::With(b) => {
                    self.pipe(&b.pipe)?;
                    self.list(&b.list)?;
                    if let Some(e) = &b.else_list {
                        self.list(e)?;
                    }
                }
                Node::Template { pipe: Some(p), .. } => self.pipe(p)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn pipe(&self, p: &Pipe) -> Result<()> {
        p.cmds.iter().flat_map(|c| c.args.iter()).try_for_each(|a| self.arg(a))
    }

    fn arg(&self, a: &Arg) -> Result<()> {
        match &a.kind {
            ArgKind::Ident(name) if !self.funcs.contains_key(name) => {
                Err(Error::FunctionNotDefined { pos: self.unit.pos(a.pos), name: name.clone() })
            }
            ArgKind::Pipe(p) => self.pipe(p),
            ArgKind::Chain(t, _) => self.arg(t),
            _ => Ok(()),
        }
    }
}
