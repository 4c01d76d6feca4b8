//! Sprig's string, encoding, path, OS and JSON functions that InfraKit templates use.

use data_encoding::{BASE32, BASE64};
use serde_json::{Map, Value};

use super::{int_arg, plain, str_arg, want, FuncMap, MAX_ELEMS};
use crate::value::to_go_string;

fn s(v: String) -> Result<Value, String> {
    Ok(Value::String(v))
}

/// One string argument.
fn one(a: &[Value]) -> Result<&str, String> {
    want(a, 1)?;
    str_arg(a, 0)
}

/// Two string arguments.
fn two(a: &[Value]) -> Result<(&str, &str), String> {
    want(a, 2)?;
    Ok((str_arg(a, 0)?, str_arg(a, 1)?))
}

pub(super) fn register(m: &mut FuncMap) {
    plain(m, &["trim"], |a| s(one(a)?.trim().to_string()));
    // sprig functions.go: "hello": func() string { return "Hello!" }; "trimall" is the deprecated trimAll.
    plain(m, &["hello"], |a| {
        want(a, 0)?;
        s("Hello!".into())
    });
    plain(m, &["trimAll", "trimall"], |a| {
        let (cut, x) = two(a)?;
        s(x.trim_matches(|c| cut.contains(c)).to_string())
    });
    plain(m, &["trimSuffix"], |a| {
        let (suf, x) = two(a)?;
        s(x.strip_suffix(suf).unwrap_or(x).to_string())
    });
    plain(m, &["trimPrefix"], |a| {
        let (pre, x) = two(a)?;
        s(x.strip_prefix(pre).unwrap_or(x).to_string())
    });
    plain(m, &["upper"], |a| s(one(a)?.to_uppercase()));
    plain(m, &["lower"], |a| s(one(a)?.to_lowercase()));
    plain(m, &["title"], |a| s(title(one(a)?, true)));
    plain(m, &["untitle"], |a| s(title(one(a)?, false)));
    plain(m, &["substr"], substr);
    plain(m, &["repeat"], |a| {
        want(a, 2)?;
        let (n, x) = (int_arg(a, 0)?, str_arg(a, 1)?);
        if n < 0 {
            return Err("negative Repeat count".into());
        }
        if (x.len() as i64).saturating_mul(n) > MAX_ELEMS * 8 {
            return Err("result too large".into());
        }
        s(x.repeat(n as usize))
    });
    plain(m, &["replace"], |a| {
        want(a, 3)?;
        let (old, new, x) = (str_arg(a, 0)?, str_arg(a, 1)?, str_arg(a, 2)?);
        if old.is_empty() && (x.len() + 1).saturating_mul(new.len()) as i64 > MAX_ELEMS * 8 {
            return Err("result too large".into());
        }
        s(x.replace(old, new))
    });
    plain(m, &["contains"], |a| {
        let (sub, x) = two(a)?;
        Ok(Value::Bool(x.contains(sub)))
    });
    plain(m, &["hasPrefix"], |a| {
        let (p, x) = two(a)?;
        Ok(Value::Bool(x.starts_with(p)))
    });
    plain(m, &["hasSuffix"], |a| {
        let (p, x) = two(a)?;
        Ok(Value::Bool(x.ends_with(p)))
    });
    plain(m, &["quote"], |a| {
        let parts: Vec<String> =
            a.iter().filter(|v| !v.is_null()).map(|v| crate::fmt::quote(&to_go_string(v), false)).collect();
        s(parts.join(" "))
    });
    plain(m, &["squote"], |a| {
        let parts: Vec<String> = a.iter().filter(|v| !v.is_null()).map(|v| format!("'{}'", to_go_string(v))).collect();
        s(parts.join(" "))
    });
    plain(m, &["cat"], |a| {
        let parts: Vec<String> = a.iter().filter(|v| !v.is_null()).map(to_go_string).collect();
        s(parts.join(" "))
    });
    plain(m, &["nospace"], |a| s(one(a)?.chars().filter(|c| !c.is_whitespace()).collect()));
    plain(m, &["indent"], |a| {
        want(a, 2)?;
        s(indent(int_arg(a, 0)?, str_arg(a, 1)?)?)
    });
    plain(m, &["nindent"], |a| {
        want(a, 2)?;
        s(format!("\n{}", indent(int_arg(a, 0)?, str_arg(a, 1)?)?))
    });
    plain(m, &["trunc"], |a| {
        want(a, 2)?;
        let (n, x) = (int_arg(a, 0)?, str_arg(a, 1)?);
        let chars: Vec<char> = x.chars().collect();
        let len = chars.len() as i64;
        s(if n < 0 && len + n > 0 {
            chars[(len + n) as usize..].iter().collect()
        } else if n >= 0 && len > n {
            chars[..n as usize].iter().collect()
        } else {
            x.to_string()
        })
    });
    plain(m, &["abbrev"], |a| {
        want(a, 2)?;
        let (w, x) = (int_arg(a, 0)?, str_arg(a, 1)?);
        let chars: Vec<char> = x.chars().collect();
        if w < 4 || chars.len() as i64 <= w {
            return s(x.to_string());
        }
        s(chars[..(w - 3) as usize].iter().collect::<String>() + "...")
    });
    plain(m, &["initials"], |a| s(one(a)?.split_whitespace().filter_map(|w| w.chars().next()).collect()));
    plain(m, &["plural"], |a| {
        want(a, 3)?;
        let (one, many, n) = (str_arg(a, 0)?, str_arg(a, 1)?, int_arg(a, 2)?);
        s(if n == 1 { one } else { many }.to_string())
    });
    plain(m, &["split"], |a| {
        let (sep, x) = two(a)?;
        let parts = go_split(x, sep);
        let map: Map<String, Value> =
            parts.into_iter().enumerate().map(|(i, p)| (format!("_{i}"), Value::String(p))).collect();
        Ok(Value::Object(map))
    });
    plain(m, &["splitList"], |a| {
        let (sep, x) = two(a)?;
        Ok(Value::Array(go_split(x, sep).into_iter().map(Value::String).collect()))
    });
    plain(m, &["join"], |a| {
        want(a, 2)?;
        let sep = str_arg(a, 0)?;
        s(strslice(&a[1]).join(sep))
    });
    plain(m, &["toString"], |a| {
        want(a, 1)?;
        s(to_go_string(&a[0]))
    });
    plain(m, &["b64enc"], |a| s(BASE64.encode(one(a)?.as_bytes())));
    plain(m, &["b64dec"], |a| {
        s(match BASE64.decode(one(a)?.as_bytes()) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => e.to_string(),
        })
    });
    plain(m, &["b32enc"], |a| s(BASE32.encode(one(a)?.as_bytes())));
    plain(m, &["b32dec"], |a| {
        s(match BASE32.decode(one(a)?.as_bytes()) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => e.to_string(),
        })
    });
    plain(m, &["env"], |a| s(std::env::var(one(a)?).unwrap_or_default()));
    plain(m, &["expandenv"], |a| s(expand_env(one(a)?)));
    plain(m, &["base"], |a| s(path_base(one(a)?)));
    plain(m, &["dir"], |a| s(path_dir(one(a)?)));
    plain(m, &["clean"], |a| s(path_clean(one(a)?)));
    plain(m, &["ext"], |a| s(path_ext(one(a)?).to_string()));
    plain(m, &["isAbs"], |a| Ok(Value::Bool(one(a)?.starts_with('/'))));
    plain(m, &["toJson"], |a| {
        want(a, 1)?;
        s(super::codec::json_compact(&a[0]))
    });
    plain(m, &["toPrettyJson"], |a| {
        want(a, 1)?;
        s(super::codec::json_indent(&a[0], "", "  "))
    });
}

/// Go's `strings.Title` (`upper`), or its inverse for `untitle`.
fn title(x: &str, upper: bool) -> String {
    let mut prev = ' ';
    let mut out = String::with_capacity(x.len());
    for c in x.chars() {
        let sep = if prev.is_ascii() {
            !(prev.is_ascii_alphanumeric() || prev == '_')
        } else {
            !(prev.is_alphanumeric()) && prev.is_whitespace()
        };
        if sep && upper {
            out.extend(c.to_uppercase());
        } else if sep {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

fn substr(a: &[Value]) -> Result<Value, String> {
    want(a, 3)?;
    let (start, end, x) = (int_arg(a, 0)?, int_arg(a, 1)?, str_arg(a, 2)?);
    let len = x.len() as i64;
    let (from, to) = if start < 0 {
        (0, end)
    } else if end < 0 || end > len {
        (start, len)
    } else {
        (start, end)
    };
    if from < 0 || to < from || to > len {
        return Err(format!("slice bounds out of range [{from}:{to}] with length {len}"));
    }
    Ok(Value::String(String::from_utf8_lossy(&x.as_bytes()[from as usize..to as usize]).into_owned()))
}

fn indent(n: i64, x: &str) -> Result<String, String> {
    if !(0..=1_000_000).contains(&n) {
        return Err(format!("bad indent {n}"));
    }
    let pad = " ".repeat(n as usize);
    if (x.matches('\n').count() as i64 + 1).saturating_mul(n) > MAX_ELEMS * 8 {
        return Err("result too large".into());
    }
    Ok(format!("{pad}{}", x.replace('\n', &format!("\n{pad}"))))
}

/// Go's `strings.Split` (an empty separator splits into characters).
pub(crate) fn go_split(x: &str, sep: &str) -> Vec<String> {
    if sep.is_empty() {
        return x.chars().map(String::from).collect();
    }
    x.split(sep).map(String::from).collect()
}

/// Sprig's `strslice`: a list's elements as strings (nils dropped), a scalar as one string, nil as none.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().filter(|x| !x.is_null()).map(to_go_string).collect(),
        Value::Null => Vec::new(),
        v => vec![to_go_string(v)],
    }
}

fn expand_env(x: &str) -> String {
    let mut out = String::new();
    let mut rest = x;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let (name, after) = if let Some(r) = rest.strip_prefix('{') {
            match r.find('}') {
                Some(j) => (&r[..j], &r[j + 1..]),
                None => ("", rest),
            }
        } else {
            let n = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            (&rest[..n], &rest[n..])
        };
        if !name.is_empty() {
            out.push_str(&std::env::var(name).unwrap_or_default());
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Go's `path.Clean`.
fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `path.Base`.
fn path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `path.Dir`.
fn path_dir(p: &str) -> String {
    let dir = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    path_clean(dir)
}

/// Go's `path.Ext`.
fn path_ext(p: &str) -> &str {
    for (i, c) in p.char_indices().rev() {
        match c {
            '/' => return "",
            '.' => return &p[i..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_string_helpers() {
        assert_eq!(title("hello wORLD-foo_bar", true), "Hello WORLD-Foo_bar");
        assert_eq!(path_clean("a/../../b/./c/"), "../b/c");
        assert_eq!(path_clean("/../x"), "/x");
        assert_eq!(path_base("/a/b/"), "b");
        assert_eq!(path_dir("/a/b/c.txt"), "/a/b");
        assert_eq!(path_dir("c.txt"), ".");
        assert_eq!(path_ext("/a.b/c.tar.gz"), ".gz");
        assert_eq!(go_split("a,b,,c", ","), vec!["a", "b", "", "c"]);
        assert_eq!(go_split("ab", ""), vec!["a", "b"]);
    }
}
