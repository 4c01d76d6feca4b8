//! InfraKit's template engine for Rust.
//!
//! Go `text/template` semantics over JSON values ([`serde_json::Value`]): actions, trim markers, comments,
//! pipelines, variables, `if`/`range`/`with`/`define`/`template`/`block`/`break`/`continue`, Go's
//! truthiness and printing, and the builtins (`and or not len index slice print printf println html js
//! urlquery eq ne lt le gt ge`). On top of that, InfraKit v0.5's functions (`var include source fetch
//! jsonEncode ... metadata`), v0.4.1's (`global def ref to_json from_json`) and the Sprig functions
//! InfraKit's examples use. Templates come from `file://`, `http://`, `str://` URLs or plain paths through
//! a [`Fetcher`], so tests can use a [`MemoryFetcher`]. What nested templates may read is bounded by a
//! [`SourcePolicy`]: their own directory tree and the directories the operator allows; HTTP only when allowed.
//!
//! ```
//! use infrakit_template::{Options, Template};
//! let t = Template::from_text("str://", r#"{{ range $k, $v := . }}{{ $k }}={{ $v }} {{ end }}"#, &Options::default())?;
//! assert_eq!(t.render(&serde_json::json!({"b": 2, "a": 1}))?, "a=1 b=2 ");
//! # Ok::<(), infrakit_template::Error>(())
//! ```
//!
//! Differences from Go worth knowing: integers in JSON data stay integers (Go's `encoding/json` would make
//! them `float64`, so `{{.n}}` of 1000000 prints `1000000` here where Go prints `1e+06`); `eq`/`lt` compare
//! ints and floats numerically instead of refusing; `loop N` yields `0..N` rather than empty structs;
//! function names are checked when rendering starts (Go checks them when parsing).

#![deny(missing_docs)]

mod ast;
mod check;
mod error;
mod exec;
mod fmt;
mod funcs;
mod http;
mod lex;
mod options;
mod parse;
mod policy;
mod scope;
mod source;
mod template;
mod unit;
mod url;
mod value;

pub use error::{Error, Pos, Result};
pub use exec::MAX_DEPTH;
pub use options::{Func, MetadataResolver, Options};
pub use policy::{PolicyError, SourcePolicy};
pub use serde_json::Value;
pub use source::{DefaultFetcher, Fetcher, MemoryFetcher};
pub use template::Template;
pub use url::Url;
pub use value::{to_go_string, truth};
