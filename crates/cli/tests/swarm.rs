//! Leadership from Docker Swarm, against a real single-node swarm on this test binary's own Docker engine
//! (Debian's docker.io, started by `infrakit-docker-testkit`).

#![cfg(feature = "docker")]

mod common;

use common::*;
use infrakit_docker_testkit::Engine;
use std::time::{Duration, Instant};

/// The engine, in a swarm.
fn engine() -> Option<&'static Engine> {
    let engine = Engine::shared()?;
    let state = engine.docker(&["info", "--format", "{{.Swarm.LocalNodeState}}"]).unwrap_or_default();
    if state.trim() != "active" {
        engine.docker(&["swarm", "init", "--advertise-addr", "127.0.0.1"]).expect("docker swarm init");
    }
    Some(engine)
}

fn status(plugins: &std::path::Path, name: &str) -> serde_json::Value {
    let out = cli(plugins, &["manager", "leader", "--name", name], None);
    serde_json::from_slice(&out.stdout).unwrap_or_default()
}

#[test]
fn the_swarm_leader_node_leads() {
    let Some(engine) = engine() else { return };
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let store = format!("file://{}", home.path().join("store").display());
    let leadership = format!("swarm://{}", engine.socket().display());
    let _replica = start_plugins_with(
        &plugins,
        &["manager", "start", "--name", "sw", "--leadership", &leadership, "--store", &store],
    );
    wait_for_sockets(&plugins, &["sw"]);
    // A single-node swarm: this engine is the Raft leader, so the replica leads, as `docker node ls` says.
    let nodes = engine.docker(&["node", "ls", "--format", "{{.Self}} {{.ManagerStatus}}"]).unwrap_or_default();
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
