//! `/api/state`: everything the web view shows at once (groups with their counts, instances and rollouts, the
//! leader, the latest events); the page fetches it at first and again when an event says something changed.

use crate::Recorder;
use infrakit_group::clock::{Clock, SystemClock};
use infrakit_node::controller::Controller;
use infrakit_spi::flavor::Health;
use infrakit_spi::hash::CONFIG_SHA_TAG;
use infrakit_spi::manager::Manager;
use serde_json::{json, Value};

/// How many of the latest events the page gets at first.
const LATEST: usize = 100;

fn health_name(h: Option<Health>) -> &'static str {
    match h {
        Some(Health::Healthy) => "healthy",
        Some(Health::Unhealthy) => "unhealthy",
        _ => "unknown",
    }
}

/// The state as JSON.
pub async fn state(controller: &Controller, recorder: &Recorder, csrf: &str) -> Value {
    let plugin = &controller.plugin;
    let ids = plugin.group_ids().await;
    recorder.keep_groups(&ids);
    let now = SystemClock.now();
    let mut groups = Vec::new();
    for id in &ids {
        let Ok(snap) = plugin.snapshot(id).await else { continue };
        let seen = recorder.members(id);
        let hash = &snap.config.hash;
        let mut instances: Vec<Value> = snap
            .members
            .iter()
            .map(|d| {
                let s = seen.get(&d.id);
                let config = d.tags.get(CONFIG_SHA_TAG).cloned().unwrap_or_default();
                json!({
                    "id": d.id.0,
                    "logicalID": d.logical_id.as_ref().map(|l| l.0.clone()),
                    "health": health_name(s.map(|s| s.health)),
                    "ageMs": s.map(|s| now.saturating_sub(s.first_seen)),
                    "config": config,
                    "current": &config == hash,
                    "tags": d.tags,
                })
            })
            .collect();
        instances.sort_by(|a, b| {
            let key = |v: &Value| (v["logicalID"].as_str().map(str::to_string), v["id"].as_str().map(str::to_string));
            key(a).cmp(&key(b))
        });
        let unhealthy = instances.iter().filter(|i| i["health"] == "unhealthy").count();
        groups.push(json!({
            "id": id.0,
            "instancePlugin": snap.config.instance.plugin.to_string(),
            "flavorPlugin": snap.config.flavor.plugin.to_string(),
            "pets": snap.config.is_pets(),
            "hash": hash,
            "status": snap.status,
            "unhealthy": unhealthy,
            "instances": instances,
            "spec": snap.config.spec,
        }));
    }
    let replica = match Manager::status(controller.replica.as_ref()).await {
        Ok(s) => serde_json::to_value(s).unwrap_or(Value::Null),
        Err(e) => json!({"Error": e.to_string()}),
    };
    let (events, seq) = recorder.bus.latest(LATEST);
    json!({
        "csrf": csrf,
        "replica": replica,
        "groups": groups,
        "events": events,
        "seq": seq,
        "now": crate::event::rfc3339(now),
    })
}
