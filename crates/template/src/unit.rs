//! A parsed template source: its name, base URL, text and tree.

use std::sync::Arc;

use crate::ast::Parsed;
use crate::error::{Error, Pos, Result};
use crate::parse::PErr;
use crate::url::Url;

/// One template source, parsed.
#[derive(Debug)]
pub(crate) struct Unit {
    /// The URL it was loaded from.
    pub url: Url,
    /// The name used in errors and include chains.
    pub name: String,
    /// What relative references resolve against.
    pub base: Url,
    /// The text.
    pub src: Arc<str>,
    /// The tree.
    pub parsed: Parsed,
}

impl Unit {
    /// Lexes and parses `text`.
    pub(crate) fn parse(url: Url, base: Url, text: String, left: &str, right: &str) -> Result<Unit> {
        let name = crate::source::display_name(&url);
        let src: Arc<str> = Arc::from(text);
        let at = |off: usize| Pos::at(&name, &src, off);
        let toks = crate::lex::lex(&src, left, right).map_err(|e| Error::Parse { pos: at(e.pos), msg: e.msg })?;
        let parsed = crate::parse::parse(&toks).map_err(|e| match e {
            PErr::Msg(off, msg) => Error::Parse { pos: at(off), msg },
            PErr::UndefVar(off, name) => Error::UndefinedVariable { pos: at(off), name },
            PErr::TooDeep(off, name) => Error::TooDeep { pos: at(off), name, limit: crate::parse::MAX_PARSE_DEPTH },
        })?;
        Ok(Unit { url, name, base, src, parsed })
    }

    /// The position of a byte offset.
    pub(crate) fn pos(&self, offset: usize) -> Pos {
        Pos::at(&self.name, &self.src, offset)
    }
}
