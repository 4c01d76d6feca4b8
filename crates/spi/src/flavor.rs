//! Flavor plugin types and trait (`Flavor/0.1.0`).

use crate::instance::{Description, Id, LogicalId, Spec};
use crate::nullable::{empty_as_null, null_as_default};
use crate::{Any, Error, Result};
use async_trait::async_trait;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How healthy an instance is: `0` unknown, `1` healthy, `2` unhealthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Health {
    /// Not known yet (for example still booting).
    #[default]
    Unknown,
    /// Healthy.
    Healthy,
    /// Unhealthy.
    Unhealthy,
}

impl Health {
    /// The wire number.
    pub fn code(self) -> i64 {
        match self {
            Health::Unknown => 0,
            Health::Healthy => 1,
            Health::Unhealthy => 2,
        }
    }
}

impl Serialize for Health {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for Health {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Health, D::Error> {
        match i64::deserialize(d)? {
            1 => Ok(Health::Healthy),
            2 => Ok(Health::Unhealthy),
            _ => Ok(Health::Unknown),
        }
    }
}

/// How a group allocates instances: a `Size` (cattle) or a list of `LogicalIDs` (pets). Exactly one is set.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AllocationMethod {
    /// Number of interchangeable instances.
    #[serde(rename = "Size", default)]
    pub size: u64,
    /// One instance per logical ID.
    #[serde(rename = "LogicalIDs", default, deserialize_with = "null_as_default", serialize_with = "empty_as_null")]
    pub logical_ids: Vec<LogicalId>,
}

impl AllocationMethod {
    /// Checks that exactly one method is used and that logical IDs are unique and non-blank.
    pub fn validate(&self) -> Result<()> {
        match (self.size > 0, !self.logical_ids.is_empty()) {
            (false, false) => Err(Error::invalid("Allocation", "Allocation must not be blank")),
            (true, true) => Err(Error::invalid("Allocation", "Only one Allocation method may be used")),
            _ => {
                let mut seen = std::collections::BTreeSet::new();
                for (i, id) in self.logical_ids.iter().enumerate() {
                    if id.0.trim().is_empty() {
                        return Err(Error::invalid(format!("Allocation.LogicalIDs[{i}]"), "must not be blank"));
                    }
                    if !seen.insert(id) {
                        return Err(Error::invalid(format!("Allocation.LogicalIDs[{i}]"), format!("duplicate {id}")));
                    }
                }
                Ok(())
            }
        }
    }
}

/// Where an instance sits in its group (v0.5): the group ID and a sequence number.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Index {
    /// The group's ID.
    #[serde(rename = "Group", default)]
    pub group: String,
    /// The sequence number.
    #[serde(rename = "Sequence", default)]
    pub sequence: u64,
}

/// What `Flavor.Prepare` is given: the flavor's properties, the instance spec to rewrite, the group's allocation
/// and where the instance sits in it.
#[derive(Debug, Clone)]
pub struct Prepare<'a> {
    /// The flavor's properties.
    pub properties: Option<&'a Any>,
    /// The instance spec to rewrite.
    pub spec: Spec,
    /// The group's allocation.
    pub allocation: &'a AllocationMethod,
    /// Where the instance sits in the group.
    pub index: &'a Index,
}

impl<'a> Prepare<'a> {
    /// A request for an instance outside any allocation (index 0 of no group), as a person preparing one by hand
    /// or a test would send.
    pub fn lone(properties: Option<&'a Any>, spec: Spec) -> Prepare<'a> {
        Prepare { properties, spec, allocation: &NO_ALLOCATION, index: &NO_INDEX }
    }
}

static NO_ALLOCATION: AllocationMethod = AllocationMethod { size: 0, logical_ids: Vec::new() };
static NO_INDEX: Index = Index { group: String::new(), sequence: 0 };

/// What a flavor that keeps a quorum (an etcd ensemble, Swarm managers) says about it: whether it is healthy, and
/// which instance holds its leader. The controller then replaces one member at a time, waits for a healthy quorum
/// before the next, and rolls the leader's member last.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quorum {
    /// True when the quorum is whole: every member answers and is in the ensemble, and a leader is elected.
    #[serde(rename = "Healthy", default)]
    pub healthy: bool,
    /// The instance (of those asked about) whose member leads, if known.
    #[serde(rename = "Leader", default, skip_serializing_if = "Option::is_none")]
    pub leader: Option<Id>,
}

/// A flavor plugin: decides what runs on an instance and whether it is healthy.
#[async_trait]
pub trait Flavor: Send + Sync {
    /// Checks `properties` for a group with `allocation`, without side effects.
    async fn validate(&self, properties: Option<&Any>, allocation: &AllocationMethod) -> Result<()>;
    /// Returns the request's spec rewritten for this flavor (Init, Tags, Attachments).
    async fn prepare(&self, request: Prepare<'_>) -> Result<Spec>;
    /// Says whether the instance is healthy.
    async fn healthy(&self, properties: Option<&Any>, instance: &Description) -> Result<Health>;
    /// Prepares the instance for destruction (best effort).
    async fn drain(&self, properties: Option<&Any>, instance: &Description) -> Result<()>;
    /// The health of every instance, when the flavor knows it without looking at any (the vanilla flavor's
    /// instances are always healthy); `None` (the default) when each instance must be asked about. The controller
    /// then runs no health checks for the group. In-process only: a plugin in another process is asked about each
    /// instance, as InfraKit v0.5 does.
    fn constant_health(&self) -> Option<Health> {
        None
    }
    /// The quorum the group's `instances` form, for flavors that keep one; `None` (the default) for those that do
    /// not. Sent as the extension method `Flavor.Quorum`: a flavor that does not know it (InfraKit v0.5) is `None`.
    /// Whether the answer is `None` must not depend on `instances` (a flavor that keeps a quorum answers about no
    /// instances too, unhealthy): once a flavor said `None`, the controller asks it again about no instances only.
    async fn quorum(&self, properties: Option<&Any>, instances: &[Description]) -> Result<Option<Quorum>> {
        let _ = (properties, instances);
        Ok(None)
    }
}
