//! Rollouts as durable values: everything needed to resume a rolling update after a restart or a failover (kept
//! through [`crate::persisted::Persisted`]).

use crate::clock::Millis;
use crate::config::GroupConfig;
use infrakit_spi::group::{self, Id as GroupId};
use infrakit_spi::instance::Id;
use infrakit_spi::status::{RolloutPhase, RolloutStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Where a rollout stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RolloutState {
    /// Replacing outdated instances.
    Running,
    /// Stopped; waits for `resume` or `rollback`. The reason says who or what paused it.
    Paused {
        /// Why it paused.
        reason: String,
    },
    /// Finished: every instance runs the target config.
    Done,
}

/// A rolling update from one config to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rollout {
    /// The group.
    pub group: GroupId,
    /// The config hash being rolled to.
    pub to_hash: String,
    /// The hash rolled from (the most common outdated hash when it started).
    pub from_hash: Option<String>,
    /// The spec before this rollout, for rollback.
    pub previous: Option<group::Spec>,
    /// True when this rollout is itself a rollback.
    pub is_rollback: bool,
    /// State.
    pub state: RolloutState,
    /// When it started.
    pub started: Millis,
    /// When it last made progress (an outdated instance left, or a new one became available).
    pub last_progress: Millis,
    /// Outdated instances left at the last progress.
    pub outdated_left: u64,
    /// Target-config instances available at the last progress.
    pub available: u64,
    /// Instances replaced so far.
    pub replaced: u64,
    /// New instances that failed (unhealthy past their timeout).
    pub failed: BTreeSet<Id>,
    /// Outdated instances to keep until resumed (a canary keeps all but the canaries).
    pub keep_outdated: Option<u64>,
    /// The last failure, if any.
    pub last_failure: Option<String>,
}

/// Why a rollout starts (see [`Rollout::begin`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// The config changed: by a commit (`previous` is the spec before it, kept for rollback), or found by the
    /// planner in outdated instances with no rollout in progress (`previous: None`).
    Update {
        /// The spec before the change, if known.
        previous: Option<group::Spec>,
    },
    /// A rollback to the config, away from `from` (the spec rolled back from, which a rollback of the rollback puts
    /// back). It never stops for a canary.
    Rollback {
        /// The spec rolled back from.
        from: group::Spec,
    },
}

impl Rollout {
    /// Starts a rollout to `to`: the one place a rollout begins. An update whose spec asks for a canary
    /// (`Updating.Canary`) keeps all but the canaries outdated until it is resumed.
    pub fn begin(to: &GroupConfig, start: Start, now: Millis) -> Rollout {
        match start {
            Start::Update { previous } => {
                let mut r = Rollout::new(to.id().clone(), to.hash.clone(), previous, now);
                r.keep_outdated = to.updating.canary.map(|c| to.target().saturating_sub(c));
                r
            }
            Start::Rollback { from } => {
                let mut r = Rollout::new(to.id().clone(), to.hash.clone(), Some(from), now);
                r.is_rollback = true;
                r
            }
        }
    }

    fn new(group: GroupId, to_hash: String, previous: Option<group::Spec>, now: Millis) -> Rollout {
        Rollout {
            group,
            to_hash,
            from_hash: None,
            previous,
            is_rollback: false,
            state: RolloutState::Running,
            started: now,
            last_progress: now,
            outdated_left: 0,
            available: 0,
            replaced: 0,
            failed: BTreeSet::new(),
            keep_outdated: None,
            last_failure: None,
        }
    }

    /// True while it should move.
    pub fn is_running(&self) -> bool {
        self.state == RolloutState::Running
    }

    /// What a person needs to see of it.
    pub fn summary(&self) -> RolloutStatus {
        let (state, reason) = match &self.state {
            RolloutState::Running => (RolloutPhase::Running, None),
            RolloutState::Paused { reason } => (RolloutPhase::Paused, Some(reason.clone())),
            RolloutState::Done => (RolloutPhase::Done, None),
        };
        RolloutStatus {
            to_hash: self.to_hash.clone(),
            from_hash: self.from_hash.clone(),
            is_rollback: self.is_rollback,
            state,
            reason,
            replaced: self.replaced,
            outdated_left: self.outdated_left,
            failed: self.failed.iter().map(|id| id.0.clone()).collect(),
            last_failure: self.last_failure.clone(),
        }
    }

    /// Stops it until it is resumed or rolled back.
    pub fn pause(&mut self, reason: String) {
        self.state = RolloutState::Paused { reason };
    }

    /// Sets it moving again, releasing a canary's hold; the time it was paused is not a lack of progress.
    pub fn resume(&mut self, now: Millis) {
        self.state = RolloutState::Running;
        self.keep_outdated = None;
        self.last_progress = now;
    }
}
