//! `Manager.*` bodies: InfraKit's `IsLeader`, and the extensions `Status` (a [`ManagerStatus`] as is), `History`
//! and `RollbackTo` (answered with a `Group.CommitGroup` result).
//!
//! [`ManagerStatus`]: infrakit_spi::manager::ManagerStatus

use infrakit_spi::group::Id;
use infrakit_spi::nullable::null_as_default;
use serde::{Deserialize, Serialize};

/// `Manager.IsLeader` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IsLeaderResponse {
    /// True on the leader.
    #[serde(rename = "Leader", default)]
    pub leader: bool,
}

/// `Manager.History` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryResponse {
    /// Every stored version, oldest first.
    #[serde(rename = "Versions", default, deserialize_with = "null_as_default")]
    pub versions: Vec<infrakit_spi::manager::SpecVersion>,
}

/// `Manager.RollbackTo` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RollbackToRequest {
    /// The group.
    #[serde(rename = "ID", default)]
    pub id: Id,
    /// The version to commit again (the previous one when absent).
    #[serde(rename = "Version", default)]
    pub version: Option<u64>,
}
