//! A group's status: the one type every view of a group's state uses (`group status`, `group watch`, `up`'s live
//! view, `Group.GroupStatus` on the wire; the metadata's `groups/<ID>/Status` is its counts), so they all say the
//! same thing.

use crate::group::Id;
use serde::{Deserialize, Serialize};

/// What a group controller says about one group (`Group.GroupStatus`, an extension of InfraKit's API).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupStatus {
    /// The group.
    #[serde(rename = "ID", default)]
    pub id: Id,
    /// The hash of the spec in force.
    #[serde(rename = "Hash", default)]
    pub hash: String,
    /// Reconcile passes so far.
    #[serde(rename = "Passes", default)]
    pub passes: u64,
    /// The last error talking to the plugins, if the last pass failed.
    #[serde(rename = "Error", default)]
    pub error: Option<String>,
    /// Counts, rollout and notes.
    #[serde(rename = "Status", default)]
    pub counts: Counts,
}

/// A group's counts, its rollout and what a person should know.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Target number of instances.
    #[serde(default)]
    pub target: u64,
    /// Instances listed.
    #[serde(default)]
    pub listed: u64,
    /// Listed instances running the current config.
    #[serde(default)]
    pub current: u64,
    /// Healthy instances.
    #[serde(default)]
    pub healthy: u64,
    /// Creates in flight.
    #[serde(default)]
    pub creating: u64,
    /// Destroys in flight or waiting for a retry.
    #[serde(default)]
    pub destroying: u64,
    /// True when the group matches its spec and nothing is in flight.
    #[serde(default)]
    pub converged: bool,
    /// The rollout, if one is under way (or just done).
    #[serde(default)]
    pub rollout: Option<RolloutStatus>,
    /// True while more instances are unhealthy than allowed (nothing is destroyed then).
    #[serde(default)]
    pub outage: bool,
    /// What a person should know (back-off, outage, a paused rollout...).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Where a rollout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RolloutPhase {
    /// Replacing outdated instances.
    #[default]
    Running,
    /// Stopped until `group resume` or `group rollback` (the reason says who or what paused it).
    Paused,
    /// Every instance runs the target config.
    Done,
}

impl std::fmt::Display for RolloutPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RolloutPhase::Running => "running",
            RolloutPhase::Paused => "paused",
            RolloutPhase::Done => "done",
        })
    }
}

/// A rollout as a person (or a script) needs to see it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RolloutStatus {
    /// The config hash being rolled to.
    #[serde(default)]
    pub to_hash: String,
    /// The hash rolled from, when known.
    #[serde(default)]
    pub from_hash: Option<String>,
    /// True when the rollout is itself a rollback.
    #[serde(default)]
    pub is_rollback: bool,
    /// Running, paused or done.
    #[serde(default)]
    pub state: RolloutPhase,
    /// Why it paused, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Instances replaced so far.
    #[serde(default)]
    pub replaced: u64,
    /// Outdated instances left at the last progress.
    #[serde(default)]
    pub outdated_left: u64,
    /// Instances on the new config that failed (unhealthy past their timeout).
    #[serde(default)]
    pub failed: Vec<String>,
    /// The last failure, if any.
    #[serde(default)]
    pub last_failure: Option<String>,
}

impl RolloutStatus {
    /// True while it replaces instances.
    pub fn is_running(&self) -> bool {
        self.state == RolloutPhase::Running
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_form_keeps_its_keys() {
        let s = GroupStatus {
            id: Id("g".into()),
            counts: Counts {
                target: 3,
                rollout: Some(RolloutStatus {
                    state: RolloutPhase::Paused,
                    reason: Some("paused by a person".into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let v = serde_json::to_value(&s).unwrap_or_default();
        assert_eq!(v["ID"], "g");
        assert_eq!(v["Status"]["target"], 3);
        assert_eq!(v["Status"]["rollout"]["state"], "paused");
        assert_eq!(v["Status"]["rollout"]["reason"], "paused by a person");
        let back: GroupStatus = serde_json::from_value(v).unwrap_or_default();
        assert_eq!(back, s);
    }
}
