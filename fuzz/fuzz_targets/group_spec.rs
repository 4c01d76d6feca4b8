//! The group spec parser as `group commit` and `up` read a file: JSON, else YAML (converted to JSON), decoded as
//! one group spec or a list of them (errors naming the field), then the group controller's own parse of each
//! spec's properties (sizes, durations, policies).

#![no_main]

use infrakit_spi::group;
use libfuzzer_sys::fuzz_target;

/// What the CLI's `input::to_json_text` does: JSON text as is, else YAML converted to JSON.
fn to_json_text(text: &str) -> Option<String> {
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
        return Some(text.to_string());
    }
    let value: serde_json::Value = serde_yaml_ng::from_str(text).ok()?;
    serde_json::to_string(&value).ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(json) = to_json_text(text) else { return };
    let mut specs: Vec<group::Spec> = Vec::new();
    if let Ok(list) = infrakit_spi::any::decode_named::<Vec<group::Spec>>(&json, "fuzz") {
        specs = list;
    } else if let Ok(spec) = infrakit_spi::any::decode_named::<group::Spec>(&json, "fuzz") {
        specs.push(spec);
    }
    for spec in &specs {
        let _ = infrakit_group::config::GroupConfig::parse(spec);
        // What is decoded encodes again.
        let again = serde_json::to_string(spec).expect("a decoded spec encodes");
        let _: group::Spec = serde_json::from_str(&again).expect("an encoded spec decodes");
    }
});
