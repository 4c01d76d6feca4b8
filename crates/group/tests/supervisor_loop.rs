//! The group loop itself, on paused tokio time against an in-memory instance plugin: what wakes it (a pushed change,
//! the end of a listing grace) and what does not need a resync. Virtual time makes seconds of waiting instant and
//! the outcome independent of the machine's load.

use async_trait::async_trait;
use infrakit_group::clock::TokioClock;
use infrakit_group::plugin::GroupPlugin;
use infrakit_group::rollout::MemoryRolloutStore;
use infrakit_group::supervisor::{Deps, Options};
use infrakit_plugins::flavor_vanilla::VanillaFlavor;
use infrakit_rpc::lookup::Registry;
use infrakit_spi::group::{self, Group};
use infrakit_spi::instance::{tags_match, Changes, Description, Id, Instance, Spec, Tags};
use infrakit_spi::{Any, Error, Result};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// Instances in memory; a new one is listed only `lag` after it was made.
struct Memory {
    made: Mutex<BTreeMap<Id, (Description, Instant)>>,
    lag: Duration,
    pushes: watch::Sender<u64>,
    next: Mutex<u64>,
}

impl Memory {
    fn new(lag: Duration) -> Arc<Memory> {
        Arc::new(Memory { made: Mutex::default(), lag, pushes: watch::channel(0).0, next: Mutex::new(0) })
    }

    fn ids(&self) -> Vec<Id> {
        self.made.lock().map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }

    /// Removes an instance behind the controller's back; `push` says so at once, as a plugin that watches would.
    fn lose(&self, id: &Id, push: bool) {
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
            Some(_) => Ok(()),
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

/// A controller whose resync is an hour away: anything it does within minutes was woken by something else.
fn controller(plugin: Arc<Memory>) -> GroupPlugin {
    let registry = Arc::new(Registry::new(None));
    registry.add_instance("mem", plugin);
    registry.add_flavor("vanilla", Arc::new(VanillaFlavor::default()));
    GroupPlugin::new(Deps {
        spec_sink: None,
        guard: None,
        lookup: registry,
        clock: Arc::new(TokioClock::new(1_000_000)),
        store: Arc::new(MemoryRolloutStore::default()),
        options: Options { resync: Duration::from_secs(3600), ..Options::default() },
    })
}

fn spec(size: u64) -> group::Spec {
    let props = format!(
        r#"{{"Allocation":{{"Size":{size}}},"Instance":{{"Plugin":"mem","Properties":{{}}}},
            "Flavor":{{"Plugin":"vanilla","Properties":{{}}}}}}"#
    );
    group::Spec { id: group::Id("g".into()), properties: Some(Any::from_json(&props).expect("spec")) }
}

/// Waits on virtual time until `ok` holds.
async fn within(limit: Duration, what: &str, mut ok: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !ok().await {
        assert!(start.elapsed() < limit, "not within {limit:?} of virtual time: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_pushed_loss_is_replaced_without_a_resync() {
    let plugin = Memory::new(Duration::ZERO);
    let g = controller(plugin.clone());
    g.commit_group(spec(3), false).await.expect("commit");
    within(Duration::from_secs(5), "3 instances", async || plugin.ids().len() == 3).await;
    let victim = plugin.ids()[0].clone();
    plugin.lose(&victim, true);
    within(Duration::from_secs(5), "the loss replaced", async || {
        let ids = plugin.ids();
        ids.len() == 3 && !ids.contains(&victim)
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_end_of_a_listing_grace_wakes_the_loop() {
    // A plugin whose listing shows a new instance 2 s after it was made; the loss is not pushed.
    let plugin = Memory::new(Duration::from_secs(2));
    let g = controller(plugin.clone());
    g.commit_group(spec(1), false).await.expect("commit");
    within(Duration::from_secs(1), "the create", async || plugin.ids().len() == 1).await;
    let victim = plugin.ids()[0].clone();
    plugin.lose(&victim, false);
    // Nothing pushes and no resync comes for an hour: only the grace's end can wake the loop, which then destroys
    // the unlisted ID (gone: fine) and makes a replacement.
    within(Duration::from_secs(30), "a replacement", async || {
        let ids = plugin.ids();
        ids.len() == 1 && !ids.contains(&victim)
    })
    .await;
    // And once the replacement is listed, the group is converged.
    within(Duration::from_secs(30), "convergence", async || {
        g.describe_group(&group::Id("g".into())).await.is_ok_and(|d| d.converged)
    })
    .await;
}
