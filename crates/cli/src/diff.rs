//! `--pretend`'s field-level diff: what changes between the spec in force and the one committed, one line per field
//! (like `terraform plan`), and which instances the change would replace.

use serde_json::Value;
use std::collections::BTreeMap;

/// One changed field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    /// The field path, such as `Properties.Allocation.Size`.
    #[serde(rename = "Field")]
    pub field: String,
    /// Its value before (absent when added).
    #[serde(rename = "Old", skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// Its value after (absent when removed).
    #[serde(rename = "New", skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// The field-level changes from `old` to `new` (both spec documents; `old` is `None` for a new group).
pub fn changes(old: Option<&Value>, new: &Value) -> Vec<Change> {
    let mut before = BTreeMap::new();
    if let Some(old) = old {
        flatten("", old, &mut before);
    }
    let mut after = BTreeMap::new();
    flatten("", new, &mut after);
    let mut out = Vec::new();
    for (field, value) in &after {
        match before.get(field) {
            Some(v) if v == value => {}
            Some(v) => out.push(Change { field: field.clone(), old: Some(v.clone()), new: Some(value.clone()) }),
            None => out.push(Change { field: field.clone(), old: None, new: Some(value.clone()) }),
        }
    }
    for (field, value) in &before {
        if !after.contains_key(field) {
            out.push(Change { field: field.clone(), old: Some(value.clone()), new: None });
        }
    }
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

/// Every leaf of `value` (and every empty list or mapping) by its path.
fn flatten(path: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                flatten(&p, v, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{path}[{i}]"), v, out);
            }
        }
        leaf => {
            out.insert(path.to_string(), leaf.clone());
        }
    }
}

/// The changes as lines: `~ field: old -> new`, `+ field: new`, `- field: old`.
pub fn render(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        match (&c.old, &c.new) {
            (Some(o), Some(n)) => out.push_str(&format!("  ~ {}: {o} -> {n}\n", c.field)),
            (None, Some(n)) => out.push_str(&format!("  + {}: {n}\n", c.field)),
            (Some(o), None) => out.push_str(&format!("  - {}: {o}\n", c.field)),
            (None, None) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_changed_added_and_removed_fields() {
        let old = serde_json::json!({"ID": "w", "Properties": {"Allocation": {"Size": 3}, "Init": ["a", "b"], "X": 1}});
        let new = serde_json::json!({"ID": "w", "Properties": {"Allocation": {"Size": 4}, "Init": ["a"], "Y": true}});
        let text = render(&changes(Some(&old), &new));
        assert_eq!(
            text,
            "  ~ Properties.Allocation.Size: 3 -> 4\n  - Properties.Init[1]: \"b\"\n  - Properties.X: 1\n  + Properties.Y: true\n"
        );
        assert!(changes(Some(&new), &new).is_empty());
    }
}
