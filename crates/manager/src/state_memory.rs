//! What group controllers keep across restarts, in memory: for a controller whose state need not outlive its
//! process (`--store memory://`), and for `down`, which runs no group.

use async_trait::async_trait;
use infrakit_spi::group::Id;
use infrakit_spi::store::{StateKind, StateStore};
use infrakit_spi::{Any, Result};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// One document per group and kind, kept in this process and shared by every controller holding the same store.
#[derive(Debug, Default)]
pub struct MemoryStateStore {
    docs: Mutex<BTreeMap<(Id, StateKind), Any>>,
}

impl MemoryStateStore {
    fn with<R>(&self, f: impl FnOnce(&mut BTreeMap<(Id, StateKind), Any>) -> R) -> R {
        // A panic while holding the lock leaves the map whole: every change is a single insert or remove.
        f(&mut self.docs.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

#[async_trait]
impl StateStore for MemoryStateStore {
    async fn save(&self, group: &Id, kind: StateKind, doc: &Any) -> Result<()> {
        self.with(|docs| docs.insert((group.clone(), kind), doc.clone()));
        Ok(())
    }

    async fn load(&self, group: &Id, kind: StateKind) -> Result<Option<Any>> {
        Ok(self.with(|docs| docs.get(&(group.clone(), kind)).cloned()))
    }

    async fn remove(&self, group: &Id, kind: StateKind) -> Result<()> {
        self.with(|docs| docs.remove(&(group.clone(), kind)));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn documents_by_group_and_kind() {
        let store = MemoryStateStore::default();
        let (g, h) = (Id("g".into()), Id("h".into()));
        let doc = |text: &str| Any::from_json(text).expect("json");
        store.save(&g, StateKind::Rollout, &doc(r#"{"n":1}"#)).await.expect("saved");
        store.save(&g, StateKind::InFlight, &doc(r#"{"n":2}"#)).await.expect("saved");
        store.save(&g, StateKind::Rollout, &doc(r#"{"n":3}"#)).await.expect("replaced");
        assert_eq!(store.load(&g, StateKind::Rollout).await.ok().flatten(), Some(doc(r#"{"n":3}"#)));
        assert_eq!(store.load(&g, StateKind::InFlight).await.ok().flatten(), Some(doc(r#"{"n":2}"#)));
        assert_eq!(store.load(&h, StateKind::Rollout).await.ok().flatten(), None);
        store.remove(&g, StateKind::Rollout).await.expect("removed");
        store.remove(&h, StateKind::InFlight).await.expect("removing nothing is no error");
        assert_eq!(store.load(&g, StateKind::Rollout).await.ok().flatten(), None);
        assert!(store.load(&g, StateKind::InFlight).await.ok().flatten().is_some());
    }
}
