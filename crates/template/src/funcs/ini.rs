//! InfraKit v0.5's `iniDecode` (`FromINI` in `pkg/template/funcs.go`, which uses `vaughan0/go-ini`): INI
//! text to a map of sections, each a map of keys to strings. v0.5's AWS examples read credentials with it:
//! `{{ $creds := (source (cat "file://" (env "HOME") "/.aws/credentials" | nospace) | iniDecode | k $profile ) }}`.

use serde_json::{Map, Value};

use super::{plain, str_arg, want, FuncMap};

/// go-ini `parseFile`: lines are trimmed; blank lines and `;`/`#` comments are skipped; `key = value` (split
/// at the first `=`, both sides trimmed) goes in the current section (`""` before any header); `[name]`
/// starts a section; anything else is a syntax error naming the line.
pub(crate) fn decode(text: &str) -> Result<Value, String> {
    let mut file: Map<String, Value> = Map::new();
    let mut section = String::new();
    for (n, raw) in text.split('\n').enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            // `^([^=]+)=(.*)$`: at least one character before the first `=`.
            Some((key, val)) if !key.is_empty() => {
                if let Value::Object(m) = file.entry(section.clone()).or_insert_with(|| Value::Object(Map::new())) {
                    m.insert(key.trim().to_string(), Value::String(val.trim().to_string()));
                }
            }
            _ if line.starts_with('[') && line.ends_with(']') && line.len() >= 2 => {
                section = line[1..line.len() - 1].trim().to_string();
                file.entry(section.clone()).or_insert_with(|| Value::Object(Map::new()));
            }
            _ => return Err(format!("invalid INI syntax on line {}: {line}", n + 1)),
        }
    }
    Ok(Value::Object(file))
}

pub(super) fn register(m: &mut FuncMap) {
    plain(m, &["iniDecode"], |a| {
        want(a, 1)?;
        decode(str_arg(a, 0)?)
    });
}
