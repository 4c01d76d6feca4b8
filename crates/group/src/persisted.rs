//! What a group's controller keeps across restarts, typed: its [`Rollout`] and its [`InFlight`] record, stored as
//! JSON documents in a [`StateStore`] (in memory, in a directory or in etcd: the backends are in the manager crate).

use crate::model::InFlight;
use crate::rollout::Rollout;
use infrakit_spi::group::Id;
use infrakit_spi::store::{StateKind, StateStore};
use infrakit_spi::{Any, Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;

/// The typed view of a [`StateStore`] that the loop and the `Group` plugin use.
#[derive(Clone)]
pub struct Persisted {
    store: Arc<dyn StateStore>,
}

impl Persisted {
    /// Keeps rollouts and in-flight records in `store`.
    pub fn new(store: Arc<dyn StateStore>) -> Persisted {
        Persisted { store }
    }

    /// The store underneath.
    pub fn store(&self) -> &Arc<dyn StateStore> {
        &self.store
    }

    /// Saves (or replaces) the rollout of its group.
    pub async fn save_rollout(&self, rollout: &Rollout) -> Result<()> {
        let doc = encode(&rollout.group, StateKind::Rollout, rollout)?;
        self.store.save(&rollout.group, StateKind::Rollout, &doc).await
    }

    /// Loads a group's rollout.
    pub async fn rollout(&self, group: &Id) -> Result<Option<Rollout>> {
        self.load(group, StateKind::Rollout).await
    }

    /// Forgets a group's rollout.
    pub async fn remove_rollout(&self, group: &Id) -> Result<()> {
        self.store.remove(group, StateKind::Rollout).await
    }

    /// Saves what a group's controller has in flight; an empty record forgets it. Called before creates are sent:
    /// when it fails, they are not sent.
    pub async fn save_in_flight(&self, group: &Id, in_flight: &InFlight) -> Result<()> {
        if in_flight.is_empty() {
            return self.store.remove(group, StateKind::InFlight).await;
        }
        let doc = encode(group, StateKind::InFlight, in_flight)?;
        self.store.save(group, StateKind::InFlight, &doc).await
    }

    /// Loads what a group's previous controller had in flight.
    pub async fn in_flight(&self, group: &Id) -> Result<Option<InFlight>> {
        self.load(group, StateKind::InFlight).await
    }

    async fn load<T: DeserializeOwned>(&self, group: &Id, kind: StateKind) -> Result<Option<T>> {
        match self.store.load(group, kind).await? {
            Some(doc) => serde_json::from_str(doc.as_str())
                .map(Some)
                .map_err(|e| Error::failed(format!("stored {kind} of {group}: {e}"))),
            None => Ok(None),
        }
    }
}

impl std::fmt::Debug for Persisted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Persisted")
    }
}

fn encode<T: Serialize>(group: &Id, kind: StateKind, value: &T) -> Result<Any> {
    Any::encode(value).map_err(|e| Error::failed(format!("encoding the {kind} of {group}: {e}")))
}
