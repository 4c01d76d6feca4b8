//! Explaining a commit before it happens: InfraKit v0.5's one-line text, and the structured plan of a dry run of the
//! real controller ([`crate::dry_run`]), so that the preview and the run agree by construction.

use crate::config::GroupConfig;
pub use crate::dry_run::PlanDiff;
use infrakit_spi::instance::{Description, LogicalId};

/// Explains committing `new` over `old` (`None` for a new group) given the group's current `members`. CPU-bound
/// for up to [`crate::dry_run::DRY_RUN_BUDGET`]: async callers use [`explain_off_runtime`].
pub fn explain(old: Option<&GroupConfig>, new: &GroupConfig, members: &[Description]) -> (String, PlanDiff) {
    explain_within(old, new, members, crate::dry_run::DRY_RUN_BUDGET)
}

/// [`explain`] with the dry run cut at `budget` (the rest of the plan is extrapolated).
pub fn explain_within(
    old: Option<&GroupConfig>,
    new: &GroupConfig,
    members: &[Description],
    budget: std::time::Duration,
) -> (String, PlanDiff) {
    let diff = crate::dry_run::dry_run(old, new, members, budget);
    (describe(old, new, &diff), diff)
}

/// [`explain_within`] on the blocking pool.
pub async fn explain_off_runtime(
    old: Option<GroupConfig>,
    new: GroupConfig,
    members: Vec<Description>,
    budget: std::time::Duration,
) -> infrakit_spi::Result<(String, PlanDiff)> {
    tokio::task::spawn_blocking(move || explain_within(old.as_ref(), &new, &members, budget))
        .await
        .map_err(|e| infrakit_spi::Error::failed(format!("explaining the commit: {e}")))
}

/// InfraKit v0.5's text for a commit: sizes and logical IDs come from the two specs (as v0.5 words them), the
/// number of instances rolled from the plan.
fn describe(old: Option<&GroupConfig>, new: &GroupConfig, diff: &PlanDiff) -> String {
    let Some(old) = old else {
        return format!("Managing {} instances", new.target());
    };
    let r = diff.roll.len() as u64;
    if new.is_pets() {
        let removed: Vec<&LogicalId> =
            old.allocation.logical_ids.iter().filter(|l| !new.allocation.logical_ids.contains(l)).collect();
        let added: Vec<&LogicalId> =
            new.allocation.logical_ids.iter().filter(|l| !old.allocation.logical_ids.contains(l)).collect();
        let mut text = Vec::new();
        if !added.is_empty() || !removed.is_empty() {
            let added: Vec<&str> = added.iter().map(|l| l.0.as_str()).collect();
            let gone: Vec<&str> = removed.iter().map(|l| l.0.as_str()).collect();
            text.push(format!("Changing logical IDs: adding [{}], removing [{}]", added.join(" "), gone.join(" ")));
        }
        if r > 0 {
            text.push(format!("Performing a rolling update on {r} instances"));
        } else if new.hash != old.hash {
            text.push("Adjusting the instance configuration, no restarts necessary".into());
        }
        return if text.is_empty() { "Noop".to_string() } else { text.join(", then ") };
    }
    let (old_size, new_size) = (old.allocation.size, new.allocation.size);
    if new_size == old_size {
        if r == 0 && new.hash == old.hash {
            "Noop".to_string()
        } else if r == 0 {
            "Adjusting the instance configuration, no restarts necessary".to_string()
        } else {
            format!("Performing a rolling update on {r} instances")
        }
    } else if new_size < old_size {
        let d = old_size - new_size;
        if r == 0 {
            format!("Terminating {d} instances to reduce the group size to {new_size}")
        } else {
            format!(
                "Terminating {d} instances to reduce the group size to {new_size}, then performing a rolling update \
                 on {r} instances"
            )
        }
    } else {
        let a = new_size - old_size;
        if r == 0 {
            format!("Adding {a} instances to increase the group size to {new_size}")
        } else {
            format!("Performing a rolling update on {r} instances, then adding {a} instances to increase the group size to {new_size}")
        }
    }
}
