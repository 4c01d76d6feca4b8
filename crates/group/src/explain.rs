//! Explaining a commit before it happens: InfraKit v0.5's one-line text, plus a structured plan.

use crate::config::GroupConfig;
use infrakit_spi::hash::CONFIG_SHA_TAG;
use infrakit_spi::instance::{Description, Id, LogicalId};
use serde::Serialize;

/// What a commit will do, for people and programs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct PlanDiff {
    /// Instances to create (beyond one-for-one replacements).
    #[serde(rename = "Create")]
    pub create: u64,
    /// Instances to destroy to shrink (cattle) or because their logical ID left the spec (pets).
    #[serde(rename = "Destroy")]
    pub destroy: Vec<Id>,
    /// Instances to replace with the new config, in the order they will be rolled.
    #[serde(rename = "Roll")]
    pub roll: Vec<Id>,
    /// Pets to add.
    #[serde(rename = "AddLogicalIDs")]
    pub add_logical_ids: Vec<LogicalId>,
    /// The order of the steps.
    #[serde(rename = "Order")]
    pub order: Vec<String>,
}

fn undesired<'a>(members: &'a [Description], hash: &str) -> Vec<&'a Description> {
    let mut v: Vec<&Description> = members
        .iter()
        .filter(|d| {
            let h = d.tags.get(CONFIG_SHA_TAG).map(String::as_str);
            h != Some(hash) && h != Some(infrakit_spi::hash::BOOTSTRAP_SHA)
        })
        .collect();
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

/// Explains committing `new` over `old` (`None` for a new group) given the group's current `members`.
pub fn explain(old: Option<&GroupConfig>, new: &GroupConfig, members: &[Description]) -> (String, PlanDiff) {
    let mut diff = PlanDiff::default();
    let Some(old) = old else {
        let n = new.target();
        diff.create = n;
        diff.add_logical_ids = new.allocation.logical_ids.clone();
        diff.order.push(format!("create {n} instances"));
        return (format!("Managing {n} instances"), diff);
    };
    let roll = undesired(members, &new.hash);
    if new.is_pets() {
        let removed: Vec<&LogicalId> =
            old.allocation.logical_ids.iter().filter(|l| !new.allocation.logical_ids.contains(l)).collect();
        diff.add_logical_ids =
            new.allocation.logical_ids.iter().filter(|l| !old.allocation.logical_ids.contains(l)).cloned().collect();
        diff.destroy = members
            .iter()
            .filter(|d| d.logical_id.as_ref().is_some_and(|l| removed.contains(&l)))
            .map(|d| d.id.clone())
            .collect();
        let keep: Vec<&&Description> = roll.iter().filter(|d| !diff.destroy.contains(&d.id)).collect();
        let last = &new.updating.last;
        let mut ordered: Vec<&Description> = keep.into_iter().copied().collect();
        ordered.sort_by_key(|d| (d.logical_id.as_ref().is_some_and(|l| last.contains(l)), d.id.clone()));
        diff.roll = ordered.iter().map(|d| d.id.clone()).collect();
        let mut text = Vec::new();
        if !diff.add_logical_ids.is_empty() || !removed.is_empty() {
            let added: Vec<&str> = diff.add_logical_ids.iter().map(|l| l.0.as_str()).collect();
            let gone: Vec<&str> = removed.iter().map(|l| l.0.as_str()).collect();
            text.push(format!("Changing logical IDs: adding [{}], removing [{}]", added.join(" "), gone.join(" ")));
            diff.order.push("add and remove logical IDs".into());
        }
        if !diff.roll.is_empty() {
            text.push(format!("Performing a rolling update on {} instances", diff.roll.len()));
            diff.order.push(format!("roll {} instances one at a time", diff.roll.len()));
        } else if new.hash != old.hash {
            text.push("Adjusting the instance configuration, no restarts necessary".into());
        }
        let text = if text.is_empty() { "Noop".to_string() } else { text.join(", then ") };
        return (text, diff);
    }
    let (old_size, new_size) = (old.allocation.size, new.allocation.size);
    let desired = members.len() as u64 - roll.len() as u64;
    diff.roll = roll.iter().map(|d| d.id.clone()).collect();
    let r = roll.len() as u64;
    let text = if new_size == old_size {
        if r == 0 && new.hash == old.hash {
            "Noop".to_string()
        } else if r == 0 {
            "Adjusting the instance configuration, no restarts necessary".to_string()
        } else {
            diff.order.push(format!("roll {r} instances"));
            format!("Performing a rolling update on {r} instances")
        }
    } else if new_size < old_size {
        let d = old_size - new_size;
        let r2 = new_size.saturating_sub(desired);
        // Outdated instances go first when shrinking, then the newest.
        let mut current: Vec<&Description> = members.iter().filter(|m| !roll.iter().any(|x| x.id == m.id)).collect();
        current.sort_by(|a, b| b.id.cmp(&a.id));
        diff.destroy = roll.iter().chain(current.iter()).map(|x| x.id.clone()).take(d as usize).collect();
        diff.roll = roll.iter().skip(d as usize).take(r2 as usize).map(|x| x.id.clone()).collect();
        diff.order.push(format!("destroy {d} instances"));
        if r2 == 0 {
            format!("Terminating {d} instances to reduce the group size to {new_size}")
        } else {
            diff.order.push(format!("roll {r2} instances"));
            format!("Terminating {d} instances to reduce the group size to {new_size}, then performing a rolling update on {r2} instances")
        }
    } else {
        let a = new_size - old_size;
        diff.create = a;
        if r == 0 {
            diff.order.push(format!("create {a} instances"));
            format!("Adding {a} instances to increase the group size to {new_size}")
        } else {
            diff.order.push(format!("roll {r} instances"));
            diff.order.push(format!("create {a} instances"));
            format!("Performing a rolling update on {r} instances, then adding {a} instances to increase the group size to {new_size}")
        }
    };
    (text, diff)
}
