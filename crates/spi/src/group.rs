//! Group plugin types and trait (`Group/0.1.0`), and the default group controller's properties schema.

use crate::flavor::AllocationMethod;
use crate::instance::Description as InstanceDescription;
use crate::nullable::{empty_as_null, null_as_default};
use crate::{plugin, Any, Result};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

string_id! {
    /// A group's ID.
    Id
}

/// A group spec: `{"ID","Properties"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Spec {
    /// The group's ID.
    #[serde(rename = "ID", default)]
    pub id: Id,
    /// The group plugin's configuration.
    #[serde(rename = "Properties", default)]
    pub properties: Option<Any>,
}

/// A group's current state: `{"Instances","Converged"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Description {
    /// The group's instances.
    #[serde(rename = "Instances", default, deserialize_with = "null_as_default", serialize_with = "empty_as_null")]
    pub instances: Vec<InstanceDescription>,
    /// True when no change is in progress.
    #[serde(rename = "Converged", default)]
    pub converged: bool,
}

/// The default group controller's `Properties`: `{"Instance","Flavor","Allocation"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupProperties {
    /// Which instance plugin creates instances, and its properties.
    #[serde(rename = "Instance", default)]
    pub instance: plugin::Spec,
    /// Which flavor plugin prepares them, and its properties.
    #[serde(rename = "Flavor", default)]
    pub flavor: plugin::Spec,
    /// How many, or which.
    #[serde(rename = "Allocation", default)]
    pub allocation: AllocationMethod,
}

/// What a commit did (or, with `pretend`, would do).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Commit {
    /// InfraKit v0.5's one-line text, such as `Managing 5 instances`.
    pub details: String,
    /// A structured plan (what is created, destroyed, rolled, in what order), when the plugin gives one.
    pub plan: Option<Any>,
}

/// A group plugin: keeps groups of instances converged to their specs.
#[async_trait]
pub trait Group: Send + Sync {
    /// Starts managing the group or updates it; with `pretend`, only says what would happen.
    async fn commit_group(&self, spec: Spec, pretend: bool) -> Result<Commit>;
    /// Stops managing the group, leaving its instances alone.
    async fn free_group(&self, id: &Id) -> Result<()>;
    /// Describes the group's instances.
    async fn describe_group(&self, id: &Id) -> Result<Description>;
    /// Stops managing the group and destroys its instances.
    async fn destroy_group(&self, id: &Id) -> Result<()>;
    /// Lists the specs of the groups being managed.
    async fn inspect_groups(&self) -> Result<Vec<Spec>>;
}

/// Rollout controls beyond InfraKit v0.5's Group API (served as extension methods of `Group/0.1.0`, so v0.5 clients meet no
/// interface they do not know).
#[async_trait]
pub trait GroupControl: Send + Sync {
    /// Pauses the group's rollout.
    async fn pause(&self, id: &Id) -> Result<()>;
    /// Resumes it (and releases a canary's hold).
    async fn resume(&self, id: &Id) -> Result<()>;
    /// Rolls back to the spec before the rollout.
    async fn rollback(&self, id: &Id) -> Result<()>;
    /// The group's status: counts, rollout, notes.
    async fn status(&self, id: &Id) -> Result<crate::status::GroupStatus>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_description_nil_instances() {
        let d = Description::default();
        assert_eq!(serde_json::to_string(&d).unwrap(), r#"{"Instances":null,"Converged":false}"#);
    }
}
