//! An in-memory instance plugin and a group controller around it, on tokio time (paused in tests): the real loop,
//! executor and planner, with no files, processes or sockets.

use async_trait::async_trait;
use infrakit_group::clock::TokioClock;
use infrakit_group::persisted::Persisted;
use infrakit_group::plugin::GroupPlugin;
use infrakit_group::supervisor::{Deps, Options};
use infrakit_rpc::lookup::Registry;
use infrakit_spi::flavor::Flavor;
use infrakit_spi::group;
use infrakit_spi::instance::{tags_match, Changes, Description, Id, Instance, Spec, Tags};
use infrakit_spi::{Any, Error, Result};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// Instances in memory; a new one is listed only `lag` after it was made.
pub struct Memory {
    made: Mutex<BTreeMap<Id, (Description, Instant)>>,
    lag: Duration,
    pushes: watch::Sender<u64>,
    next: Mutex<u64>,
    destroyed: Mutex<Vec<Id>>,
    /// How long Provision takes on average (each takes from a 49th of it to twice it, in 97 steps).
    provision_time: Duration,
}

impl Memory {
    pub fn new(lag: Duration) -> Arc<Memory> {
        Memory::slow(lag, Duration::ZERO)
    }

    /// A plugin whose Provision takes `provision_time` on average, each a different time, so answers come in one by
    /// one as a cloud's do.
    pub fn slow(lag: Duration, provision_time: Duration) -> Arc<Memory> {
        Arc::new(Memory {
            made: Mutex::default(),
            lag,
            pushes: watch::channel(0).0,
            next: Mutex::new(0),
            destroyed: Mutex::default(),
            provision_time,
        })
    }

    pub fn ids(&self) -> Vec<Id> {
        self.made.lock().map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }

    /// The instances that exist now.
    pub fn instances(&self) -> Vec<Description> {
        self.made.lock().map(|m| m.values().map(|(d, _)| d.clone()).collect()).unwrap_or_default()
    }

    /// How many instances Provision made so far.
    pub fn provisions(&self) -> u64 {
        self.next.lock().map(|n| *n).unwrap_or_default()
    }

    /// The instances Destroy removed, in the order it did, since the last call.
    pub fn take_destroyed(&self) -> Vec<Id> {
        self.destroyed.lock().map(|mut d| std::mem::take(&mut *d)).unwrap_or_default()
    }

    /// Removes an instance behind the controller's back; `push` says so at once, as a plugin that watches would.
    pub fn lose(&self, id: &Id, push: bool) {
        if let Ok(mut m) = self.made.lock() {
            m.remove(id);
        }
        if push {
            self.pushes.send_modify(|n| *n += 1);
        }
    }
}

#[async_trait]
impl Instance for Memory {
    async fn validate(&self, _: Option<&Any>) -> Result<()> {
        Ok(())
    }
    async fn provision(&self, spec: Spec) -> Result<Id> {
        let n = {
            let mut next = self.next.lock().map_err(|_| Error::failed("lock"))?;
            *next += 1;
            *next
        };
        if !self.provision_time.is_zero() {
            tokio::time::sleep(self.provision_time * (1 + (n % 97) as u32) / 49).await;
        }
        let id = Id(format!("mem-{n}"));
        let desc = Description { id: id.clone(), logical_id: spec.logical_id, tags: spec.tags, properties: None };
        self.made.lock().map_err(|_| Error::failed("lock"))?.insert(id.clone(), (desc, Instant::now()));
        Ok(id)
    }
    async fn label(&self, _: &Id, _: &Tags) -> Result<()> {
        Ok(())
    }
    async fn destroy(&self, id: &Id) -> Result<()> {
        match self.made.lock().map_err(|_| Error::failed("lock"))?.remove(id) {
            Some(_) => {
                self.destroyed.lock().map_err(|_| Error::failed("lock"))?.push(id.clone());
                Ok(())
            }
            None => Err(Error::NotFound(format!("instance {id}"))),
        }
    }
    async fn describe_instances(&self, tags: &Tags, _: bool) -> Result<Vec<Description>> {
        let made = self.made.lock().map_err(|_| Error::failed("lock"))?;
        Ok(made
            .values()
            .filter(|(d, at)| at.elapsed() >= self.lag && tags_match(&d.tags, tags))
            .map(|(d, _)| d.clone())
            .collect())
    }
    fn changes(&self) -> Option<Changes> {
        let rx = self.pushes.subscribe();
        Some(Box::pin(tokio_stream::StreamExt::map(tokio_stream::wrappers::WatchStream::from_changes(rx), |_| ())))
    }
    async fn listing_lag(&self) -> Option<Duration> {
        Some(self.lag)
    }
}

/// A controller of groups whose instance plugin is `plugin` (named `mem`) and whose flavor is `flavor` (named
/// `vanilla`). Its resync is an hour away: anything it does within minutes was woken by something else.
pub fn controller(plugin: Arc<Memory>, flavor: Arc<dyn Flavor>) -> GroupPlugin {
    let registry = Arc::new(Registry::new(None));
    registry.add_instance("mem", plugin);
    registry.add_flavor("vanilla", flavor);
    GroupPlugin::new(Deps {
        spec_sink: None,
        guard: None,
        lookup: registry,
        clock: Arc::new(TokioClock::new(1_000_000)),
        persisted: Persisted::new(Arc::new(super::state::Docs::default())),
        options: Options { resync: Duration::from_secs(3600), ..Options::default() },
    })
}

/// The spec of group `g` with these `Allocation` and instance properties and extra top-level properties, on the
/// plugins of [`controller`].
pub fn memory_spec(allocation: &str, instance: &str, extra: &str) -> group::Spec {
    let props = format!(
        r#"{{"Allocation":{allocation},"Instance":{{"Plugin":"mem","Properties":{instance}}},
            "Flavor":{{"Plugin":"vanilla","Properties":{{}}}}{extra}}}"#
    );
    group::Spec { id: group::Id("g".into()), properties: Some(Any::from_json(&props).expect("spec")) }
}

/// Waits on virtual time until `ok` holds.
pub async fn within(limit: Duration, what: &str, mut ok: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !ok().await {
        assert!(start.elapsed() < limit, "not within {limit:?} of virtual time: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
