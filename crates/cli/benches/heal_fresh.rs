//! Heal of 20 of 200 file instances deleted the moment the group converged, out of process: `infrakit plugin start
//! group instance-file flavor-vanilla` in a child process, the spec committed with the CLI, files deleted from here.
//! Timed from the last deletion to the moment 200 files exist again, none of them a deleted one. Prints one row per
//! round; asserts nothing.
//!
//! Command: `cargo bench -p infrakit --bench heal_fresh`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_infrakit")
}

fn instance_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
                .collect()
        })
        .unwrap_or_default()
}

fn round(n: usize) -> Option<Duration> {
    let home = tempfile::tempdir().ok()?;
    let plugins = home.path().join("plugins");
    let dir = home.path().join("instances");
    let mut daemon = Command::new(bin())
        .args(["plugin", "start", "group", "instance-file", "flavor-vanilla", "--poll-interval", "60s", "--dir"])
        .arg(&dir)
        .env("INFRAKIT_PLUGINS_DIR", &plugins)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let started = Instant::now();
    while !["group", "instance-file", "flavor-vanilla"].iter().all(|s| plugins.join(s).exists()) {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = daemon.kill();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let spec = format!(
        r#"{{"ID":"fresh{n}","Properties":{{"Allocation":{{"Size":200}},
            "Instance":{{"Plugin":"instance-file","Properties":{{}}}},"Flavor":{{"Plugin":"flavor-vanilla","Properties":{{}}}}}}}}"#
    );
    let spec_file = home.path().join("spec.json");
    std::fs::write(&spec_file, spec).ok()?;
    let ok = Command::new(bin())
        .args(["group", "commit"])
        .arg(&spec_file)
        .env("INFRAKIT_PLUGINS_DIR", &plugins)
        .stdout(Stdio::null())
        .status()
        .ok()?
        .success();
    let mut healed = None;
    if ok {
        let limit = Instant::now() + Duration::from_secs(60);
        while instance_files(&dir).len() < 200 && Instant::now() < limit {
            std::thread::sleep(Duration::from_micros(200));
        }
        let victims: Vec<_> = instance_files(&dir).into_iter().take(20).collect();
        for v in &victims {
            let _ = std::fs::remove_file(v);
        }
        let gone = Instant::now();
        while Instant::now() < limit {
            let now = instance_files(&dir);
            if now.len() == 200 && victims.iter().all(|v| !v.exists()) {
                healed = Some(gone.elapsed());
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    let _ = daemon.kill();
    let _ = daemon.wait();
    healed
}

fn main() {
    println!("| round | heal 20 of 200 deleted right after convergence, out of process |");
    println!("|---|---|");
    let rounds = std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    for n in 1..=rounds {
        match round(n) {
            Some(d) => println!("| {n} | {:.1} ms |", d.as_secs_f64() * 1000.0),
            None => println!("| {n} | not healed within 60 s |"),
        }
    }
}
