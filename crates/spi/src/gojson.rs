//! JSON encoding that matches Go's `encoding/json` byte for byte.
//!
//! Go escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings, writes control characters as `\u00XX` (except
//! `\n`, `\r`, `\t`), formats `float64` with its own rules, and `json.Encoder` ends every value with a newline.
//! InfraKit's config hash and its plugins' outputs depend on these details, so everything we put on the wire goes
//! through this module.

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter, PrettyFormatter};
use serde_json::Value;
use std::io;

/// Wraps a serde_json formatter and applies Go's string escaping rules.
struct GoFormatter<F>(F);

/// Writes `s` escaped the way Go's `encoding/json` does with HTML escaping on (the default).
fn write_go_fragment<W: ?Sized + io::Write>(w: &mut W, s: &str) -> io::Result<()> {
    // Most strings have nothing Go escapes beyond JSON: one branch-free pass (it vectorizes) says so, and the
    // fragment is copied whole. 0xE2 leads U+2028 and U+2029 (and other characters, which the slow path passes).
    let special = s.bytes().fold(false, |any, b| any | matches!(b, b'<' | b'>' | b'&' | 0xE2));
    if !special {
        return w.write_all(s.as_bytes());
    }
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let esc: &[u8] = match c {
            '<' => b"\\u003c",
            '>' => b"\\u003e",
            '&' => b"\\u0026",
            '\u{2028}' => b"\\u2028",
            '\u{2029}' => b"\\u2029",
            _ => continue,
        };
        w.write_all(&s.as_bytes()[start..i])?;
        w.write_all(esc)?;
        start = i + c.len_utf8();
    }
    w.write_all(&s.as_bytes()[start..])
}

macro_rules! forward {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $name<W: ?Sized + io::Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.0.$name(w $(, $arg)*)
        })*
    };
}

impl<F: Formatter> Formatter for GoFormatter<F> {
    forward! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        end_object_key();
        begin_object_value();
        end_object_value();
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        w.write_all(format_float(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        w.write_all(format_float(f64::from(value)).as_bytes())
    }

    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        write_go_fragment(w, s)
    }

    fn write_char_escape<W: ?Sized + io::Write>(&mut self, w: &mut W, e: CharEscape) -> io::Result<()> {
        let s: &[u8] = match e {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::Solidus => b"/",
            CharEscape::Backspace => b"\\u0008",
            CharEscape::FormFeed => b"\\u000c",
            CharEscape::AsciiControl(byte) => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let buf = [b'\\', b'u', b'0', b'0', HEX[(byte >> 4) as usize], HEX[(byte & 0xf) as usize]];
                return w.write_all(&buf);
            }
        };
        w.write_all(s)
    }
}

/// Formats a float the way Go's `encoding/json` formats a `float64`: the shortest representation that round-trips,
/// in plain notation unless the magnitude is below 1e-6 or at least 1e21, then as `1.5e-07` → `1.5e-7`, `1e+21`.
pub fn format_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        // Go writes at least two exponent digits, then drops the leading zero of a negative one-digit exponent.
        let digits = if digits.len() < 2 && sign == '+' { format!("0{digits}") } else { digits.to_string() };
        format!("{mantissa}e{sign}{digits}")
    } else {
        format!("{f}")
    }
}

/// Encodes `value` as compact Go JSON (no trailing newline).
pub fn to_vec<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(128);
    append(&mut out, value)?;
    Ok(out)
}

/// Encodes `value` as compact Go JSON after what `out` holds.
pub fn append<T: ?Sized + Serialize>(out: &mut Vec<u8>, value: &T) -> Result<(), serde_json::Error> {
    let mut ser = serde_json::Serializer::with_formatter(out, GoFormatter(CompactFormatter));
    value.serialize(&mut ser)
}

/// Encodes `value` as compact Go JSON into a `String`.
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> Result<String, serde_json::Error> {
    // Serialization only ever writes valid UTF-8.
    to_vec(value).map(|v| String::from_utf8_lossy(&v).into_owned())
}

/// Encodes `value` like Go's `json.MarshalIndent(v, prefix, indent)`.
pub fn to_vec_indent<T: ?Sized + Serialize>(
    value: &T,
    prefix: &str,
    indent: &str,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(256);
    let fmt = GoFormatter(PrettyFormatter::with_indent(indent.as_bytes()));
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    value.serialize(&mut ser)?;
    if prefix.is_empty() {
        return Ok(out);
    }
    // Strings never contain a raw newline, so every newline is a line break of the layout.
    let mut with_prefix = Vec::with_capacity(out.len() * 2);
    for b in out {
        with_prefix.push(b);
        if b == b'\n' {
            with_prefix.extend_from_slice(prefix.as_bytes());
        }
    }
    Ok(with_prefix)
}

/// Re-encodes a generic value the way Go does after decoding JSON into `interface{}`: every number becomes a
/// `float64` (so `1.0` is written `1` and large integers lose precision), object keys are sorted.
pub fn as_go_generic(value: &Value) -> Value {
    match value {
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
        }
        Value::Array(items) => Value::Array(items.iter().map(as_go_generic).collect()),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = serde_json::Map::new();
            for k in keys {
                out.insert(k.clone(), as_go_generic(&map[k]));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// Compacts raw JSON text (drops insignificant whitespace) and applies Go's HTML escaping inside strings, like Go's
/// `json.Compact` with HTML escaping as used when a `json.Marshaler`'s output is embedded. The input must be valid JSON.
pub fn compact(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut strings = Strings::default();
    for c in raw.chars() {
        if strings.step(c) {
            match c {
                '<' => out.push_str("\\u003c"),
                '>' => out.push_str("\\u003e"),
                '&' => out.push_str("\\u0026"),
                '\u{2028}' => out.push_str("\\u2028"),
                '\u{2029}' => out.push_str("\\u2029"),
                _ => out.push(c),
            }
        } else if !is_space(c) {
            out.push(c);
        }
    }
    out
}

/// True when [`compact`] would leave valid JSON `raw` as it is: no whitespace outside strings, and none of the
/// characters Go escapes (`<`, `>`, `&`, U+2028, U+2029) written plainly. One pass over the bytes, allocating
/// nothing: the check that lets text the Go encoder just wrote skip compaction.
pub fn is_compact(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let mut strings = Strings::default();
    bytes.iter().enumerate().all(|(i, &b)| {
        // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
        let separator = b == 0xE2 && bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9));
        // Stepping bytes walks strings as stepping characters does: a UTF-8 byte of a wider character is never a
        // quote or a backslash. `<`, `>` and `&` can only be inside strings, where Go escapes them.
        let in_string = strings.step(b as char);
        !separator && !matches!(b, b'<' | b'>' | b'&') && (in_string || !is_space(b as char))
    })
}

/// Where a walk through JSON text, one character at a time, stands: inside a string or not.
#[derive(Default)]
struct Strings {
    inside: bool,
    escaped: bool,
}

impl Strings {
    /// Steps over `c`; true when it belongs to a string, its quotes included.
    fn step(&mut self, c: char) -> bool {
        if !self.inside {
            self.inside = c == '"';
            return self.inside;
        }
        if self.escaped {
            self.escaped = false;
        } else if c == '\\' {
            self.escaped = true;
        } else if c == '"' {
            self.inside = false;
        }
        true
    }
}

/// JSON's insignificant whitespace.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\n' | '\r' | '\t')
}

/// Lays out valid JSON text like Go's `json.Indent(dst, src, "", indent)`, which is also serde_json's pretty layout:
/// one member or element per line, `": "` after a key, empty objects and arrays kept as `{}` and `[]`, no final
/// newline. Strings are copied verbatim, whitespace outside them is replaced by the layout.
pub fn indent(raw: &str, indent: &str) -> String {
    fn newline(out: &mut String, indent: &str, depth: usize) {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(indent);
        }
    }
    let mut out = String::with_capacity(raw.len() * 2);
    let mut depth = 0usize;
    let mut strings = Strings::default();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if strings.step(c) {
            out.push(c);
            continue;
        }
        match c {
            c if is_space(c) => {}
            '{' | '[' => {
                out.push(c);
                while chars.next_if(|&n| is_space(n)).is_some() {}
                match chars.next_if(|n| matches!(n, '}' | ']')) {
                    Some(close) => out.push(close),
                    None => {
                        depth += 1;
                        newline(&mut out, indent, depth);
                    }
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, indent, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, indent, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn indent_matches_the_pretty_layout() {
        let v = json!({"a": {}, "b": [], "c": [1, {"d": "x, y: {z} [\"q\"] \\"}], "e": {"f": null, "g": [true]}});
        let text = serde_json::to_string(&v).unwrap();
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        assert_eq!(indent(&text, "  "), pretty);
        assert_eq!(indent(" { \"a\" : [ ] }\n", "  "), "{\n  \"a\": []\n}");
        assert_eq!(indent(&compact(&indent(&text, "\t")), "  "), pretty);
    }

    #[test]
    fn floats_follow_go_rules() {
        assert_eq!(format_float(1.0), "1");
        assert_eq!(format_float(0.5), "0.5");
        assert_eq!(format_float(1.5e-7), "1.5e-7");
        assert_eq!(format_float(12345678901234567890123.0), "1.2345678901234568e+22");
        assert_eq!(format_float(1e21), "1e+21");
        assert_eq!(format_float(1e20), "100000000000000000000");
        assert_eq!(format_float(0.000001), "0.000001");
        assert_eq!(format_float(-2.5e-300), "-2.5e-300");
        assert_eq!(format_float(0.0), "0");
    }

    #[test]
    fn strings_are_html_escaped() {
        let v = json!({"b": "x > y && z <w>", "c": "\u{8}\u{1}\n"});
        assert_eq!(to_string(&v).unwrap(), r#"{"b":"x \u003e y \u0026\u0026 z \u003cw\u003e","c":"\u0008\u0001\n"}"#);
        // U+2028 and U+2029 are escaped; other characters led by the same byte (0xE2) are not.
        let v = json!(["plain", "a\u{2028}b\u{2029}", "5 € – ok"]);
        assert_eq!(to_string(&v).unwrap(), r#"["plain","a\u2028b\u2029","5 € – ok"]"#);
    }

    #[test]
    fn spec_float_escape_vector() {
        let v: Value = serde_json::from_str(r#"{"b":"x > y && z <w>","a":1.0,"c":12345678901234567890123}"#).unwrap();
        let out = String::from_utf8(to_vec_indent(&as_go_generic(&v), "  ", "  ").unwrap()).unwrap();
        let lines: Vec<&str> = out.lines().map(str::trim).collect();
        assert_eq!(
            lines,
            [
                "{",
                r#""a": 1,"#,
                r#""b": "x \u003e y \u0026\u0026 z \u003cw\u003e","#,
                r#""c": 1.2345678901234568e+22"#,
                "}"
            ]
        );
    }

    #[test]
    fn compact_keeps_strings() {
        assert_eq!(compact("{ \"a b\" : [1, 2],\n \"c\": \"<\\\" x\" }"), r#"{"a b":[1,2],"c":"\u003c\" x"}"#);
    }
}
