//! Benchmark (prints figures, asserts nothing): the group controller driving the real file instance plugin and the
//! vanilla flavor in process.  `cargo bench -p infrakit-group --bench controller`
//! Set BENCH_QUICK=1 to skip the 10,000-instance rows.

use async_trait::async_trait;
use infrakit_flavor_vanilla::VanillaFlavor;
use infrakit_group::config::GroupConfig;
use infrakit_group::plugin::GroupPlugin;
use infrakit_group::reconciler::Reconciler;
use infrakit_instance_file::FileInstance;
use infrakit_rpc::Registry;
use infrakit_spi::flavor::Health;
use infrakit_spi::group::{self, Group};
use infrakit_spi::instance::{Changes, Description, Id, Instance, Spec, Tags};
use infrakit_spi::{Any, Result};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "support/measure.rs"]
mod measure;
#[path = "../tests/common/state.rs"]
mod state;
#[path = "support/deps.rs"]
mod support_deps;
use measure::rss_mib;
use support_deps::deps;

/// The file plugin without its inotify push: the controller only sees changes when it polls.
struct PollOnly(FileInstance);

#[async_trait]
impl Instance for PollOnly {
    async fn validate(&self, p: Option<&Any>) -> Result<()> {
        self.0.validate(p).await
    }
    async fn provision(&self, s: Spec) -> Result<Id> {
        self.0.provision(s).await
    }
    async fn label(&self, id: &Id, t: &Tags) -> Result<()> {
        self.0.label(id, t).await
    }
    async fn destroy(&self, id: &Id) -> Result<()> {
        self.0.destroy(id).await
    }
    async fn describe_instances(&self, t: &Tags, p: bool) -> Result<Vec<Description>> {
        self.0.describe_instances(t, p).await
    }
    async fn describe_shared(&self, t: &Tags, p: bool) -> Result<Vec<Arc<Description>>> {
        self.0.describe_shared(t, p).await
    }
    fn changes(&self) -> Option<Changes> {
        None
    }
}

fn spec(size: u64, version: u32, unavailable: u64) -> group::Spec {
    let text = format!(
        r#"{{"Allocation":{{"Size":{size}}},"Updating":{{"MaxUnavailable":{unavailable}}},
        "Instance":{{"Plugin":"instance-file","Properties":{{"Note":"version {version}"}}}},
        "Flavor":{{"Plugin":"flavor-vanilla","Properties":{{"Init":["echo hi"],"Tags":{{"tier":"web"}}}}}}}}"#
    );
    group::Spec { id: group::Id("bench".into()), properties: Some(Any::from_json(&text).expect("spec")) }
}

fn controller(dir: &Path, push: bool, resync: Duration) -> Arc<GroupPlugin> {
    let registry = Registry::new(None);
    let files = FileInstance::new(dir).expect("file plugin");
    if push {
        registry.add_instance("instance-file", Arc::new(files));
    } else {
        registry.add_instance("instance-file", Arc::new(PollOnly(files)));
    }
    registry.add_flavor("flavor-vanilla", Arc::new(VanillaFlavor::default()));
    Arc::new(GroupPlugin::new(deps(registry, resync)))
}

fn file_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().filter(|e| !e.file_name().to_string_lossy().starts_with('.')).count())
        .unwrap_or(0)
}

/// Waits until the group has converged with `n` instances of `hash`; returns the elapsed time.
async fn until_converged(g: &GroupPlugin, n: usize, hash: &str, start: Instant, limit: Duration) -> Option<Duration> {
    let mut rx = g.subscribe(&group::Id("bench".into())).await.ok()?;
    loop {
        {
            let s = rx.borrow_and_update();
            let at_hash = s
                .members
                .iter()
                .filter(|m| m.tags.get("infrakit.config_sha").map(String::as_str) == Some(hash))
                .count();
            if s.status.counts.converged && s.members.len() == n && at_hash == n {
                return Some(start.elapsed());
            }
        }
        let left = limit.checked_sub(start.elapsed())?;
        if tokio::time::timeout(left, rx.changed()).await.is_err() {
            return None;
        }
    }
}

fn show(label: &str, d: Option<Duration>) {
    match d {
        Some(d) => println!("{label:<58} {:>10.1} ms", d.as_secs_f64() * 1000.0),
        None => println!("{label:<58} {:>10}", "timed out"),
    }
}

async fn converge(size: u64, label: &str) -> (tempfile::TempDir, Arc<GroupPlugin>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let g = controller(dir.path(), true, Duration::from_secs(10));
    let s = spec(size, 1, 1);
    let hash = GroupConfig::parse(&s).expect("spec").hash;
    let start = Instant::now();
    g.commit_group(s, false).await.expect("commit");
    show(label, until_converged(&g, size as usize, &hash, start, Duration::from_secs(600)).await);
    (dir, g)
}

async fn heal(push: bool, label: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let g = controller(dir.path(), push, Duration::from_secs(if push { 10 } else { 1 }));
    let s = spec(200, 1, 1);
    let hash = GroupConfig::parse(&s).expect("spec").hash;
    g.commit_group(s, false).await.expect("commit");
    until_converged(&g, 200, &hash, Instant::now(), Duration::from_secs(60)).await;
    // Instances that die within 2 s of their start count as a crash loop and are re-created with a back-off;
    // these have run for a while.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let victims: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").flatten().take(20).map(|e| e.path()).collect();
    let start = Instant::now();
    for v in &victims {
        let _ = std::fs::remove_file(v);
    }
    // Healed: 200 files again, none of the victims among them.
    let mut healed = None;
    while start.elapsed() < Duration::from_secs(30) {
        if file_count(dir.path()) == 200 && victims.iter().all(|v| !v.exists()) {
            healed = Some(start.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    show(label, healed);
}

async fn roll(unavailable: u64, label: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let g = controller(dir.path(), true, Duration::from_secs(10));
    let s1 = spec(200, 1, unavailable);
    let h1 = GroupConfig::parse(&s1).expect("spec").hash;
    g.commit_group(s1, false).await.expect("commit");
    until_converged(&g, 200, &h1, Instant::now(), Duration::from_secs(60)).await;
    let s2 = spec(200, 2, unavailable);
    let h2 = GroupConfig::parse(&s2).expect("spec").hash;
    let start = Instant::now();
    g.commit_group(s2, false).await.expect("commit");
    show(label, until_converged(&g, 200, &h2, start, Duration::from_secs(600)).await);
}

/// kill -9 of `kills` instances in a group of 200 local processes: time until every victim is replaced by a running
/// process (its Provision returned) and the group is whole again.
async fn process_kills(kills: usize, label: &str) {
    let state = tempfile::tempdir().expect("tempdir");
    let registry = Registry::new(None);
    let plugin = infrakit_instance_process::ProcessInstance::open(state.path()).await.expect("process plugin");
    registry.add_instance("instance-process", Arc::new(plugin.clone()));
    registry.add_flavor("flavor-vanilla", Arc::new(VanillaFlavor::default()));
    let g = GroupPlugin::new(deps(registry, Duration::from_secs(10)));
    let text = r#"{"Allocation":{"Size":200},
        "Instance":{"Plugin":"instance-process","Properties":{"Cmd":"exec sleep 600","StopGrace":"1s","StartCheck":"0ms"}},
        "Flavor":{"Plugin":"flavor-vanilla","Properties":null}}"#;
    let s = group::Spec { id: group::Id("bench".into()), properties: Some(Any::from_json(text).expect("spec")) };
    let hash = GroupConfig::parse(&s).expect("spec").hash;
    g.commit_group(s, false).await.expect("commit");
    until_converged(&g, 200, &hash, Instant::now(), Duration::from_secs(120)).await;
    tokio::time::sleep(Duration::from_millis(2500)).await; // past the crash-loop window
    let listed = plugin.describe_instances(&Tags::new(), true).await.expect("describe");
    let victims: Vec<(Id, i32)> = listed
        .iter()
        .take(kills)
        .map(|d| {
            (d.id.clone(), d.properties.as_ref().map(|p| p.to_value()["Pid"].as_i64().unwrap_or(0)).unwrap_or(0) as i32)
        })
        .collect();
    let mut rx = g.subscribe(&group::Id("bench".into())).await.expect("subscribe");
    let start = Instant::now();
    for (_, pid) in &victims {
        // SAFETY: signalling processes this benchmark started.
        unsafe { libc::kill(*pid, libc::SIGKILL) };
    }
    let mut result = None;
    let mut all_gone = None;
    while start.elapsed() < Duration::from_secs(30) {
        {
            let snap = rx.borrow_and_update();
            let gone = victims.iter().all(|(id, _)| !snap.members.iter().any(|m| &m.id == id));
            if gone && all_gone.is_none() {
                all_gone = Some(start.elapsed());
            }
            if gone && snap.members.len() == 200 && snap.status.counts.creating == 0 {
                result = Some(start.elapsed());
                break;
            }
        }
        let _ = tokio::time::timeout(Duration::from_millis(50), rx.changed()).await;
    }
    show(label, result);
    if std::env::var_os("BENCH_DETAIL").is_some() {
        show("  (of which: every exit seen by the controller)", all_gone);
    }
    let _ = g.destroy_group(&group::Id("bench".into())).await;
}

fn reconcile_pass_cpu(n: usize) {
    let s = spec(n as u64, 1, 1);
    let cfg = GroupConfig::parse(&s).expect("spec");
    let listing: Vec<Description> = (0..n)
        .map(|i| Description {
            id: Id(format!("instance-{i:019}")),
            logical_id: None,
            tags: [
                ("infrakit.group".to_string(), "bench".to_string()),
                ("infrakit.config_sha".to_string(), cfg.hash.clone()),
                ("tier".to_string(), "web".to_string()),
            ]
            .into(),
            properties: None,
        })
        .collect();
    let health: std::collections::BTreeMap<Id, Health> =
        listing.iter().map(|d| (d.id.clone(), Health::Healthy)).collect();
    let mut recon = Reconciler::new(cfg, None);
    let rounds = 50u32;
    let mut now = 1_000u64;
    let mut listings: Vec<Vec<Description>> = (0..rounds).map(|_| listing.clone()).collect();
    let start = Instant::now();
    for _ in 0..rounds {
        now += 100;
        recon.observe(now, listings.pop().unwrap_or_default(), &health);
        let plan = recon.plan(now);
        assert!(plan.actions.is_empty());
    }
    show(&format!("reconcile pass (observe + plan), {n} instances, CPU"), Some(start.elapsed() / rounds));
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    println!("group controller with instance-file + flavor-vanilla in process (release build, 2 worker threads)");
    if std::env::var_os("BENCH_MEMORY").is_some() {
        // In a fresh process, so the figure is not inflated by earlier rows.
        let before = rss_mib();
        let (_dir, _g) = converge(10_000, "converge 10,000 file instances").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        println!(
            "{:<58} {:>10.1} MiB (process at start: {before:.1} MiB)",
            "resident memory, 10,000 instances managed",
            rss_mib()
        );
        return;
    }
    reconcile_pass_cpu(200);
    reconcile_pass_cpu(10_000);
    drop(converge(200, "converge 200 file instances").await);
    heal(true, "heal 20 of 200 deleted files, inotify push (resync 10 s)").await;
    heal(false, "heal 20 of 200 deleted files, polling only (resync 1 s)").await;
    roll(1, "rolling update of 200, maxUnavailable 1").await;
    roll(20, "rolling update of 200, maxUnavailable 20").await;
    process_kills(1, "kill -9 of 1 of 200 processes: replacement running").await;
    process_kills(20, "kill -9 of 20 of 200 processes: replacements running").await;
    if !quick {
        let before = rss_mib();
        let (dir, g) = converge(10_000, "converge 10,000 file instances").await;
        println!(
            "{:<58} {:>10.1} MiB (was {before:.1} MiB before)",
            "resident memory with 10,000 instances managed",
            rss_mib()
        );
        drop(g);
        drop(dir);
    }
}
