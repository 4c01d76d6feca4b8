//! Reading JSON documents from files or standard input, with errors that name the source and the field.

use anyhow::{Context as _, Result};
use serde::de::DeserializeOwned;
use std::io::Read;

/// Reads `path` (or standard input for `-`).
pub fn read_source(path: &str) -> Result<String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {path}"))
    }
}

/// Reads and decodes `path`; errors name the file and the JSON path of the bad field.
pub fn read_json<T: DeserializeOwned>(path: &str) -> Result<T> {
    let text = read_source(path)?;
    let label = if path == "-" { "<stdin>" } else { path };
    infrakit_spi::any::decode_named(&text, label).map_err(anyhow::Error::from)
}

/// Parses `k=v,k2=v2` (repeatable) into tags.
pub fn parse_tags(items: &[String]) -> Result<infrakit_spi::instance::Tags> {
    let mut tags = infrakit_spi::instance::Tags::new();
    for item in items.iter().flat_map(|s| s.split(',')).filter(|s| !s.is_empty()) {
        let (k, v) = item.split_once('=').with_context(|| format!("tag {item:?} is not key=value"))?;
        tags.insert(k.trim().to_string(), v.trim().to_string());
    }
    Ok(tags)
}
