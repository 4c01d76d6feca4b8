//! The persistence traits: what a manager and a group controller keep across restarts and failovers. Only the
//! traits live here; the backends (in memory, in a directory, in etcd) are in the manager crate.
//!
//! - [`SpecStore`]: the group specs, every version kept;
//! - [`StateStore`]: what a group's controller needs to resume after a restart (its rollout, what it has in
//!   flight), one JSON document per group and [`StateKind`], typed by the controller.

use crate::group::{self, Id};
use crate::{Any, Result};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One stored version of a group's spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecVersion {
    /// The version, increasing per group.
    #[serde(rename = "Version")]
    pub version: u64,
    /// When it was stored (milliseconds since the UNIX epoch).
    #[serde(rename = "Time")]
    pub time: u64,
    /// The spec; `null` when the group was removed at that version.
    #[serde(rename = "Spec")]
    pub spec: Option<group::Spec>,
}

/// The durable store of group specs, with their history.
#[async_trait]
pub trait SpecStore: Send + Sync {
    /// Stores a new version of a group's spec; returns its version.
    async fn put(&self, spec: &group::Spec) -> Result<u64>;
    /// Records that a group was removed (a new version with no spec).
    async fn remove(&self, id: &Id) -> Result<()>;
    /// The current spec of every group.
    async fn specs(&self) -> Result<Vec<group::Spec>>;
    /// Every version of a group's spec, oldest first.
    async fn history(&self, id: &Id) -> Result<Vec<SpecVersion>>;
}

/// What kind of document a group's controller keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StateKind {
    /// The group's rollout: running, paused or done.
    Rollout,
    /// What the group's controller has in flight: creates sent but not yet listed, instances to destroy by ID,
    /// earlier specs whose plugins may still hold instances.
    InFlight,
}

impl StateKind {
    /// Every kind.
    pub const ALL: [StateKind; 2] = [StateKind::Rollout, StateKind::InFlight];

    /// What it is called in messages.
    pub fn name(self) -> &'static str {
        match self {
            StateKind::Rollout => "rollout",
            StateKind::InFlight => "in-flight record",
        }
    }
}

impl fmt::Display for StateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where group controllers keep what they need to resume after a restart or a failover: at most one JSON document
/// per group and [`StateKind`], opaque to the store.
#[async_trait]
pub trait StateStore: Send + Sync {
    /// Saves (or replaces) a group's document of this kind. It is durable when this returns: a controller sends
    /// creates only once their record is saved.
    async fn save(&self, group: &Id, kind: StateKind, doc: &Any) -> Result<()>;
    /// Loads a group's document of this kind; `None` when none is stored.
    async fn load(&self, group: &Id, kind: StateKind) -> Result<Option<Any>>;
    /// Forgets a group's document of this kind; forgetting one that is not stored is no error.
    async fn remove(&self, group: &Id, kind: StateKind) -> Result<()>;
}
