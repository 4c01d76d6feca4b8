//! Durations as Go writes them (`time.ParseDuration`): a sequence of decimal numbers, each with a unit (`ns`, `us` or
//! `µs`, `ms`, `s`, `m`, `h`), such as `"300ms"`, `"1.5h"` or `"2h45m"`; `"0"` alone needs no unit. Negative
//! durations are refused (nothing here waits a negative time), and so is anything longer than [`MAX`].

use std::time::Duration;

/// The longest duration accepted: 365 days (`"8760h"`). Every duration here is a timeout, an interval, a grace
/// period, a start check or a TTL; a year is far beyond any sane one (a rolling update's pause, a long poll), while
/// a StopGrace or StartCheck of decades would make a Destroy or a Provision hang for good, and values near the
/// integer limits (`"18446744073709551615000s"`) would overflow the millisecond and nanosecond counts they become.
pub const MAX: Duration = Duration::from_secs(365 * 24 * 3600);

/// Parses a Go duration; the error says what is wrong in words.
pub fn parse(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration: write one such as \"10s\", \"500ms\" or \"1m30s\"".into());
    }
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.starts_with('-') {
        return Err(format!("{s:?} is negative: a duration here must be 0 or more"));
    }
    let mut rest = s.strip_prefix('+').unwrap_or(s);
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (num, tail) = rest.split_at(num_len);
        let unit_len = tail.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let n: f64 = num.parse().map_err(|_| format!("{s:?} is not a duration such as \"10s\" or \"1m30s\""))?;
        let seconds = match unit {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err(format!("{s:?}: a number needs a unit (ns, us, ms, s, m or h), as in \"{num}s\"")),
            _ => return Err(format!("{s:?}: unknown unit {unit:?} (use ns, us, ms, s, m or h)")),
        };
        total += n * seconds;
        if total > MAX.as_secs_f64() {
            return Err(format!("{s:?} is too long: a duration is at most 8760h (365 days)"));
        }
        rest = tail;
    }
    Ok(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_syntax() {
        assert_eq!(parse("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse("1h2m3s4ms"), Ok(Duration::from_millis(3_723_004)));
        assert_eq!(parse("0.5s"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("300us"), Ok(Duration::from_micros(300)));
        assert_eq!(parse("300µs"), Ok(Duration::from_micros(300)));
        assert_eq!(parse("+5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn errors_say_what_to_write() {
        assert!(parse("10").unwrap_err().contains("needs a unit"));
        assert!(parse("").unwrap_err().contains("empty"));
        assert!(parse("5 parsecs").unwrap_err().contains("unknown unit"));
        assert!(parse("-1s").unwrap_err().contains("negative"));
        assert!(parse("18446744073709551615000s").unwrap_err().contains("too long"));
        assert!(parse("s").unwrap_err().contains("not a duration"));
    }

    #[test]
    fn bounded_at_a_year() {
        assert_eq!(parse("8760h"), Ok(MAX));
        assert_eq!(parse("525600m"), Ok(MAX));
        for long in
            ["8760h1ms", "8761h", "366h8400h", "17520h", "876000h", "1000000000000000000000000000000000000000000s"]
        {
            let e = parse(long).unwrap_err();
            assert!(e.contains("too long") && e.contains("8760h (365 days)"), "{long}: {e}");
        }
        assert!(parse("99999999999999999999999999999999.5ns").is_err());
    }
}
