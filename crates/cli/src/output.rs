//! Printing results, the same way on every verb: `-o table|wide|json|yaml`; without `-o`, a table on a terminal and
//! JSON otherwise (so scripts and `jq` get JSON).

use anyhow::Result;
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::io::IsTerminal;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// An aligned table (or `key: value` lines) for people.
    Table,
    /// The table with more columns.
    Wide,
    /// Indented JSON.
    Json,
    /// YAML.
    Yaml,
}

impl Format {
    /// True for the formats meant for people.
    pub fn is_human(self) -> bool {
        matches!(self, Format::Table | Format::Wide)
    }
}

/// The `-o` flag every verb that prints data has.
#[derive(Args, Clone, Copy, Debug, Default)]
pub struct OutputFlag {
    /// Output format: table, wide, json or yaml [default: table on a terminal, json otherwise].
    #[arg(short = 'o', long = "output", value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,
}

impl OutputFlag {
    /// The format asked for, or the default: a table on a terminal, JSON when stdout is a file or a pipe.
    pub fn format(self) -> Format {
        self.output.unwrap_or_else(|| if std::io::stdout().is_terminal() { Format::Table } else { Format::Json })
    }
}

/// `value` as indented JSON (every level indented, raw `Properties` included; keys in their order).
pub fn json_text<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let compact = infrakit_spi::gojson::to_string(value)?;
    Ok(infrakit_spi::gojson::indent(&compact, "  "))
}

/// `value` as YAML, keys in their order.
pub fn yaml_text<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    // JSON is YAML: reading it back as a YAML value keeps the keys' order and un-escapes Go's `\u003c`.
    let compact = infrakit_spi::gojson::to_string(value)?;
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&compact)?;
    Ok(serde_yaml_ng::to_string(&doc)?)
}

/// Prints `value` as indented JSON.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    println!("{}", json_text(value)?);
    Ok(())
}

/// Prints `value` as JSON or YAML; for the human formats, calls `human` (with `true` for `wide`).
pub fn emit<T: Serialize + ?Sized>(value: &T, format: Format, human: impl FnOnce(bool) -> Result<()>) -> Result<()> {
    match format {
        Format::Json => print_json(value),
        Format::Yaml => {
            print!("{}", yaml_text(value)?);
            Ok(())
        }
        Format::Table => human(false),
        Format::Wide => human(true),
    }
}

/// Prints rows as a table with a header, columns padded to their widest cell.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    print!("{}", table_text(header, rows));
}

/// Rows as a table with a header, columns padded to their widest cell.
pub fn table_text(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut text = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == last {
                text.push_str(c);
            } else {
                let pad = widths[i].saturating_sub(c.chars().count());
                text.push_str(c);
                text.push_str(&" ".repeat(pad + 3));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    out
}

/// Prints `key: value` lines, keys aligned.
pub fn print_fields(fields: &[(&str, String)]) {
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in fields {
        println!("{:width$}  {v}", format!("{k}:"), width = width + 1);
    }
}

/// A time in milliseconds since the UNIX epoch, for people: `2026-12-01 17:13:16 UTC (3m ago)`.
pub fn human_time(epoch_ms: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(epoch_ms);
    format!("{} ({})", utc_text(epoch_ms), ago(now.saturating_sub(epoch_ms) / 1000))
}

/// `epoch_ms` as RFC 3339 in UTC, to the second: `2026-12-01T17:13:16Z`.
pub fn rfc3339(epoch_ms: u64) -> String {
    let (date, time) = utc_parts(epoch_ms);
    format!("{date}T{time}Z")
}

fn utc_text(epoch_ms: u64) -> String {
    let (date, time) = utc_parts(epoch_ms);
    format!("{date} {time} UTC")
}

/// The date (`YYYY-MM-DD`) and time of day (`HH:MM:SS`) in UTC.
fn utc_parts(epoch_ms: u64) -> (String, String) {
    let secs = epoch_ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    (format!("{y:04}-{m:02}-{d:02}"), format!("{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60))
}

/// How long ago, in the largest unit that fits: `12s ago`, `3m ago`, `5h ago`, `2d ago`.
pub fn ago(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs}s ago"),
        60..=3599 => format!("{}m ago", secs / 60),
        3600..=86_399 => format!("{}h ago", secs / 3600),
        _ => format!("{}d ago", secs / 86_400),
    }
}

/// A duration for people: `250ms`, `45s`, `10m`, `1h30m`.
pub fn human_duration(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{}ms", d.as_millis()),
        1..=119 => format!("{secs}s"),
        120..=7199 if secs.is_multiple_of(60) => format!("{}m", secs / 60),
        120..=7199 => format!("{}m{}s", secs / 60, secs % 60),
        _ if secs.is_multiple_of(3600) => format!("{}h", secs / 3600),
        _ => format!("{}h{}m", secs / 3600, secs % 3600 / 60),
    }
}

/// Days since 1970-01-01 to a (year, month, day) of the proleptic Gregorian calendar (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_dates() {
        assert_eq!(utc_text(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(rfc3339(1_796_145_196_000), "2026-12-01T17:13:16Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(ago(59), "59s ago");
        assert_eq!(ago(3 * 3600 + 5), "3h ago");
    }

    #[test]
    fn tables_align_and_yaml_keeps_order() {
        let t = table_text(&["A", "BB"], &[vec!["long".into(), "x".into()]]);
        assert_eq!(t, "A      BB\nlong   x\n");
        let y = yaml_text(&serde_json::json!({"ID": "a<b"})).unwrap_or_default();
        assert_eq!(y, "ID: a<b\n");
    }
}
