//! The Docker engine restarted under a running group (this binary's own dockerd): the group stays whole and keeps
//! healing.

#![cfg(feature = "docker")]

mod common;
#[path = "common/docker.rs"]
mod docker;

use common::*;
use docker::*;
use infrakit_docker_testkit::Engine;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(180);

#[test]
fn the_group_stays_whole_through_an_engine_restart() {
    let Some(engine) = Engine::shared() else { return };
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let _plugins = docker_plugins(engine, &plugins);
    let spec = workspace().join("examples/docker-cattle.yaml");
    cli_ok(&plugins, &["group", "commit", spec.to_str().unwrap()], None);
    wait_until("3 containers running", LIMIT, || running(engine, "docker-cattle").len() == 3);
    std::thread::sleep(Duration::from_secs(3));

    // The containers (no restart policy) stop with the engine; the group is made whole again once it is back.
    let before = running(engine, "docker-cattle");
    engine.restart();
    wait_until("3 new containers after the restart", LIMIT, || {
        let now = running(engine, "docker-cattle");
        now.len() == 3 && now.iter().all(|c| !before.contains(c))
    });

    // And it keeps healing: events flow again.
    std::thread::sleep(Duration::from_secs(3));
    let victim = running(engine, "docker-cattle")[0].clone();
    engine.docker(&["kill", &victim]).unwrap();
    wait_until("a replacement after the restart", LIMIT, || {
        let now = running(engine, "docker-cattle");
        now.len() == 3 && !now.contains(&victim)
    });
    cli_ok(&plugins, &["group", "destroy", "docker-cattle", "--yes"], None);
}
