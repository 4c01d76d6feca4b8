//! Reading group spec files (one spec, a list of specs, or InfraKit's `[{"Plugin","Properties"}]` list; JSON or
//! YAML; maybe a template), keeping the text so that errors point into it.

use crate::explain::Doc;
use crate::Context;
use anyhow::{bail, Result};
use infrakit_spi::group;
use infrakit_spi::plugin::{self, Name};

/// A spec file as read: its text and the specs in it.
pub struct SpecFile {
    /// How to name it: the path, or `<stdin>`.
    pub label: String,
    /// The text parsed (rendered, when the file is a template).
    pub text: String,
    /// True when the text was rendered from a template.
    pub rendered: bool,
    /// The specs, in file order.
    pub entries: Vec<Entry>,
}

/// One group spec of a file.
pub struct Entry {
    /// The group plugin it is for.
    pub plugin: Name,
    /// The spec.
    pub spec: group::Spec,
    /// Where the spec is in the document, as a field path (`""`, `[2]` or `[2].Properties`).
    pub base: String,
}

impl SpecFile {
    /// The document, for errors that point into it.
    pub fn doc(&self) -> Doc<'_> {
        Doc { label: &self.label, text: &self.text, rendered: self.rendered }
    }

    /// Reads `file` (or `-`); specs without a plugin of their own are for `default_plugin`.
    pub fn read(
        file: &str,
        default_plugin: &str,
        flags: &crate::cmd_template::TemplateFlags,
        ctx: &Context,
    ) -> Result<SpecFile> {
        let label = if file == "-" { "<stdin>".to_string() } else { file.to_string() };
        let raw = crate::input::read_source(file)?;
        let text = crate::cmd_template::render_if_template(file, &raw, flags, ctx)?;
        let rendered = text != raw;
        let mut out = SpecFile { label, text, rendered, entries: Vec::new() };
        let json = crate::input::to_json_text(&out.text, file)?;
        let value: serde_json::Value = serde_json::from_str(&json)?;
        if value.is_null() {
            bail!(
                "{} is empty: a group spec is a mapping with ID and Properties (Allocation, Instance, Flavor), \
                 such as examples/up-cattle.yaml",
                out.label
            );
        }
        let list_of_specs = value.as_array().is_some_and(|a| a.iter().all(|e| e.get("ID").is_some()));
        let doc = out.doc();
        let mut entries = Vec::new();
        match &value {
            serde_json::Value::Array(items) if list_of_specs => {
                for (i, item) in items.iter().enumerate() {
                    let base = format!("[{i}]");
                    let spec = decode_spec(&doc, &base, item)?;
                    entries.push(Entry { plugin: Name::new(default_plugin), spec, base });
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let at = format!("[{i}]");
                    if !item.is_object() {
                        bail!("{}: {at}: expected an entry with Plugin and Properties", doc.at(&at));
                    }
                    doc.check_keys(&at, &["Plugin", "Properties"], "an entry of the list")?;
                    let entry: plugin::Spec = decode(&doc, &at, item)?;
                    let base = format!("{at}.Properties");
                    let props = entry.properties.map(|p| p.to_value()).unwrap_or_default();
                    if props.is_null() {
                        bail!("{}: {base}: missing: the group spec (ID and Properties) goes here", doc.at(&at));
                    }
                    let spec = decode_spec(&doc, &base, &props)?;
                    entries.push(Entry { plugin: entry.plugin, spec, base });
                }
            }
            serde_json::Value::Object(_) => {
                let spec = decode_spec(&doc, "", &value)?;
                entries.push(Entry { plugin: Name::new(default_plugin), spec, base: String::new() });
            }
            _ => bail!("{}: expected a group spec (a mapping with ID and Properties) or a list of them", doc.at("")),
        }
        out.entries = entries;
        Ok(out)
    }
}

/// One group spec at `base`: only `ID` and `Properties`, each of the right type.
fn decode_spec(doc: &Doc<'_>, base: &str, value: &serde_json::Value) -> Result<group::Spec> {
    if !value.is_object() {
        bail!("{}: {base}: expected a group spec (a mapping with ID and Properties)", doc.at(base));
    }
    doc.check_keys(base, &["ID", "Properties"], "a group spec")?;
    decode(doc, base, value)
}

fn decode<T: serde::de::DeserializeOwned>(doc: &Doc<'_>, base: &str, value: &serde_json::Value) -> Result<T> {
    let text = serde_json::to_string(value)?;
    infrakit_spi::any::decode_named(&text, "").map_err(|e| match e {
        infrakit_spi::Error::Invalid { field, message } => {
            let field = field.trim_start_matches('.');
            if field.is_empty() {
                anyhow::anyhow!("{}: {}", doc.at(base), crate::explain::humanize(&message))
            } else {
                anyhow::anyhow!("{}", doc.explain(base, &format!("invalid {field}: {message}")))
            }
        }
        other => anyhow::anyhow!("{}: {other}", doc.label),
    })
}
