//! Template functions: Go's builtins, the Sprig subset InfraKit templates use, and InfraKit's own.

use std::collections::HashMap;

use serde_json::Value;

use crate::error::Result;
use crate::exec::{Exec, Site};
use crate::options::Options;
use crate::value::{as_float, as_int, type_name};

mod builtin;
pub(crate) mod codec;
pub(crate) mod gotime;
mod infrakit;
mod ini;
mod query;
mod sprig_crypto;
mod sprig_dates;
mod sprig_lists;
mod sprig_strings;

/// A function that only needs its arguments.
pub(crate) type PlainFn = fn(&[Value]) -> Result<Value, String>;
/// A function that needs the evaluation context (globals, URL, fetcher).
pub(crate) type CtxFn = for<'a, 'e, 's> fn(&mut Exec<'a, 'e>, &Site<'s>, &[Value]) -> Result<Value>;

/// How a function is implemented.
#[derive(Clone)]
pub(crate) enum FuncImpl {
    Plain(PlainFn),
    Ctx(CtxFn),
    User(crate::options::Func),
    /// Changes its first argument in place (Sprig's `set`/`unset` on a Go map): when that argument is a
    /// variable (`$d`, `$d.a.b`), the result is written back to it.
    InPlace(PlainFn),
    /// `and` and `or` evaluate their arguments lazily.
    And,
    Or,
}

/// Function name to implementation.
pub(crate) type FuncMap = HashMap<String, FuncImpl>;

/// All functions for templates loaded with `opts`, in InfraKit's precedence (later wins): Go builtins,
/// Sprig, InfraKit's engine functions, `metadata`, then the caller's.
pub(crate) fn func_map(opts: &Options) -> FuncMap {
    let mut m = FuncMap::new();
    builtin::register(&mut m);
    sprig_strings::register(&mut m);
    sprig_lists::register(&mut m);
    sprig_dates::register(&mut m);
    sprig_crypto::register(&mut m);
    infrakit::register(&mut m);
    query::register(&mut m);
    ini::register(&mut m);
    if opts.metadata.is_some() {
        m.insert("metadata".into(), FuncImpl::Ctx(infrakit::metadata));
    }
    for (k, f) in &opts.funcs {
        m.insert(k.clone(), FuncImpl::User(f.clone()));
    }
    m
}

fn plain(m: &mut FuncMap, names: &[&str], f: PlainFn) {
    for n in names {
        m.insert((*n).to_string(), FuncImpl::Plain(f));
    }
}

/// Exactly `n` arguments.
pub(crate) fn want(args: &[Value], n: usize) -> Result<(), String> {
    if args.len() == n {
        Ok(())
    } else {
        Err(format!("wrong number of args: want {n} got {}", args.len()))
    }
}

/// Between `min` and `max` arguments.
pub(crate) fn want_range(args: &[Value], min: usize, max: usize) -> Result<(), String> {
    if (min..=max).contains(&args.len()) {
        Ok(())
    } else if max == usize::MAX {
        Err(format!("wrong number of args: want at least {min} got {}", args.len()))
    } else {
        Err(format!("wrong number of args: want {min} to {max} got {}", args.len()))
    }
}

/// Argument `i` as a string (Go would refuse anything else for a `string` parameter).
pub(crate) fn str_arg(args: &[Value], i: usize) -> Result<&str, String> {
    match args.get(i) {
        Some(v @ Value::String(_)) if crate::gotype::special(v).is_some() => {
            Err(format!("wrong type for value; expected string; got {}", type_name(v)))
        }
        Some(Value::String(s)) => Ok(s),
        Some(v) => Err(format!("wrong type for value; expected string; got {}", type_name(v))),
        None => Err(format!("missing argument {}", i + 1)),
    }
}

/// Argument `i` as an integer (integral floats are accepted: JSON data often has them).
pub(crate) fn int_arg(args: &[Value], i: usize) -> Result<i64, String> {
    let v = args.get(i).ok_or_else(|| format!("missing argument {}", i + 1))?;
    if let Some(n) = as_int(v) {
        return Ok(n);
    }
    match as_float(v) {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(f as i64),
        _ => Err(format!("wrong type for value; expected int; got {}", type_name(v))),
    }
}

/// Sprig's `toInt64`: numbers truncated, strings parsed (0 if not a number), bools 1/0, anything else 0.
pub(crate) fn to_i64(v: &Value) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)).unwrap_or(0),
        Value::String(s) => s.trim().parse::<i64>().ok().or_else(|| parse_int_base0(s.trim())).unwrap_or(0),
        Value::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

fn parse_int_base0(s: &str) -> Option<i64> {
    match crate::parse::parse_number(s).ok()? {
        crate::ast::Num::Int(i) => Some(i),
        _ => None,
    }
}

/// Sprig's `toFloat64`.
pub(crate) fn to_f64(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(0.0),
        Value::String(s) => s.trim().parse().unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// Values built by functions may not nest deeper than this, nor hold more nodes than [`MAX_NODES`].
pub(crate) const MAX_VALUE_DEPTH: usize = 100;
/// See [`MAX_VALUE_DEPTH`].
pub(crate) const MAX_NODES: usize = 10_000_000;
/// Functions that build lists (`loop`, `until`, `repeat`...) stop at this many elements or bytes.
pub(crate) const MAX_ELEMS: i64 = 10_000_000;

/// Refuses values that nest too deeply or are too big (they would overflow the stack when printed or dropped).
pub(crate) fn check_value(v: &Value) -> Result<(), String> {
    let mut nodes = 0usize;
    let mut stack = vec![(v, 0usize)];
    while let Some((v, d)) = stack.pop() {
        nodes += 1;
        if d > MAX_VALUE_DEPTH {
            return Err(format!("value nests deeper than {MAX_VALUE_DEPTH} levels"));
        }
        if nodes > MAX_NODES {
            return Err(format!("value has more than {MAX_NODES} elements"));
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, d + 1))),
            Value::Object(m) => stack.extend(m.values().map(|x| (x, d + 1))),
            _ => {}
        }
    }
    Ok(())
}

/// Checks a freshly built list or map.
pub(crate) fn checked(v: Value) -> Result<Value, String> {
    check_value(&v)?;
    Ok(v)
}
