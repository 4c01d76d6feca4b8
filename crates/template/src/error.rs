//! Errors: every one names the template URL, the line and column, and the name involved.

use std::fmt;
use std::time::Duration;

/// A position in a template: its URL, 1-based line and 1-based column (in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pos {
    /// The template's URL (for `str://` templates, a shortened form of the text).
    pub url: String,
    /// Line, starting at 1.
    pub line: usize,
    /// Column in characters, starting at 1.
    pub col: usize,
}

impl Pos {
    /// Computes the line and column of byte `offset` in `src`.
    pub(crate) fn at(url: &str, src: &str, offset: usize) -> Pos {
        let mut end = offset.min(src.len());
        while end > 0 && !src.is_char_boundary(end) {
            end -= 1;
        }
        let before = &src[..end];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = before[line_start..].chars().count() + 1;
        Pos { url: url.to_string(), line, col }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.url, self.line, self.col)
    }
}

/// Everything that can go wrong when loading, parsing or rendering a template.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Error {
    /// The root template could not be loaded (bad URL, unreadable file, HTTP error).
    #[error("cannot fetch {url}: {reason}")]
    Load {
        /// The URL that was asked for.
        url: String,
        /// Why it failed.
        reason: String,
    },
    /// The template text is malformed (unclosed action, unexpected token, bad literal...).
    #[error("{pos}: {msg}")]
    Parse {
        /// Where.
        pos: Pos,
        /// What.
        msg: String,
    },
    /// A function is called that is not defined.
    #[error("{pos}: function \"{name}\" not defined")]
    FunctionNotDefined {
        /// Where the call is.
        pos: Pos,
        /// The function's name.
        name: String,
    },
    /// A `$variable` is used that is not declared.
    #[error("{pos}: undefined variable \"{name}\"")]
    UndefinedVariable {
        /// Where it is used.
        pos: Pos,
        /// Its name, with the `$`.
        name: String,
    },
    /// `{{template "name"}}` names a template that is not defined.
    #[error("{pos}: template \"{name}\" not defined")]
    TemplateNotDefined {
        /// Where the call is.
        pos: Pos,
        /// The template's name.
        name: String,
    },
    /// A function returned an error.
    #[error("{pos}: error calling {name}: {msg}")]
    Call {
        /// Where the call is.
        pos: Pos,
        /// The function's name.
        name: String,
        /// The function's error.
        msg: String,
    },
    /// Evaluation failed (field of a non-map, range over a scalar, comparison of mismatched types...).
    #[error("{pos}: {name}: {msg}")]
    Exec {
        /// Where.
        pos: Pos,
        /// The field, variable or construct involved.
        name: String,
        /// What went wrong.
        msg: String,
    },
    /// A template includes or sources itself, directly or indirectly.
    #[error("{pos}: include loop: {}", chain.join(" -> "))]
    IncludeLoop {
        /// The `include`/`source` call that closes the loop.
        pos: Pos,
        /// The URLs of the loop, the first repeated at the end.
        chain: Vec<String>,
    },
    /// `include`, `source` or `fetch` could not get a URL.
    #[error("{pos}: cannot fetch {url}: {reason}")]
    Fetch {
        /// Where the call is.
        pos: Pos,
        /// The resolved URL.
        url: String,
        /// Why it failed.
        reason: String,
    },
    /// The [`SourcePolicy`](crate::SourcePolicy) refused the URL an `include`, `source` or `fetch` asked for.
    #[error("{pos}: {source}")]
    Policy {
        /// Where the call is.
        pos: Pos,
        /// Which policy refused what (boxed: errors travel through every frame of a deep render).
        source: Box<crate::policy::PolicyError>,
    },
    /// Template calls, includes, nested blocks or parentheses nest deeper than the engine allows.
    #[error("{pos}: {name}: nesting deeper than {limit} levels")]
    TooDeep {
        /// Where the limit was hit.
        pos: Pos,
        /// The construct that went too deep.
        name: String,
        /// The limit.
        limit: usize,
    },
    /// Rendering took more evaluation steps (nodes, range iterations, function calls) than
    /// [`Options::max_steps`](crate::Options::max_steps) allows; included templates share the budget.
    #[error("{pos}: template exceeded its step budget of {limit} steps (Options.max_steps)")]
    StepBudget {
        /// Where the budget ran out.
        pos: Pos,
        /// The budget.
        limit: u64,
    },
    /// Rendering took longer than [`Options::time_limit`](crate::Options::time_limit).
    #[error("{pos}: template exceeded its time limit of {limit:?} (Options.time_limit)")]
    TimeLimit {
        /// Where rendering was when the limit was noticed.
        pos: Pos,
        /// The limit.
        limit: Duration,
    },
    /// Rendering was stopped through [`Options::cancel`](crate::Options::cancel).
    #[error("{pos}: template rendering was cancelled (Options.cancel)")]
    Cancelled {
        /// Where rendering was when it stopped.
        pos: Pos,
    },
}

impl Error {
    /// The position the error refers to, if it has one (all but [`Error::Load`]).
    pub fn pos(&self) -> Option<&Pos> {
        match self {
            Error::Load { .. } => None,
            Error::Parse { pos, .. }
            | Error::FunctionNotDefined { pos, .. }
            | Error::UndefinedVariable { pos, .. }
            | Error::TemplateNotDefined { pos, .. }
            | Error::Call { pos, .. }
            | Error::Exec { pos, .. }
            | Error::IncludeLoop { pos, .. }
            | Error::Fetch { pos, .. }
            | Error::Policy { pos, .. }
            | Error::TooDeep { pos, .. }
            | Error::StepBudget { pos, .. }
            | Error::TimeLimit { pos, .. }
            | Error::Cancelled { pos } => Some(pos),
        }
    }
}

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
