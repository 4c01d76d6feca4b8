//! JSON and YAML encoding/decoding the way InfraKit's Go functions do it (`encoding/json` output: sorted
//! keys, HTML-safe escapes, Go float formatting; YAML through JSON like `ghodss/yaml`).

use serde_json::Value;

use crate::value::to_go_string;

/// Go's `json.MarshalIndent(v, prefix, indent)`.
pub(crate) fn json_indent(v: &Value, prefix: &str, indent: &str) -> String {
    let mut out = String::new();
    write(&mut out, v, Some((prefix, indent)), 0);
    out
}

/// Go's `json.Marshal(v)`.
pub(crate) fn json_compact(v: &Value) -> String {
    let mut out = String::new();
    write(&mut out, v, None, 0);
    out
}

fn newline(out: &mut String, style: Option<(&str, &str)>, level: usize) {
    if let Some((prefix, indent)) = style {
        out.push('\n');
        out.push_str(prefix);
        for _ in 0..level {
            out.push_str(indent);
        }
    }
}

fn write(out: &mut String, v: &Value, style: Option<(&str, &str)>, level: usize) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => out.push_str(&i.to_string()),
            (None, Some(u)) => out.push_str(&u.to_string()),
            _ => out.push_str(&go_json_float(n.as_f64().unwrap_or(0.0))),
        },
        Value::String(s) => write_str(out, s),
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, style, level + 1);
                write(out, x, style, level + 1);
            }
            newline(out, style, level);
            out.push(']');
        }
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::Object(m) => {
            out.push('{');
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, style, level + 1);
                write_str(out, k);
                out.push(':');
                if style.is_some() {
                    out.push(' ');
                }
                if let Some(x) = m.get(k) {
                    write(out, x, style, level + 1);
                }
            }
            newline(out, style, level);
            out.push('}');
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `encoding/json` float format: `%f`-like between 1e-6 and 1e21, else exponent with at least one digit.
fn go_json_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        // Go writes e+21 but e-7 (it strips the padding zero of negative exponents).
        return if exp < 0 { format!("{mant}e-{}", -exp) } else { format!("{mant}e+{exp:02}") };
    }
    format!("{f}")
}

/// Go's `yaml.Marshal` via JSON (`ghodss/yaml`): keys sorted.
pub(crate) fn yaml_encode(v: &Value) -> Result<String, String> {
    serde_yaml_ng::to_string(&to_yaml(v)).map_err(|e| e.to_string())
}

fn to_yaml(v: &Value) -> serde_yaml_ng::Value {
    use serde_yaml_ng::Value as Y;
    match v {
        Value::Null => Y::Null,
        Value::Bool(b) => Y::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Y::Number(i.into()),
            (None, Some(u)) => Y::Number(u.into()),
            _ => Y::Number(n.as_f64().unwrap_or(0.0).into()),
        },
        Value::String(s) => Y::String(s.clone()),
        Value::Array(a) => Y::Sequence(a.iter().map(to_yaml).collect()),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut map = serde_yaml_ng::Mapping::new();
            for k in keys {
                if let Some(x) = m.get(k) {
                    map.insert(Y::String(k.clone()), to_yaml(x));
                }
            }
            Y::Mapping(map)
        }
    }
}

/// Go's `yaml.Unmarshal` into a generic value (`ghodss/yaml`): map keys become strings.
pub(crate) fn yaml_decode(s: &str) -> Result<Value, String> {
    let y: serde_yaml_ng::Value = serde_yaml_ng::from_str(s).map_err(|e| e.to_string())?;
    from_yaml(&y)
}

fn from_yaml(y: &serde_yaml_ng::Value) -> Result<Value, String> {
    use serde_yaml_ng::Value as Y;
    Ok(match y {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map(Value::Number).ok_or_else(|| format!("{f} cannot be JSON"))?
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(a) => Value::Array(a.iter().map(from_yaml).collect::<Result<_, _>>()?),
        Y::Mapping(m) => {
            let mut out = serde_json::Map::new();
            for (k, v) in m {
                let key = match from_yaml(k)? {
                    Value::String(s) => s,
                    other => to_go_string(&other),
                };
                out.insert(key, from_yaml(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => from_yaml(&t.value)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_like_go() {
        let v = json!({"b": "x > y && z <w>", "a": 1.0, "c": 1.2345678901234568e22, "d": [], "e": {}, "f": [1, null]});
        assert_eq!(
            json_indent(&v, "", "  "),
            "{\n  \"a\": 1,\n  \"b\": \"x \\u003e y \\u0026\\u0026 z \\u003cw\\u003e\",\n  \"c\": 1.2345678901234568e+22,\n  \"d\": [],\n  \"e\": {},\n  \"f\": [\n    1,\n    null\n  ]\n}"
        );
        assert_eq!(json_compact(&json!({"a": [1, 2.5, 1e-7]})), "{\"a\":[1,2.5,1e-7]}");
        assert_eq!(json_indent(&json!([1]), "> ", "\t"), "[\n> \t1\n> ]");
    }

    #[test]
    fn yaml_round_trip() {
        let y = yaml_encode(&json!({"b": [1, "x"], "a": true})).unwrap();
        assert_eq!(y, "a: true\nb:\n- 1\n- x\n");
        assert_eq!(yaml_decode("a: 1\n2: [x, 1.5]\n").unwrap(), json!({"a": 1, "2": ["x", 1.5]}));
    }
}
