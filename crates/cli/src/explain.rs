//! Errors about a spec the user wrote, said in the user's terms: the file, line and column, the field, and what is
//! expected in words (decoders speak of `u64` and `struct Spec`; people write YAML).

use crate::locate::{keys_at, locate};

/// A document the user gave, as it was parsed.
pub struct Doc<'a> {
    /// How to name it: the path, or `<stdin>`.
    pub label: &'a str,
    /// The text parsed (after template rendering).
    pub text: &'a str,
    /// True when the text was rendered from a template (its lines are then the rendered text's).
    pub rendered: bool,
}

impl Doc<'_> {
    /// `file:line:col` of `path` (a field path in the document), or the file alone.
    pub fn at(&self, path: &str) -> String {
        match locate(self.text, path) {
            Some(p) if self.rendered => format!("{}:{}:{} (of the rendered template)", self.label, p.line, p.column),
            Some(p) => format!("{}:{}:{}", self.label, p.line, p.column),
            None => self.label.to_string(),
        }
    }

    /// Checks that the mapping at `path` has only `allowed` keys; an unknown one is named, with the one meant.
    pub fn check_keys(&self, path: &str, allowed: &[&str], what: &str) -> anyhow::Result<()> {
        for key in keys_at(self.text, path) {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let field = join(path, &key);
            let hint = match did_you_mean(&key, allowed) {
                Some(m) => format!("did you mean {m}? "),
                None => String::new(),
            };
            anyhow::bail!("{}: {field}: unknown field; {hint}{what} has only {}", self.at(&field), allowed.join(", "));
        }
        Ok(())
    }

    /// Rewrites an error a plugin gave about the spec at `base` in this document (`""` for the whole document): the
    /// field it names is located in the file and the decoder's words are said plainly.
    pub fn explain(&self, base: &str, error: &str) -> String {
        let Some((field, message)) = invalid_field(error) else { return humanize(error) };
        let (field, message, who) = nested(field, message);
        let full = join(base, &field);
        let said = who.map(|w| format!(" ({w} says)")).unwrap_or_default();
        format!("{}: {full}: {}{said}", self.at(&full), humanize(&message))
    }
}

/// `a` and `b` joined as a field path.
fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty(), b.starts_with('[')) {
        (true, _, _) => b.to_string(),
        (_, true, _) => a.to_string(),
        (_, _, true) => format!("{a}{b}"),
        _ => format!("{a}.{b}"),
    }
}

/// The field and message of the first `invalid <field>: <message>` in an error's text.
fn invalid_field(error: &str) -> Option<(String, String)> {
    let start = error.find("invalid ")?;
    let rest = &error[start + "invalid ".len()..];
    let (field, message) = rest.split_once(": ")?;
    if field.is_empty() || field.contains(' ') {
        return None;
    }
    Some((field.to_string(), message.to_string()))
}

/// A plugin's own `invalid Properties.X` inside the group controller's `invalid <...>.Properties: P rejected them:`
/// becomes one path, `<...>.Properties.X`, with the plugin that said it.
fn nested(field: String, message: String) -> (String, String, Option<String>) {
    if let Some(prefix) = field.strip_suffix(".Properties") {
        if let Some((inner, inner_msg)) = invalid_field(&message) {
            if let Some(tail) = inner.strip_prefix("Properties") {
                let who = message.split(" rejected them").next().unwrap_or("").trim().to_string();
                return (format!("{prefix}.Properties{tail}"), inner_msg, Some(who).filter(|w| !w.is_empty()));
            }
        }
    }
    (field, message, None)
}

/// A decoder's message in plain words: no Rust type names, no positions in re-encoded text.
pub fn humanize(message: &str) -> String {
    let mut m = strip_position(message.trim());
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            m = format!("expected {}, found {}", expected_words(expected), found_words(found));
        }
    } else if let Some(rest) = m.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            m = format!("expected {}, found {}", expected_words(expected), found_words(found));
        }
    } else if let Some(rest) = m.strip_prefix("unknown field `") {
        if let Some((name, list)) = rest.split_once('`') {
            let options = backticked(list);
            let opts: Vec<&str> = options.iter().map(String::as_str).collect();
            let hint = match did_you_mean(name, &opts) {
                Some(x) => format!("; did you mean {x}?"),
                None => String::new(),
            };
            let known = if opts.is_empty() { String::new() } else { format!(" (known fields: {})", opts.join(", ")) };
            m = format!("unknown field {name}{hint}{known}");
        }
    } else if let Some(rest) = m.strip_prefix("unknown variant `") {
        if let Some((name, list)) = rest.split_once('`') {
            let options = backticked(list);
            let opts: Vec<&str> = options.iter().map(String::as_str).collect();
            let hint = did_you_mean(name, &opts).map(|x| format!("; did you mean {x}?")).unwrap_or_default();
            m = format!("{name:?} is not one of {}{hint}", opts.join(", "));
        }
    } else if let Some(rest) = m.strip_prefix("missing field `") {
        m = format!("the field {} is required", rest.trim_end_matches('`'));
    }
    m
}

/// Drops serde_json's ` at line L column C` (a position in the re-encoded JSON, not in the user's file).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_string(),
        _ => message.to_string(),
    }
}

/// The names between backticks in `expected one of `A`, `B``.
fn backticked(list: &str) -> Vec<String> {
    list.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

fn expected_words(expected: &str) -> String {
    let e = expected.trim();
    if e.starts_with("struct ") || e == "a map" || e.starts_with("map") {
        return "a mapping of fields (key: value)".into();
    }
    match e {
        "u64" | "u32" | "u16" | "u8" | "usize" => "a whole number, 0 or more".into(),
        "i64" | "i32" | "i16" | "i8" | "isize" => "a whole number".into(),
        "f64" | "f32" => "a number".into(),
        "a sequence" | "sequence" => "a list".into(),
        "a boolean" => "true or false".into(),
        "a string" => "text".into(),
        "unit" => "nothing (null)".into(),
        other => other.strip_prefix("enum ").map(|n| format!("one of the {n} values")).unwrap_or(other.to_string()),
    }
}

fn found_words(found: &str) -> String {
    let f = found.trim();
    let ticked = |p: &str| f.strip_prefix(p).map(|v| v.trim_matches('`').to_string());
    if let Some(v) = ticked("integer ").or_else(|| ticked("floating point ")) {
        return format!("the number {v}");
    }
    if let Some(v) = f.strip_prefix("string ") {
        return format!("the text {v}");
    }
    if let Some(v) = ticked("boolean ") {
        return v;
    }
    match f {
        "null" | "unit value" => "nothing (an empty value)".into(),
        "map" => "a mapping".into(),
        "sequence" => "a list".into(),
        other => other.to_string(),
    }
}

/// The candidate `word` was most likely meant to be, if one is close enough.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_words_become_plain_words() {
        assert_eq!(
            humanize("invalid type: string \"3\", expected u64 at line 1 column 25"),
            "expected a whole number, 0 or more, found the text \"3\""
        );
        assert_eq!(
            humanize("invalid value: integer `-1`, expected u64"),
            "expected a whole number, 0 or more, found the number -1"
        );
        assert_eq!(
            humanize("invalid type: null, expected struct Spec at line 1 column 4"),
            "expected a mapping of fields (key: value), found nothing (an empty value)"
        );
        let unknown = humanize("unknown field `MaxSurg`, expected one of `MaxUnavailable`, `MaxSurge`, `Monitor`");
        assert!(unknown.starts_with("unknown field MaxSurg; did you mean MaxSurge?"), "{unknown}");
    }

    #[test]
    fn errors_point_into_the_file() {
        let text = "ID: x\nProperties:\n  Flavor:\n    Plugin: flavor-vanilla\n    Properties:\n      Init: 3\n";
        let doc = Doc { label: "x.yaml", text, rendered: false };
        let err = "committing group x: invalid Properties.Flavor.Properties: flavor-vanilla rejected them: invalid \
                   Properties.Init: invalid type: integer `3`, expected a sequence";
        assert_eq!(
            doc.explain("", err),
            "x.yaml:6:7: Properties.Flavor.Properties.Init: expected a list, found the number 3 (flavor-vanilla says)"
        );
        let keys = doc.check_keys("", &["ID", "Properties"], "a group spec");
        assert!(keys.is_ok());
        let typo = Doc { label: "p.yaml", text: "ID: x\nPropertis: {}\n", rendered: false };
        let e = typo.check_keys("", &["ID", "Properties"], "a group spec").err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("p.yaml:2:1: Propertis: unknown field; did you mean Properties? a group spec has only ID, Properties")
        );
    }
}
