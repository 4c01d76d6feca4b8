//! The lexer: splits template text into text and action tokens, the way Go's `text/template/parse` does
//! (trim markers, comments, strings with Go escapes, raw strings, numbers, fields, variables).

/// Keywords inside actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kw {
    Block,
    Break,
    Continue,
    Define,
    Else,
    End,
    If,
    Range,
    Template,
    With,
}

/// A token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// Plain text between actions (already trimmed by trim markers).
    Text(String),
    /// The left delimiter.
    Left,
    /// The right delimiter.
    Right,
    /// A run of spaces inside an action.
    Space,
    /// A function name.
    Ident(String),
    /// A keyword.
    Kw(Kw),
    /// `.Name` (the name without the dot).
    Field(String),
    /// `$name` or `$` (with the dollar).
    Var(String),
    /// `.` alone.
    Dot,
    /// A quoted or raw string, unescaped.
    Str(String),
    /// A character constant such as `'a'`, as its code point.
    Char(i64),
    /// A number as written.
    Number(String),
    /// `true` or `false`.
    Bool(bool),
    /// `nil`.
    Nil,
    /// `|`.
    Pipe,
    /// `(`.
    LParen,
    /// `)`.
    RParen,
    /// `:=`.
    Declare,
    /// `=`.
    Assign,
    /// `,`.
    Comma,
    /// End of input.
    Eof,
}

/// A token and the byte offset where it starts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub pos: usize,
}

/// A lexical error at a byte offset.
#[derive(Debug)]
pub(crate) struct LexError {
    pub pos: usize,
    pub msg: String,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

struct Lexer<'a> {
    src: &'a str,
    left: &'a str,
    right: &'a str,
    pos: usize,
    toks: Vec<Token>,
}

/// Splits `src` into tokens using the given delimiters.
pub(crate) fn lex(src: &str, left: &str, right: &str) -> Result<Vec<Token>, LexError> {
    let mut lx = Lexer { src, left, right, pos: 0, toks: Vec::new() };
    lx.run()?;
    Ok(lx.toks)
}

impl<'a> Lexer<'a> {
    fn err<T>(&self, pos: usize, msg: impl Into<String>) -> Result<T, LexError> {
        Err(LexError { pos, msg: msg.into() })
    }

    fn push(&mut self, tok: Tok, pos: usize) {
        self.toks.push(Token { tok, pos });
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// `<space>-` followed by the right delimiter at `s`.
    fn right_trim_at(&self, s: &str) -> bool {
        let mut it = s.chars();
        matches!(it.next(), Some(c) if is_space(c)) && s[1..].starts_with('-') && s[2..].starts_with(self.right)
    }

    fn run(&mut self) -> Result<(), LexError> {
        let mut trim_next = false;
        loop {
            let rest = self.rest();
            let found = rest.find(self.left);
            let end = found.unwrap_or(rest.len());
            let mut text = &rest[..end];
            let mut text_pos = self.pos;
            let after = self.pos + end + self.left.len();
            let trim_left = found.is_some() && {
                let a = &self.src[after..];
                a.starts_with('-') && a[1..].chars().next().is_some_and(is_space)
            };
            if trim_next {
                let t = text.trim_start_matches(is_space);
                text_pos += text.len() - t.len();
                text = t;
            }
            if trim_left {
                text = text.trim_end_matches(is_space);
            }
            if !text.is_empty() {
                self.push(Tok::Text(text.to_string()), text_pos);
            }
            let Some(i) = found else {
                self.push(Tok::Eof, self.src.len());
                return Ok(());
            };
            let delim_pos = self.pos + i;
            self.pos = after + if trim_left { 2 } else { 0 };
            if self.rest().starts_with("/*") {
                trim_next = self.comment(delim_pos)?;
            } else {
                self.push(Tok::Left, delim_pos);
                trim_next = self.action(delim_pos)?;
            }
        }
    }

    /// Skips a comment; returns whether the closing delimiter had a trim marker.
    fn comment(&mut self, start: usize) -> Result<bool, LexError> {
        let Some(end) = self.rest()[2..].find("*/") else {
            return self.err(start, "unclosed comment");
        };
        self.pos += 2 + end + 2;
        let rest = self.rest();
        if self.right_trim_at(rest) {
            self.pos += 2 + self.right.len();
            Ok(true)
        } else if rest.starts_with(self.right) {
            self.pos += self.right.len();
            Ok(false)
        } else {
            self.err(start, "comment ends before closing delimiter")
        }
    }

    /// Lexes inside an action up to and including the right delimiter; returns whether it had a trim marker.
    fn action(&mut self, start: usize) -> Result<bool, LexError> {
        let mut parens = 0usize;
        loop {
            let rest = self.rest();
            let at = self.pos;
            let trimmed = self.right_trim_at(rest);
            if trimmed || rest.starts_with(self.right) {
                if parens > 0 {
                    return self.err(at, "unclosed left paren");
                }
                self.push(Tok::Right, at);
                self.pos += self.right.len() + if trimmed { 2 } else { 0 };
                return Ok(trimmed);
            }
            let Some(c) = self.peek() else {
                return self.err(start, "unclosed action");
            };
            match c {
                c if is_space(c) => {
                    while let Some(c) = self.peek() {
                        if !is_space(c) || self.right_trim_at(self.rest()) {
                            break;
                        }
                        self.pos += c.len_utf8();
                    }
                    if self.pos > at {
                        self.push(Tok::Space, at);
                    }
                }
                '=' => self.single(Tok::Assign),
                ':' => {
                    if !rest.starts_with(":=") {
                        return self.err(at, "expected :=");
                    }
                    self.pos += 2;
                    self.push(Tok::Declare, at);
                }
                '|' => self.single(Tok::Pipe),
                ',' => self.single(Tok::Comma),
                '(' => {
                    parens += 1;
                    self.single(Tok::LParen);
                }
                ')' => {
                    if parens == 0 {
                        return self.err(at, "unexpected right paren");
                    }
                    parens -= 1;
                    self.single(Tok::RParen);
                }
                '"' => self.quoted()?,
                '`' => self.raw()?,
                '\'' => self.char_const()?,
                '$' => {
                    self.pos += 1;
                    let name = self.alnum_run();
                    self.check_terminator(at)?;
                    self.push(Tok::Var(format!("${name}")), at);
                }
                '.' => {
                    if rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
                        self.number()?;
                    } else {
                        self.pos += 1;
                        let name = self.alnum_run();
                        self.check_terminator(at)?;
                        let tok = if name.is_empty() { Tok::Dot } else { Tok::Field(name.to_string()) };
                        self.push(tok, at);
                    }
                }
                '+' | '-' | '0'..='9' => self.number()?,
                c if is_alnum(c) => {
                    let word = self.alnum_run();
                    self.check_terminator(at)?;
                    let tok = match word {
                        "block" => Tok::Kw(Kw::Block),
                        "break" => Tok::Kw(Kw::Break),
                        "continue" => Tok::Kw(Kw::Continue),
                        "define" => Tok::Kw(Kw::Define),
                        "else" => Tok::Kw(Kw::Else),
                        "end" => Tok::Kw(Kw::End),
                        "if" => Tok::Kw(Kw::If),
                        "range" => Tok::Kw(Kw::Range),
                        "template" => Tok::Kw(Kw::Template),
                        "with" => Tok::Kw(Kw::With),
                        "true" => Tok::Bool(true),
                        "false" => Tok::Bool(false),
                        "nil" => Tok::Nil,
                        w => Tok::Ident(w.to_string()),
                    };
                    self.push(tok, at);
                }
                c => return self.err(at, format!("unexpected {c:?} in action")),
            }
        }
    }

    fn single(&mut self, tok: Tok) {
        let at = self.pos;
        self.pos += 1;
        self.push(tok, at);
    }

    fn alnum_run(&mut self) -> &'a str {
        let rest = self.rest();
        let n = rest.find(|c: char| !is_alnum(c)).unwrap_or(rest.len());
        self.pos += n;
        &rest[..n]
    }

    /// After a word, field or variable only a space, `.`, `,`, `|`, `:`, `=`, a paren or the delimiter may follow.
    fn check_terminator(&self, start: usize) -> Result<(), LexError> {
        let rest = self.rest();
        match rest.chars().next() {
            None => Ok(()),
            Some(c) if is_space(c) || ".,|:=()".contains(c) => Ok(()),
            Some(_) if rest.starts_with(self.right) => Ok(()),
            Some(c) => self.err(start, format!("bad character {c:?}")),
        }
    }

    fn number(&mut self) -> Result<(), LexError> {
        let at = self.pos;
        let b = self.src.as_bytes();
        let mut i = self.pos;
        let accept = |i: &mut usize, set: &str| -> bool {
            if *i < b.len() && set.as_bytes().contains(&b[*i]) {
                *i += 1;
                true
            } else {
                false
            }
        };
        let run = |i: &mut usize, set: &str| {
            while *i < b.len() && set.as_bytes().contains(&b[*i]) {
                *i += 1;
            }
        };
        accept(&mut i, "+-");
        let mut digits = "0123456789_";
        if accept(&mut i, "0") {
            if accept(&mut i, "xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if accept(&mut i, "oO") {
                digits = "01234567_";
            } else if accept(&mut i, "bB") {
                digits = "01_";
            }
        }
        run(&mut i, digits);
        if accept(&mut i, ".") {
            run(&mut i, digits);
        }
        if digits.len() == 11 && accept(&mut i, "eE") {
            accept(&mut i, "+-");
            run(&mut i, "0123456789_");
        }
        if digits.len() == 23 && accept(&mut i, "pP") {
            accept(&mut i, "+-");
            run(&mut i, "0123456789_");
        }
        accept(&mut i, "i");
        let text = &self.src[at..i];
        let next_alnum = self.src[i..].chars().next().is_some_and(is_alnum);
        if next_alnum || !text.bytes().any(|c| c.is_ascii_digit()) {
            let end = self.src[i..].find(|c: char| !is_alnum(c)).map(|n| i + n).unwrap_or(self.src.len());
            return self.err(at, format!("bad number syntax: {:?}", &self.src[at..end.max(i)]));
        }
        self.pos = i;
        self.push(Tok::Number(text.to_string()), at);
        Ok(())
    }

    fn quoted(&mut self) -> Result<(), LexError> {
        let at = self.pos;
        let mut it = self.rest().char_indices().skip(1);
        loop {
            match it.next() {
                None | Some((_, '\n')) => return self.err(at, "unterminated quoted string"),
                Some((_, '\\')) => match it.next() {
                    None | Some((_, '\n')) => return self.err(at, "unterminated quoted string"),
                    Some(_) => {}
                },
                Some((j, '"')) => {
                    let body = &self.rest()[1..j];
                    let s = unescape(body, '"').map_err(|m| LexError { pos: at, msg: m })?;
                    self.pos += j + 1;
                    self.push(Tok::Str(s), at);
                    return Ok(());
                }
                Some(_) => {}
            }
        }
    }

    fn raw(&mut self) -> Result<(), LexError> {
        let at = self.pos;
        let Some(j) = self.rest()[1..].find('`') else {
            return self.err(at, "unterminated raw quoted string");
        };
        let s = self.rest()[1..1 + j].replace('\r', "");
        self.pos += j + 2;
        self.push(Tok::Str(s), at);
        Ok(())
    }

    fn char_const(&mut self) -> Result<(), LexError> {
        let at = self.pos;
        let mut it = self.rest().char_indices().skip(1);
        loop {
            match it.next() {
                None | Some((_, '\n')) => return self.err(at, "unterminated character constant"),
                Some((_, '\\')) => {
                    if matches!(it.next(), None | Some((_, '\n'))) {
                        return self.err(at, "unterminated character constant");
                    }
                }
                Some((j, '\'')) => {
                    let body = &self.rest()[1..j];
                    let s = unescape(body, '\'').map_err(|m| LexError { pos: at, msg: m })?;
                    let mut chars = s.chars();
                    let (Some(c), None) = (chars.next(), chars.next()) else {
                        return self.err(at, format!("malformed character constant: '{body}'"));
                    };
                    self.pos += j + 1;
                    self.push(Tok::Char(c as i64), at);
                    return Ok(());
                }
                Some(_) => {}
            }
        }
    }
}

/// Interprets Go escape sequences in the body of a quoted string or character constant.
pub(crate) fn unescape(body: &str, quote: char) -> Result<String, String> {
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut it = body.chars().peekable();
    let bad = || format!("invalid syntax in quoted string: {quote}{body}{quote}");
    while let Some(c) = it.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let e = it.next().ok_or_else(bad)?;
        let simple = match e {
            'a' => Some(7u8),
            'b' => Some(8),
            'f' => Some(12),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(11),
            '\\' => Some(b'\\'),
            '"' if quote == '"' => Some(b'"'),
            '\'' if quote == '\'' => Some(b'\''),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            continue;
        }
        let mut take = |n: usize, radix: u32| -> Result<u32, String> {
            let mut v: u32 = 0;
            for _ in 0..n {
                let d = it.next().and_then(|c| c.to_digit(radix)).ok_or_else(bad)?;
                v = v.checked_mul(radix).and_then(|v| v.checked_add(d)).ok_or_else(bad)?;
            }
            Ok(v)
        };
        match e {
            'x' => out.push(take(2, 16)? as u8),
            '0'..='7' => {
                let rest = take(2, 8)?;
                let v = (e as u32 - '0' as u32) * 64 + rest;
                if v > 255 {
                    return Err(bad());
                }
                out.push(v as u8);
            }
            'u' | 'U' => {
                let v = take(if e == 'u' { 4 } else { 8 }, 16)?;
                let c = char::from_u32(v).ok_or_else(bad)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            _ => return Err(bad()),
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        lex(src, "{{", "}}").unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn trims_and_comments() {
        assert_eq!(
            kinds("a  {{- 3 -}}  b"),
            vec![
                Tok::Text("a".into()),
                Tok::Left,
                Tok::Number("3".into()),
                Tok::Right,
                Tok::Text("b".into()),
                Tok::Eof
            ]
        );
        assert_eq!(kinds("x {{- /* c */ -}} y"), vec![Tok::Text("x".into()), Tok::Text("y".into()), Tok::Eof]);
        assert_eq!(kinds("{{-3}}"), vec![Tok::Left, Tok::Number("-3".into()), Tok::Right, Tok::Eof]);
        assert!(lex("{{/* x */ 3}}", "{{", "}}").is_err());
        assert!(lex("{{ 3 ", "{{", "}}").is_err());
    }

    #[test]
    fn words_and_literals() {
        assert_eq!(
            kinds(r#"{{$x := .A.b "q\n" `r` 'a' nil}}"#),
            vec![
                Tok::Left,
                Tok::Var("$x".into()),
                Tok::Space,
                Tok::Declare,
                Tok::Space,
                Tok::Field("A".into()),
                Tok::Field("b".into()),
                Tok::Space,
                Tok::Str("q\n".into()),
                Tok::Space,
                Tok::Str("r".into()),
                Tok::Space,
                Tok::Char(97),
                Tok::Space,
                Tok::Nil,
                Tok::Right,
                Tok::Eof
            ]
        );
        assert_eq!(unescape(r"\x41\101\u00e9\U0001F600", '"').unwrap(), "AAé😀");
        assert!(unescape(r"\q", '"').is_err());
    }
}
