//! Benchmark (prints figures, asserts nothing): how the controller's cost grows with the fleet.
//!   cargo bench -p infrakit-group --features memory-instance --bench scale -- <case> [args]
//! Cases (each best run in its own process, so memory figures are not inflated by an earlier case):
//!   converge-file N...    converge N instance-file instances from nothing (time, CPU, passes, resident memory)
//!   converge-file-nosync N...  the same with the file plugin's `--file-no-sync` (atomic writes without fsync, as v0.5)
//!   converge-memory N     the same with the in-memory plugin; memory per managed instance
//!   pass-memory N         once converged: CPU per reconcile pass (resync every 1 s; the vanilla flavor's health
//!                         is constant, so no health checks run)
//!   groups G N            G groups of N in-memory instances: converge, then idle CPU (default 10 s resync)
//!   kill-memory N         once converged, one instance dies: time until its replacement is listed
//! With `SCALE_KEEP_FILES=1`, the file cases leave their files in place (and print where): on an ext4 file system
//! without a journal, as this machine's disk, creating files shortly after thousands were deleted is slower for
//! minutes (the kernel skips recently deleted inodes), so each run that deletes its files slows the next.

use infrakit_flavor_vanilla::VanillaFlavor;
use infrakit_group::memory::MemoryInstance;
use infrakit_group::plugin::GroupPlugin;
use infrakit_instance_file::FileInstance;
use infrakit_rpc::Registry;
use infrakit_spi::group::{self, Group};
use infrakit_spi::instance::Instance;
use infrakit_spi::Any;
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

fn spec(id: &str, plugin: &str, size: u64) -> group::Spec {
    let text = format!(
        r#"{{"Allocation":{{"Size":{size}}},
        "Instance":{{"Plugin":"{plugin}","Properties":{{"Note":"version 1"}}}},
        "Flavor":{{"Plugin":"flavor-vanilla","Properties":{{"Init":["echo hi"],"Tags":{{"tier":"web"}}}}}}}}"#
    );
    group::Spec { id: group::Id(id.into()), properties: Some(Any::from_json(&text).expect("spec")) }
}

fn controller(instance: Arc<dyn Instance>, name: &str, resync: Duration) -> GroupPlugin {
    let registry = Registry::new(None);
    registry.add_instance(name, instance);
    registry.add_flavor("flavor-vanilla", Arc::new(VanillaFlavor::default()));
    GroupPlugin::new(deps(registry, resync))
}

/// Process CPU time (user + system) so far.
fn cpu() -> Duration {
    // SAFETY: getrusage writes into the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// Waits until group `id` has converged with `n` members; returns the passes it took, or None at the limit.
async fn until_converged(g: &GroupPlugin, id: &str, n: usize, limit: Duration) -> Option<u64> {
    let start = Instant::now();
    let mut rx = g.subscribe(&group::Id(id.into())).await.ok()?;
    loop {
        {
            let s = rx.borrow_and_update();
            if s.status.counts.converged && s.members.len() == n {
                return Some(s.status.passes);
            }
        }
        let left = limit.checked_sub(start.elapsed())?;
        if tokio::time::timeout(left, rx.changed()).await.is_err() {
            return None;
        }
    }
}

async fn passes(g: &GroupPlugin, id: &str) -> u64 {
    match g.subscribe(&group::Id(id.into())).await {
        Ok(rx) => rx.borrow().status.passes,
        Err(_) => 0,
    }
}

/// Commits one group of `n` and waits for it: (elapsed, CPU, passes).
async fn converge(g: &GroupPlugin, plugin: &str, n: u64) -> Option<(Duration, Duration, u64)> {
    let (t0, c0) = (Instant::now(), cpu());
    g.commit_group(spec("bench", plugin, n), false).await.ok()?;
    let passes = until_converged(g, "bench", n as usize, Duration::from_secs(900)).await?;
    Some((t0.elapsed(), cpu() - c0, passes))
}

fn row(label: &str, r: Option<(Duration, Duration, u64)>) {
    match r {
        Some((t, c, p)) => println!(
            "{label:<44} {:>9.1} ms  CPU {:>9.1} ms  {p:>6} passes",
            t.as_secs_f64() * 1e3,
            c.as_secs_f64() * 1e3
        ),
        None => println!("{label:<44} timed out"),
    }
}

async fn converge_file(sizes: &[u64], sync: bool) {
    let how = if sync { "fsynced" } else { "not fsynced" };
    for &n in sizes {
        let dir = tempfile::tempdir().expect("tempdir");
        let before = rss_mib();
        let files = FileInstance::new(dir.path()).expect("file plugin").with_sync(sync);
        let g = controller(Arc::new(files), "instance-file", secs(10));
        row(&format!("converge {n} file instances ({how})"), converge(&g, "instance-file", n).await);
        tokio::time::sleep(secs(3)).await;
        println!("{:<44} {:>9.1} MiB (process before: {before:.1} MiB)", "  resident memory, idle", rss_mib());
        if std::env::var_os("SCALE_KEEP_FILES").is_some_and(|v| v == "1") {
            // Freed: the controller stops watching the group and leaves its instances.
            let _ = g.free_group(&group::Id("bench".into())).await;
            println!("  files kept in {}", dir.keep().display());
            continue;
        }
        let _ = g.destroy_group(&group::Id("bench".into())).await;
    }
}

async fn converge_memory(n: u64) {
    let before = rss_mib();
    let plugin = MemoryInstance::new();
    let g = controller(Arc::new(plugin.clone()), "instance-memory", secs(10));
    row(&format!("converge {n} in-memory instances"), converge(&g, "instance-memory", n).await);
    tokio::time::sleep(secs(3)).await;
    let after = rss_mib();
    println!(
        "{:<44} {:>9.1} MiB: {:.2} KiB per instance (process before: {before:.1} MiB)",
        "  resident memory, idle",
        after,
        (after - before) * 1024.0 / n as f64
    );
}

async fn pass_memory(n: u64) {
    let g = controller(Arc::new(MemoryInstance::new()), "instance-memory", secs(1));
    row(&format!("converge {n} in-memory instances"), converge(&g, "instance-memory", n).await);
    tokio::time::sleep(secs(2)).await;
    let (c0, p0) = (cpu(), passes(&g, "bench").await);
    tokio::time::sleep(secs(10)).await;
    let (c1, p1) = (cpu(), passes(&g, "bench").await);
    let per = (c1 - c0).as_secs_f64() * 1e3 / (p1 - p0).max(1) as f64;
    println!(
        "{:<44} {per:>9.1} ms CPU per pass ({} passes in 10 s)",
        format!("  {n} instances, idle, resync 1 s"),
        p1 - p0
    );
}

async fn groups(count: usize, n: u64) {
    let plugin = MemoryInstance::new();
    let g = controller(Arc::new(plugin.clone()), "instance-memory", secs(10));
    let (t0, c0) = (Instant::now(), cpu());
    for i in 0..count {
        g.commit_group(spec(&format!("g{i:04}"), "instance-memory", n), false).await.expect("commit");
    }
    let mut all = true;
    for i in 0..count {
        all &= until_converged(&g, &format!("g{i:04}"), n as usize, secs(900)).await.is_some();
    }
    let label = format!("converge {count} groups of {n} in-memory");
    let (took, used) = (t0.elapsed(), cpu() - c0);
    let mut total = 0;
    for i in 0..count {
        total += passes(&g, &format!("g{i:04}")).await;
    }
    row(&label, all.then_some((took, used, total)));
    tokio::time::sleep(secs(5)).await;
    let (w0, c0) = (Instant::now(), cpu());
    tokio::time::sleep(secs(30)).await;
    let share = (cpu() - c0).as_secs_f64() / w0.elapsed().as_secs_f64() * 100.0;
    println!("{:<44} {share:>9.2} % of one core (over 30 s)", "  idle CPU");
    println!("{:<44} {:>9.1} MiB", "  resident memory", rss_mib());
}

async fn kill_memory(n: u64) {
    let plugin = MemoryInstance::new();
    let g = controller(Arc::new(plugin.clone()), "instance-memory", secs(10));
    row(&format!("converge {n} in-memory instances"), converge(&g, "instance-memory", n).await);
    tokio::time::sleep(secs(3)).await; // past the crash-loop window
    let mut times = Vec::new();
    for round in 0..5 {
        let ids = plugin.ids("bench");
        let victim = ids[round * 7 % ids.len()].clone();
        let start = Instant::now();
        plugin.kill(&victim);
        while start.elapsed() < secs(60) {
            if plugin.len() == n as usize && !plugin.contains(&victim) {
                times.push(start.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        tokio::time::sleep(secs(3)).await;
    }
    let ms: Vec<String> = times.iter().map(|t| format!("{:.2}", t.as_secs_f64() * 1e3)).collect();
    println!("{:<44} {} ms", format!("  kill 1 of {n}: replacement listed"), ms.join(", "));
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let nums: Vec<u64> = args.iter().skip(1).filter_map(|a| a.replace('_', "").parse().ok()).collect();
    let first = nums.first().copied().unwrap_or(10_000);
    match args.first().map(String::as_str) {
        Some(case @ ("converge-file" | "converge-file-nosync")) => {
            let sizes = if nums.is_empty() { vec![2_000, 5_000, 10_000, 20_000] } else { nums.clone() };
            converge_file(&sizes, case == "converge-file").await
        }
        Some("converge-memory") => converge_memory(first).await,
        Some("pass-memory") => pass_memory(first).await,
        Some("groups") => groups(first as usize, nums.get(1).copied().unwrap_or(100)).await,
        Some("kill-memory") => kill_memory(first).await,
        _ => eprintln!(
            "usage: scale converge-file N... | converge-memory N | pass-memory N | groups G N | kill-memory N"
        ),
    }
}
