//! `commit --pretend` and the commit agree by construction: the same spec is committed through the `Group` plugin
//! with and without `pretend`, against an in-memory instance plugin on paused tokio time, and the plan the pretend
//! commit returned is compared with what the plugin was then asked to do.

mod common;

use common::memory::{controller, memory_spec, within, Memory};
use infrakit_flavor_vanilla::VanillaFlavor;
use infrakit_group::plugin::GroupPlugin;
use infrakit_spi::group::{self, Group};
use infrakit_spi::hash::CONFIG_SHA_TAG;
use infrakit_spi::instance::Id;
use infrakit_spi::status::RolloutPhase;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

fn cattle(size: u64, version: u32, extra: &str) -> group::Spec {
    memory_spec(&format!(r#"{{"Size":{size}}}"#), &format!(r#"{{"V":{version}}}"#), extra)
}

fn pets(ids: &[&str], version: u32, extra: &str) -> group::Spec {
    let ids: Vec<String> = ids.iter().map(|i| format!("\"{i}\"")).collect();
    memory_spec(&format!(r#"{{"LogicalIDs":[{}]}}"#, ids.join(",")), &format!(r#"{{"V":{version}}}"#), extra)
}

fn gid() -> group::Id {
    group::Id("g".into())
}

/// The IDs in a plan's field.
fn ids(plan: &Value, field: &str) -> Vec<Id> {
    plan[field].as_array().into_iter().flatten().filter_map(Value::as_str).map(|s| Id(s.to_string())).collect()
}

/// Waits until the group runs `spec`'s config and has nothing in flight: converged, or (`pauses`) its rollout
/// paused for a person.
/// Waits until the commit is carried out: a pass after `passes` (a size change keeps the hash, so the status before
/// the commit's first pass would look settled), nothing in flight, and every instance at `hash`.
async fn settled(g: &GroupPlugin, plugin: &Memory, hash: &str, pauses: bool, passes: u64) {
    within(LIMIT, "the commit carried out", async || {
        let Ok(snap) = g.snapshot(&gid()).await else { return false };
        let s = &snap.status.counts;
        if snap.status.passes <= passes || snap.config.hash != hash || s.creating > 0 || s.destroying > 0 {
            return false;
        }
        if pauses {
            return s.rollout.as_ref().is_some_and(|r| r.state == RolloutPhase::Paused);
        }
        s.converged && plugin.instances().iter().all(|d| d.tags.get(CONFIG_SHA_TAG).map(String::as_str) == Some(hash))
    })
    .await
}

/// Commits `from` and lets it converge, then commits `to` with `pretend` (nothing may happen), then for real; the
/// plan says what the plugin was asked to do.
async fn pretend_then_commit(from: group::Spec, to: group::Spec) {
    let plugin = Memory::new(Duration::ZERO);
    let g = controller(plugin.clone(), Arc::new(VanillaFlavor::default()));
    g.commit_group(from.clone(), false).await.expect("first commit");
    let first = infrakit_group::config::GroupConfig::parse(&from).expect("spec");
    settled(&g, &plugin, &first.hash, false, 0).await;
    let before: BTreeSet<Id> = plugin.ids().into_iter().collect();
    plugin.take_destroyed();
    let provisions = plugin.provisions();

    let pretend = g.commit_group(to.clone(), true).await.expect("pretend commit");
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(plugin.ids().into_iter().collect::<BTreeSet<_>>(), before, "--pretend changed instances");
    assert_eq!(plugin.provisions(), provisions, "--pretend created instances");
    assert!(plugin.take_destroyed().is_empty(), "--pretend destroyed instances");
    let snap = g.snapshot(&gid()).await.expect("snapshot");
    assert_eq!(snap.config.hash, first.hash, "--pretend put the spec in force");

    let passes = g.snapshot(&gid()).await.expect("snapshot").status.passes;
    let commit = g.commit_group(to.clone(), false).await.expect("commit");
    assert_eq!((&commit.details, &commit.plan), (&pretend.details, &pretend.plan), "the commit's own preview");
    let plan = pretend.plan.expect("a plan").to_value();
    let pauses = plan["Pauses"].as_bool().unwrap_or(false);
    let next = infrakit_group::config::GroupConfig::parse(&to).expect("spec");
    settled(&g, &plugin, &next.hash, pauses, passes).await;

    let (roll, destroy) = (ids(&plan, "Roll"), ids(&plan, "Destroy"));
    let planned: BTreeSet<Id> = roll.iter().chain(&destroy).cloned().collect();
    let destroyed: BTreeSet<Id> = plugin.take_destroyed().into_iter().collect();
    assert_eq!(destroyed, planned, "destroyed (rolled or not) as planned: {plan}");
    assert!(planned.is_subset(&before), "{plan}");
    let created = plugin.provisions() - provisions;
    let create = plan["Create"].as_u64().unwrap_or(0);
    // A shrink that rolls rolls every outdated instance and replaces only as many as the new size wants.
    assert_eq!(created.saturating_sub(roll.len() as u64), create, "created as planned (beyond replacements): {plan}");
    assert_eq!(plugin.ids().len() as u64, next.target(), "{plan}");
}

#[tokio::test(start_paused = true)]
async fn a_pretend_commit_says_what_the_commit_then_does() {
    // Grow and roll; shrink and roll; only a size change; a roll that stops at its canaries.
    pretend_then_commit(cattle(5, 1, ""), cattle(8, 2, r#","Updating":{"MaxUnavailable":2}"#)).await;
    pretend_then_commit(cattle(5, 1, ""), cattle(3, 2, "")).await;
    pretend_then_commit(cattle(4, 1, ""), cattle(6, 1, "")).await;
    pretend_then_commit(cattle(2, 1, ""), cattle(1, 1, "")).await;
    pretend_then_commit(cattle(6, 1, ""), cattle(6, 2, r#","Updating":{"Canary":2}"#)).await;
    // Pets: one logical ID leaves, one comes, the others roll, the leader's last.
    pretend_then_commit(pets(&["a", "b", "c"], 1, ""), pets(&["a", "b", "d"], 2, r#","Updating":{"Last":["a"]}"#))
        .await;
}
