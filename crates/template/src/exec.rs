//! The evaluator: walks a parsed template with Go's `text/template` semantics.

use std::cell::{Cell, RefCell};
use std::mem;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use crate::ast::{Arg, ArgKind, Branch, Cmd, Node, Num, Pipe};
use crate::error::{Error, Result};
use crate::funcs::{FuncImpl, FuncMap};
use crate::options::Options;
use crate::scope::Scope;
use crate::unit::Unit;
use crate::value::{as_int, float, to_go_string, truth, type_name};

/// How deep template calls, includes, nested blocks and parenthesized pipelines may nest while rendering.
pub const MAX_DEPTH: usize = 100;

/// The most output one template may produce.
const MAX_OUTPUT: usize = 256 << 20;

/// The clock and the cancel flag are looked at once every this many steps (a power of two).
const CHECK_EVERY: u64 = 1024;

/// What one render shares: options, functions, the chain of templates being rendered and the budget (steps
/// taken so far and the deadline), so included and sourced templates spend from the same budget.
pub(crate) struct Engine<'e> {
    opts: &'e Options,
    funcs: &'e FuncMap,
    /// (identity, display name) of each template being rendered, outermost first.
    stack: RefCell<Vec<(String, String)>>,
    /// Evaluation steps taken so far, by every template of this render.
    steps: Cell<u64>,
    /// When the time limit runs out (`None`: no limit).
    deadline: Option<Instant>,
    /// The root template's own tree for the source policy (its base URL; `None` for `str://` text).
    tree: Option<crate::url::Url>,
}

impl<'e> Engine<'e> {
    /// A render of the template `root` (identity, display name) whose own tree is `tree` (see
    /// [`SourcePolicy`](crate::SourcePolicy)), starting its clock now.
    pub(crate) fn new(
        opts: &'e Options,
        funcs: &'e FuncMap,
        root: (String, String),
        tree: Option<crate::url::Url>,
    ) -> Engine<'e> {
        let deadline = opts.time_limit.and_then(|d| Instant::now().checked_add(d));
        Engine { opts, funcs, stack: RefCell::new(vec![root]), steps: Cell::new(0), deadline, tree }
    }
}

/// One template being rendered: its source, its globals and its root dot (`$`).
pub(crate) struct Frame {
    pub unit: Arc<Unit>,
    pub scope: Rc<Scope>,
    pub root: Value,
}

/// A function call site, for error messages.
pub(crate) struct Site<'s> {
    pub pos: usize,
    pub name: &'s str,
}

/// How `include`/`source` render another template.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nest {
    /// A fork: globals copied, writes stay there.
    Include,
    /// In the caller's scope: writes propagate to the caller and its ancestors.
    Source,
}

enum Flow {
    Normal,
    Break,
    Continue,
}

/// Renders a frame: checks its functions, then runs its main body.
pub(crate) fn render_frame(eng: &Engine<'_>, frame: &Frame, depth: usize) -> Result<String> {
    crate::check::check_funcs(&frame.unit, eng.funcs)?;
    let mut ex = Exec { eng, frame, vars: vec![("$".into(), frame.root.clone())], depth, at: 0 };
    let mut out = String::new();
    ex.list(&frame.unit.parsed.main, &frame.root, &mut out)?;
    Ok(out)
}

/// The evaluation state for one frame.
pub(crate) struct Exec<'a, 'e> {
    eng: &'a Engine<'e>,
    frame: &'a Frame,
    vars: Vec<(String, Value)>,
    depth: usize,
    /// The position of the last step, for steps that have none of their own (text, `break`, `continue`).
    at: usize,
}

impl<'a, 'e> Exec<'a, 'e> {
    fn exec_err(&self, pos: usize, name: impl Into<String>, msg: impl Into<String>) -> Error {
        Error::Exec { pos: self.frame.unit.pos(pos), name: name.into(), msg: msg.into() }
    }

    /// An error from the function at `site`.
    pub(crate) fn call_err(&self, site: &Site<'_>, msg: impl Into<String>) -> Error {
        Error::Call { pos: self.frame.unit.pos(site.pos), name: site.name.to_string(), msg: msg.into() }
    }

    /// The options of this render.
    pub(crate) fn options(&self) -> &'e Options {
        self.eng.opts
    }

    /// The globals of the template being rendered.
    pub(crate) fn scope(&self) -> &Rc<Scope> {
        &self.frame.scope
    }

    fn enter(&mut self, pos: usize, what: &str) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::TooDeep { pos: self.frame.unit.pos(pos), name: what.to_string(), limit: MAX_DEPTH });
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Spends one step of the render's budget at `pos`; every [`CHECK_EVERY`] steps, also looks at the clock
    /// and the cancel flag. Not inlined: it would grow the frames of the recursive evaluator.
    #[inline(never)]
    fn step(&mut self, pos: usize) -> Result<()> {
        self.at = pos;
        let eng = self.eng;
        let n = eng.steps.get().saturating_add(1);
        eng.steps.set(n);
        if n > eng.opts.max_steps {
            return Err(Error::StepBudget { pos: self.frame.unit.pos(pos), limit: eng.opts.max_steps });
        }
        if n & (CHECK_EVERY - 1) == 0 {
            if let (Some(deadline), Some(limit)) = (eng.deadline, eng.opts.time_limit) {
                if Instant::now() >= deadline {
                    return Err(Error::TimeLimit { pos: self.frame.unit.pos(pos), limit });
                }
            }
            if eng.opts.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                return Err(Error::Cancelled { pos: self.frame.unit.pos(pos) });
            }
        }
        Ok(())
    }

    fn emit(&self, out: &mut String, s: &str, pos: usize) -> Result<()> {
        if out.len() + s.len() > MAX_OUTPUT {
            return Err(self.exec_err(pos, "output", format!("more than {MAX_OUTPUT} bytes")));
        }
        out.push_str(s);
        Ok(())
    }

    fn list(&mut self, list: &[Node], dot: &Value, out: &mut String) -> Result<Flow> {
        for node in list {
            match self.node(node, dot, out)? {
                Flow::Normal => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    fn node(&mut self, node: &Node, dot: &Value, out: &mut String) -> Result<Flow> {
        let pos = match node {
            Node::Action(p) => p.pos,
            Node::If(b) | Node::With(b) | Node::Range(b) => b.pos,
            Node::Template { pos, .. } => *pos,
            Node::Text(_) | Node::Break | Node::Continue => self.at,
        };
        self.step(pos)?;
        match node {
            Node::Text(t) => self.emit(out, t, 0)?,
            Node::Action(p) => {
                let v = self.pipe(dot, p)?;
                if p.decl.is_empty() {
                    let s = match &v {
                        Value::Null => "<no value>".to_string(),
                        v => to_go_string(v),
                    };
                    self.emit(out, &s, p.pos)?;
                }
            }
            Node::If(b) => return self.if_with(b, dot, out, false),
            Node::With(b) => return self.if_with(b, dot, out, true),
            Node::Range(b) => return self.range(b, dot, out),
            Node::Template { pos, name, pipe } => self.template(*pos, name, pipe.as_ref(), dot, out)?,
            Node::Break => return Ok(Flow::Break),
            Node::Continue => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    /// `{{template name pipeline}}` (not inlined into [`Exec::node`], whose frame every nesting level pays).
    #[inline(never)]
    fn template(&mut self, pos: usize, name: &str, pipe: Option<&Pipe>, dot: &Value, out: &mut String) -> Result<()> {
        let Some(body) = self.frame.unit.parsed.defines.get(name).cloned() else {
            return Err(Error::TemplateNotDefined { pos: self.frame.unit.pos(pos), name: name.to_string() });
        };
        let new_dot = match pipe {
            Some(p) => self.pipe(dot, p)?,
            None => Value::Null,
        };
        self.enter(pos, &format!("template {name:?}"))?;
        let saved = mem::replace(&mut self.vars, vec![("$".into(), new_dot.clone())]);
        let r = self.list(&body, &new_dot, out);
        self.vars = saved;
        self.leave();
        r.map(|_| ())
    }

    fn if_with(&mut self, b: &Branch, dot: &Value, out: &mut String, with: bool) -> Result<Flow> {
        let mark = self.vars.len();
        let v = self.pipe(dot, &b.pipe)?;
        self.enter(b.pos, if with { "with" } else { "if" })?;
        let flow = if truth(&v) {
            self.list(&b.list, if with { &v } else { dot }, out)?
        } else if let Some(e) = &b.else_list {
            self.list(e, dot, out)?
        } else {
            Flow::Normal
        };
        self.leave();
        self.vars.truncate(mark);
        Ok(flow)
    }

    fn range(&mut self, b: &Branch, dot: &Value, out: &mut String) -> Result<Flow> {
        let mark = self.vars.len();
        let v = self.cmds(dot, &b.pipe)?;
        if let Some(sp) = crate::gotype::special(&v) {
            return Err(self.exec_err(b.pos, "range", format!("range can't iterate over {}", sp.to_go_string())));
        }
        // (key, element) pairs, made as the loop goes (so `range 10000000` does not build ten million values).
        let items: Box<dyn Iterator<Item = (Value, Value)>> = match v {
            Value::Array(a) => Box::new(a.into_iter().enumerate().map(|(i, e)| (Value::from(i), e))),
            Value::Object(m) => {
                let mut kv: Vec<(String, Value)> = m.into_iter().collect();
                kv.sort_by(|a, b| a.0.cmp(&b.0));
                Box::new(kv.into_iter().map(|(k, v)| (Value::String(k), v)))
            }
            Value::Null => Box::new(std::iter::empty()),
            Value::Number(ref n) if n.is_i64() || n.is_u64() => {
                if b.pipe.decl.len() > 1 {
                    return Err(self.exec_err(
                        b.pos,
                        "range",
                        format!("can't use {v} to iterate over more than one variable"),
                    ));
                }
                let n = as_int(&v).unwrap_or(i64::MAX);
                if n > 10_000_000 {
                    return Err(self.exec_err(b.pos, "range", format!("{n} iterations is too many")));
                }
                Box::new((0..n.max(0)).map(|i| (Value::from(i), Value::from(i))))
            }
            other => return Err(self.exec_err(b.pos, "range", format!("can't iterate over {}", to_go_string(&other)))),
        };
        self.enter(b.pos, "range")?;
        let mut items = items.peekable();
        if items.peek().is_none() {
            if let Some(e) = &b.else_list {
                self.list(e, dot, out)?;
            }
        }
        for (k, e) in items {
            self.step(b.pos)?;
            let imark = self.vars.len();
            match b.pipe.decl.as_slice() {
                [v] => self.bind(v, e.clone(), b.pipe.is_assign, b.pos)?,
                [kn, vn] => {
                    self.bind(kn, k, b.pipe.is_assign, b.pos)?;
                    self.bind(vn, e.clone(), b.pipe.is_assign, b.pos)?;
                }
                _ => {}
            }
            let flow = self.list(&b.list, &e, out)?;
            self.vars.truncate(imark);
            if let Flow::Break = flow {
                break;
            }
        }
        self.leave();
        self.vars.truncate(mark);
        Ok(Flow::Normal)
    }

    fn bind(&mut self, name: &str, v: Value, assign: bool, pos: usize) -> Result<()> {
        if !assign {
            self.vars.push((name.to_string(), v));
            return Ok(());
        }
        match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            Some(slot) => {
                slot.1 = v;
                Ok(())
            }
            None => Err(Error::UndefinedVariable { pos: self.frame.unit.pos(pos), name: name.to_string() }),
        }
    }

    fn pipe(&mut self, dot: &Value, p: &Pipe) -> Result<Value> {
        let v = self.cmds(dot, p)?;
        for name in &p.decl {
            self.bind(name, v.clone(), p.is_assign, p.pos)?;
        }
        Ok(v)
    }

    fn cmds(&mut self, dot: &Value, p: &Pipe) -> Result<Value> {
        let mut val = None;
        for c in &p.cmds {
            val = Some(self.cmd(dot, c, val)?);
        }
        Ok(val.unwrap_or(Value::Null))
    }

    fn cmd(&mut self, dot: &Value, c: &Cmd, fin: Option<Value>) -> Result<Value> {
        let Some((first, rest)) = c.args.split_first() else {
            return Err(self.exec_err(c.pos, "command", "empty command"));
        };
        if !matches!(first.kind, ArgKind::Ident(_)) && (!rest.is_empty() || fin.is_some()) {
            let what = first.kind.describe();
            return Err(match first.kind {
                ArgKind::Field(_) => self.exec_err(first.pos, what, "is not a method but has arguments"),
                _ => self.exec_err(first.pos, what, "can't give argument to non-function"),
            });
        }
        match &first.kind {
            ArgKind::Ident(name) => self.call(dot, name, first.pos, rest, fin),
            ArgKind::Nil => Err(self.exec_err(first.pos, "nil", "nil is not a command")),
            _ => self.arg(dot, first),
        }
    }

    fn var(&self, name: &str, pos: usize) -> Result<&Value> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v),
            None => Err(Error::UndefinedVariable { pos: self.frame.unit.pos(pos), name: name.to_string() }),
        }
    }

    /// Follows `.a.b.c` from `start`. Missing keys and nil give nil (printed `<no value>`).
    fn walk(&self, start: &Value, names: &[String], pos: usize) -> Result<Value> {
        let mut cur = start;
        for name in names {
            if let Some(sp) = crate::gotype::special(cur) {
                return Err(self.exec_err(
                    pos,
                    format!(".{name}"),
                    format!("can't evaluate field {name} in type {}", sp.type_name()),
                ));
            }
            match cur {
                Value::Object(m) => match m.get(name) {
                    Some(v) => cur = v,
                    None => return Ok(Value::Null),
                },
                Value::Null => return Ok(Value::Null),
                other => {
                    return Err(self.exec_err(
                        pos,
                        format!(".{name}"),
                        format!("can't evaluate field {name} in type {}", type_name(other)),
                    ))
                }
            }
        }
        Ok(cur.clone())
    }

    fn arg(&mut self, dot: &Value, a: &Arg) -> Result<Value> {
        Ok(match &a.kind {
            ArgKind::Dot => dot.clone(),
            ArgKind::Nil => Value::Null,
            ArgKind::Bool(b) => Value::Bool(*b),
            ArgKind::Str(s) => Value::String(s.clone()),
            ArgKind::Num(Num::Int(i)) => Value::from(*i),
            ArgKind::Num(Num::Uint(u)) => Value::from(*u),
            ArgKind::Num(Num::Float(f)) => float(*f),
            ArgKind::Field(names) => self.walk(dot, names, a.pos)?,
            ArgKind::Var(name, fields) => self.walk(self.var(name, a.pos)?, fields, a.pos)?,
            ArgKind::Pipe(p) => {
                self.enter(a.pos, "parenthesized pipeline")?;
                let v = self.pipe(dot, p)?;
                self.leave();
                v
            }
            ArgKind::Chain(t, names) => {
                let v = self.arg(dot, t)?;
                self.walk(&v, names, a.pos)?
            }
            ArgKind::Ident(name) => self.call(dot, name, a.pos, &[], None)?,
        })
    }

    fn call(&mut self, dot: &Value, name: &str, pos: usize, args: &[Arg], fin: Option<Value>) -> Result<Value> {
        let eng: &'a Engine<'e> = self.eng;
        let Some(f) = eng.funcs.get(name) else {
            return Err(Error::FunctionNotDefined { pos: self.frame.unit.pos(pos), name: name.to_string() });
        };
        self.step(pos)?;
        let site = Site { pos, name };
        if let FuncImpl::And | FuncImpl::Or = f {
            let is_and = matches!(f, FuncImpl::And);
            if args.is_empty() && fin.is_none() {
                return Err(self.call_err(&site, "wrong number of args: want at least 1 got 0"));
            }
            let mut last = Value::Null;
            for a in args {
                let v = self.arg(dot, a)?;
                if truth(&v) != is_and {
                    return Ok(v);
                }
                last = v;
            }
            return Ok(fin.unwrap_or(last));
        }
        let mut vals = Vec::with_capacity(args.len() + 1);
        for a in args {
            vals.push(self.arg(dot, a)?);
        }
        vals.extend(fin);
        match f {
            FuncImpl::Plain(g) => g(&vals).map_err(|m| self.call_err(&site, m)),
            FuncImpl::User(g) => g(&vals).map_err(|m| self.call_err(&site, m)),
            FuncImpl::Ctx(g) => g(self, &site, &vals),
            FuncImpl::InPlace(g) => {
                let r = g(&vals).map_err(|m| self.call_err(&site, m))?;
                if let Some(Arg { kind: ArgKind::Var(name, fields), .. }) = args.first() {
                    self.write_back(name, fields, r.clone());
                }
                Ok(r)
            }
            FuncImpl::And | FuncImpl::Or => Ok(Value::Null),
        }
    }

    /// Stores `v` in the variable `name` at `fields` (Go maps are references: what `set` changes, every
    /// later use of the variable sees). A path that does not lead to a map is left alone.
    fn write_back(&mut self, name: &str, fields: &[String], v: Value) {
        let Some((_, slot)) = self.vars.iter_mut().rev().find(|(n, _)| n == name) else { return };
        let mut cur = slot;
        for f in fields {
            match cur {
                Value::Object(m) => match m.get_mut(f) {
                    Some(next) => cur = next,
                    None => return,
                },
                _ => return,
            }
        }
        *cur = v;
    }

    /// Resolves a reference against the current template's URL.
    pub(crate) fn resolve(&self, site: &Site<'_>, reference: &str) -> Result<crate::url::Url> {
        self.frame.unit.base.resolve(reference).map_err(|e| self.call_err(site, e))
    }

    /// Refuses `url` when the source policy does not allow it.
    #[inline(never)]
    fn permit(&self, site: &Site<'_>, url: &crate::url::Url) -> Result<()> {
        let opts = self.eng.opts;
        opts.policy
            .check(self.eng.tree.as_ref(), url)
            .map_err(|source| Error::Policy { pos: self.frame.unit.pos(site.pos), source: Box::new(source) })
    }

    /// Fetches the raw text at a reference (`fetch`).
    pub(crate) fn fetch_raw(&self, site: &Site<'_>, reference: &str, headers: &[(String, String)]) -> Result<String> {
        let url = self.resolve(site, reference)?;
        self.permit(site, &url)?;
        crate::source::load(self.eng.opts.fetcher.as_ref(), &url, headers)
            .map(|l| l.text)
            .map_err(|reason| Error::Fetch { pos: self.frame.unit.pos(site.pos), url: url.to_string(), reason })
    }

    /// Renders another template (`include`/`source`) and returns its output.
    pub(crate) fn nested(
        &mut self,
        site: &Site<'_>,
        how: Nest,
        reference: &str,
        dot: Option<Value>,
        headers: &[(String, String)],
    ) -> Result<Value> {
        let url = self.resolve(site, reference)?;
        let id = url.to_string();
        let display = crate::source::display_name(&url);
        let pos = self.frame.unit.pos(site.pos);
        {
            let stack = self.eng.stack.borrow();
            if let Some(i) = stack.iter().position(|(s, _)| *s == id) {
                let mut chain: Vec<String> = stack[i..].iter().map(|(_, d)| d.clone()).collect();
                chain.push(display);
                return Err(Error::IncludeLoop { pos, chain });
            }
        }
        if self.depth + 1 > MAX_DEPTH {
            return Err(Error::TooDeep { pos, name: site.name.to_string(), limit: MAX_DEPTH });
        }
        self.permit(site, &url)?;
        let opts = self.eng.opts;
        let loaded = crate::source::load(opts.fetcher.as_ref(), &url, headers).map_err(|reason| Error::Fetch {
            pos,
            url: id.clone(),
            reason,
        })?;
        let unit = Unit::parse(url, loaded.base, loaded.text, opts.left(), opts.right())?;
        let scope = match how {
            Nest::Include => self.frame.scope.fork(None),
            Nest::Source => self.frame.scope.fork(Some(self.frame.scope.clone())),
        };
        let frame = Frame { unit: Arc::new(unit), scope, root: dot.unwrap_or_else(|| self.frame.root.clone()) };
        self.eng.stack.borrow_mut().push((id, display));
        let r = render_frame(self.eng, &frame, self.depth + 1);
        self.eng.stack.borrow_mut().pop();
        Ok(Value::String(r?))
    }
}
