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
    if let Some(sp) = crate::gotype::special(v) {
        return write(out, &sp.to_json(), style, level);
    }
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
    // Floats that are not integers are written by the vendored yaml.v2 (encode.go `floatv`) as
    // `strconv.FormatFloat(f, 'g', -1, 32)`, which serde_yaml cannot do: they go in as plain-word
    // placeholders (a prefix no string of `v` contains) replaced afterwards, the highest index first.
    let json = json_compact(v);
    let prefix = (0u64..).map(|n| format!("ikfloat{n}q")).find(|p| !json.contains(p.as_str())).unwrap_or_default();
    let mut floats = Vec::new();
    let y = to_yaml(v, &prefix, &mut floats);
    let mut text = serde_yaml_ng::to_string(&y).map_err(|e| e.to_string())?;
    for (i, f) in floats.iter().enumerate().rev() {
        text = text.replace(&format!("{prefix}{i}"), f);
    }
    Ok(text)
}

fn to_yaml(v: &Value, prefix: &str, floats: &mut Vec<String>) -> serde_yaml_ng::Value {
    use serde_yaml_ng::Value as Y;
    if let Some(sp) = crate::gotype::special(v) {
        return to_yaml(&sp.to_json(), prefix, floats);
    }
    match v {
        Value::Null => Y::Null,
        Value::Bool(b) => Y::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Y::Number(i.into()),
            (None, Some(u)) => Y::Number(u.into()),
            _ => yaml_float(n.as_f64().unwrap_or(0.0), prefix, floats),
        },
        Value::String(s) => Y::String(s.clone()),
        Value::Array(a) => Y::Sequence(a.iter().map(|x| to_yaml(x, prefix, floats)).collect()),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut map = serde_yaml_ng::Mapping::new();
            for k in keys {
                if let Some(x) = m.get(k) {
                    map.insert(Y::String(k.clone()), to_yaml(x, prefix, floats));
                }
            }
            Y::Mapping(map)
        }
    }
}

/// A float as `ghodss/yaml` writes it: it re-reads Go's JSON text of the float as YAML, so a float that
/// `encoding/json` writes without a fraction or exponent (integral, below 1e21) becomes a YAML integer;
/// any other is a float, written as yaml.v2 does (a placeholder here, see [`yaml_encode`]).
fn yaml_float(f: f64, prefix: &str, floats: &mut Vec<String>) -> serde_yaml_ng::Value {
    let text = go_json_float(f);
    if let Ok(i) = text.parse::<i64>() {
        return serde_yaml_ng::Value::Number(i.into());
    }
    if let Ok(u) = text.parse::<u64>() {
        return serde_yaml_ng::Value::Number(u.into());
    }
    floats.push(crate::fmt::g_shortest_f32(f as f32));
    serde_yaml_ng::Value::String(format!("{prefix}{}", floats.len() - 1))
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
        // yaml.v2 encode.go floatv: FormatFloat(f, 'g', -1, 32); integral floats come back as ints.
        let floats: Vec<serde_json::Value> = (0..11).map(|i| json!(0.5 + f64::from(i))).collect();
        let y =
            yaml_encode(&json!({"a": 3.0, "b": std::f64::consts::PI, "c": 1234567.5, "d": floats, "ikfloat0q": 1e-7}))
                .unwrap();
        assert_eq!(
            y,
            "a: 3\nb: 3.1415927\nc: 1.2345675e+06\nd:\n- 0.5\n- 1.5\n- 2.5\n- 3.5\n- 4.5\n- 5.5\n- 6.5\n- 7.5\n- 8.5\n- 9.5\n- 10.5\nikfloat0q: 1e-07\n"
        );
        assert_eq!(yaml_decode("a: 1\n2: [x, 1.5]\n").unwrap(), json!({"a": 1, "2": ["x", 1.5]}));
    }
}
