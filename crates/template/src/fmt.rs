//! Go's `fmt` for template values: `%v` printing and `printf` with the common verbs
//! (`%v %s %d %q %f %e %g %t %x %X %o %b %c %U %T %%`), flags (`-+# 0`), width and precision (`*` too).

use serde_json::Value;

use crate::value::type_name;

/// Go refuses widths and precisions above this.
const MAX_WIDTH: usize = 1_000_000;

#[derive(Clone, Copy, Default)]
struct Spec {
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
    verb: char,
}

/// Appends Go's `%v` rendering of `v`.
pub(crate) fn format_v(out: &mut String, v: &Value) {
    format_arg(out, v, &Spec { verb: 'v', ..Spec::default() }, 0);
}

/// Go's `fmt.Sprintf` over template values.
pub(crate) fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::with_capacity(format.len() + 16);
    let mut argn = 0;
    let mut rest = format;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let mut s = Spec::default();
        loop {
            match rest.as_bytes().first() {
                Some(b'#') => s.sharp = true,
                Some(b'0') => s.zero = !s.minus,
                Some(b'+') => s.plus = true,
                Some(b'-') => {
                    s.minus = true;
                    s.zero = false;
                }
                Some(b' ') => s.space = true,
                _ => break,
            }
            rest = &rest[1..];
        }
        if let Some(r) = rest.strip_prefix('*') {
            rest = r;
            match args.get(argn).and_then(crate::value::as_int) {
                Some(n) if n.unsigned_abs() <= MAX_WIDTH as u64 => {
                    if n < 0 {
                        s.minus = true;
                        s.zero = false;
                    }
                    s.width = Some(n.unsigned_abs() as usize);
                }
                _ => out.push_str("%!(BADWIDTH)"),
            }
            argn += 1;
        } else {
            let (n, r) = digits(rest);
            rest = r;
            match n {
                Some(n) if n <= MAX_WIDTH => s.width = Some(n),
                Some(_) => out.push_str("%!(BADWIDTH)"),
                None => {}
            }
        }
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
            if let Some(r) = rest.strip_prefix('*') {
                rest = r;
                match args.get(argn).and_then(crate::value::as_int) {
                    Some(n) if n < 0 => {}
                    Some(n) if n as u64 <= MAX_WIDTH as u64 => s.prec = Some(n as usize),
                    _ => out.push_str("%!(BADPREC)"),
                }
                argn += 1;
            } else {
                let (n, r) = digits(rest);
                rest = r;
                match n.unwrap_or(0) {
                    n if n <= MAX_WIDTH => s.prec = Some(n),
                    _ => out.push_str("%!(BADPREC)"),
                }
            }
        }
        let Some(verb) = rest.chars().next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        rest = &rest[verb.len_utf8()..];
        s.verb = verb;
        if verb == '%' {
            out.push('%');
            continue;
        }
        match args.get(argn) {
            Some(a) => format_arg(&mut out, a, &s, 0),
            None => {
                out.push_str("%!");
                out.push(verb);
                out.push_str("(MISSING)");
            }
        }
        argn += 1;
    }
    out.push_str(rest);
    if argn < args.len() {
        out.push_str("%!(EXTRA ");
        for (i, a) in args[argn..].iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            if !a.is_null() {
                out.push_str(type_name(a));
                out.push('=');
            }
            format_v(&mut out, a);
        }
        out.push(')');
    }
    out
}

fn digits(s: &str) -> (Option<usize>, &str) {
    let n = s.bytes().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 {
        return (None, s);
    }
    let v = s[..n].parse::<usize>().unwrap_or(usize::MAX);
    (Some(v), &s[n..])
}

fn format_arg(out: &mut String, v: &Value, s: &Spec, depth: usize) {
    if s.verb == 'T' {
        pad(out, type_name(v), s, false);
        return;
    }
    match v {
        Value::Object(_) | Value::String(_) if crate::gotype::special(v).is_some() => {
            let text = crate::gotype::special(v).map(|sp| sp.to_go_string()).unwrap_or_default();
            pad(out, &text, s, false);
        }
        Value::Null if depth > 0 || s.verb == 'v' => pad(out, "<nil>", s, false),
        Value::Null => bad_verb(out, v, s.verb),
        Value::Bool(b) if matches!(s.verb, 't' | 'v') => pad(out, if *b { "true" } else { "false" }, s, false),
        Value::Bool(_) => bad_verb(out, v, s.verb),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                fmt_int(out, v, i as i128, s);
            } else if let Some(u) = n.as_u64() {
                fmt_int(out, v, u as i128, s);
            } else {
                fmt_float(out, v, n.as_f64().unwrap_or(0.0), s);
            }
        }
        Value::String(st) => fmt_str(out, v, st, s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                format_arg(out, x, s, depth + 1);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push_str("map[");
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                fmt_str(out, v, k, s);
                out.push(':');
                if let Some(x) = m.get(k) {
                    format_arg(out, x, s, depth + 1);
                }
            }
            out.push(']');
        }
    }
}

fn bad_verb(out: &mut String, v: &Value, verb: char) {
    out.push_str("%!");
    out.push(verb);
    out.push('(');
    if v.is_null() {
        out.push_str("<nil>");
    } else {
        out.push_str(type_name(v));
        out.push('=');
        format_v(out, v);
    }
    out.push(')');
}

/// Pads `s` to the width; `numeric` means zero padding was already applied.
fn pad(out: &mut String, s: &str, spec: &Spec, numeric: bool) {
    let len = s.chars().count();
    let width = spec.width.unwrap_or(0);
    if width <= len {
        out.push_str(s);
        return;
    }
    let fill = if spec.zero && !spec.minus && !numeric { '0' } else { ' ' };
    let padding: String = std::iter::repeat_n(fill, width - len).collect();
    if spec.minus {
        out.push_str(s);
        out.push_str(&padding);
    } else {
        out.push_str(&padding);
        out.push_str(s);
    }
}

fn sign(neg: bool, s: &Spec) -> &'static str {
    if neg {
        "-"
    } else if s.plus {
        "+"
    } else if s.space {
        " "
    } else {
        ""
    }
}

fn fmt_int(out: &mut String, v: &Value, i: i128, s: &Spec) {
    let (radix, upper) = match s.verb {
        'v' | 'd' => (10, false),
        'b' => (2, false),
        'o' | 'O' => (8, false),
        'x' => (16, false),
        'X' => (16, true),
        'c' => {
            let c = u32::try_from(i).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}');
            pad(out, &c.to_string(), s, false);
            return;
        }
        'q' => {
            let c = u32::try_from(i).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}');
            let mut q = String::from("'");
            quote_char(&mut q, c, '\'', s.plus);
            q.push('\'');
            pad(out, &q, s, false);
            return;
        }
        'U' => {
            let mut u = format!("U+{:04X}", i.max(0));
            if s.sharp {
                if let Some(c) = u32::try_from(i).ok().and_then(char::from_u32) {
                    u.push_str(&format!(" '{c}'"));
                }
            }
            pad(out, &u, s, false);
            return;
        }
        _ => return bad_verb(out, v, s.verb),
    };
    let neg = i < 0;
    let mag = i.unsigned_abs();
    let mut digits = match radix {
        2 => format!("{mag:b}"),
        8 => format!("{mag:o}"),
        16 if upper => format!("{mag:X}"),
        16 => format!("{mag:x}"),
        _ => mag.to_string(),
    };
    let sgn = sign(neg, s);
    let min_digits = if let Some(p) = s.prec {
        if p == 0 && mag == 0 {
            digits.clear();
        }
        p
    } else if s.zero && !s.minus && s.width.is_some() {
        s.width.unwrap_or(0).saturating_sub(sgn.len())
    } else {
        0
    };
    if digits.len() < min_digits {
        digits = "0".repeat(min_digits - digits.len()) + &digits;
    }
    let prefix = match s.verb {
        'b' if s.sharp => "0b",
        'o' if s.sharp && !digits.starts_with('0') => "0",
        'O' => "0o",
        'x' if s.sharp => "0x",
        'X' if s.sharp => "0X",
        _ => "",
    };
    pad(out, &format!("{sgn}{prefix}{digits}"), s, true);
}

/// Decimal digits of |f| (no trailing zeros, empty for 0) and the decimal point position.
fn decimal(f: f64, sig: Option<usize>) -> (Vec<u8>, i32) {
    if f == 0.0 {
        return (Vec::new(), 0);
    }
    let text = match sig {
        Some(n) => format!("{:.*e}", n.max(1) - 1, f.abs()),
        None => format!("{:e}", f.abs()),
    };
    let (mant, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    (d, exp + 1)
}

fn fmt_e(d: &[u8], dp: i32, prec: i32, upper: bool) -> String {
    let mut s = String::new();
    s.push(d.first().map(|&c| c as char).unwrap_or('0'));
    if prec > 0 {
        s.push('.');
        for i in 1..=prec as usize {
            s.push(d.get(i).map(|&c| c as char).unwrap_or('0'));
        }
    }
    s.push(if upper { 'E' } else { 'e' });
    let exp = if d.is_empty() { 0 } else { dp - 1 };
    s.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        s.push('0');
    }
    s.push_str(&e.to_string());
    s
}

fn fmt_f(d: &[u8], dp: i32, prec: i32) -> String {
    let mut s = String::new();
    if dp > 0 {
        for i in 0..dp as usize {
            s.push(d.get(i).map(|&c| c as char).unwrap_or('0'));
        }
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        for i in 0..prec {
            let j = dp + i;
            let c = if j < 0 { b'0' } else { d.get(j as usize).copied().unwrap_or(b'0') };
            s.push(c as char);
        }
    }
    s
}

/// strconv.FormatFloat(f, 'g', prec, 64) for |f|; `prec` None means shortest.
fn fmt_g(f: f64, prec: Option<usize>, upper: bool) -> String {
    let (d, dp) = decimal(f, prec.map(|p| p.max(1)));
    let nd = d.len() as i32;
    let (mut p, eprec) = match prec {
        None => (nd, 6),
        Some(p) => {
            let p = p.max(1) as i32;
            (p, if p > nd && nd >= dp { nd } else { p })
        }
    };
    let exp = dp - 1;
    if exp < -4 || exp >= eprec {
        if p > nd {
            p = nd;
        }
        return fmt_e(&d, dp, p - 1, upper);
    }
    if p > dp {
        p = nd;
    }
    fmt_f(&d, dp, (p - dp).max(0))
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`: the shortest digits that identify `f` as a float32, `%e` form
/// when the exponent is below -4 or at least 6 (ftoa.go `formatDigits`, shortest case).
pub(crate) fn g_shortest_f32(f: f32) -> String {
    let text = format!("{:e}", f.abs());
    let (mant, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    let dp = if d.is_empty() { 0 } else { exp.parse::<i32>().unwrap_or(0) + 1 };
    let nd = d.len() as i32;
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let exp = dp - 1;
    let body = if !d.is_empty() && !(-4..6).contains(&exp) {
        fmt_e(&d, dp, nd - 1, false)
    } else {
        fmt_f(&d, dp, (nd - dp).max(0))
    };
    format!("{sign}{body}")
}

/// Go's `%v` of a float64 (as `fmt.Sprint` prints it).
#[cfg(test)]
fn float_v(f: f64) -> String {
    let mut out = String::new();
    if f.is_sign_negative() && f != 0.0 {
        out.push('-');
    }
    out.push_str(&fmt_g(f, None, false));
    out
}

fn fmt_float(out: &mut String, v: &Value, f: f64, s: &Spec) {
    let body = match s.verb {
        'v' => fmt_g(f, None, false),
        'g' | 'G' => fmt_g(f, s.prec, s.verb == 'G'),
        'e' | 'E' => {
            let p = s.prec.unwrap_or(6);
            let (d, dp) = decimal(f, Some(p + 1));
            fmt_e(&d, dp, p as i32, s.verb == 'E')
        }
        'f' | 'F' => format!("{:.*}", s.prec.unwrap_or(6), f.abs()),
        _ => return bad_verb(out, v, s.verb),
    };
    let sgn = sign(f.is_sign_negative(), s);
    let mut text = format!("{sgn}{body}");
    if s.zero && !s.minus {
        if let Some(w) = s.width {
            let len = text.chars().count();
            if len < w {
                text = format!("{sgn}{}{body}", "0".repeat(w - len));
            }
        }
    }
    pad(out, &text, s, true);
}

fn fmt_str(out: &mut String, v: &Value, st: &str, s: &Spec) {
    let truncated: String;
    let st = match s.prec {
        Some(p) if s.verb != 'x' && s.verb != 'X' => {
            truncated = st.chars().take(p).collect();
            truncated.as_str()
        }
        _ => st,
    };
    match s.verb {
        'v' | 's' => pad(out, st, s, false),
        'q' => {
            let q = if s.sharp && !st.contains('`') && st.chars().all(|c| c == '\t' || !c.is_control()) {
                format!("`{st}`")
            } else {
                quote(st, s.plus)
            };
            pad(out, &q, s, false);
        }
        'x' | 'X' => {
            let bytes = match s.prec {
                Some(p) => &st.as_bytes()[..p.min(st.len())],
                None => st.as_bytes(),
            };
            let mut h = String::new();
            for (i, b) in bytes.iter().enumerate() {
                if s.space && i > 0 {
                    h.push(' ');
                }
                if s.sharp && (s.space || i == 0) {
                    h.push_str(if s.verb == 'x' { "0x" } else { "0X" });
                }
                if s.verb == 'x' {
                    h.push_str(&format!("{b:02x}"));
                } else {
                    h.push_str(&format!("{b:02X}"));
                }
            }
            pad(out, &h, s, false);
        }
        _ => bad_verb(out, v, s.verb),
    }
}

/// Go's `strconv.IsPrint`, approximately (Rust's std has no Unicode category tables).
fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x2028..=0x202E
        | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xFFFE | 0xFFFF | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
}

fn quote_char(out: &mut String, c: char, q: char, ascii: bool) {
    if c == q || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if is_print(c) && (!ascii || c.is_ascii()) {
        out.push(c);
        return;
    }
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Go's `strconv.Quote` (`ascii`: `strconv.QuoteToASCII`).
pub(crate) fn quote(s: &str, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        quote_char(&mut out, c, '"', ascii);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(fmt: &str, args: Value) -> String {
        sprintf(fmt, args.as_array().unwrap())
    }

    #[test]
    fn floats_like_go() {
        assert_eq!(float_v(1234567.0), "1.234567e+06");
        assert_eq!(float_v(100000.0), "100000");
        assert_eq!(float_v(0.5), "0.5");
        assert_eq!(float_v(1.5e-5), "1.5e-05");
        assert_eq!(float_v(3.0), "3");
        assert_eq!(float_v(0.0), "0");
        assert_eq!(float_v(-2.25), "-2.25");
        assert_eq!(float_v(1e21), "1e+21");
        assert_eq!(g_shortest_f32(0.1), "0.1");
        assert_eq!(g_shortest_f32(std::f64::consts::PI as f32), "3.1415927");
        assert_eq!(g_shortest_f32(1234567.5), "1.2345675e+06");
        assert_eq!(g_shortest_f32(-2.5e-5), "-2.5e-05");
        assert_eq!(g_shortest_f32(0.0), "0");
        assert_eq!(
            f(
                "%.2g|%g|%e|%.3e|%f|%.2f|%8.3f|%-8.1f|%08.2f",
                json!([1234.0, 0.1, 1.0, 123456.0, 1.23456, 2.005, 1.23456, 2.5, -1.5])
            ),
            "1.2e+03|0.1|1.000000e+00|1.235e+05|1.234560|2.00|   1.235|2.5     |-0001.50"
        );
        assert_eq!(f("%.3g|%g", json!([1.0, 100000000.0])), "1|1e+08");
    }

    #[test]
    fn ints_strings_and_errors() {
        assert_eq!(
            f(
                "%d|%5d|%-5d|%05d|%+d|%x|%X|%#x|%o|%#o|%b|%c|%q|%U",
                json!([1, 2, 3, -4, 5, 255, 255, 255, 8, 8, 5, 65, 97, 65])
            ),
            "1|    2|3    |-0004|+5|ff|FF|0xff|10|010|101|A|'a'|U+0041"
        );
        assert_eq!(
            f("%s|%5s|%-5s|%.2s|%q|%x|%v|%t", json!(["a", "b", "c", "hello", "a\"b\n", "hi", [1, "x", null], true])),
            "a|    b|c    |he|\"a\\\"b\\n\"|6869|[1 x <nil>]|true"
        );
        assert_eq!(f("%d %s", json!(["x", 3])), "%!d(string=x) %!s(int=3)");
        assert_eq!(f("%d", json!([])), "%!d(MISSING)");
        assert_eq!(f("a", json!([1, "b"])), "a%!(EXTRA int=1, string=b)");
        assert_eq!(f("%v %d", json!([{"b": 2, "a": [1]}, null])), "map[a:[1] b:2] %!d(<nil>)");
        assert_eq!(f("%*d|%.*f|%%|%T", json!([4, 7, 1, 2.25, "s"])), "   7|2.2|%|string");
        assert_eq!(f("%q", json!(["é\u{200b}\x01"])), "\"é\\u200b\\x01\"");
        assert_eq!(f("%5.1f%%", json!([99.44])), " 99.4%");
    }
}
