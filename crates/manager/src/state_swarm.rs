//! What group controllers keep across restarts (rollouts, in-flight records) in the Docker Swarm's cluster spec
//! labels, beside the specs of [`crate::store_swarm`]: a new leader on another swarm manager resumes the rollouts
//! and what was in flight.
//!
//! A document is the label `infrakit.state/<group>/rollout` or `infrakit.state/<group>/inflight`, whose value is
//! the document's compact JSON as the controller gave it (readable with `docker swarm inspect`; v0.5 had no such
//! state). The two suffixes differ, so no two groups' keys meet, whatever their IDs hold.
//!
//! Each save is one swarm update, by compare-and-swap like the specs' (retried when another writer came first), and
//! committed to the swarm's Raft log when it returns, so it is durable. Saving a document equal to the stored one
//! writes nothing. The documents share the swarm's label space with the specs: about 1.5 MiB in all (see
//! [`crate::store_swarm`]); a save that would exceed it is refused by the engine, with an error that says so.

use crate::store_swarm::SwarmLabels;
use async_trait::async_trait;
use infrakit_spi::group::Id;
use infrakit_spi::store::{StateKind, StateStore};
use infrakit_spi::{Any, Error, Result};

/// The prefix of the state labels.
pub const STATE_PREFIX: &str = "infrakit.state/";

/// The label of a group's document of `kind`.
pub fn state_label(group: &Id, kind: StateKind) -> String {
    let kind = match kind {
        StateKind::Rollout => "rollout",
        StateKind::InFlight => "inflight",
    };
    format!("{STATE_PREFIX}{}/{kind}", group.0)
}

/// The swarm state store.
pub struct SwarmStateStore {
    labels: SwarmLabels,
}

impl SwarmStateStore {
    /// A store in the labels of `labels`' swarm.
    pub fn new(labels: SwarmLabels) -> SwarmStateStore {
        SwarmStateStore { labels }
    }
}

#[async_trait]
impl StateStore for SwarmStateStore {
    async fn save(&self, group: &Id, kind: StateKind, doc: &Any) -> Result<()> {
        let key = state_label(group, kind);
        let value = doc.as_str();
        self.labels
            .update(|labels| {
                let changed = labels.get(&key).map(String::as_str) != Some(value);
                labels.insert(key.clone(), value.to_string());
                Ok(((), changed))
            })
            .await
    }

    async fn load(&self, group: &Id, kind: StateKind) -> Result<Option<Any>> {
        let key = state_label(group, kind);
        let labels = self.labels.read().await?;
        let Some(text) = labels.get(&key) else { return Ok(None) };
        Any::from_json(text)
            .map(Some)
            .map_err(|e| Error::failed(format!("swarm store: label {key:?}: unparsable stored {kind}: {e}")))
    }

    async fn remove(&self, group: &Id, kind: StateKind) -> Result<()> {
        let key = state_label(group, kind);
        self.labels.update(|labels| Ok(((), labels.remove(&key).is_some()))).await
    }
}
