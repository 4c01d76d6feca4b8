//! Go values that JSON cannot hold but InfraKit's functions return: `struct{}` (the elements of v0.5's
//! `loop`) and `time.Time` (Sprig's `now`, `dateModify`). `struct{}{}` travels through the engine as the
//! string `"\u0000struct {}"` (cheap: `loop` may make millions), a time as a JSON object with the reserved
//! key `"\u0000go"`; no InfraKit spec has a NUL in a string or key. Printing, encoding, `len`, field access
//! and the type functions treat them as Go would.

use serde_json::{Map, Value};

/// The reserved key that marks a Go value.
const TAG: &str = "\u{0}go";
/// What `struct{}{}` is as a string.
const STRUCT_TEXT: &str = "\u{0}struct {}";
const STRUCT: &str = "struct {}";
const TIME: &str = "time.Time";

/// A Go value that has no JSON form of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Special {
    /// `struct{}{}`.
    EmptyStruct,
    /// A `time.Time`.
    Time(GoTime),
}

/// A `time.Time`: an instant and the location it is shown in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GoTime {
    /// Seconds since the Unix epoch.
    pub secs: i64,
    /// Nanoseconds within the second (0..1e9).
    pub nanos: u32,
    /// The location: `Local`, `UTC` or an IANA name (Go's `*time.Location`).
    pub zone: String,
}

/// `struct{}{}` as a value.
pub(crate) fn empty_struct() -> Value {
    Value::String(STRUCT_TEXT.into())
}

/// A `time.Time` as a value.
pub(crate) fn time(t: &GoTime) -> Value {
    let mut m = Map::new();
    m.insert(TAG.into(), Value::String(TIME.into()));
    m.insert("s".into(), Value::from(t.secs));
    m.insert("ns".into(), Value::from(t.nanos));
    m.insert("loc".into(), Value::String(t.zone.clone()));
    Value::Object(m)
}

/// The Go value `v` stands for, if it is one.
pub(crate) fn special(v: &Value) -> Option<Special> {
    let m = match v {
        Value::String(s) if s.starts_with('\u{0}') => return (s == STRUCT_TEXT).then_some(Special::EmptyStruct),
        Value::Object(m) => m,
        _ => return None,
    };
    match m.get(TAG)?.as_str()? {
        TIME => Some(Special::Time(GoTime {
            secs: m.get("s")?.as_i64()?,
            nanos: u32::try_from(m.get("ns")?.as_u64()?).ok()?,
            zone: m.get("loc")?.as_str()?.to_string(),
        })),
        _ => None,
    }
}

impl Special {
    /// The Go type name (`%T`, `typeOf`).
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Special::EmptyStruct => STRUCT,
            Special::Time(_) => TIME,
        }
    }

    /// Go's `fmt.Sprint`: `{}` for `struct{}{}`, `Time.String()` for a time (without the monotonic clock
    /// reading `m=+...` Go appends to `time.Now()`: it is process-relative and no template can rely on it).
    pub(crate) fn to_go_string(&self) -> String {
        match self {
            Special::EmptyStruct => "{}".into(),
            Special::Time(t) => crate::funcs::gotime::format(t, "2006-01-02 15:04:05.999999999 -0700 MST"),
        }
    }

    /// Go's `json.Marshal`: `{}` for a struct without fields, RFC 3339 with nanoseconds for a time.
    pub(crate) fn to_json(&self) -> Value {
        match self {
            Special::EmptyStruct => Value::Object(Map::new()),
            Special::Time(t) => Value::String(crate::funcs::gotime::format(t, "2006-01-02T15:04:05.999999999Z07:00")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(special(&empty_struct()), Some(Special::EmptyStruct));
        let t = GoTime { secs: -5, nanos: 7, zone: "UTC".into() };
        assert_eq!(special(&time(&t)), Some(Special::Time(t)));
        assert_eq!(special(&serde_json::json!({"a": 1})), None);
    }
}
