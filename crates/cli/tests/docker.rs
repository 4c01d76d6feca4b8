//! The Docker plugin through the CLI: `infrakit plugin start group instance-docker flavor-vanilla` on this test
//! binary's own dockerd, the examples' groups committed, containers killed with `docker kill`. The controller polls
//! once a minute here, so healing is driven by Docker's events.

#![cfg(feature = "docker")]

mod common;
#[path = "common/docker.rs"]
mod docker;

use common::*;
use docker::*;
use infrakit_docker_testkit::Engine;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn a_cattle_group_converges_and_heals_a_docker_kill() {
    let Some(engine) = Engine::shared() else { return };
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let _plugins = docker_plugins(engine, &plugins);
    let spec = workspace().join("examples/docker-cattle.yaml");
    let out = cli_ok(&plugins, &["group", "commit", spec.to_str().unwrap()], None);
    assert!(out.contains("docker-cattle"), "{out}");
    wait_until("3 containers running", LIMIT, || running(engine, "docker-cattle").len() == 3);
    let tags = ["instance", "describe", "--name", "instance-docker", "--tags", "infrakit.group=docker-cattle"];
    let listed = cli_ok(&plugins, &tags, None);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(listed.iter().all(|d| d["Tags"]["tier"] == "worker" && d["Tags"]["example"] == "docker-cattle"));
    // The Init runs in each, after its start.
    wait_until("the Init run in every container", LIMIT, || {
        running(engine, "docker-cattle").iter().all(|c| {
            engine.docker(&["exec", c, "cat", "/tmp/infrakit-init"]).is_ok_and(|t| t.starts_with("started as "))
        })
    });

    // Wait past the young-death window, so the kill is a loss, not a crash loop.
    std::thread::sleep(Duration::from_secs(3));
    let victim = running(engine, "docker-cattle")[0].clone();
    engine.docker(&["kill", &victim]).unwrap();
    wait_until("a replacement for the killed container", LIMIT, || {
        let now = running(engine, "docker-cattle");
        now.len() == 3 && !now.contains(&victim)
    });

    cli_ok(&plugins, &["group", "destroy", "docker-cattle", "--yes"], None);
    wait_until("the group's containers removed", LIMIT, || running(engine, "docker-cattle").is_empty());
}

#[test]
fn docker_pets_come_back_at_their_address_with_their_volume() {
    let Some(engine) = Engine::shared() else { return };
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let _plugins = docker_plugins(engine, &plugins);
    let spec = workspace().join("examples/docker-pets.yaml");
    cli_ok(&plugins, &["group", "commit", spec.to_str().unwrap()], None);
    wait_until("3 pets running", LIMIT, || running(engine, "docker-pets").len() == 3);
    let pet = "198.18.0.12";
    let addr = engine.docker(&["exec", pet, "ip", "-4", "addr", "show", "eth0"]).unwrap();
    assert!(addr.contains("198.18.0.12/24"), "{addr}");
    engine.docker(&["exec", pet, "sh", "-c", "echo precious > /data/keep"]).unwrap();
    wait_until("the first life's address and Init in the history", LIMIT, || {
        engine
            .docker(&["exec", pet, "cat", "/data/history"])
            .is_ok_and(|h| h.matches("init ran").count() == 1 && h.matches("198.18.0.12/24").count() == 1)
    });

    std::thread::sleep(Duration::from_secs(3));
    let before = engine.docker(&["inspect", "--format", "{{.Id}}", pet]).unwrap();
    engine.docker(&["kill", pet]).unwrap();
    wait_until("the pet back in a new container", LIMIT, || {
        let now = engine.docker(&["inspect", "--format", "{{.Id}} {{.State.Running}}", pet]).unwrap_or_default();
        now.trim().ends_with("true") && !now.starts_with(before.trim())
    });
    let keep = engine.docker(&["exec", pet, "cat", "/data/keep"]).unwrap();
    assert_eq!(keep.trim(), "precious", "the same volume, with its data");
    // Both lives wrote their address and ran their Init into the same volume (the Init runs after the start).
    wait_until("the second life's address and Init in the history", LIMIT, || {
        engine
            .docker(&["exec", pet, "cat", "/data/history"])
            .is_ok_and(|h| h.matches("init ran").count() == 2 && h.matches("198.18.0.12/24").count() == 2)
    });

    cli_ok(&plugins, &["group", "destroy", "docker-pets", "--yes"], None);
    wait_until("the pets removed", LIMIT, || running(engine, "docker-pets").is_empty());
    let volumes = engine.docker(&["volume", "ls", "-q"]).unwrap();
    assert!(volumes.contains("docker-pet-12"), "named volumes outlive their containers: {volumes}");
}

/// InfraKit v0.5's Go `instance-docker`: the binary at `INFRAKIT_GO_INSTANCE_DOCKER`, or else built from the v0.5
/// tag's `examples/instance/docker` in `third_party/infrakit-v0.5` (a GOPATH with the tag's own vendored packages)
/// with the machine's Go. `None` (printed) without Go; in CI a missing Go fails the test instead.
fn go_instance_docker() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("INFRAKIT_GO_INSTANCE_DOCKER") {
        return Some(path.into());
    }
    if std::process::Command::new("go").arg("version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "go is not installed: .ci/run must install golang-go");
        println!("SKIPPED: no Go toolchain (apt-get install golang-go) to build InfraKit v0.5's instance-docker");
        return None;
    }
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-v0.5-instance-docker");
    let built = std::process::Command::new("go")
        .args(["build", "-o", &out.to_string_lossy(), "github.com/docker/infrakit/examples/instance/docker"])
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .env("GOPATH", workspace().join("third_party/infrakit-v0.5"))
        .env("GO111MODULE", "off")
        .env("CGO_ENABLED", "0")
        .env("GOFLAGS", "")
        .env("GOCACHE", std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-cache"))
        .output()
        .expect("run go build");
    assert!(built.status.success(), "go build of v0.5's instance-docker: {}", String::from_utf8_lossy(&built.stderr));
    Some(out)
}

/// The same spec drives InfraKit v0.5's Go `instance-docker` ([`go_instance_docker`]): our group controller
/// converges the example group through Go's plugin, and heals a kill by polling (Go pushes no events).
#[test]
fn go_v0_5_instance_docker_runs_the_same_spec() {
    let Some(engine) = Engine::shared() else { return };
    let Some(go) = go_instance_docker() else { return };
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    let child = std::process::Command::new(go)
        .args(["--url", &engine.host(), "--log", "1"])
        .env("INFRAKIT_PLUGINS_DIR", &plugins)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let _go = Daemon(child);
    let _ours = start_plugins(&plugins, &["group", "flavor-vanilla", "--poll-interval", "1s"]);
    wait_for_sockets(&plugins, &["group", "instance-docker", "flavor-vanilla"]);
    // The example, under another group ID (the other tests share this engine).
    let example = std::fs::read_to_string(workspace().join("examples/docker-cattle.yaml")).unwrap();
    let spec = home.path().join("go-cattle.yaml");
    std::fs::write(&spec, example.replace("ID: docker-cattle", "ID: go-cattle")).unwrap();
    cli_ok(&plugins, &["group", "commit", spec.to_str().unwrap()], None);
    wait_until("3 containers made by Go's plugin", LIMIT, || running(engine, "go-cattle").len() == 3);
    let tags = ["instance", "describe", "--name", "instance-docker", "--tags", "infrakit.group=go-cattle"];
    let listed: Vec<serde_json::Value> = serde_json::from_str(&cli_ok(&plugins, &tags, None)).unwrap();
    assert_eq!(listed.len(), 3, "{listed:?}");
    std::thread::sleep(Duration::from_secs(3));
    let victim = running(engine, "go-cattle")[0].clone();
    engine.docker(&["kill", &victim]).unwrap();
    wait_until("a replacement by polling", LIMIT, || {
        let now = running(engine, "go-cattle");
        now.len() == 3 && !now.contains(&victim)
    });
    cli_ok(&plugins, &["group", "destroy", "go-cattle", "--yes"], None);
    wait_until("the group's containers removed", LIMIT, || running(engine, "go-cattle").is_empty());
}
