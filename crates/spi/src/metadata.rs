//! Metadata plugin types and trait (`Metadata/0.1.0`): a read-only tree of values addressed by `/` paths.

use crate::{Any, Result};
use async_trait::async_trait;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A path in the metadata tree. v0.5 sends it as one `/`-joined string (`"."` when empty); v0.4.1 sent a JSON array.
/// Both are accepted; the v0.5 form is sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Path(pub Vec<String>);

impl Path {
    /// Parses a path the way v0.5's `PathFromString` does: split on `/`, drop `.` and empty segments (keeping a
    /// leading empty segment for an absolute path and a trailing one for a trailing `/`), `..` pops.
    pub fn parse(s: &str) -> Path {
        let parts: Vec<&str> = s.split('/').collect();
        let last = parts.len().saturating_sub(1);
        let mut out: Vec<String> = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            match *p {
                "" if i == 0 && parts.len() > 1 => out.push(String::new()),
                "" if i == last && i > 0 => out.push(String::new()),
                "" | "." => {}
                ".." => {
                    out.pop();
                }
                seg => out.push(seg.to_string()),
            }
        }
        Path(out)
    }

    /// The segments, without empty ones.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str).filter(|s| !s.is_empty())
    }

    /// The first segment and the rest, if any.
    pub fn split_first(&self) -> Option<(&str, Path)> {
        let segs: Vec<&str> = self.segments().collect();
        let (first, rest) = segs.split_first()?;
        Some((first, Path(rest.iter().map(|s| s.to_string()).collect())))
    }

    /// True for the root (no segments).
    pub fn is_root(&self) -> bool {
        self.segments().next().is_none()
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str(".")
        } else {
            f.write_str(&self.0.join("/"))
        }
    }
}

impl Serialize for Path {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Path {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Path, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Path;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a path string like \"a/b\" or an array of segments")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Path, E> {
                Ok(Path::parse(v.trim()))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Path, E> {
                Ok(Path::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Path, A::Error> {
                let mut segs = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    segs.push(s);
                }
                Ok(Path::parse(&segs.join("/")))
            }
        }
        d.deserialize_any(V)
    }
}

/// The node at `path` inside a JSON value (objects by key, arrays by index).
pub fn value_at<'a>(root: &'a serde_json::Value, path: &Path) -> Option<&'a serde_json::Value> {
    let mut node = root;
    for seg in path.segments() {
        node = match node {
            serde_json::Value::Object(map) => map.get(seg)?,
            serde_json::Value::Array(items) => {
                items.get(seg.trim_start_matches('[').trim_end_matches(']').parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(node)
}

/// The children of the node at `path`: sorted keys of an object, `[i]` for an array, nothing for a scalar.
pub fn children_at(root: &serde_json::Value, path: &Path) -> Option<Vec<String>> {
    Some(match value_at(root, path)? {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<String> = map.keys().cloned().collect();
            keys.sort();
            keys
        }
        serde_json::Value::Array(items) => (0..items.len()).map(|i| format!("[{i}]")).collect(),
        _ => Vec::new(),
    })
}

/// A metadata plugin: a read-only namespace of values.
#[async_trait]
pub trait Metadata: Send + Sync {
    /// The names of the children of `path` (sorted); `None` when the path does not exist.
    async fn list(&self, path: &Path) -> Result<Option<Vec<String>>>;
    /// The value at `path`; `None` when it does not exist.
    async fn get(&self, path: &Path) -> Result<Option<Any>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths() {
        assert_eq!(Path::parse("specs/cattle").0, ["specs", "cattle"]);
        assert_eq!(Path::parse("./a/./b/../c").0, ["a", "c"]);
        assert_eq!(Path::parse("").to_string(), ".");
        assert_eq!(Path::parse("/a").0, ["", "a"]);
        assert_eq!(Path::parse("a/").0, ["a", ""]);
    }

    #[test]
    fn accepts_both_wire_forms() {
        let a: Path = serde_json::from_str(r#""specs/cattle""#).unwrap();
        let b: Path = serde_json::from_str(r#"["specs","cattle"]"#).unwrap();
        assert_eq!(a, b);
        assert_eq!(serde_json::to_string(&a).unwrap(), r#""specs/cattle""#);
    }
}
