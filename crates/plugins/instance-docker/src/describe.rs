//! Listing: the live containers (running, restarting or paused) whose labels hold the asked tags and the namespace
//! tags. A container that exited, died or was only created is not an instance. ID = the first 12 hex digits of the
//! container ID, logical ID = its name, tags = its labels (v0.5's shape).

use crate::errors;
use crate::Inner;
use infrakit_docker::models::ContainerSummary;
use infrakit_spi::instance::{Description, Id, LogicalId, Tags};
use infrakit_spi::{Any, Result};
use std::collections::HashMap;

/// The states in which a container counts as a live instance.
pub(crate) const LIVE: [&str; 3] = ["running", "restarting", "paused"];

/// The filters of a listing of live containers carrying `tags` and the namespace tags (which win).
pub(crate) fn filters(tags: &Tags, namespace: &Tags) -> HashMap<String, Vec<String>> {
    let mut all = tags.clone();
    all.extend(namespace.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut filters = HashMap::new();
    filters.insert("status".to_string(), LIVE.iter().map(|s| s.to_string()).collect());
    if !all.is_empty() {
        filters.insert("label".to_string(), all.iter().map(|(k, v)| format!("{k}={v}")).collect());
    }
    filters
}

/// Lists the instances whose tags hold `tags`.
pub(crate) async fn describe(inner: &Inner, tags: &Tags, properties: bool) -> Result<Vec<Description>> {
    let listed = inner
        .docker
        .list_containers(&filters(tags, &inner.options.namespace), false)
        .await
        .map_err(|e| errors::on("list containers", e))?;
    let mut out = Vec::with_capacity(listed.len());
    for c in listed {
        if c.id.as_deref().is_some_and(|id| inner.deaths.is_dead(id)) {
            continue; // it died; the engine's listing has not caught up yet
        }
        if let Some(d) = description(&c, properties)? {
            out.push(d);
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The short ID of a container: its first 12 hex digits.
pub(crate) fn short(id: &str) -> String {
    id.chars().take(12).collect()
}

fn description(c: &ContainerSummary, properties: bool) -> Result<Option<Description>> {
    let Some(id) = c.id.as_deref().filter(|i| !i.is_empty()) else { return Ok(None) };
    let name = c.names.as_ref().and_then(|n| n.first()).map(|n| n.trim_start_matches('/').to_string());
    let tags: Tags = c.labels.clone().unwrap_or_default().into_iter().collect();
    let props = if properties { Some(Any::from_value(c)?) } else { None };
    Ok(Some(Description { id: Id(short(id)), logical_id: name.map(LogicalId), tags, properties: props }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_tags_are_required_and_win() {
        let tags: Tags = [("infrakit.group".to_string(), "g".to_string()), ("ns".to_string(), "x".to_string())].into();
        let ns: Tags = [("ns".to_string(), "y".to_string())].into();
        let f = filters(&tags, &ns);
        let mut labels = f.get("label").cloned().unwrap_or_default();
        labels.sort();
        assert_eq!(labels, vec!["infrakit.group=g".to_string(), "ns=y".to_string()]);
        assert_eq!(f.get("status").map(Vec::len), Some(3));
        assert!(!filters(&Tags::new(), &Tags::new()).contains_key("label"));
    }

    #[test]
    fn v0_5_descriptions() {
        let c = ContainerSummary {
            id: Some("0123456789abcdef0123".into()),
            names: Some(vec!["/198.18.0.5".into()]),
            labels: Some([("a".to_string(), "b".to_string())].into()),
            ..Default::default()
        };
        let d = description(&c, false).ok().flatten().expect("a description");
        assert_eq!(d.id.0, "0123456789ab");
        assert_eq!(d.logical_id.map(|l| l.0).as_deref(), Some("198.18.0.5"));
        assert_eq!(d.tags.get("a").map(String::as_str), Some("b"));
        assert!(d.properties.is_none());
    }
}
