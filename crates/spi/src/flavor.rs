//! Flavor plugin types and trait (`Flavor/0.1.0`).

use crate::instance::{Description, LogicalId, Spec};
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

/// A flavor plugin: decides what runs on an instance and whether it is healthy.
#[async_trait]
pub trait Flavor: Send + Sync {
    /// Checks `properties` for a group with `allocation`, without side effects.
    async fn validate(&self, properties: Option<&Any>, allocation: &AllocationMethod) -> Result<()>;
    /// Returns `spec` rewritten for this flavor (Init, Tags, Attachments).
    async fn prepare(
        &self,
        properties: Option<&Any>,
        spec: Spec,
        allocation: &AllocationMethod,
        index: &Index,
    ) -> Result<Spec>;
    /// Says whether the instance is healthy.
    async fn healthy(&self, properties: Option<&Any>, instance: &Description) -> Result<Health>;
    /// Prepares the instance for destruction (best effort).
    async fn drain(&self, properties: Option<&Any>, instance: &Description) -> Result<()>;
}
