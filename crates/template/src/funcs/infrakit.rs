//! InfraKit's engine functions (v0.5: `var include source fetch jsonEncode jsonEncodeIndent jsonDecode
//! yamlEncode yamlDecode lines index_of indexOf loop k unixtime echo metadata`; v0.4.1: `global def ref
//! to_json to_json_format from_json`).

use serde_json::Value;

use super::codec::{json_indent, yaml_decode, yaml_encode};
use super::{int_arg, plain, str_arg, want, want_range, FuncImpl, FuncMap, MAX_ELEMS};
use crate::error::Result;
use crate::exec::{Exec, Nest, Site};
use crate::value::{go_decoded, to_go_string};

pub(super) fn register(m: &mut FuncMap) {
    for (name, f) in [
        ("var", var as super::CtxFn),
        ("global", global),
        ("def", def),
        ("ref", reference),
        ("include", include),
        ("source", source),
        ("fetch", fetch),
    ] {
        m.insert(name.into(), FuncImpl::Ctx(f));
    }
    plain(m, &["jsonEncode", "to_json"], |a| {
        want(a, 1)?;
        Ok(Value::String(json_indent(&a[0], "", "  ")))
    });
    plain(m, &["jsonEncodeIndent", "to_json_format"], |a| {
        want(a, 3)?;
        Ok(Value::String(json_indent(&a[2], str_arg(a, 0)?, str_arg(a, 1)?)))
    });
    plain(m, &["jsonDecode", "from_json"], |a| {
        want(a, 1)?;
        match &a[0] {
            // Go decodes JSON numbers into float64.
            Value::String(s) => serde_json::from_str(s).map(|v| go_decoded(&v)).map_err(|e| e.to_string()),
            other => Ok(other.clone()),
        }
    });
    plain(m, &["yamlEncode"], |a| {
        want(a, 1)?;
        yaml_encode(&a[0]).map(Value::String)
    });
    plain(m, &["yamlDecode"], |a| {
        want(a, 1)?;
        // ghodss/yaml converts YAML to JSON and decodes that: numbers become float64 too.
        yaml_decode(str_arg(a, 0)?).map(|v| go_decoded(&v))
    });
    plain(m, &["lines"], |a| {
        want(a, 1)?;
        Ok(Value::Array(str_arg(a, 0)?.split('\n').map(|l| Value::String(l.to_string())).collect()))
    });
    plain(m, &["index_of", "indexOf"], |a| {
        want_range(a, 2, 3)?;
        let strict = matches!(a.get(2), Some(Value::Bool(true)));
        let Value::Array(list) = &a[1] else {
            return Ok(Value::from(-1));
        };
        let found = list.iter().position(|x| *x == a[0]).or_else(|| {
            if strict {
                return None;
            }
            let want = to_go_string(&a[0]);
            list.iter().position(|x| to_go_string(x) == want)
        });
        Ok(Value::from(found.map(|i| i as i64).unwrap_or(-1)))
    });
    // v0.5 pkg/template/funcs.go: `func(c int) []struct{} { return make([]struct{}, c) }`: `c` empty
    // structs (each prints `{}`; `range $i, $_ := loop 3` gives the indexes 0 1 2). A negative count makes
    // Go's `make` panic, which text/template reports as this error.
    plain(m, &["loop"], |a| {
        want(a, 1)?;
        let n = int_arg(a, 0)?;
        if n < 0 {
            return Err("runtime error: makeslice: len out of range".into());
        }
        if n > MAX_ELEMS {
            return Err(format!("more than {MAX_ELEMS} elements"));
        }
        Ok(Value::Array((0..n).map(|_| crate::gotype::empty_struct()).collect()))
    });
    plain(m, &["k"], |a| {
        want(a, 2)?;
        let key = to_go_string(&a[0]);
        match &a[1] {
            Value::Object(m) => Ok(m.get(&key).cloned().unwrap_or(Value::Null)),
            Value::Null => Ok(Value::Null),
            v => Err(format!("cannot look up key {key:?} in {}", crate::value::type_name(v))),
        }
    });
    plain(m, &["unixtime"], |a| {
        want(a, 0)?;
        let secs =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        Ok(Value::from(secs))
    });
    plain(m, &["echo"], |a| {
        eprint!("{}", crate::value::sprintln(a));
        Ok(Value::String(String::new()))
    });
}

fn name_arg<'v>(ex: &Exec<'_, '_>, site: &Site<'_>, a: &'v [Value], min: usize, max: usize) -> Result<&'v str> {
    want_range(a, min, max).and_then(|_| str_arg(a, 0)).map_err(|m| ex.call_err(site, m))
}

/// `var NAME` reads a global; `var NAME [DOC...] VALUE` sets it here and in every ancestor.
fn var(ex: &mut Exec<'_, '_>, site: &Site<'_>, a: &[Value]) -> Result<Value> {
    let name = name_arg(ex, site, a, 1, usize::MAX)?;
    if let (true, Some(v)) = (a.len() > 1, a.last()) {
        ex.scope().set(name, v.clone());
        return Ok(Value::String(String::new()));
    }
    match ex.scope().get(name) {
        Some(v) => Ok(v),
        None if ex.options().multi_pass => {
            let o = ex.options();
            Ok(Value::String(format!("{} var `{name}` {}", o.left(), o.right())))
        }
        None => Ok(Value::Null),
    }
}

/// v0.4.1 `global NAME VALUE`.
fn global(ex: &mut Exec<'_, '_>, site: &Site<'_>, a: &[Value]) -> Result<Value> {
    let name = name_arg(ex, site, a, 2, 2)?;
    ex.scope().set(name, a[1].clone());
    Ok(Value::String(String::new()))
}

/// v0.4.1 `def NAME [DOC] VALUE`: a default for `ref`, once per template.
fn def(ex: &mut Exec<'_, '_>, site: &Site<'_>, a: &[Value]) -> Result<Value> {
    let name = name_arg(ex, site, a, 2, 3)?;
    let value = a.last().cloned().unwrap_or(Value::Null);
    if !ex.scope().define(name, value) {
        return Err(ex.call_err(site, format!("already defined: {name}")));
    }
    Ok(Value::String(String::new()))
}

/// v0.4.1 `ref NAME`: a global, else a default, else nil.
fn reference(ex: &mut Exec<'_, '_>, site: &Site<'_>, a: &[Value]) -> Result<Value> {
    let name = name_arg(ex, site, a, 1, 1)?;
    Ok(ex.scope().reference(name).unwrap_or(Value::Null))
}

/// Optional arguments of include/source/fetch: `k=v` strings are HTTP headers, anything else is the dot.
fn headers_and_dot(a: &[Value]) -> (Vec<(String, String)>, Option<Value>) {
    let mut headers = Vec::new();
    let mut dot = None;
    for v in a {
        match v {
            Value::String(s) if s.split_once('=').is_some_and(|(k, _)| !k.is_empty() && !k.contains(' ')) => {
                let (k, val) = s.split_once('=').unwrap_or_default();
                headers.push((k.to_string(), val.to_string()));
            }
            other => dot = Some(other.clone()),
        }
    }
    (headers, dot)
}

fn nest(ex: &mut Exec<'_, '_>, site: &Site<'_>, a: &[Value], how: Nest) -> Result<Value> {
    let url = name_arg(ex, site, a, 1, usize::MAX)?;
    let (headers, dot) = headers_and_dot(&a[1..]);
    ex.nested(site, how, url, dot, &headers)
}

/// `include URL [args]`: renders another template with a copy of this one's globals and dot.
fn include(ex: &mut Exec<'_, '_>, site: &Site<'_>, a: &[Value]) -> Result<Value> {
    nest(ex, site, a, Nest::Include)
}

/// `source URL [args]`: renders another template in this one's scope (its `var` writes come back).
fn source(ex: &mut Exec<'_, '_>, site: &Site<'_>, a: &[Value]) -> Result<Value> {
    nest(ex, site, a, Nest::Source)
}

/// `fetch URL [k=v...]`: the raw text at a URL.
fn fetch(ex: &mut Exec<'_, '_>, site: &Site<'_>, a: &[Value]) -> Result<Value> {
    let url = name_arg(ex, site, a, 1, usize::MAX)?;
    let (headers, _) = headers_and_dot(&a[1..]);
    ex.fetch_raw(site, url, &headers).map(Value::String)
}

/// `metadata "plugin/path"`: a value from a metadata plugin, `false` when the plugin is not running.
pub(super) fn metadata(ex: &mut Exec<'_, '_>, site: &Site<'_>, a: &[Value]) -> Result<Value> {
    let path = name_arg(ex, site, a, 1, 1)?;
    let Some(resolver) = ex.options().metadata.clone() else {
        return Err(ex.call_err(site, "no metadata resolver configured"));
    };
    match resolver.resolve(path) {
        // v0.5 pkg/plugin/metadata/template: `any.Decode(&value)` into an interface{}: numbers are float64.
        Ok(Some(v)) => Ok(go_decoded(&v)),
        Ok(None) => Ok(Value::Bool(false)),
        Err(e) => Err(ex.call_err(site, e)),
    }
}
