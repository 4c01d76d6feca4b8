//! Sprig 2.10's date functions (`date.go` of the version InfraKit v0.5 vendors): `now date dateInZone
//! date_in_zone htmlDate htmlDateInZone dateModify date_modify`.

use serde_json::Value;

use super::gotime;
use super::{plain, str_arg, want, FuncMap};
use crate::gotype::{self, GoTime, Special};
use crate::value::type_name;

/// Sprig's `dateInZone` argument: a `time.Time`, or an `int`/`int64`/`int32` of seconds since the epoch;
/// anything else (a float64 from JSON data included) means "now", as Sprig's type switch has it.
fn when(v: &Value) -> GoTime {
    match (gotype::special(v), v) {
        (Some(Special::Time(t)), _) => t,
        (None, Value::Number(n)) if n.is_i64() => {
            GoTime { secs: n.as_i64().unwrap_or(0), nanos: 0, zone: "Local".into() }
        }
        _ => gotime::now(),
    }
}

/// Sprig's `dateInZone(fmt, date, zone)`: an unknown zone is UTC.
fn date_in_zone(layout: &str, date: &Value, zone: &str) -> Value {
    Value::String(gotime::format(&gotime::in_zone(&when(date), zone), layout))
}

fn time_arg(a: &[Value], i: usize) -> Result<GoTime, String> {
    match a.get(i).map(|v| (gotype::special(v), v)) {
        Some((Some(Special::Time(t)), _)) => Ok(t),
        Some((_, v)) => Err(format!("wrong type for value; expected time.Time; got {}", type_name(v))),
        None => Err(format!("missing argument {}", i + 1)),
    }
}

pub(super) fn register(m: &mut FuncMap) {
    plain(m, &["now"], |a| {
        want(a, 0)?;
        Ok(gotype::time(&gotime::now()))
    });
    plain(m, &["date"], |a| {
        want(a, 2)?;
        Ok(date_in_zone(str_arg(a, 0)?, &a[1], "Local"))
    });
    plain(m, &["dateInZone", "date_in_zone"], |a| {
        want(a, 3)?;
        Ok(date_in_zone(str_arg(a, 0)?, &a[1], str_arg(a, 2)?))
    });
    plain(m, &["htmlDate"], |a| {
        want(a, 1)?;
        Ok(date_in_zone("2006-01-02", &a[0], "Local"))
    });
    plain(m, &["htmlDateInZone"], |a| {
        want(a, 2)?;
        Ok(date_in_zone("2006-01-02", &a[0], str_arg(a, 1)?))
    });
    plain(m, &["dateModify", "date_modify"], |a| {
        want(a, 2)?;
        let t = time_arg(a, 1)?;
        // An unparsable duration leaves the date as it was.
        Ok(gotype::time(&match gotime::parse_duration(str_arg(a, 0)?) {
            Some(d) => gotime::add(&t, d),
            None => t,
        }))
    });
}
