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
    let text = to_json_text(&text, path)?;
    infrakit_spi::any::decode_named(&text, label).map_err(anyhow::Error::from)
}

/// JSON text of a document that may be YAML: files named `.yaml`/`.yml`, or text that is not JSON but is YAML.
pub fn to_json_text(text: &str, path: &str) -> Result<String> {
    let yaml_name = path.ends_with(".yaml") || path.ends_with(".yml");
    if !yaml_name && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
        return Ok(text.to_string());
    }
    let value: serde_json::Value = match serde_yaml_ng::from_str(text) {
        Ok(v) => v,
        Err(e) if yaml_name => return Err(anyhow::anyhow!("{path}: not valid YAML: {e}")),
        Err(_) => {
            // Neither: report the JSON error, with its line and column.
            let e =
                serde_json::from_str::<serde::de::IgnoredAny>(text).err().map(|e| e.to_string()).unwrap_or_default();
            return Err(anyhow::anyhow!("{path}: not valid JSON (nor YAML): {e}"));
        }
    };
    Ok(serde_json::to_string(&value)?)
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
