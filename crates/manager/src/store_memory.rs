//! Group specs with their history in memory: for a controller whose specs need not outlive it
//! (`plugin start group` without `--store`).

use async_trait::async_trait;
use infrakit_group::clock::{Clock, SystemClock};
use infrakit_spi::group::{self, Id};
use infrakit_spi::store::{SpecStore, SpecVersion};
use infrakit_spi::Result;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Every version of every group's spec, kept in this process.
#[derive(Default)]
pub struct MemoryStore {
    groups: Mutex<BTreeMap<Id, Vec<SpecVersion>>>,
}

impl MemoryStore {
    fn push(&self, id: &Id, spec: Option<&group::Spec>) -> u64 {
        let mut groups = self.groups.lock().unwrap_or_else(|p| p.into_inner());
        let versions = groups.entry(id.clone()).or_default();
        let version = versions.last().map(|v| v.version + 1).unwrap_or(1);
        versions.push(SpecVersion { version, time: SystemClock.now(), spec: spec.cloned() });
        version
    }
}

#[async_trait]
impl SpecStore for MemoryStore {
    async fn put(&self, spec: &group::Spec) -> Result<u64> {
        Ok(self.push(&spec.id, Some(spec)))
    }

    async fn remove(&self, id: &Id) -> Result<()> {
        self.push(id, None);
        Ok(())
    }

    async fn specs(&self) -> Result<Vec<group::Spec>> {
        let groups = self.groups.lock().unwrap_or_else(|p| p.into_inner());
        Ok(groups.values().filter_map(|v| v.last().and_then(|last| last.spec.clone())).collect())
    }

    async fn history(&self, id: &Id) -> Result<Vec<SpecVersion>> {
        let groups = self.groups.lock().unwrap_or_else(|p| p.into_inner());
        Ok(groups.get(id).cloned().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn versions_removal_and_history() {
        let store = MemoryStore::default();
        let spec = group::Spec { id: Id("g".into()), ..Default::default() };
        assert_eq!(store.put(&spec).await.ok(), Some(1));
        assert_eq!(store.put(&spec).await.ok(), Some(2));
        assert_eq!(store.specs().await.map(|s| s.len()).ok(), Some(1));
        store.remove(&spec.id).await.ok();
        assert_eq!(store.specs().await.map(|s| s.len()).ok(), Some(0));
        let versions: Vec<u64> = store.history(&spec.id).await.unwrap_or_default().iter().map(|v| v.version).collect();
        assert_eq!(versions, vec![1, 2, 3]);
    }
}
