//! Options for loading and rendering templates.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::policy::SourcePolicy;
use crate::source::{DefaultFetcher, Fetcher};

/// A function callers add to templates (e.g. the group controller's `INSTANCE_LOGICAL_ID`). It gets the
/// evaluated arguments (the piped value last) and returns a value or an error message.
pub type Func = Arc<dyn Fn(&[Value]) -> Result<Value, String> + Send + Sync>;

/// Resolves `metadata "plugin/path"` calls (the CLI adapts its plugin discovery and RPC client to this).
pub trait MetadataResolver: Send + Sync {
    /// `Ok(None)` means the plugin is not running (the template function then returns `false`). A path
    /// naming only a plugin is an existence test: resolvers return `Some(true)` when it runs.
    fn resolve(&self, path: &str) -> Result<Option<Value>, String>;
}

/// How templates are loaded and rendered.
#[derive(Clone)]
pub struct Options {
    /// Left and right delimiters; empty strings mean `{{` and `}}`.
    pub delims: (String, String),
    /// When set, reading an unset `var` returns the text ``{{ var `NAME` }}`` (with these delimiters) so a
    /// later pass can resolve it.
    pub multi_pass: bool,
    /// Initial globals readable with `var` (the CLI's `--var k=v`, see [`Options::parse_var`]).
    pub vars: BTreeMap<String, Value>,
    /// Initial string globals readable with `ref` (v0.4.1's `--global k=v`, see [`Options::parse_global`]).
    pub globals: BTreeMap<String, String>,
    /// Enables the `metadata` function.
    pub metadata: Option<Arc<dyn MetadataResolver>>,
    /// Loads `file://`, `http://` and other URLs (default: [`DefaultFetcher`]).
    pub fetcher: Arc<dyn Fetcher>,
    /// Extra functions; they take precedence over every built-in one.
    pub funcs: BTreeMap<String, Func>,
    /// The most evaluation steps one render may take (each node executed, each `range` iteration, each
    /// function call), included and sourced templates counted with the one that includes them; beyond it
    /// rendering fails with [`Error::StepBudget`](crate::Error::StepBudget). Default:
    /// [`Options::DEFAULT_MAX_STEPS`]; `u64::MAX` means no budget.
    pub max_steps: u64,
    /// How long one render may run (includes counted), checked every few thousand steps; beyond it rendering
    /// fails with [`Error::TimeLimit`](crate::Error::TimeLimit). A single function call is not interrupted.
    /// Default: [`Options::DEFAULT_TIME_LIMIT`]; `None` means no limit.
    pub time_limit: Option<Duration>,
    /// When set, rendering stops with [`Error::Cancelled`](crate::Error::Cancelled) soon after the flag
    /// becomes true (checked as often as the time limit), e.g. because whoever waits for the result went away.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Which files and URLs `include`, `source` and `fetch` may read (see [`SourcePolicy`]). Default:
    /// [`SourcePolicy::process_default`] (strict unless the program installed another).
    pub policy: SourcePolicy,
}

impl Options {
    /// The default [`Options::max_steps`]: ten million steps (a second or two in a debug build, less in release).
    pub const DEFAULT_MAX_STEPS: u64 = 10_000_000;
    /// The default [`Options::time_limit`]: ten seconds.
    pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(10);
}

impl Default for Options {
    fn default() -> Options {
        Options {
            delims: (String::new(), String::new()),
            multi_pass: false,
            vars: BTreeMap::new(),
            globals: BTreeMap::new(),
            metadata: None,
            fetcher: Arc::new(DefaultFetcher),
            funcs: BTreeMap::new(),
            max_steps: Options::DEFAULT_MAX_STEPS,
            time_limit: Some(Options::DEFAULT_TIME_LIMIT),
            cancel: None,
            policy: SourcePolicy::process_default(),
        }
    }
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("delims", &self.delims)
            .field("multi_pass", &self.multi_pass)
            .field("vars", &self.vars)
            .field("globals", &self.globals)
            .field("metadata", &self.metadata.is_some())
            .field("funcs", &self.funcs.keys().collect::<Vec<_>>())
            .field("max_steps", &self.max_steps)
            .field("time_limit", &self.time_limit)
            .field("cancel", &self.cancel.is_some())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Options {
    /// The left delimiter.
    pub fn left(&self) -> &str {
        if self.delims.0.is_empty() {
            "{{"
        } else {
            &self.delims.0
        }
    }

    /// The right delimiter.
    pub fn right(&self) -> &str {
        if self.delims.1.is_empty() {
            "}}"
        } else {
            &self.delims.1
        }
    }

    /// Parses a `--var k=v` flag the way InfraKit v0.5 does: split at the first `=`; the value becomes an
    /// integer if it parses as one, else a bool if it parses as one (Go's `ParseBool`), else a string.
    /// `None` if there is no `=`.
    pub fn parse_var(kv: &str) -> Option<(String, Value)> {
        let (k, v) = kv.split_once('=')?;
        let value = if let Some(i) = go_atoi(v) {
            Value::from(i)
        } else if let Some(b) = go_parse_bool(v) {
            Value::Bool(b)
        } else {
            Value::String(v.to_string())
        };
        Some((k.to_string(), value))
    }

    /// Parses a v0.4.1 `--global k=v` flag: exactly one `=` (pairs with more are ignored: `None`), key and
    /// value trimmed, the value kept as a string.
    pub fn parse_global(kv: &str) -> Option<(String, String)> {
        let mut parts = kv.split('=');
        let (k, v) = (parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        Some((k.trim().to_string(), v.trim().to_string()))
    }

    /// Adds a `--var k=v` (see [`Options::parse_var`]); `Err` names the malformed flag.
    pub fn var(mut self, kv: &str) -> Result<Options, String> {
        let (k, v) = Options::parse_var(kv).ok_or_else(|| format!("bad --var {kv:?}: want key=value"))?;
        self.vars.insert(k, v);
        Ok(self)
    }

    /// Adds a function available to every template loaded with these options.
    pub fn func<F>(mut self, name: &str, f: F) -> Options
    where
        F: Fn(&[Value]) -> Result<Value, String> + Send + Sync + 'static,
    {
        self.funcs.insert(name.to_string(), Arc::new(f));
        self
    }

    /// The globals a render starts with: `globals` as strings, then `vars` (which win).
    pub(crate) fn initial_globals(&self) -> BTreeMap<String, Value> {
        let mut g: BTreeMap<String, Value> =
            self.globals.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        g.extend(self.vars.iter().map(|(k, v)| (k.clone(), v.clone())));
        g
    }
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, fits in 64 bits.
pub(crate) fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Go's `strconv.ParseBool`.
pub(crate) fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn vars_and_globals_parse_like_infrakit() {
        assert_eq!(Options::parse_var("n=3"), Some(("n".into(), json!(3))));
        assert_eq!(Options::parse_var("b=true"), Some(("b".into(), json!(true))));
        assert_eq!(Options::parse_var("s=a=b"), Some(("s".into(), json!("a=b"))));
        assert_eq!(Options::parse_var("e="), Some(("e".into(), json!(""))));
        assert_eq!(Options::parse_var("nope"), None);
        assert_eq!(Options::parse_global(" k = v "), Some(("k".into(), "v".into())));
        assert_eq!(Options::parse_global("k=v=w"), None);
        assert_eq!(Options::parse_global("k"), None);
    }
}
