//! Go's `text/template` builtins: and, or, not, len, index, slice, print, printf, println, html, js,
//! urlquery, eq, ne, lt, le, gt, ge.

use serde_json::Value;

use super::{int_arg, plain, str_arg, want, want_range, FuncImpl, FuncMap};
use crate::value::{sprint, sprintln, truth, type_name};

pub(super) fn register(m: &mut FuncMap) {
    m.insert("and".into(), FuncImpl::And);
    m.insert("or".into(), FuncImpl::Or);
    plain(m, &["not"], |a| {
        want(a, 1)?;
        Ok(Value::Bool(!truth(&a[0])))
    });
    plain(m, &["len"], len);
    plain(m, &["index"], index);
    plain(m, &["slice"], slice);
    plain(m, &["print"], |a| Ok(Value::String(sprint(a))));
    plain(m, &["println"], |a| Ok(Value::String(sprintln(a))));
    plain(m, &["printf"], |a| {
        want_range(a, 1, usize::MAX)?;
        Ok(Value::String(crate::fmt::sprintf(str_arg(a, 0)?, &a[1..])))
    });
    plain(m, &["html"], |a| Ok(Value::String(html_escape(&eval_args(a)))));
    plain(m, &["js"], |a| Ok(Value::String(js_escape(&eval_args(a)))));
    plain(m, &["urlquery"], |a| Ok(Value::String(query_escape(&eval_args(a)))));
    plain(m, &["eq"], |a| {
        match a.len() {
            0 => return Err("wrong number of args: want at least 1 got 0".into()),
            1 => return Err("missing argument for comparison".into()),
            _ => {}
        }
        for b in &a[1..] {
            if eq(&a[0], b)? {
                return Ok(Value::Bool(true));
            }
        }
        Ok(Value::Bool(false))
    });
    plain(m, &["ne"], |a| {
        want(a, 2)?;
        Ok(Value::Bool(!eq(&a[0], &a[1])?))
    });
    plain(m, &["lt"], |a| {
        want(a, 2)?;
        Ok(Value::Bool(lt(&a[0], &a[1])?))
    });
    plain(m, &["le"], |a| {
        want(a, 2)?;
        Ok(Value::Bool(lt(&a[0], &a[1])? || eq(&a[0], &a[1])?))
    });
    plain(m, &["gt"], |a| {
        want(a, 2)?;
        Ok(Value::Bool(!(lt(&a[0], &a[1])? || eq(&a[0], &a[1])?)))
    });
    plain(m, &["ge"], |a| {
        want(a, 2)?;
        Ok(Value::Bool(!lt(&a[0], &a[1])?))
    });
}

fn len(a: &[Value]) -> Result<Value, String> {
    want(a, 1)?;
    if let Some(sp) = crate::gotype::special(&a[0]) {
        return Err(format!("len of type {}", sp.type_name()));
    }
    match &a[0] {
        Value::String(s) => Ok(Value::from(s.len())),
        Value::Array(v) => Ok(Value::from(v.len())),
        Value::Object(m) => Ok(Value::from(m.len())),
        Value::Null => Err("len of nil pointer".into()),
        v => Err(format!("len of type {}", type_name(v))),
    }
}

fn index(a: &[Value]) -> Result<Value, String> {
    want_range(a, 1, usize::MAX)?;
    let mut cur = a[0].clone();
    for i in 1..a.len() {
        if let Some(sp) = crate::gotype::special(&cur) {
            return Err(format!("can't index item of type {}", sp.type_name()));
        }
        cur = match cur {
            Value::Array(mut v) => {
                let n =
                    int_arg(a, i).map_err(|_| format!("cannot index slice/array with type {}", type_name(&a[i])))?;
                if n < 0 || n as usize >= v.len() {
                    return Err(format!("index out of range: {n}"));
                }
                v.swap_remove(n as usize)
            }
            Value::String(s) => {
                let n = int_arg(a, i).map_err(|_| format!("cannot index string with type {}", type_name(&a[i])))?;
                match usize::try_from(n).ok().and_then(|n| s.as_bytes().get(n)) {
                    Some(b) => Value::from(*b),
                    None => return Err(format!("index out of range: {n}")),
                }
            }
            Value::Object(mut m) => match &a[i] {
                Value::String(k) => m.remove(k).unwrap_or(Value::Null),
                Value::Null => Value::Null,
                k => return Err(format!("value has type {}; should be string", type_name(k))),
            },
            Value::Null => return Err("index of untyped nil".into()),
            v => return Err(format!("can't index item of type {}", type_name(&v))),
        };
    }
    Ok(cur)
}

fn slice(a: &[Value]) -> Result<Value, String> {
    want_range(a, 1, 3)?;
    let len = match &a[0] {
        Value::String(s) => s.len(),
        Value::Array(v) => v.len(),
        Value::Null => return Err("slice of untyped nil".into()),
        v => return Err(format!("can't slice item of type {}", type_name(v))),
    };
    let mut idx = [0usize, len];
    for i in 1..a.len() {
        let n = int_arg(a, i)?;
        if n < 0 || n as usize > len {
            return Err(format!("index out of range: {n}"));
        }
        idx[i - 1] = n as usize;
    }
    if a.len() == 4 || idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    match &a[0] {
        Value::String(s) => {
            let bytes = &s.as_bytes()[idx[0]..idx[1]];
            Ok(Value::String(String::from_utf8_lossy(bytes).into_owned()))
        }
        Value::Array(v) => Ok(Value::Array(v[idx[0]..idx[1]].to_vec())),
        _ => Ok(Value::Null),
    }
}

/// The argument of html/js/urlquery: a lone string as is, anything else through `fmt.Sprint`.
fn eval_args(a: &[Value]) -> String {
    match a {
        [v @ Value::String(s)] if crate::gotype::special(v).is_none() => s.clone(),
        _ => sprint(a),
    }
}

/// Go's `template.HTMLEscapeString`.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub(crate) fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if !c.is_ascii() && (c.is_control() || c == '\u{2028}' || c == '\u{2029}') => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

enum Basic<'v> {
    Nil,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(&'v str),
    Other,
}

fn basic(v: &Value) -> Basic<'_> {
    match v {
        Value::Null => Basic::Nil,
        Value::Bool(b) => Basic::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Basic::Int(i as i128),
            (None, Some(u)) => Basic::Int(u as i128),
            _ => Basic::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => Basic::Str(s),
        _ => Basic::Other,
    }
}

/// Go's `eq` for two values; ints and floats compare numerically (Go would refuse to mix them, but JSON data
/// makes that distinction arbitrary).
fn eq(a: &Value, b: &Value) -> Result<bool, String> {
    Ok(match (basic(a), basic(b)) {
        (Basic::Nil, _) | (_, Basic::Nil) => a.is_null() && b.is_null(),
        (Basic::Bool(x), Basic::Bool(y)) => x == y,
        (Basic::Int(x), Basic::Int(y)) => x == y,
        (Basic::Float(x), Basic::Float(y)) => x == y,
        (Basic::Int(x), Basic::Float(y)) | (Basic::Float(y), Basic::Int(x)) => x as f64 == y,
        (Basic::Str(x), Basic::Str(y)) => x == y,
        (Basic::Other, Basic::Other) => {
            return Err(format!("non-comparable types {}: {}", type_name(a), type_name(b)));
        }
        _ => return Err("incompatible types for comparison".into()),
    })
}

fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    Ok(match (basic(a), basic(b)) {
        (Basic::Nil | Basic::Other, _) | (_, Basic::Nil | Basic::Other) | (Basic::Bool(_), Basic::Bool(_)) => {
            return Err("invalid type for comparison".into());
        }
        (Basic::Int(x), Basic::Int(y)) => x < y,
        (Basic::Float(x), Basic::Float(y)) => x < y,
        (Basic::Int(x), Basic::Float(y)) => (x as f64) < y,
        (Basic::Float(x), Basic::Int(y)) => x < y as f64,
        (Basic::Str(x), Basic::Str(y)) => x < y,
        _ => return Err("incompatible types for comparison".into()),
    })
}
