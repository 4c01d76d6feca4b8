//! `Group.*` bodies.

use infrakit_spi::group::{Description, Id, Spec};
use infrakit_spi::nullable::{empty_as_null, null_as_default};
use serde::{Deserialize, Serialize};

/// `Group.CommitGroup` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommitRequest {
    /// The group spec.
    #[serde(rename = "Spec", default)]
    pub spec: Spec,
    /// Only say what would happen.
    #[serde(rename = "Pretend", default)]
    pub pretend: bool,
}

/// `Group.CommitGroup` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommitResponse {
    /// What was (or would be) done.
    #[serde(rename = "Details", default)]
    pub details: String,
    /// The structured plan (an extension; Go clients ignore it).
    #[serde(rename = "Plan", default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<infrakit_spi::Any>,
}

/// `Group.FreeGroup`, `Group.DescribeGroup` and `Group.DestroyGroup` params (and the rollout controls').
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IdRequest {
    /// The group.
    #[serde(rename = "ID", default)]
    pub id: Id,
}

/// Result of the group methods that only say OK.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OkResponse {
    /// Always true on success.
    #[serde(rename = "OK", default)]
    pub ok: bool,
}

/// `Group.DescribeGroup` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DescribeResponse {
    /// The group's state.
    #[serde(rename = "Description", default)]
    pub description: Description,
}

/// `Group.InspectGroups` params (empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InspectRequest {}

/// `Group.InspectGroups` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InspectResponse {
    /// The managed groups' specs.
    #[serde(rename = "Groups", default, deserialize_with = "null_as_default", serialize_with = "empty_as_null")]
    pub groups: Vec<Spec>,
}
