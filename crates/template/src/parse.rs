//! The parser: tokens to a [`Parsed`] tree, checking variables, `break`/`continue` placement and nesting
//! depth the way Go's `text/template/parse` does. Function names are checked later, at render time, when
//! the final function set is known.

use std::collections::BTreeMap;
use std::mem;
use std::sync::Arc;

use crate::ast::{Arg, ArgKind, Branch, Cmd, List, Node, Num, Parsed, Pipe};
use crate::lex::{Kw, Tok, Token};

/// How deep control structures and parentheses may nest in one template.
pub(crate) const MAX_PARSE_DEPTH: usize = 100;

/// A parse error at a byte offset.
#[derive(Debug)]
pub(crate) enum PErr {
    Msg(usize, String),
    UndefVar(usize, String),
    TooDeep(usize, String),
}

type PResult<T> = Result<T, PErr>;

static EOF: Token = Token { tok: Tok::Eof, pos: 0 };

/// Parses a token stream (as produced by [`crate::lex::lex`]).
pub(crate) fn parse(toks: &[Token]) -> PResult<Parsed> {
    let mut p = P { toks, i: 0, vars: vec!["$".into()], defines: BTreeMap::new(), depth: 0, range_depth: 0 };
    let (main, end) = p.item_list(true)?;
    match end {
        Stop::Eof => Ok(Parsed { main, defines: p.defines }),
        Stop::End(pos) => Err(PErr::Msg(pos, "unexpected {{end}}".into())),
        Stop::Else(pos) => Err(PErr::Msg(pos, "unexpected {{else}}".into())),
    }
}

enum Stop {
    End(usize),
    Else(usize),
    Eof,
}

struct P<'a> {
    toks: &'a [Token],
    i: usize,
    vars: Vec<String>,
    defines: BTreeMap<String, Arc<List>>,
    depth: usize,
    range_depth: usize,
}

fn describe(t: &Token) -> String {
    match &t.tok {
        Tok::Text(_) => "text".into(),
        Tok::Left => "left delimiter".into(),
        Tok::Right => "right delimiter".into(),
        Tok::Space => "space".into(),
        Tok::Ident(s) | Tok::Number(s) | Tok::Var(s) => format!("{s:?}"),
        Tok::Kw(k) => format!("<{}>", format!("{k:?}").to_lowercase()),
        Tok::Field(f) => format!("\".{f}\""),
        Tok::Dot => "\".\"".into(),
        Tok::Str(s) => format!("{s:?}"),
        Tok::Char(c) => format!("character constant {c}"),
        Tok::Bool(b) => format!("\"{b}\""),
        Tok::Nil => "\"nil\"".into(),
        Tok::Pipe => "\"|\"".into(),
        Tok::LParen => "\"(\"".into(),
        Tok::RParen => "\")\"".into(),
        Tok::Declare => "\":=\"".into(),
        Tok::Assign => "\"=\"".into(),
        Tok::Comma => "\",\"".into(),
        Tok::Eof => "EOF".into(),
    }
}

fn err<T>(pos: usize, msg: impl Into<String>) -> PResult<T> {
    Err(PErr::Msg(pos, msg.into()))
}

fn is_empty(list: &List) -> bool {
    list.iter().all(|n| matches!(n, Node::Text(t) if t.trim().is_empty()))
}

impl<'a> P<'a> {
    fn peek(&self) -> &'a Token {
        self.toks.get(self.i).unwrap_or(&EOF)
    }

    fn next(&mut self) -> &'a Token {
        let t = self.toks.get(self.i).unwrap_or(&EOF);
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn skip_space(&mut self) {
        while matches!(self.peek().tok, Tok::Space) {
            self.i += 1;
        }
    }

    fn peek_non_space(&mut self) -> &'a Token {
        self.skip_space();
        self.peek()
    }

    fn next_non_space(&mut self) -> &'a Token {
        self.skip_space();
        self.next()
    }

    fn enter(&mut self, pos: usize, what: &str) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_PARSE_DEPTH {
            return Err(PErr::TooDeep(pos, what.into()));
        }
        Ok(())
    }

    fn expect_right(&mut self, ctx: &str) -> PResult<()> {
        let t = self.next_non_space();
        match t.tok {
            Tok::Right => Ok(()),
            _ => err(t.pos, format!("unexpected {} in {ctx}", describe(t))),
        }
    }

    fn item_list(&mut self, top: bool) -> PResult<(List, Stop)> {
        let mut list = Vec::new();
        loop {
            let t = self.next();
            match &t.tok {
                Tok::Text(s) => list.push(Node::Text(s.clone())),
                Tok::Eof => return Ok((list, Stop::Eof)),
                Tok::Left => {
                    let k = self.peek_non_space();
                    match k.tok {
                        Tok::Kw(Kw::End) => {
                            self.next();
                            self.expect_right("end")?;
                            return Ok((list, Stop::End(k.pos)));
                        }
                        Tok::Kw(Kw::Else) => {
                            self.next();
                            return Ok((list, Stop::Else(k.pos)));
                        }
                        Tok::Kw(Kw::Define) if top => {
                            self.next();
                            self.define(k.pos)?;
                        }
                        _ => list.push(self.action()?),
                    }
                }
                _ => return err(t.pos, format!("unexpected {}", describe(t))),
            }
        }
    }

    fn action(&mut self) -> PResult<Node> {
        let t = self.peek_non_space();
        match t.tok {
            Tok::Kw(Kw::If) => {
                self.next();
                Ok(Node::If(self.control(Kw::If, t.pos)?))
            }
            Tok::Kw(Kw::Range) => {
                self.next();
                Ok(Node::Range(self.control(Kw::Range, t.pos)?))
            }
            Tok::Kw(Kw::With) => {
                self.next();
                Ok(Node::With(self.control(Kw::With, t.pos)?))
            }
            Tok::Kw(Kw::Template) => {
                self.next();
                let name = self.template_name("template clause")?;
                let pipe = if matches!(self.peek_non_space().tok, Tok::Right) {
                    self.next();
                    None
                } else {
                    Some(self.pipeline("template clause", &Tok::Right)?)
                };
                Ok(Node::Template { pos: t.pos, name, pipe })
            }
            Tok::Kw(Kw::Block) => {
                self.next();
                self.block(t.pos)
            }
            Tok::Kw(kw @ (Kw::Break | Kw::Continue)) => {
                self.next();
                let word = if kw == Kw::Break { "break" } else { "continue" };
                if self.range_depth == 0 {
                    return err(t.pos, format!("{{{{{word}}}}} outside {{{{range}}}}"));
                }
                self.expect_right(word)?;
                Ok(if kw == Kw::Break { Node::Break } else { Node::Continue })
            }
            Tok::Kw(Kw::Define) => err(t.pos, "unexpected <define>: define is only allowed at top level"),
            _ => Ok(Node::Action(self.pipeline("command", &Tok::Right)?)),
        }
    }

    fn template_name(&mut self, ctx: &str) -> PResult<String> {
        let t = self.next_non_space();
        match &t.tok {
            Tok::Str(s) => Ok(s.clone()),
            _ => err(t.pos, format!("unexpected {} in {ctx}", describe(t))),
        }
    }

    fn control(&mut self, kw: Kw, pos: usize) -> PResult<Branch> {
        let ctx = match kw {
            Kw::If => "if",
            Kw::Range => "range",
            _ => "with",
        };
        self.enter(pos, ctx)?;
        let mark = self.vars.len();
        let pipe = self.pipeline(ctx, &Tok::Right)?;
        if kw == Kw::Range {
            self.range_depth += 1;
        }
        let (list, end) = self.item_list(false)?;
        if kw == Kw::Range {
            self.range_depth -= 1;
        }
        let else_list = match end {
            Stop::End(_) => None,
            Stop::Eof => return err(pos, format!("unexpected EOF: {{{{{ctx}}}}} has no {{{{end}}}}")),
            Stop::Else(_) => {
                let next = self.peek_non_space();
                if matches!((kw, &next.tok), (Kw::If, Tok::Kw(Kw::If)) | (Kw::With, Tok::Kw(Kw::With))) {
                    self.next();
                    let nested = self.control(kw, next.pos)?;
                    Some(vec![if kw == Kw::If { Node::If(nested) } else { Node::With(nested) }])
                } else {
                    self.expect_right("else")?;
                    let (list, end) = self.item_list(false)?;
                    match end {
                        Stop::End(_) => Some(list),
                        Stop::Else(p) => return err(p, "expected end; found {{else}}"),
                        Stop::Eof => return err(pos, format!("unexpected EOF: {{{{{ctx}}}}} has no {{{{end}}}}")),
                    }
                }
            }
        };
        self.vars.truncate(mark);
        self.depth -= 1;
        Ok(Branch { pos, pipe, list, else_list })
    }

    /// Parses a body with a fresh variable scope (for `define` and `block`).
    fn body(&mut self, pos: usize, ctx: &str) -> PResult<List> {
        let vars = mem::replace(&mut self.vars, vec!["$".into()]);
        let ranges = mem::replace(&mut self.range_depth, 0);
        self.enter(pos, ctx)?;
        let (list, end) = self.item_list(false)?;
        self.depth -= 1;
        self.vars = vars;
        self.range_depth = ranges;
        match end {
            Stop::End(_) => Ok(list),
            Stop::Else(p) => err(p, format!("unexpected {{{{else}}}} in {ctx}")),
            Stop::Eof => err(pos, format!("unexpected EOF: {ctx} has no {{{{end}}}}")),
        }
    }

    fn define(&mut self, pos: usize) -> PResult<()> {
        let name = self.template_name("define clause")?;
        self.expect_right("define clause")?;
        let body = self.body(pos, "define clause")?;
        self.add_define(pos, name, body)
    }

    fn block(&mut self, pos: usize) -> PResult<Node> {
        let name = self.template_name("block clause")?;
        let pipe = self.pipeline("block clause", &Tok::Right)?;
        let body = self.body(pos, "block clause")?;
        self.add_define(pos, name.clone(), body)?;
        Ok(Node::Template { pos, name, pipe: Some(pipe) })
    }

    fn add_define(&mut self, pos: usize, name: String, body: List) -> PResult<()> {
        match self.defines.get(&name) {
            Some(old) if !is_empty(old) && !is_empty(&body) => {
                err(pos, format!("template: multiple definition of template {name:?}"))
            }
            Some(old) if !is_empty(old) => Ok(()),
            _ => {
                self.defines.insert(name, Arc::new(body));
                Ok(())
            }
        }
    }

    fn pipeline(&mut self, ctx: &str, end: &Tok) -> PResult<Pipe> {
        let pos = self.peek_non_space().pos;
        let mut decl = Vec::new();
        let mut is_assign = false;
        if let Tok::Var(v) = &self.peek_non_space().tok {
            let save = self.i;
            self.next();
            let after = self.peek_non_space();
            match after.tok {
                Tok::Declare | Tok::Assign => {
                    self.next();
                    is_assign = after.tok == Tok::Assign;
                    decl.push(v.clone());
                }
                Tok::Comma if ctx == "range" => {
                    self.next();
                    let t2 = self.next_non_space();
                    let Tok::Var(v2) = &t2.tok else {
                        return err(t2.pos, "range can only initialize variables");
                    };
                    let op = self.next_non_space();
                    match op.tok {
                        Tok::Declare => {}
                        Tok::Assign => is_assign = true,
                        _ => return err(op.pos, format!("unexpected {} in range", describe(op))),
                    }
                    decl = vec![v.clone(), v2.clone()];
                }
                Tok::Comma => return err(after.pos, format!("too many declarations in {ctx}")),
                _ => self.i = save,
            }
        }
        for name in &decl {
            if is_assign {
                if !self.vars.contains(name) {
                    return Err(PErr::UndefVar(pos, name.clone()));
                }
            } else {
                self.vars.push(name.clone());
            }
        }
        let mut cmds = Vec::new();
        loop {
            let t = self.peek_non_space();
            if &t.tok == end {
                self.next();
                break;
            }
            match t.tok {
                Tok::Right | Tok::RParen | Tok::Eof | Tok::Pipe => {
                    return err(t.pos, format!("unexpected {} in {ctx}", describe(t)));
                }
                _ => cmds.push(self.command()?),
            }
        }
        if cmds.is_empty() {
            return err(pos, format!("missing value for {ctx}"));
        }
        for (i, c) in cmds.iter().enumerate().skip(1) {
            if let Some(a) = c.args.first() {
                if matches!(a.kind, ArgKind::Bool(_) | ArgKind::Dot | ArgKind::Nil | ArgKind::Num(_) | ArgKind::Str(_))
                {
                    return err(a.pos, format!("non executable command in pipeline stage {}", i + 1));
                }
            }
        }
        Ok(Pipe { pos, is_assign, decl, cmds })
    }

    fn command(&mut self) -> PResult<Cmd> {
        let pos = self.peek().pos;
        let mut args = Vec::new();
        loop {
            self.skip_space();
            if let Some(op) = self.operand()? {
                args.push(op);
            }
            let t = self.next();
            match t.tok {
                Tok::Space => continue,
                Tok::Right | Tok::RParen => {
                    self.i -= 1;
                    break;
                }
                Tok::Pipe => break,
                _ => return err(t.pos, format!("unexpected {} in operand", describe(t))),
            }
        }
        if args.is_empty() {
            return err(pos, "empty command");
        }
        Ok(Cmd { pos, args })
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(term) = self.term()? else {
            return Ok(None);
        };
        if !matches!(self.peek().tok, Tok::Field(_)) {
            return Ok(Some(term));
        }
        let mut fields = Vec::new();
        while let Tok::Field(f) = &self.peek().tok {
            fields.push(f.clone());
            self.next();
        }
        let pos = term.pos;
        let kind = match term.kind {
            ArgKind::Field(mut f) => {
                f.extend(fields);
                ArgKind::Field(f)
            }
            ArgKind::Var(v, mut f) => {
                f.extend(fields);
                ArgKind::Var(v, f)
            }
            k @ (ArgKind::Bool(_) | ArgKind::Str(_) | ArgKind::Num(_) | ArgKind::Nil | ArgKind::Dot) => {
                return err(pos, format!("unexpected . after term {}", k.describe()));
            }
            k => ArgKind::Chain(Box::new(Arg { pos, kind: k }), fields),
        };
        Ok(Some(Arg { pos, kind }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let t = self.peek();
        let kind = match &t.tok {
            Tok::Ident(n) => ArgKind::Ident(n.clone()),
            Tok::Dot => ArgKind::Dot,
            Tok::Nil => ArgKind::Nil,
            Tok::Bool(b) => ArgKind::Bool(*b),
            Tok::Char(c) => ArgKind::Num(Num::Int(*c)),
            Tok::Number(s) => ArgKind::Num(parse_number(s).map_err(|m| PErr::Msg(t.pos, m))?),
            Tok::Str(s) => ArgKind::Str(s.clone()),
            Tok::Field(f) => ArgKind::Field(vec![f.clone()]),
            Tok::Var(v) => {
                if !self.vars.contains(v) {
                    return Err(PErr::UndefVar(t.pos, v.clone()));
                }
                ArgKind::Var(v.clone(), Vec::new())
            }
            Tok::LParen => {
                self.next();
                self.enter(t.pos, "parenthesized pipeline")?;
                let p = self.pipeline("parenthesized pipeline", &Tok::RParen)?;
                self.depth -= 1;
                return Ok(Some(Arg { pos: t.pos, kind: ArgKind::Pipe(Box::new(p)) }));
            }
            _ => return Ok(None),
        };
        self.next();
        Ok(Some(Arg { pos: t.pos, kind }))
    }
}

/// Converts a Go number literal: integers (decimal, `0x`, `0o`, `0b`, leading-`0` octal, `_` separators) stay
/// integers; anything with a `.`, exponent or `p` is a float.
pub(crate) fn parse_number(text: &str) -> Result<Num, String> {
    if text.ends_with('i') {
        return Err(format!("complex numbers are not supported: {text:?}"));
    }
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, &clean[..]),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit()) {
        (8, &lower[1..])
    } else {
        (10, &lower[..])
    };
    let is_float = if radix == 16 { digits.contains(['.', 'p']) } else { digits.contains(['.', 'e']) };
    if is_float {
        if radix != 10 {
            return Err(format!("hexadecimal floats are not supported: {text:?}"));
        }
        return match clean.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Num::Float(f)),
            _ => Err(format!("illegal number syntax: {text:?}")),
        };
    }
    let Ok(u) = u64::from_str_radix(digits, radix) else {
        let all_digits = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        return Err(if all_digits {
            format!("integer overflow: {text:?}")
        } else {
            format!("illegal number syntax: {text:?}")
        });
    };
    if neg {
        if u <= i64::MAX as u64 {
            Ok(Num::Int(-(u as i64)))
        } else if u == i64::MAX as u64 + 1 {
            Ok(Num::Int(i64::MIN))
        } else {
            Err(format!("integer overflow: {text:?}"))
        }
    } else if u <= i64::MAX as u64 {
        Ok(Num::Int(u as i64))
    } else {
        Ok(Num::Uint(u))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("42").unwrap(), Num::Int(42));
        assert_eq!(parse_number("-0x1F").unwrap(), Num::Int(-31));
        assert_eq!(parse_number("017").unwrap(), Num::Int(15));
        assert_eq!(parse_number("0b101").unwrap(), Num::Int(5));
        assert_eq!(parse_number("1_000").unwrap(), Num::Int(1000));
        assert_eq!(parse_number("1e3").unwrap(), Num::Float(1000.0));
        assert_eq!(parse_number(".5").unwrap(), Num::Float(0.5));
        assert_eq!(parse_number("18446744073709551615").unwrap(), Num::Uint(u64::MAX));
        assert!(parse_number("99999999999999999999").is_err());
        assert!(parse_number("09").is_err());
        assert!(parse_number("1i").is_err());
    }
}
