//! An instance plugin that keeps its instances in memory (feature `memory-instance`), so benchmarks and tests of
//! large fleets measure the controller, not a filesystem or a provider. Instances are indexed by their
//! `infrakit.group` tag, so each group's listing costs the size of that group, as a provider's tag filter would,
//! and a shared listing ([`Instance::describe_shared`]) hands out the descriptions it keeps, as the file plugin's
//! index does.

use async_trait::async_trait;
use infrakit_spi::instance::{tags_match, Changes, Description, Id, Instance, Spec, Tags};
use infrakit_spi::{Any, Error, Result};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;

const GROUP_TAG: &str = "infrakit.group";

#[derive(Default)]
struct Index {
    /// Instances by their group tag ("" when they have none), then by ID. A listing hands out the descriptions
    /// kept here (see [`Instance::describe_shared`]), as an index kept by a provider's plugin would.
    by_group: HashMap<String, BTreeMap<Id, Arc<Description>>>,
    /// The group tag of each instance.
    group_of: HashMap<Id, String>,
}

/// The in-memory instance plugin. Clones share the same instances.
#[derive(Clone)]
pub struct MemoryInstance {
    index: Arc<Mutex<Index>>,
    next: Arc<AtomicU64>,
    changes: Arc<watch::Sender<u64>>,
}

impl Default for MemoryInstance {
    fn default() -> Self {
        MemoryInstance {
            index: Arc::default(),
            next: Arc::new(AtomicU64::new(1)),
            changes: Arc::new(watch::channel(0).0),
        }
    }
}

impl MemoryInstance {
    /// An empty plugin.
    pub fn new() -> MemoryInstance {
        MemoryInstance::default()
    }

    fn lock(&self) -> MutexGuard<'_, Index> {
        self.index.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many instances exist.
    pub fn len(&self) -> usize {
        self.lock().group_of.len()
    }

    /// True when no instance exists.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when instance `id` exists.
    pub fn contains(&self, id: &Id) -> bool {
        self.lock().group_of.contains_key(id)
    }

    /// The IDs of the instances of `group`, in order.
    pub fn ids(&self, group: &str) -> Vec<Id> {
        self.lock().by_group.get(group).map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }

    /// Removes an instance behind the controller's back (it "died") and pushes the change; false when unknown.
    pub fn kill(&self, id: &Id) -> bool {
        let removed = self.remove(id);
        if removed {
            self.changes.send_modify(|n| *n += 1);
        }
        removed
    }

    fn remove(&self, id: &Id) -> bool {
        let mut index = self.lock();
        let Some(group) = index.group_of.remove(id) else { return false };
        if let Some(members) = index.by_group.get_mut(&group) {
            members.remove(id);
            if members.is_empty() {
                index.by_group.remove(&group);
            }
        }
        true
    }
}

#[async_trait]
impl Instance for MemoryInstance {
    async fn validate(&self, _: Option<&Any>) -> Result<()> {
        Ok(())
    }

    async fn provision(&self, spec: Spec) -> Result<Id> {
        let id = Id(format!("mem-{:012}", self.next.fetch_add(1, Ordering::Relaxed)));
        let group = spec.tags.get(GROUP_TAG).cloned().unwrap_or_default();
        let desc = Description { id: id.clone(), logical_id: spec.logical_id, tags: spec.tags, properties: None };
        let mut index = self.lock();
        index.group_of.insert(id.clone(), group.clone());
        index.by_group.entry(group).or_default().insert(id.clone(), Arc::new(desc));
        Ok(id)
    }

    async fn label(&self, id: &Id, labels: &Tags) -> Result<()> {
        let mut index = self.lock();
        let group = index.group_of.get(id).cloned().ok_or_else(|| Error::NotFound(format!("instance {id}")))?;
        let stored = index.by_group.get_mut(&group).and_then(|m| m.get_mut(id));
        let stored = stored.ok_or_else(|| Error::NotFound(format!("instance {id}")))?;
        // A new description: one already handed out stays as it was listed.
        Arc::make_mut(stored).tags.extend(labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(())
    }

    async fn destroy(&self, id: &Id) -> Result<()> {
        if self.remove(id) {
            Ok(())
        } else {
            Err(Error::NotFound(format!("instance {id} not found")))
        }
    }

    async fn describe_instances(&self, tags: &Tags, properties: bool) -> Result<Vec<Description>> {
        let shared = self.describe_shared(tags, properties).await?;
        Ok(shared.into_iter().map(Arc::unwrap_or_clone).collect())
    }

    async fn describe_shared(&self, tags: &Tags, _properties: bool) -> Result<Vec<Arc<Description>>> {
        let index = self.lock();
        // The group tag is matched by the index; only other tags are looked up in each instance's.
        let others: Tags = tags.iter().filter(|(k, _)| *k != GROUP_TAG).map(|(k, v)| (k.clone(), v.clone())).collect();
        let matching = |m: &BTreeMap<Id, Arc<Description>>| -> Vec<Arc<Description>> {
            match others.is_empty() {
                true => m.values().cloned().collect(),
                false => m.values().filter(|d| tags_match(&d.tags, &others)).cloned().collect(),
            }
        };
        Ok(match tags.get(GROUP_TAG) {
            Some(group) => index.by_group.get(group).map(matching).unwrap_or_default(),
            None => {
                let mut all: Vec<Arc<Description>> = index.by_group.values().flat_map(matching).collect();
                all.sort_by(|a, b| a.id.cmp(&b.id));
                all
            }
        })
    }

    fn changes(&self) -> Option<Changes> {
        let rx = self.changes.subscribe();
        Some(Box::pin(tokio_stream::StreamExt::map(tokio_stream::wrappers::WatchStream::from_changes(rx), |_| ())))
    }

    async fn listing_lag(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(group: &str) -> Spec {
        Spec { tags: [(GROUP_TAG.to_string(), group.to_string())].into(), ..Spec::default() }
    }

    #[tokio::test]
    async fn lists_by_group_labels_kills_and_destroys() {
        let p = MemoryInstance::new();
        let a = p.provision(spec("a")).await.unwrap();
        let b = p.provision(spec("b")).await.unwrap();
        let only_a: Tags = [(GROUP_TAG.to_string(), "a".to_string())].into();
        assert_eq!(p.describe_instances(&only_a, false).await.unwrap().len(), 1);
        assert_eq!(p.describe_instances(&Tags::new(), false).await.unwrap().len(), 2);
        // A shared listing hands out the kept description; a label makes a new one and leaves the old as listed.
        let before = p.describe_shared(&only_a, false).await.unwrap();
        assert!(Arc::ptr_eq(&before[0], &p.describe_shared(&only_a, false).await.unwrap()[0]));
        p.label(&a, &[("x".to_string(), "y".to_string())].into()).await.unwrap();
        let listed = p.describe_instances(&only_a, false).await.unwrap();
        assert_eq!(listed[0].tags.get("x").map(String::as_str), Some("y"));
        assert_eq!(before[0].tags.get("x"), None);
        assert!(!Arc::ptr_eq(&before[0], &p.describe_shared(&only_a, false).await.unwrap()[0]));
        let mut changes = p.changes().expect("pushes");
        assert!(p.kill(&a));
        let pushed =
            tokio::time::timeout(std::time::Duration::from_secs(5), tokio_stream::StreamExt::next(&mut changes));
        assert_eq!(pushed.await, Ok(Some(())));
        assert!(p.describe_instances(&only_a, false).await.unwrap().is_empty());
        p.destroy(&b).await.unwrap();
        assert!(matches!(p.destroy(&b).await, Err(Error::NotFound(_))));
        assert!(p.is_empty());
    }
}
