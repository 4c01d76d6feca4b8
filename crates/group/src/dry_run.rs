//! `commit --pretend` by construction: the real reconciler and planner run against an in-memory copy of the group,
//! as if every action succeeded at once and every instance were healthy, and what they did is the plan (as `nomad
//! job plan` runs the real scheduler against a recording builder). A preview therefore cannot say something other
//! than what the controller then does, given the same instances.

use crate::clock::Millis;
use crate::config::GroupConfig;
use crate::model::{Action, DestroyReason, Outcome};
use crate::reconciler::Reconciler;
use infrakit_spi::flavor::Health;
use infrakit_spi::hash::{CONFIG_SHA_TAG, GROUP_TAG, LOGICAL_ID_TAG};
use infrakit_spi::instance::{Description, Id, LogicalId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a commit will do, for people and programs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct PlanDiff {
    /// Instances to create beyond one-for-one replacements of rolled instances.
    #[serde(rename = "Create")]
    pub create: u64,
    /// Existing instances to destroy without replacement: to shrink (cattle), because their logical ID left the
    /// spec, or because another instance holds the same logical ID.
    #[serde(rename = "Destroy")]
    pub destroy: Vec<Id>,
    /// Existing instances to replace with the new config, in the order they will be rolled.
    #[serde(rename = "Roll")]
    pub roll: Vec<Id>,
    /// Pets to add.
    #[serde(rename = "AddLogicalIDs")]
    pub add_logical_ids: Vec<LogicalId>,
    /// The steps, in the order the controller takes them.
    #[serde(rename = "Order")]
    pub order: Vec<String>,
    /// True when the rollout stops for a person before it is done (a canary).
    #[serde(rename = "Pauses")]
    pub pauses: bool,
    /// True when the dry run stopped at its time budget (a very large group): the instances it had not rolled yet
    /// are listed in `Roll` in the order the planner sorts them, and `Create` counts what is still missing.
    #[serde(rename = "Truncated", skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// The most passes a dry run makes (each pass moves at least one step, so a plan of any size fits).
fn pass_limit(cfg: &GroupConfig, members: usize) -> usize {
    (cfg.target() as usize + members).saturating_mul(4).saturating_add(100).min(1_000_000)
}

/// How long a dry run may take before the rest of the plan is extrapolated.
pub const DRY_RUN_BUDGET: std::time::Duration = std::time::Duration::from_millis(500);

/// Runs the controller on a copy of `members` from `old` (`None`: a group not managed yet) to `new`, and returns
/// what it did. Nothing is sent anywhere. CPU-bound for up to `budget`: async callers run it on the blocking pool.
pub fn dry_run(
    old: Option<&GroupConfig>,
    new: &GroupConfig,
    members: &[Description],
    budget: std::time::Duration,
) -> PlanDiff {
    let started = std::time::Instant::now();
    let mut now: Millis = 1_000_000;
    let mut recon = Reconciler::new(old.unwrap_or(new).clone(), None).with_listing_grace(0);
    let mut world: BTreeMap<Id, Description> = members.iter().map(|d| (d.id.clone(), d.clone())).collect();
    let originals: BTreeSet<Id> = world.keys().cloned().collect();
    let had: BTreeSet<LogicalId> = members.iter().filter_map(|d| d.logical_id.clone()).collect();
    observe(&mut recon, &world, now);
    if old.is_some() {
        recon.update(new.clone(), now);
    }
    let step = new.updating.monitor_ms().max(1) + 1;
    let (mut created, mut next_id, mut idle) = (0u64, 0u64, 0);
    let mut diff = PlanDiff::default();
    let mut steps: Vec<String> = Vec::new();
    let mut finished = false;
    for _ in 0..pass_limit(new, members.len()) {
        if started.elapsed() > budget {
            break;
        }
        now += step;
        observe(&mut recon, &world, now);
        let plan = recon.plan(now);
        if plan.actions.is_empty() {
            let status = recon.status();
            if status.rollout.as_ref().is_some_and(|r| !r.is_running()) {
                diff.pauses = true;
                finished = true;
                break;
            }
            idle += 1;
            if status.converged || idle > 3 {
                finished = true;
                break;
            }
            continue;
        }
        idle = 0;
        for action in plan.actions {
            let outcome = match action {
                Action::Provision { intent, logical_id, .. } => {
                    next_id += 1;
                    created += 1;
                    let id = Id(format!("pretend-{next_id}"));
                    let cfg = recon.config();
                    let mut tags: BTreeMap<String, String> =
                        [(GROUP_TAG.to_string(), cfg.id().0.clone()), (CONFIG_SHA_TAG.to_string(), cfg.hash.clone())]
                            .into();
                    if let Some(l) = &logical_id {
                        tags.insert(LOGICAL_ID_TAG.to_string(), l.0.clone());
                        if !had.contains(l) && !diff.add_logical_ids.contains(l) {
                            diff.add_logical_ids.push(l.clone());
                        }
                    }
                    world.insert(id.clone(), Description { id: id.clone(), logical_id, tags, properties: None });
                    note(&mut steps, "create");
                    Outcome::Provisioned { intent, id }
                }
                Action::Destroy { id, reason } => {
                    world.remove(&id);
                    if originals.contains(&id) {
                        match reason {
                            DestroyReason::Rolling => {
                                diff.roll.push(id.clone());
                                note(&mut steps, "roll");
                            }
                            _ => {
                                diff.destroy.push(id.clone());
                                note(&mut steps, "destroy");
                            }
                        }
                    }
                    Outcome::Destroyed { id }
                }
                Action::Label { id, tags } => {
                    if let Some(d) = world.get_mut(&id) {
                        d.tags.extend(tags);
                    }
                    Outcome::Labeled { id }
                }
            };
            recon.complete(&outcome, now);
        }
    }
    if !finished {
        // Out of time: what is left is extrapolated the way the planner would go on.
        diff.truncated = true;
        let hash = recon.config().hash.clone();
        let last: BTreeSet<&LogicalId> = new.updating.last.iter().collect();
        let mut left: Vec<&Description> =
            world.values().filter(|d| originals.contains(&d.id) && d.tags.get(CONFIG_SHA_TAG) != Some(&hash)).collect();
        left.sort_by_key(|d| crate::plan::roll_order(d, Health::Healthy, &last));
        diff.roll.extend(left.iter().map(|d| d.id.clone()));
        created += new.target().saturating_sub(world.len() as u64) + left.len() as u64;
        note(&mut steps, "roll");
    }
    diff.create = created.saturating_sub(diff.roll.len() as u64);
    diff.order = order(&steps, &diff);
    diff
}

fn observe(recon: &mut Reconciler, world: &BTreeMap<Id, Description>, now: Millis) {
    let listing: Vec<Description> = world.values().cloned().collect();
    let health: BTreeMap<Id, Health> = world.keys().map(|id| (id.clone(), Health::Healthy)).collect();
    recon.observe(now, listing, &health);
}

/// Remembers the kinds of step in the order they first happen.
fn note(steps: &mut Vec<String>, kind: &str) {
    if !steps.iter().any(|s| s == kind) {
        steps.push(kind.to_string());
    }
}

fn order(steps: &[String], diff: &PlanDiff) -> Vec<String> {
    steps
        .iter()
        .filter_map(|s| match s.as_str() {
            "roll" if !diff.roll.is_empty() => Some(format!("roll {} instances", diff.roll.len())),
            "destroy" if !diff.destroy.is_empty() => Some(format!("destroy {} instances", diff.destroy.len())),
            "create" if diff.create > 0 => Some(format!("create {} instances", diff.create)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrakit_spi::Any;
    use std::time::Duration;

    fn cfg(size: u64, version: u32) -> GroupConfig {
        let props = format!(
            r#"{{"Allocation":{{"Size":{size}}},"Instance":{{"Plugin":"i","Properties":{{"V":{version}}}}},
                "Flavor":{{"Plugin":"f","Properties":{{}}}}}}"#
        );
        let spec = infrakit_spi::group::Spec {
            id: infrakit_spi::group::Id("g".into()),
            properties: Some(Any::from_json(&props).expect("spec")),
        };
        GroupConfig::parse(&spec).expect("config")
    }

    fn members(n: usize, cfg: &GroupConfig) -> Vec<Description> {
        (0..n)
            .map(|i| Description {
                id: Id(format!("i-{i:05}")),
                logical_id: None,
                tags: [(GROUP_TAG.to_string(), "g".to_string()), (CONFIG_SHA_TAG.to_string(), cfg.hash.clone())].into(),
                properties: None,
            })
            .collect()
    }

    #[test]
    fn a_roll_and_a_grow_are_planned_step_by_step() {
        let (old, new) = (cfg(4, 1), cfg(6, 2));
        let m = members(4, &old);
        let plan = dry_run(Some(&old), &new, &m, Duration::from_secs(60));
        assert!(!plan.truncated);
        assert_eq!(plan.roll.len(), 4);
        assert_eq!(plan.create, 2);
        assert!(plan.destroy.is_empty());
        assert_eq!(plan.order, ["create 2 instances", "roll 4 instances"].map(String::from));
    }

    #[test]
    fn out_of_time_the_rest_is_extrapolated() {
        let (old, new) = (cfg(50, 1), cfg(50, 2));
        let m = members(50, &old);
        let plan = dry_run(Some(&old), &new, &m, Duration::ZERO);
        assert!(plan.truncated);
        let mut all: Vec<Id> = m.iter().map(|d| d.id.clone()).collect();
        all.sort();
        assert_eq!(plan.roll, all, "every outdated instance, in the planner's order");
        assert_eq!(plan.create, 0);
    }
}
