//! Go's `time` package as Sprig's date functions use it: `Time.Format` with Go layouts (ported from
//! `time/format.go`: `nextStdChunk` and `appendFormat`), `time.LoadLocation` (via the system zoneinfo,
//! with jiff's bundled database as fallback) and `time.ParseDuration` (ported from `time/format.go`'s
//! `ParseDuration`).

use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::gotype::GoTime;

/// Go's `time.Now()`, in the `Local` location.
pub(crate) fn now() -> GoTime {
    let ts = Timestamp::now();
    GoTime { secs: ts.as_second(), nanos: ts.subsec_nanosecond().unsigned_abs(), zone: "Local".into() }
}

/// Go's `time.LoadLocation(name)`: `""` and `"UTC"` are UTC, `"Local"` is the system zone (`TZ`, else
/// `/etc/localtime`), anything else an IANA name. `None` when the name is unknown.
fn location(name: &str) -> Option<TimeZone> {
    match name {
        "" | "UTC" => Some(TimeZone::UTC),
        "Local" => Some(local()),
        n => TimeZone::get(n).ok(),
    }
}

/// Go's `Local`: `TZ` unset means `/etc/localtime`, `TZ=""` UTC, `TZ=name` that zone (UTC if unknown).
fn local() -> TimeZone {
    match std::env::var("TZ") {
        Ok(tz) if tz.is_empty() => TimeZone::UTC,
        Ok(tz) => TimeZone::get(tz.trim_start_matches(':')).unwrap_or(TimeZone::UTC),
        Err(_) => TimeZone::try_system().unwrap_or(TimeZone::UTC),
    }
}

/// Go's `t.In(loc)` where `loc` is `time.LoadLocation(zone)`, falling back to UTC as Sprig does.
pub(crate) fn in_zone(t: &GoTime, zone: &str) -> GoTime {
    let zone = if location(zone).is_some() && !zone.is_empty() { zone } else { "UTC" };
    GoTime { zone: zone.to_string(), ..t.clone() }
}

/// The civil fields of a time in its location.
struct Civil {
    year: i64,
    month: usize,
    day: i64,
    yday: i64,
    weekday: usize,
    hour: i64,
    min: i64,
    sec: i64,
    nanos: u32,
    offset: i64,
    abbrev: String,
}

fn civil(t: &GoTime) -> Option<Civil> {
    let tz = location(&t.zone).unwrap_or(TimeZone::UTC);
    let ts = Timestamp::new(t.secs, i32::try_from(t.nanos).ok()?).ok()?;
    let info = tz.to_offset_info(ts);
    let dt = info.offset().to_datetime(ts);
    let abbrev = if t.zone == "UTC" || t.zone.is_empty() { "UTC".to_string() } else { info.abbreviation().to_string() };
    Some(Civil {
        year: i64::from(dt.year()),
        month: usize::try_from(dt.month()).unwrap_or(1),
        day: i64::from(dt.day()),
        yday: i64::from(dt.day_of_year()),
        weekday: usize::try_from(dt.weekday().to_sunday_zero_offset()).unwrap_or(0),
        hour: i64::from(dt.hour()),
        min: i64::from(dt.minute()),
        sec: i64::from(dt.second()),
        nanos: t.nanos,
        offset: i64::from(info.offset().seconds()),
        abbrev,
    })
}

const LONG_DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The layout elements of `time/format.go` (`std*` constants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    Pm,
    PmLower,
    Tz,
    Iso8601Tz,
    Iso8601SecondsTz,
    Iso8601ShortTz,
    Iso8601ColonTz,
    Iso8601ColonSecondsTz,
    NumTz,
    NumSecondsTz,
    NumShortTz,
    NumColonTz,
    NumColonSecondsTz,
    /// `.000` / `,000` (digits, separator): exactly that many digits.
    Frac0(usize, u8),
    /// `.999` / `,999`: at most that many digits, trailing zeros dropped.
    Frac9(usize, u8),
}

fn starts_with_lower(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_lowercase)
}

/// Go's `nextStdChunk`: the text before the first layout element, the element, and the rest.
fn next_std_chunk(layout: &[u8]) -> (&[u8], Option<Std>, &[u8]) {
    let at = |i: usize, s: &str| layout.len() >= i + s.len() && &layout[i..i + s.len()] == s.as_bytes();
    for i in 0..layout.len() {
        let found = |std: Std, len: usize| (&layout[..i], Some(std), &layout[i + len..]);
        match layout[i] {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    return found(Std::LongMonth, 7);
                }
                if !starts_with_lower(&layout[i + 3..]) {
                    return found(Std::Month, 3);
                }
            }
            b'M' if layout.len() >= i + 3 => {
                if at(i, "Mon") {
                    if at(i, "Monday") {
                        return found(Std::LongWeekDay, 6);
                    }
                    if !starts_with_lower(&layout[i + 3..]) {
                        return found(Std::WeekDay, 3);
                    }
                }
                if at(i, "MST") {
                    return found(Std::Tz, 3);
                }
            }
            b'0' => {
                if let Some(c @ b'1'..=b'6') = layout.get(i + 1) {
                    let std =
                        [Std::ZeroMonth, Std::ZeroDay, Std::ZeroHour12, Std::ZeroMinute, Std::ZeroSecond, Std::Year]
                            [usize::from(c - b'1')];
                    return found(std, 2);
                }
                if at(i, "002") {
                    return found(Std::ZeroYearDay, 3);
                }
            }
            b'1' => {
                if at(i, "15") {
                    return found(Std::Hour, 2);
                }
                return found(Std::NumMonth, 1);
            }
            b'2' => {
                if at(i, "2006") {
                    return found(Std::LongYear, 4);
                }
                return found(Std::Day, 1);
            }
            b'_' => {
                if at(i, "_2") {
                    // `_2006` is a literal `_` followed by the long year.
                    if at(i + 1, "2006") {
                        return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]);
                    }
                    return found(Std::UnderDay, 2);
                }
                if at(i, "__2") {
                    return found(Std::UnderYearDay, 3);
                }
            }
            b'3' => return found(Std::Hour12, 1),
            b'4' => return found(Std::Minute, 1),
            b'5' => return found(Std::Second, 1),
            b'P' if at(i, "PM") => return found(Std::Pm, 2),
            b'p' if at(i, "pm") => return found(Std::PmLower, 2),
            b'-' => {
                for (s, std) in [
                    ("-070000", Std::NumSecondsTz),
                    ("-07:00:00", Std::NumColonSecondsTz),
                    ("-0700", Std::NumTz),
                    ("-07:00", Std::NumColonTz),
                    ("-07", Std::NumShortTz),
                ] {
                    if at(i, s) {
                        return found(std, s.len());
                    }
                }
            }
            b'Z' => {
                for (s, std) in [
                    ("Z070000", Std::Iso8601SecondsTz),
                    ("Z07:00:00", Std::Iso8601ColonSecondsTz),
                    ("Z0700", Std::Iso8601Tz),
                    ("Z07:00", Std::Iso8601ColonTz),
                    ("Z07", Std::Iso8601ShortTz),
                ] {
                    if at(i, s) {
                        return found(std, s.len());
                    }
                }
            }
            sep @ (b'.' | b',') if matches!(layout.get(i + 1), Some(b'0' | b'9')) => {
                let ch = layout[i + 1];
                let mut j = i + 1;
                while j < layout.len() && layout[j] == ch {
                    j += 1;
                }
                // The run of digits must end here: only a fractional second is all digits.
                if !layout.get(j).is_some_and(u8::is_ascii_digit) {
                    let n = j - (i + 1);
                    let std = if ch == b'0' { Std::Frac0(n, sep) } else { Std::Frac9(n, sep) };
                    return (&layout[..i], Some(std), &layout[j..]);
                }
            }
            _ => {}
        }
    }
    (layout, None, &[])
}

/// Go's `appendInt`: decimal, zero-padded to `width`.
fn push_int(out: &mut String, x: i64, width: usize) {
    if x < 0 {
        out.push('-');
    }
    out.push_str(&format!("{:0width$}", x.unsigned_abs()));
}

/// Go's `Time.Format(layout)`.
pub(crate) fn format(t: &GoTime, layout: &str) -> String {
    let Some(c) = civil(t) else {
        return format!("time out of range: {}s", t.secs);
    };
    let mut out = String::new();
    let mut rest = layout.as_bytes();
    while !rest.is_empty() {
        let (prefix, std, suffix) = next_std_chunk(rest);
        out.push_str(&String::from_utf8_lossy(prefix));
        let Some(std) = std else { break };
        rest = suffix;
        match std {
            Std::Year => push_int(&mut out, c.year.abs() % 100, 2),
            Std::LongYear => push_int(&mut out, c.year, 4),
            Std::Month => out.push_str(&LONG_MONTHS[c.month - 1][..3]),
            Std::LongMonth => out.push_str(LONG_MONTHS[c.month - 1]),
            Std::NumMonth => push_int(&mut out, c.month as i64, 0),
            Std::ZeroMonth => push_int(&mut out, c.month as i64, 2),
            Std::WeekDay => out.push_str(&LONG_DAYS[c.weekday][..3]),
            Std::LongWeekDay => out.push_str(LONG_DAYS[c.weekday]),
            Std::Day => push_int(&mut out, c.day, 0),
            Std::UnderDay => {
                if c.day < 10 {
                    out.push(' ');
                }
                push_int(&mut out, c.day, 0);
            }
            Std::ZeroDay => push_int(&mut out, c.day, 2),
            Std::UnderYearDay => {
                out.push_str(if c.yday < 10 {
                    "  "
                } else if c.yday < 100 {
                    " "
                } else {
                    ""
                });
                push_int(&mut out, c.yday, 0);
            }
            Std::ZeroYearDay => push_int(&mut out, c.yday, 3),
            Std::Hour => push_int(&mut out, c.hour, 2),
            Std::Hour12 | Std::ZeroHour12 => {
                // Noon is 12PM, midnight is 12AM.
                let hr = if c.hour % 12 == 0 { 12 } else { c.hour % 12 };
                push_int(&mut out, hr, if std == Std::ZeroHour12 { 2 } else { 0 });
            }
            Std::Minute => push_int(&mut out, c.min, 0),
            Std::ZeroMinute => push_int(&mut out, c.min, 2),
            Std::Second => push_int(&mut out, c.sec, 0),
            Std::ZeroSecond => push_int(&mut out, c.sec, 2),
            Std::Pm => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Std::PmLower => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Std::Tz => {
                if !c.abbrev.is_empty() {
                    out.push_str(&c.abbrev);
                } else {
                    let zone = c.offset / 60;
                    out.push(if zone < 0 { '-' } else { '+' });
                    push_int(&mut out, zone.abs() / 60, 2);
                    push_int(&mut out, zone.abs() % 60, 2);
                }
            }
            Std::Frac0(n, sep) | Std::Frac9(n, sep) => {
                let trim = matches!(std, Std::Frac9(..));
                if trim && (n == 0 || c.nanos == 0) {
                    continue;
                }
                let mut frac = format!("{:09}", c.nanos);
                frac.truncate(n.min(9));
                if trim {
                    frac.truncate(frac.trim_end_matches('0').len());
                }
                if !(trim && frac.is_empty()) {
                    out.push(char::from(sep));
                    out.push_str(&frac);
                }
            }
            zone_std => push_offset(&mut out, zone_std, c.offset),
        }
    }
    out
}

/// The numeric zone elements (`-0700`, `Z07:00`...): `Z` for UTC in the ISO 8601 forms.
fn push_offset(out: &mut String, std: Std, offset: i64) {
    use Std::*;
    let iso = matches!(std, Iso8601Tz | Iso8601ColonTz | Iso8601SecondsTz | Iso8601ShortTz | Iso8601ColonSecondsTz);
    if offset == 0 && iso {
        out.push('Z');
        return;
    }
    let zone = offset / 60;
    out.push(if zone < 0 { '-' } else { '+' });
    push_int(out, zone.abs() / 60, 2);
    let colon = matches!(std, Iso8601ColonTz | NumColonTz | Iso8601ColonSecondsTz | NumColonSecondsTz);
    if colon {
        out.push(':');
    }
    if !matches!(std, NumShortTz | Iso8601ShortTz) {
        push_int(out, zone.abs() % 60, 2);
    }
    if matches!(std, Iso8601SecondsTz | NumSecondsTz | NumColonSecondsTz | Iso8601ColonSecondsTz) {
        if matches!(std, NumColonSecondsTz | Iso8601ColonSecondsTz) {
            out.push(':');
        }
        push_int(out, offset.abs() % 60, 2);
    }
}

/// Go's `time.ParseDuration`: a signed sequence of decimal numbers with units (`ns us µs ms s m h`), as
/// nanoseconds; `None` when Go would return an error.
pub(crate) fn parse_duration(s: &str) -> Option<i64> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        // The number: integer part, optional fraction; at least one digit somewhere.
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int: u64 = if int_len == 0 { 0 } else { rest[..int_len].parse().ok()? };
        rest = &rest[int_len..];
        let mut frac_digits = "";
        if let Some(r) = rest.strip_prefix('.') {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            frac_digits = &r[..n];
            rest = &r[n..];
        }
        if int_len == 0 && frac_digits.is_empty() {
            return None;
        }
        let unit_len = rest.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(rest.len());
        let unit: u64 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        rest = &rest[unit_len..];
        let mut v = int.checked_mul(unit)?;
        if !frac_digits.is_empty() {
            // Go keeps the fraction's digits while they fit, then scales (`leadingFraction`).
            let mut f: u64 = 0;
            let mut scale: f64 = 1.0;
            for d in frac_digits.bytes() {
                if f > (i64::MAX as u64) / 10 {
                    break;
                }
                let y = f * 10 + u64::from(d - b'0');
                if y > 1 << 63 {
                    break;
                }
                f = y;
                scale *= 10.0;
            }
            v = v.checked_add((f as f64 * (unit as f64 / scale)) as u64)?;
        }
        total = total.checked_add(v)?;
        if total > 1 << 63 {
            return None;
        }
    }
    if neg {
        Some((total as i128).wrapping_neg() as i64)
    } else {
        i64::try_from(total).ok()
    }
}

/// Go's `t.Add(d)`.
pub(crate) fn add(t: &GoTime, nanos: i64) -> GoTime {
    let total = i128::from(t.secs) * 1_000_000_000 + i128::from(t.nanos) + i128::from(nanos);
    GoTime {
        secs: total.div_euclid(1_000_000_000) as i64,
        nanos: total.rem_euclid(1_000_000_000) as u32,
        zone: t.zone.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(secs: i64, nanos: u32) -> GoTime {
        GoTime { secs, nanos, zone: "UTC".into() }
    }

    #[test]
    fn layouts_like_go() {
        // 2009-11-10 23:00:00 UTC, the Go playground's time.
        let t = utc(1_257_894_000, 0);
        assert_eq!(format(&t, "2006-01-02"), "2009-11-10");
        assert_eq!(format(&t, "Mon Jan _2 15:04:05 MST 2006"), "Tue Nov 10 23:00:00 UTC 2009");
        assert_eq!(format(&t, "Monday, January 2, 3:04PM -07:00 Z07:00"), "Tuesday, November 10, 11:00PM +00:00 Z");
        assert_eq!(format(&t, "2006-01-02 15:04:05.999999999 -0700 MST"), "2009-11-10 23:00:00 +0000 UTC");
        assert_eq!(format(&utc(5, 120_000_000), "05.000 .999 ,00 .9"), "05.120 .12 ,12 .1");
        assert_eq!(format(&utc(0, 0), "002 __2 _2006 06 pm Janx Jan"), "001   1 _1970 70 am Janx Jan");
    }

    #[test]
    fn durations_like_go() {
        assert_eq!(parse_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(parse_duration("-1.5h"), Some(-5_400_000_000_000));
        assert_eq!(parse_duration("300ms"), Some(300_000_000));
        assert_eq!(parse_duration("1µs2ns"), Some(1_002));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("1d"), None);
        assert_eq!(parse_duration(".h"), None);
    }
}
