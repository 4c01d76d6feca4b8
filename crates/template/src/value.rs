//! The data model is `serde_json::Value`; this module gives it Go's template semantics: truthiness,
//! type names for messages, and conversions used by functions.

use serde_json::{Number, Value};

/// Go's notion of truth: false, 0, "", nil and empty lists and maps are false.
pub fn truth(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// The Go type a value corresponds to, as Go prints it in messages (`int`, `float64`, `string`...).
pub(crate) fn type_name(v: &Value) -> &'static str {
    if let Some(sp) = crate::gotype::special(v) {
        return sp.type_name();
    }
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() => "int",
        Value::Number(n) if n.is_u64() => "uint64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// An integer value (i64, or u64 that fits), if `v` is one.
pub(crate) fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// `v` as Go's `encoding/json` decodes it into an `interface{}`: every number becomes a `float64` (so
/// `{{.n}}` of 1000000 prints `1e+06`, and 3 prints `3`). Use it for data that Go InfraKit would have
/// decoded from JSON or YAML before rendering (`jsonDecode`, `yamlDecode` and `q` results already are).
pub fn go_decoded(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.is_i64() || n.is_u64() => float(n.as_f64().unwrap_or(0.0)),
        Value::Array(a) => Value::Array(a.iter().map(go_decoded).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), go_decoded(x))).collect()),
        other => other.clone(),
    }
}

/// A float value if `v` is a non-integer number.
pub(crate) fn as_float(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => n.as_f64(),
        _ => None,
    }
}

/// A float as a JSON value (non-finite floats become null: JSON cannot hold them).
pub(crate) fn float(f: f64) -> Value {
    Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
}

/// Go's `fmt.Sprint` of one value (`%v`): strings raw, nil as `<nil>`, lists `[a b]`, maps `map[k:v]`.
pub fn to_go_string(v: &Value) -> String {
    match v {
        Value::String(s) if !s.starts_with('\u{0}') => s.clone(),
        _ => {
            let mut out = String::new();
            crate::fmt::format_v(&mut out, v);
            out
        }
    }
}

/// Whether `v` is a Go string (not a Go value disguised as one, see [`crate::gotype`]).
fn is_go_string(v: &Value) -> bool {
    v.is_string() && crate::gotype::special(v).is_none()
}

/// Go's `fmt.Sprint(args...)`: a space between operands when neither is a string.
pub(crate) fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !is_go_string(a) && !is_go_string(&args[i - 1]) {
            out.push(' ');
        }
        crate::fmt::format_v(&mut out, a);
    }
    out
}

/// Go's `fmt.Sprintln(args...)`: spaces between all operands and a newline.
pub(crate) fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        crate::fmt::format_v(&mut out, a);
    }
    out.push('\n');
    out
}
