//! Sprig's defaults, lists, dicts, math, conversion and reflection functions that InfraKit templates use.

use serde_json::{Map, Value};

use super::{checked, int_arg, plain, str_arg, to_f64, to_i64, want, want_range, FuncMap, MAX_ELEMS};
use crate::value::{float, to_go_string, truth, type_name};

fn list_arg(a: &[Value], i: usize) -> Result<Vec<Value>, String> {
    match a.get(i) {
        Some(Value::Array(v)) => Ok(v.clone()),
        Some(Value::Null) => Ok(Vec::new()),
        Some(v) => Err(format!("wrong type for value; expected list; got {}", type_name(v))),
        None => Err(format!("missing argument {}", i + 1)),
    }
}

fn dict_arg(a: &[Value], i: usize) -> Result<&Map<String, Value>, String> {
    if let Some(sp) = a.get(i).and_then(crate::gotype::special) {
        return Err(format!("wrong type for value; expected map[string]interface {{}}; got {}", sp.type_name()));
    }
    match a.get(i) {
        Some(Value::Object(m)) => Ok(m),
        Some(v) => Err(format!("wrong type for value; expected map[string]interface {{}}; got {}", type_name(v))),
        None => Err(format!("missing argument {}", i + 1)),
    }
}

fn list(v: Vec<Value>) -> Result<Value, String> {
    checked(Value::Array(v))
}

fn int(i: i64) -> Result<Value, String> {
    Ok(Value::from(i))
}

fn count_list(from: i64, to: i64, step: i64) -> Result<Value, String> {
    if step == 0 {
        return Ok(Value::Array(Vec::new()));
    }
    let n = to.saturating_sub(from).checked_div(step).unwrap_or(i64::MAX).saturating_add(1);
    if n > MAX_ELEMS {
        return Err(format!("more than {MAX_ELEMS} elements"));
    }
    let mut out = Vec::new();
    let mut i = from;
    while (step > 0 && i < to) || (step < 0 && i > to) {
        out.push(Value::from(i));
        i = match i.checked_add(step) {
            Some(n) => n,
            None => break,
        };
    }
    Ok(Value::Array(out))
}

pub(super) fn register(m: &mut FuncMap) {
    // Defaults.
    plain(m, &["default"], |a| {
        want_range(a, 1, 2)?;
        Ok(match a.get(1) {
            Some(g) if truth(g) => g.clone(),
            _ => a[0].clone(),
        })
    });
    plain(m, &["empty"], |a| {
        want(a, 1)?;
        Ok(Value::Bool(!truth(&a[0])))
    });
    plain(m, &["coalesce"], |a| Ok(a.iter().find(|v| truth(v)).cloned().unwrap_or(Value::Null)));
    plain(m, &["ternary"], |a| {
        want(a, 3)?;
        match &a[2] {
            Value::Bool(b) => Ok(if *b { a[0].clone() } else { a[1].clone() }),
            v => Err(format!("wrong type for value; expected bool; got {}", type_name(v))),
        }
    });

    // Lists.
    plain(m, &["list", "tuple"], |a| list(a.to_vec()));
    plain(m, &["first"], |a| {
        want(a, 1)?;
        Ok(list_arg(a, 0)?.first().cloned().unwrap_or(Value::Null))
    });
    plain(m, &["last"], |a| {
        want(a, 1)?;
        Ok(list_arg(a, 0)?.last().cloned().unwrap_or(Value::Null))
    });
    plain(m, &["rest"], |a| {
        want(a, 1)?;
        let l = list_arg(a, 0)?;
        Ok(if l.is_empty() { Value::Null } else { Value::Array(l[1..].to_vec()) })
    });
    plain(m, &["initial"], |a| {
        want(a, 1)?;
        let l = list_arg(a, 0)?;
        Ok(if l.is_empty() { Value::Null } else { Value::Array(l[..l.len() - 1].to_vec()) })
    });
    plain(m, &["append", "push"], |a| {
        want(a, 2)?;
        let mut l = list_arg(a, 0)?;
        l.push(a[1].clone());
        list(l)
    });
    plain(m, &["prepend"], |a| {
        want(a, 2)?;
        let mut l = list_arg(a, 0)?;
        l.insert(0, a[1].clone());
        list(l)
    });
    plain(m, &["concat"], |a| {
        let mut out = Vec::new();
        for i in 0..a.len() {
            out.extend(list_arg(a, i)?);
        }
        list(out)
    });
    plain(m, &["reverse"], |a| {
        want(a, 1)?;
        let mut l = list_arg(a, 0)?;
        l.reverse();
        Ok(Value::Array(l))
    });
    plain(m, &["uniq"], |a| {
        want(a, 1)?;
        let mut out: Vec<Value> = Vec::new();
        for v in list_arg(a, 0)? {
            if !out.contains(&v) {
                out.push(v);
            }
        }
        Ok(Value::Array(out))
    });
    plain(m, &["without"], |a| {
        want_range(a, 1, usize::MAX)?;
        let l = list_arg(a, 0)?;
        Ok(Value::Array(l.into_iter().filter(|v| !a[1..].contains(v)).collect()))
    });
    plain(m, &["has"], |a| {
        want(a, 2)?;
        Ok(Value::Bool(list_arg(a, 1)?.contains(&a[0])))
    });
    plain(m, &["compact"], |a| {
        want(a, 1)?;
        Ok(Value::Array(list_arg(a, 0)?.into_iter().filter(truth).collect()))
    });
    plain(m, &["sortAlpha"], |a| {
        want(a, 1)?;
        let mut l = super::sprig_strings::strslice(&a[0]);
        l.sort();
        Ok(Value::Array(l.into_iter().map(Value::String).collect()))
    });
    plain(m, &["toStrings"], |a| {
        want(a, 1)?;
        Ok(Value::Array(super::sprig_strings::strslice(&a[0]).into_iter().map(Value::String).collect()))
    });
    plain(m, &["until"], |a| {
        want(a, 1)?;
        let n = int_arg(a, 0)?;
        count_list(0, n, if n >= 0 { 1 } else { -1 })
    });
    plain(m, &["untilStep"], |a| {
        want(a, 3)?;
        count_list(int_arg(a, 0)?, int_arg(a, 1)?, int_arg(a, 2)?)
    });
    plain(m, &["seq"], |a| {
        let (from, step, to) = match a.len() {
            1 => (1, 1, int_arg(a, 0)?),
            2 => (int_arg(a, 0)?, 1, int_arg(a, 1)?),
            3 => (int_arg(a, 0)?, int_arg(a, 1)?, int_arg(a, 2)?),
            n => return Err(format!("wrong number of args: want 1 to 3 got {n}")),
        };
        let step = if a.len() < 3 && to < from { -1 } else { step };
        let end = if step > 0 { to.saturating_add(1) } else { to.saturating_sub(1) };
        if (step > 0 && to < from) || (step < 0 && to > from) {
            return Ok(Value::String(String::new()));
        }
        let nums = count_list(from, end, step)?;
        Ok(Value::String(super::sprig_strings::strslice(&nums).join(" ")))
    });

    // Dicts.
    plain(m, &["dict"], |a| {
        let mut d = Map::new();
        for pair in a.chunks(2) {
            d.insert(to_go_string(&pair[0]), pair.get(1).cloned().unwrap_or_else(|| Value::String(String::new())));
        }
        checked(Value::Object(d))
    });
    // sprig/dict.go `set`/`unset` change the map in place (Go maps are references), so the variable passed
    // in sees the change; the map is also returned.
    m.insert(
        "set".into(),
        super::FuncImpl::InPlace(|a| {
            want(a, 3)?;
            let mut d = dict_arg(a, 0)?.clone();
            d.insert(str_arg(a, 1)?.to_string(), a[2].clone());
            checked(Value::Object(d))
        }),
    );
    m.insert(
        "unset".into(),
        super::FuncImpl::InPlace(|a| {
            want(a, 2)?;
            let mut d = dict_arg(a, 0)?.clone();
            d.remove(str_arg(a, 1)?);
            Ok(Value::Object(d))
        }),
    );
    plain(m, &["keys"], |a| {
        let mut keys = Vec::new();
        for i in 0..a.len() {
            keys.extend(dict_arg(a, i)?.keys().cloned());
        }
        keys.sort();
        Ok(Value::Array(keys.into_iter().map(Value::String).collect()))
    });
    plain(m, &["values"], |a| {
        want(a, 1)?;
        let d = dict_arg(a, 0)?;
        let mut kv: Vec<(&String, &Value)> = d.iter().collect();
        kv.sort_by(|x, y| x.0.cmp(y.0));
        Ok(Value::Array(kv.into_iter().map(|(_, v)| v.clone()).collect()))
    });
    plain(m, &["hasKey"], |a| {
        want(a, 2)?;
        Ok(Value::Bool(dict_arg(a, 0)?.contains_key(str_arg(a, 1)?)))
    });
    plain(m, &["pluck"], |a| {
        want_range(a, 1, usize::MAX)?;
        let k = str_arg(a, 0)?;
        let mut out = Vec::new();
        for i in 1..a.len() {
            if let Some(v) = dict_arg(a, i)?.get(k) {
                out.push(v.clone());
            }
        }
        list(out)
    });
    plain(m, &["pick"], |a| {
        want_range(a, 1, usize::MAX)?;
        let d = dict_arg(a, 0)?;
        let keep: Vec<String> = a[1..].iter().map(to_go_string).collect();
        Ok(Value::Object(d.iter().filter(|(k, _)| keep.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect()))
    });
    plain(m, &["omit"], |a| {
        want_range(a, 1, usize::MAX)?;
        let d = dict_arg(a, 0)?;
        let drop: Vec<String> = a[1..].iter().map(to_go_string).collect();
        Ok(Value::Object(d.iter().filter(|(k, _)| !drop.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect()))
    });

    // Math (Sprig converts everything to int64).
    plain(m, &["add"], |a| int(a.iter().fold(0i64, |s, v| s.wrapping_add(to_i64(v)))));
    plain(m, &["add1"], |a| {
        want(a, 1)?;
        int(to_i64(&a[0]).wrapping_add(1))
    });
    plain(m, &["sub"], |a| {
        want(a, 2)?;
        int(to_i64(&a[0]).wrapping_sub(to_i64(&a[1])))
    });
    plain(m, &["mul"], |a| {
        want_range(a, 1, usize::MAX)?;
        int(a.iter().fold(1i64, |s, v| s.wrapping_mul(to_i64(v))))
    });
    plain(m, &["div"], |a| {
        want(a, 2)?;
        match to_i64(&a[1]) {
            0 => Err("runtime error: integer divide by zero".into()),
            d => int(to_i64(&a[0]).wrapping_div(d)),
        }
    });
    plain(m, &["mod"], |a| {
        want(a, 2)?;
        match to_i64(&a[1]) {
            0 => Err("runtime error: integer divide by zero".into()),
            d => int(to_i64(&a[0]).wrapping_rem(d)),
        }
    });
    plain(m, &["max", "biggest"], |a| {
        want_range(a, 1, usize::MAX)?;
        int(a.iter().map(to_i64).max().unwrap_or(0))
    });
    plain(m, &["min"], |a| {
        want_range(a, 1, usize::MAX)?;
        int(a.iter().map(to_i64).min().unwrap_or(0))
    });

    // Conversions.
    plain(m, &["atoi"], |a| {
        want(a, 1)?;
        int(crate::options::go_atoi(str_arg(a, 0)?).unwrap_or(0))
    });
    plain(m, &["int", "int64"], |a| {
        want(a, 1)?;
        int(to_i64(&a[0]))
    });
    plain(m, &["float64"], |a| {
        want(a, 1)?;
        Ok(float(to_f64(&a[0])))
    });

    // Reflection.
    plain(m, &["typeOf"], |a| {
        want(a, 1)?;
        Ok(Value::String(type_name(&a[0]).to_string()))
    });
    plain(m, &["kindOf"], |a| {
        want(a, 1)?;
        Ok(Value::String(kind(&a[0]).to_string()))
    });
    plain(m, &["kindIs"], |a| {
        want(a, 2)?;
        Ok(Value::Bool(str_arg(a, 0)? == kind(&a[1])))
    });
    plain(m, &["typeIs"], |a| {
        want(a, 2)?;
        Ok(Value::Bool(str_arg(a, 0)? == type_name(&a[1])))
    });
    // sprig reflect.go typeIsLike: the type, or a pointer to it.
    plain(m, &["typeIsLike"], |a| {
        want(a, 2)?;
        let (target, t) = (str_arg(a, 0)?, type_name(&a[1]));
        Ok(Value::Bool(target == t || t.strip_prefix('*') == Some(target)))
    });
    plain(m, &["deepEqual"], |a| {
        want(a, 2)?;
        Ok(Value::Bool(a[0] == a[1]))
    });
}

fn kind(v: &Value) -> &'static str {
    if crate::gotype::special(v).is_some() {
        return "struct";
    }
    match v {
        Value::Null => "invalid",
        Value::Array(_) => "slice",
        Value::Object(_) => "map",
        v => type_name(v),
    }
}
