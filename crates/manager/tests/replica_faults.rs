//! A replica under faults: a store that cannot be read at take-over, leadership that changes while a take-over is
//! busy. Real file store, real file instance plugin, a leadership the test drives.

use async_trait::async_trait;
use infrakit_flavor_vanilla::VanillaFlavor;
use infrakit_group::clock::SystemClock;
use infrakit_group::persisted::Persisted;
use infrakit_group::plugin::GroupPlugin;
use infrakit_group::supervisor::{Deps, Options};
use infrakit_instance_file::FileInstance;
use infrakit_manager::replica::Replica;
use infrakit_manager::state_memory::MemoryStateStore;
use infrakit_manager::store_file::FileStore;
use infrakit_rpc::lookup::Registry;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Prepare};
use infrakit_spi::group::{self, Id};
use infrakit_spi::instance::{Description, Spec};
use infrakit_spi::manager::{LeaderChanges, LeaderStatus, Leadership, Manager, SpecStore, SpecVersion};
use infrakit_spi::{Any, Error, Result};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Leadership the test sets.
struct Driven {
    tx: watch::Sender<LeaderStatus>,
}

impl Driven {
    fn new() -> Arc<Driven> {
        Arc::new(Driven { tx: watch::channel(LeaderStatus::Follower { leader: Some("other".into()) }).0 })
    }
    fn lead(&self, yes: bool) {
        self.tx.send_replace(if yes {
            LeaderStatus::Leader
        } else {
            LeaderStatus::Follower { leader: Some("other".into()) }
        });
    }
}

impl Leadership for Driven {
    fn name(&self) -> &str {
        "m1"
    }
    fn watch(&self) -> LeaderChanges {
        Box::pin(tokio_stream::wrappers::WatchStream::new(self.tx.subscribe()))
    }
    fn may_act(&self) -> bool {
        self.tx.borrow().is_leader()
    }
}

/// A file store that can be made to fail its reads.
struct Flaky {
    inner: FileStore,
    broken: AtomicBool,
}

#[async_trait]
impl SpecStore for Flaky {
    async fn put(&self, spec: &group::Spec) -> Result<u64> {
        self.inner.put(spec).await
    }
    async fn remove(&self, id: &Id) -> Result<()> {
        self.inner.remove(id).await
    }
    async fn specs(&self) -> Result<Vec<group::Spec>> {
        if self.broken.load(Ordering::SeqCst) {
            return Err(Error::Unavailable("store directory unreadable (injected)".into()));
        }
        self.inner.specs().await
    }
    async fn history(&self, id: &Id) -> Result<Vec<SpecVersion>> {
        self.inner.history(id).await
    }
}

/// Vanilla, with a `Validate` that takes `delay_ms` when set.
struct SlowValidate {
    delay_ms: AtomicU64,
}

#[async_trait]
impl Flavor for SlowValidate {
    async fn validate(&self, p: Option<&Any>, a: &AllocationMethod) -> Result<()> {
        let ms = self.delay_ms.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        VanillaFlavor::default().validate(p, a).await
    }
    async fn prepare(&self, request: Prepare<'_>) -> Result<Spec> {
        VanillaFlavor::default().prepare(request).await
    }
    async fn healthy(&self, p: Option<&Any>, d: &Description) -> Result<Health> {
        VanillaFlavor::default().healthy(p, d).await
    }
    async fn drain(&self, p: Option<&Any>, d: &Description) -> Result<()> {
        VanillaFlavor::default().drain(p, d).await
    }
}

struct Setup {
    _home: tempfile::TempDir,
    instances: std::path::PathBuf,
    leadership: Arc<Driven>,
    store: Arc<Flaky>,
    flavor: Arc<SlowValidate>,
    replica: Arc<Replica>,
    controller: Arc<GroupPlugin>,
    registry: Arc<Registry>,
}

fn setup() -> Setup {
    let home = tempfile::tempdir().expect("tempdir");
    let instances = home.path().join("instances");
    let registry = Arc::new(Registry::new(None));
    registry.add_instance("instance-file", Arc::new(FileInstance::new(&instances).expect("file plugin")));
    let flavor = Arc::new(SlowValidate { delay_ms: AtomicU64::new(0) });
    registry.add_flavor("flavor-slow", flavor.clone());
    let leadership = Driven::new();
    let guard_source = leadership.clone();
    let deps = Deps {
        spec_sink: None,
        guard: Some(Arc::new(move || guard_source.may_act())),
        lookup: registry.clone(),
        clock: Arc::new(SystemClock),
        persisted: Persisted::new(Arc::new(MemoryStateStore::default())),
        options: Options { resync: Duration::from_millis(500), ..Options::default() },
    };
    let controller = Arc::new(GroupPlugin::new(deps));
    let store = Arc::new(Flaky {
        inner: FileStore::new(home.path().join("store")).expect("store"),
        broken: AtomicBool::new(false),
    });
    let replica = Replica::start(leadership.clone(), store.clone(), controller.clone());
    Setup { _home: home, instances, leadership, store, flavor, replica, controller, registry }
}

fn spec(size: u64) -> group::Spec {
    let props = format!(
        r#"{{"Allocation":{{"Size":{size}}},"Instance":{{"Plugin":"instance-file","Properties":{{}}}},
            "Flavor":{{"Plugin":"flavor-slow","Properties":{{}}}}}}"#
    );
    group::Spec { id: Id("ha".into()), properties: Some(Any::from_json(&props).expect("spec")) }
}

fn files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok()).filter(|e| e.path().is_file()).count()).unwrap_or(0)
}

async fn wait_for(what: &str, limit: Duration, mut ok: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !ok().await {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn running_size(controller: &GroupPlugin) -> Option<u64> {
    use infrakit_spi::group::Group;
    let specs = controller.inspect_groups().await.ok()?;
    let s = specs.into_iter().find(|s| s.id.0 == "ha")?;
    s.properties?.to_value().pointer("/Allocation/Size")?.as_u64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_take_over_that_cannot_read_the_store_retries_until_it_can() {
    let s = setup();
    s.store.put(&spec(2)).await.expect("stored");
    // The store cannot be read at the moment this replica takes over.
    s.store.broken.store(true, Ordering::SeqCst);
    s.leadership.lead(true);
    wait_for("the status to say the take-over waits for the store", Duration::from_secs(60), async || {
        let st = s.replica.status().await.expect("status");
        st.leader && st.taking_over.as_deref().is_some_and(|t| t.contains("cannot read the stored specs"))
    })
    .await;
    assert_eq!(files(&s.instances), 0);
    // The store comes back: the group runs and converges, without anyone doing anything.
    s.store.broken.store(false, Ordering::SeqCst);
    wait_for("the group to run with 2 instances", Duration::from_secs(60), async || files(&s.instances) == 2).await;
    wait_for("the take-over to finish", Duration::from_secs(60), async || {
        s.replica.status().await.expect("status").taking_over.is_none()
    })
    .await;
    // And it heals: a deleted instance is replaced.
    let victim = std::fs::read_dir(&s.instances).expect("dir").filter_map(|e| e.ok()).next().expect("a file").path();
    std::fs::remove_file(&victim).expect("rm");
    wait_for("the lost instance to be replaced", Duration::from_secs(60), async || {
        files(&s.instances) == 2 && !victim.exists()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_that_cannot_be_committed_at_take_over_is_retried() {
    let s = setup();
    // The stored spec names a flavor that is not running yet.
    let props = r#"{"Allocation":{"Size":1},"Instance":{"Plugin":"instance-file","Properties":{}},
                    "Flavor":{"Plugin":"flavor-late","Properties":{}}}"#;
    let late = group::Spec { id: Id("ha".into()), properties: Some(Any::from_json(props).expect("spec")) };
    s.store.put(&late).await.expect("stored");
    s.leadership.lead(true);
    wait_for("the status to name the group that cannot be resumed", Duration::from_secs(60), async || {
        let st = s.replica.status().await.expect("status");
        st.taking_over.as_deref().is_some_and(|t| t.contains("group ha"))
    })
    .await;
    // The plugin comes up: the group is resumed.
    s.registry.add_flavor("flavor-late", Arc::new(VanillaFlavor::default()));
    wait_for("the group to run", Duration::from_secs(60), async || files(&s.instances) == 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leadership_lost_and_regained_during_a_slow_take_over_loads_the_latest_spec() {
    let s = setup();
    s.store.put(&spec(1)).await.expect("stored");
    // This replica's take-over is slow: its flavor takes 3 s to validate.
    s.flavor.delay_ms.store(3_000, Ordering::SeqCst);
    s.leadership.lead(true);
    wait_for("the replica to lead", Duration::from_secs(60), async || s.replica.leader_status().is_leader()).await;
    // Leadership moves away mid take-over; the other leader commits Size 3; then it comes back.
    s.leadership.lead(false);
    wait_for("the replica to follow", Duration::from_secs(60), async || !s.replica.leader_status().is_leader()).await;
    s.store.put(&spec(3)).await.expect("stored");
    s.flavor.delay_ms.store(0, Ordering::SeqCst);
    s.leadership.lead(true);
    // The replica runs what the store says now, and keeps it.
    wait_for("the group to run Size 3 with 3 instances", Duration::from_secs(60), async || {
        running_size(&s.controller).await == Some(3) && files(&s.instances) == 3
    })
    .await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(running_size(&s.controller).await, Some(3), "the replica went back to an old spec");
    assert_eq!(files(&s.instances), 3);
}

/// A replica that has just started does not know yet who leads (its leader file is read on its first poll): a
/// commit sent at once waits for that instead of failing with "does not know who leads".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_right_after_start_waits_to_learn_who_leads() {
    let s = setup();
    let leader = s._home.path().join("leader");
    std::fs::write(&leader, "m1\n").expect("leader file");
    let leadership = Arc::new(infrakit_manager::leader_file::file_leadership(&leader, "m1", Duration::from_secs(1)));
    let store = Arc::new(FileStore::new(s._home.path().join("store-m1")).expect("store"));
    let replica = Replica::start(leadership, store.clone(), s.controller.clone());
    use infrakit_spi::group::Group;
    replica.commit_group(spec(2), false).await.expect("the commit waits for the first read of the leader file");
    assert_eq!(store.specs().await.expect("specs").len(), 1, "stored, then committed");
    assert_eq!(running_size(&s.controller).await, Some(2));
}

/// A rollback is stored only while the store still holds the spec it abandoned: a commit that came in between
/// wins, so the next leader never resumes a spec nobody runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_is_stored_unless_a_newer_commit_came_first() {
    use infrakit_group::reconciler::RolledBack;
    use infrakit_spi::group::Group;
    let s = setup();
    s.leadership.lead(true);
    s.replica.commit_group(spec(1), false).await.expect("v1");
    s.replica.commit_group(spec(2), false).await.expect("v2");
    s.replica.record_rollback(RolledBack { to: spec(1), from: spec(2) }).await;
    let stored = |specs: Vec<group::Spec>| specs.into_iter().find(|x| x.id.0 == "ha");
    assert_eq!(stored(s.store.specs().await.expect("specs")), Some(spec(1)), "the rollback is the latest version");
    s.replica.commit_group(spec(3), false).await.expect("v3");
    s.replica.record_rollback(RolledBack { to: spec(1), from: spec(2) }).await;
    assert_eq!(stored(s.store.specs().await.expect("specs")), Some(spec(3)), "the newer commit stays");
}
