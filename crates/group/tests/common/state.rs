//! A [`StateStore`] in a map, for controllers under test (the manager crate has the real backends).

use async_trait::async_trait;
use infrakit_spi::group::Id;
use infrakit_spi::store::{StateKind, StateStore};
use infrakit_spi::{Any, Result};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Every document saved, by group and kind.
#[derive(Default)]
pub struct Docs(pub Mutex<BTreeMap<(Id, StateKind), Any>>);

impl Docs {
    fn with<R>(&self, f: impl FnOnce(&mut BTreeMap<(Id, StateKind), Any>) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

#[async_trait]
impl StateStore for Docs {
    async fn save(&self, group: &Id, kind: StateKind, doc: &Any) -> Result<()> {
        self.with(|m| m.insert((group.clone(), kind), doc.clone()));
        Ok(())
    }

    async fn load(&self, group: &Id, kind: StateKind) -> Result<Option<Any>> {
        Ok(self.with(|m| m.get(&(group.clone(), kind)).cloned()))
    }

    async fn remove(&self, group: &Id, kind: StateKind) -> Result<()> {
        self.with(|m| m.remove(&(group.clone(), kind)));
        Ok(())
    }
}
