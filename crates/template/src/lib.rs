//! InfraKit's template engine for Rust.
//!
//! Go `text/template` semantics over JSON values ([`serde_json::Value`]): actions, trim markers, comments,
//! pipelines, variables, `if`/`range`/`with`/`define`/`template`/`block`/`break`/`continue`, Go's
//! truthiness and printing, and the builtins (`and or not len index slice print printf println html js
//! urlquery eq ne lt le gt ge`). On top of that, InfraKit v0.5's functions (`var include source fetch q
//! jsonEncode ... iniDecode loop metadata`), v0.4.1's (`global def ref to_json from_json`) and the Sprig
//! 2.10 functions InfraKit's examples use (strings, lists, dicts with `set`/`unset`, math, encodings,
//! `sha256sum`, dates with `now date dateInZone htmlDate dateModify`). Templates come from `file://`, `http://`, `str://` URLs or plain paths through
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
//! Numbers print as Go prints them: template constants and function results (`add`, `len`) are ints,
//! while data Go InfraKit would have decoded from JSON or YAML is `float64`, which `%v` prints in the
//! shortest form, in exponent form when the exponent is below -4 or at least 6 (`3`, `3.5`, `1e+06`,
//! `1e-05`): `jsonDecode`, `yamlDecode` and `from_json` make such data (`q` keeps the numbers of what it
//! queries), and [`go_decoded`] makes any value so. Data passed to
//! [`Template::render`] keeps its integers (as Go structs with int fields would). `loop N` yields `N` empty
//! structs (printed `{}`); `now` and `dateModify` yield `time.Time` values for Sprig's date functions.
//!
//! Differences from Go worth knowing: `eq`/`lt` compare ints and floats numerically instead of refusing;
//! integer parameters (`loop`, `until`...) accept integral floats; `set`/`unset` change a map in place
//! only when it is passed as a variable (`set $d "k" v`, `set $d.a "k" v`), not through `.` or an alias;
//! a printed `now` lacks Go's monotonic-clock suffix `m=+...`; function names are checked when rendering
//! starts (Go checks them when parsing).

#![deny(missing_docs)]

mod ast;
mod check;
mod error;
mod exec;
mod fmt;
mod funcs;
mod gotype;
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
pub use value::{go_decoded, to_go_string, truth};
