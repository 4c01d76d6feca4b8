//! The manager: which replica leads, and what it tells about itself. The store of group specs behind it is
//! [`crate::store::SpecStore`], re-exported here.

use crate::group::Id;
use crate::Result;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use crate::store::{SpecStore, SpecVersion};

/// What a replica knows about leadership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeaderStatus {
    /// This replica leads: it acts.
    Leader,
    /// Another replica leads (named when known): this one only answers reads.
    Follower {
        /// The leader's name, when known.
        leader: Option<String>,
    },
    /// Leadership cannot be determined (the source is unreachable): act as a follower.
    Unknown {
        /// Why.
        reason: String,
    },
}

impl LeaderStatus {
    /// True on the leader.
    pub fn is_leader(&self) -> bool {
        matches!(self, LeaderStatus::Leader)
    }
}

/// A stream of leadership changes.
pub type LeaderChanges = std::pin::Pin<Box<dyn futures_core::Stream<Item = LeaderStatus> + Send>>;

/// Where leadership comes from (a file, an etcd election, the etcd Raft leader, the Docker Swarm leader).
/// Leadership is observed, never decided here.
pub trait Leadership: Send + Sync {
    /// This replica's name.
    fn name(&self) -> &str;
    /// Every change of status, starting with the current one.
    fn watch(&self) -> LeaderChanges;
    /// True when this replica may act at this very moment: it leads and its leadership is confirmed recently
    /// enough that no other replica can have taken over. Checked before every batch of actions.
    fn may_act(&self) -> bool;
}

/// What a manager tells about itself (`Manager.Status`, an extension of `Manager/0.1.0`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagerStatus {
    /// This replica's name.
    #[serde(rename = "Name")]
    pub name: String,
    /// True on the leader.
    #[serde(rename = "Leader")]
    pub leader: bool,
    /// The leader's name, when known.
    #[serde(rename = "LeaderName")]
    pub leader_name: Option<String>,
    /// Why leadership is unknown, if it is.
    #[serde(rename = "Unknown", default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
    /// On a leader still taking over: what it waits for (the store cannot be read, a group's plugins are not up).
    #[serde(rename = "TakingOver", default, skip_serializing_if = "Option::is_none")]
    pub taking_over: Option<String>,
}

/// A manager replica: InfraKit's `Manager/0.1.0` (`IsLeader`) plus status, history and rollback to a version.
#[async_trait]
pub trait Manager: Send + Sync {
    /// True on the leader.
    async fn is_leader(&self) -> Result<bool>;
    /// Who leads.
    async fn status(&self) -> Result<ManagerStatus>;
    /// Every stored version of a group's spec.
    async fn history(&self, id: &Id) -> Result<Vec<SpecVersion>>;
    /// Commits an earlier version of a group's spec (the previous one when `version` is `None`); returns the
    /// commit's details.
    async fn rollback_to(&self, id: &Id, version: Option<u64>) -> Result<String>;
}
