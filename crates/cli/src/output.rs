//! Printing results: JSON by default where the data is JSON, tables for people.

use anyhow::Result;
use clap::ValueEnum;
use serde::Serialize;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Indented JSON.
    #[default]
    Json,
    /// An aligned table.
    Table,
}

/// Prints `value` as indented JSON.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let text = infrakit_spi::gojson::to_vec_indent(value, "", "  ")?;
    println!("{}", String::from_utf8_lossy(&text));
    Ok(())
}

/// Prints rows as a table with a header, columns padded to their widest cell.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == last {
                out.push_str(c);
            } else {
                out.push_str(&format!("{:width$}   ", c, width = widths[i]));
            }
        }
        println!("{}", out.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}
