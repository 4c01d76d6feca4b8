//! Instance plugin types and trait (`Instance/0.5.0`).

use crate::nullable::{empty_as_null, null_as_default};
use crate::{Any, Result};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Tags: string to string, sorted like Go's map encoding.
pub type Tags = BTreeMap<String, String>;

string_id! {
    /// An instance's ID, assigned by its plugin.
    Id
}

string_id! {
    /// A logical ID: a stable identity for a pet (often its private IP), kept across replacements.
    LogicalId
}

/// Something attached to an instance, such as a data volume; its meaning belongs to the instance plugin.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Attachment {
    /// The attachment's ID (for example a volume name).
    #[serde(rename = "ID", default)]
    pub id: String,
    /// The attachment's kind (for example `ebs`, `volume`).
    #[serde(rename = "Type", default)]
    pub kind: String,
}

/// What to create: `{"Properties","Tags","Init","LogicalID","Attachments"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Spec {
    /// Plugin-specific configuration.
    #[serde(rename = "Properties", default)]
    pub properties: Option<Any>,
    /// Tags to set on the instance.
    #[serde(rename = "Tags", default, deserialize_with = "null_as_default", serialize_with = "empty_as_null")]
    pub tags: Tags,
    /// The boot script (user data).
    #[serde(rename = "Init", default)]
    pub init: String,
    /// The logical ID, for pets.
    #[serde(rename = "LogicalID", default)]
    pub logical_id: Option<LogicalId>,
    /// Things to attach, such as volumes.
    #[serde(rename = "Attachments", default, deserialize_with = "null_as_default", serialize_with = "empty_as_null")]
    pub attachments: Vec<Attachment>,
}

/// What exists: `{"ID","LogicalID","Tags"}` plus `Properties` when asked for and known.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Description {
    /// The instance's ID.
    #[serde(rename = "ID", default)]
    pub id: Id,
    /// Its logical ID, if it is a pet.
    #[serde(rename = "LogicalID", default)]
    pub logical_id: Option<LogicalId>,
    /// Its tags.
    #[serde(rename = "Tags", default, deserialize_with = "null_as_default", serialize_with = "empty_as_null")]
    pub tags: Tags,
    /// Plugin-specific current state, only when requested.
    #[serde(rename = "Properties", default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Any>,
}

/// True when `tags` holds every pair of `filter` (an empty filter matches everything).
pub fn tags_match(tags: &Tags, filter: &Tags) -> bool {
    filter.iter().all(|(k, v)| tags.get(k) == Some(v))
}

/// A stream of change notifications: each item says "the set of instances may have changed, list again".
pub type Changes = std::pin::Pin<Box<dyn futures_core::Stream<Item = ()> + Send>>;

/// An instance plugin: creates, tags, lists and destroys one kind of resource.
#[async_trait]
pub trait Instance: Send + Sync {
    /// Checks `properties` without side effects.
    async fn validate(&self, properties: Option<&Any>) -> Result<()>;
    /// Creates an instance; returns its ID.
    async fn provision(&self, spec: Spec) -> Result<Id>;
    /// Merges `labels` into the instance's tags.
    async fn label(&self, id: &Id, labels: &Tags) -> Result<()>;
    /// Destroys the instance.
    async fn destroy(&self, id: &Id) -> Result<()>;
    /// Lists instances whose tags contain every pair of `tags`; with `properties`, includes current state.
    async fn describe_instances(&self, tags: &Tags, properties: bool) -> Result<Vec<Description>>;

    /// The same listing as [`Instance::describe_instances`], with each description behind an `Arc`. A plugin in
    /// this process that keeps its instances' descriptions (an index kept current by its own writes and by watching)
    /// hands out the ones it keeps instead of copies, so a listing of unchanged instances copies nothing and the
    /// group controller holds the very description the plugin keeps. The default wraps `describe_instances`.
    /// Handed-out descriptions may be held by others, also weakly (an RPC server keeps their encodings): change one
    /// with `Arc::make_mut`, never by expecting `Arc::get_mut` to succeed.
    async fn describe_shared(&self, tags: &Tags, properties: bool) -> Result<Vec<Arc<Description>>> {
        Ok(self.describe_instances(tags, properties).await?.into_iter().map(Arc::new).collect())
    }

    /// Pushes a notification whenever instances may have changed (a process exited, a file was deleted), so the
    /// group controller reacts at once instead of at its next resync. `None` (the default) when it cannot watch.
    fn changes(&self) -> Option<Changes> {
        None
    }

    /// How long after `provision` returned a new instance may still be missing from `describe_instances`: the
    /// listing's consistency. The group controller waits this long before it destroys the unlisted ID and replaces
    /// it. `None` (the default) means unknown, and the controller waits its default listing grace (10 s); a plugin
    /// whose listing shows every instance as soon as `provision` returns says `Some(Duration::ZERO)`.
    async fn listing_lag(&self) -> Option<std::time::Duration> {
        None
    }

    /// Checks a spec as a flavor prepared it (its Init included) before any instance is made from it, so that what
    /// only the whole spec shows (a process with nothing to run) is refused at commit. The default accepts it, as
    /// do InfraKit v0.5's plugins (an extension, `Instance.ValidateSpec`).
    async fn validate_spec(&self, _spec: &Spec) -> Result<()> {
        Ok(())
    }
}
