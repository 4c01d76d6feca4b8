//! Leadership from Docker Swarm, against a real single-node swarm on the test's Docker engine (Debian's docker.io,
//! started by this test when no engine runs and it is root).

mod common;

use common::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SOCKET: &str = "/var/run/docker.sock";

fn docker(args: &[&str]) -> Option<String> {
    let out = Command::new("docker").args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Makes sure an engine with a swarm answers; returns whether this test started the engine itself.
fn engine() -> Option<bool> {
    let in_ci = std::env::var_os("CI").is_some();
    if docker(&["info"]).is_none() {
        // SAFETY: geteuid(2) has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        if !root || Command::new("dockerd").arg("--version").output().is_err() {
            assert!(!in_ci, "CI must provide a Docker engine (docker.io) and run as root");
            println!("SKIPPED swarm tests: no Docker engine, and cannot start one (needs root and docker.io)");
            return None;
        }
        let log = std::fs::File::create(std::env::temp_dir().join("infrakit-test-dockerd.log")).ok()?;
        let mut cmd = Command::new("dockerd");
        cmd.stdout(Stdio::null()).stderr(log);
        // The engine this test started ends with the test process.
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        cmd.spawn().ok()?;
        let start = Instant::now();
        while docker(&["info"]).is_none() {
            assert!(start.elapsed() < Duration::from_secs(60), "dockerd did not start");
            std::thread::sleep(Duration::from_millis(200));
        }
        started_swarm();
        return Some(true);
    }
    started_swarm();
    Some(false)
}

fn started_swarm() {
    let state = docker(&["info", "--format", "{{.Swarm.LocalNodeState}}"]).unwrap_or_default();
    if state.trim() != "active" {
        docker(&["swarm", "init", "--advertise-addr", "127.0.0.1"]).expect("docker swarm init");
    }
}

fn status(plugins: &std::path::Path, name: &str) -> serde_json::Value {
    let out = cli(plugins, &["manager", "leader", "--name", name], None);
    serde_json::from_slice(&out.stdout).unwrap_or_default()
}

#[test]
fn the_swarm_leader_node_leads() {
    let Some(_started) = engine() else { return };
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let store = format!("file://{}", home.path().join("store").display());
    let leadership = format!("swarm://{SOCKET}");
    let _replica = start_plugins_with(
        &plugins,
        &["manager", "start", "--name", "sw", "--leadership", &leadership, "--store", &store],
    );
    wait_for_sockets(&plugins, &["sw"]);
    // A single-node swarm: this engine is the Raft leader, so the replica leads, as `docker node ls` says.
    let nodes = docker(&["node", "ls", "--format", "{{.Self}} {{.ManagerStatus}}"]).unwrap_or_default();
    assert!(nodes.lines().any(|l| l == "true Leader"), "{nodes}");
    let start = Instant::now();
    while status(&plugins, "sw")["Leader"] != true {
        assert!(start.elapsed() < Duration::from_secs(20), "the replica did not lead: {}", status(&plugins, "sw"));
        std::thread::sleep(Duration::from_millis(100));
    }
    // An engine that is not reachable: leadership is unknown, with the reason, and nothing acts.
    let _lost = start_plugins_with(
        &plugins,
        &[
            "manager",
            "start",
            "--name",
            "nowhere",
            "--leadership",
            "swarm:///nonexistent/docker.sock",
            "--store",
            &store,
        ],
    );
    wait_for_sockets(&plugins, &["nowhere"]);
    let start = Instant::now();
    loop {
        let s = status(&plugins, "nowhere");
        if s["Leader"] == false && s["Unknown"].as_str().is_some_and(|r| r.contains("docker engine")) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{s}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
