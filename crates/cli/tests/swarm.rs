//! Leadership and the spec store from Docker Swarm, against a real single-node swarm on this test binary's own
//! Docker engine (Debian's docker.io, started by `infrakit-docker-testkit`).

#![cfg(feature = "docker")]

mod common;

use common::*;
use infrakit_docker_testkit::Engine;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The engine, in a swarm.
fn engine() -> Option<&'static Engine> {
    // The tests run at once: only one of them may join the engine to a swarm.
    static JOINING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _joining = JOINING.lock().unwrap_or_else(|p| p.into_inner());
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

/// A label written by InfraKit v0.5's own `encode` (`pkg/store/swarm/swarm.go`, run with Go 1.19) of its
/// `globalSpec`: the group `sw-v05`, 2 instance-file instances noted `sw-v05`, proxied for `group-stateless`.
const V05_LABEL: &str = "eJyUUctKBDEQvM9XFH1OQAQvcxNE2YsI+gNh6R0ammRJsiMo8++SnREzzgP2knR3VXWqyHcDAPQSw+WcqMXYA5Q+bX/3UE0AetNLJ55aUFf4NmWXWTklMhUphjPHLJxmYoAOT0U6LTY1sqkB6FE1HF2W4BcYQO/yxdTifjYfzHzFs7o+xDX5X6LTlWN750XVkVkwty1e8Q/XrSMAZeHyOpXcC3xo9vr/UQ4+ZeePvB9GJpY9ifLtWV5D5uqr9g02a/VvNd7lHH4CAAD//5/7gts=";

/// One Engine API call over the engine's socket (HTTP/1.0: the answer is not chunked); (status, body).
fn api(engine: &Engine, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut s = std::os::unix::net::UnixStream::connect(engine.socket()).expect("engine socket");
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let head = format!(
        "{method} /v1.41{path} HTTP/1.0\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).and_then(|()| s.write_all(body.as_bytes())).expect("request sent");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("answer read");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// The swarm (`GET /swarm`).
fn swarm(engine: &Engine) -> Value {
    let (status, swarm) = api(engine, "GET", "/swarm", None);
    assert_eq!(status, 200, "{swarm}");
    swarm
}

/// Sets (or, with `None`, removes) a cluster spec label, as `docker swarm update` has no flag for it.
fn set_label(engine: &Engine, key: &str, value: Option<&str>) {
    for _ in 0..20 {
        let swarm = swarm(engine);
        let mut spec = swarm["Spec"].clone();
        match value {
            Some(v) => spec["Labels"][key] = json!(v),
            None => {
                spec["Labels"].as_object_mut().map(|l| l.remove(key));
            }
        }
        let version = swarm["Version"]["Index"].as_u64().unwrap_or(0);
        let (status, answer) = api(engine, "POST", &format!("/swarm/update?version={version}"), Some(&spec));
        if status == 200 {
            return;
        }
        assert!(answer.to_string().contains("out of sequence"), "swarm update: {status} {answer}");
    }
    panic!("the swarm kept changing under the test");
}

/// A label decoded as v0.5 reads it: base64, then zlib, then JSON (by Python's own zlib, not ours).
fn v05_decoded(label: &str) -> Value {
    let mut py = Command::new("python3")
        .args([
            "-c",
            "import base64,sys,zlib; sys.stdout.write(zlib.decompress(base64.b64decode(sys.stdin.read())).decode())",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    py.stdin.take().expect("stdin").write_all(label.as_bytes()).expect("label sent");
    let out = py.wait_with_output().expect("python3 ran");
    assert!(out.status.success(), "not base64(zlib(...)): {label:?}");
    serde_json::from_slice(&out.stdout).expect("JSON inside")
}

fn label(engine: &Engine, key: &str) -> Option<String> {
    swarm(engine)["Spec"]["Labels"][key].as_str().map(str::to_string)
}

fn manager(plugins: &Path, name: &str, leadership: &str, store: &str) -> Daemon {
    let args =
        ["manager", "start", "--name", name, "--leadership", leadership, "--store", store, "--poll-interval", "1s"];
    let d = start_plugins_with(plugins, &args);
    wait_for_sockets(plugins, &[name]);
    d
}

fn group_spec(id: &str, size: u32, note: &str) -> String {
    json!({"ID": id, "Properties": {
        "Allocation": {"Size": size},
        "Updating": {"MaxUnavailable": 1, "Monitor": "1s"},
        "Instance": {"Plugin": "instance-file", "Properties": {"Note": note}},
        "Flavor": {"Plugin": "flavor-vanilla", "Properties": {"Tags": {"tier": id}}}}})
    .to_string()
}

fn commit(plugins: &Path, home: &Path, name: &str, spec: &str) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let file = home.join(format!("spec-{}.json", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    std::fs::write(&file, spec).expect("spec written");
    cli_ok(plugins, &["manager", "commit", file.to_str().unwrap_or_default(), "--name", name], None);
}

/// The notes of the instance-file instances in `dir` whose note starts with `prefix`.
fn notes(dir: &Path, prefix: &str) -> Vec<String> {
    let mut n: Vec<String> = files(dir)
        .iter()
        .filter_map(|f| f["Spec"]["Properties"]["Note"].as_str().map(str::to_string))
        .filter(|n| n.starts_with(prefix))
        .collect();
    n.sort();
    n
}

#[test]
fn specs_and_rollouts_live_in_the_swarm() {
    let Some(engine) = engine() else { return };
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let dir = home.path().join("instances");
    let _providers = start_plugins(&plugins, &["instance-file", "flavor-vanilla", "--dir", dir.to_str().unwrap()]);
    wait_for_sockets(&plugins, &["instance-file", "flavor-vanilla"]);
    let url = format!("swarm://{}", engine.socket().display());
    let mut spec_before = swarm(engine)["Spec"].clone();
    spec_before.as_object_mut().map(|s| s.remove("Labels"));
    // This test owns the store of this binary's engine: it starts with no group in it.
    set_label(engine, "infrakit", None);

    // Concurrent commits through two replicas on the same store (the second always leads; each group is run by the
    // replica it was committed through): every one lands, each write a compare-and-swap retried when the other came
    // first.
    let mut first = manager(&plugins, "swm", &url, &url);
    let mut other = manager(&plugins, "swm2", "always", &url);
    wait_until("swm to lead", Duration::from_secs(20), || status(&plugins, "swm")["Leader"] == true);
    std::thread::scope(|s| {
        for name in ["swm", "swm2"] {
            let (plugins, home) = (&plugins, home.path());
            s.spawn(move || {
                for n in 0..5 {
                    commit(plugins, home, name, &group_spec(&format!("sw-cas-{name}-{n}"), 1, "cas"));
                }
            });
        }
    });
    let global = v05_decoded(&label(engine, "infrakit").expect("the v0.5 label"));
    for name in ["swm", "swm2"] {
        for n in 0..5 {
            let id = format!("sw-cas-{name}-{n}");
            assert_eq!(global["Groups"][&id]["Properties"]["ID"], id.as_str(), "{id} was lost: {global}");
            assert_eq!(global["Groups"][&id]["Plugin"], "group-stateless", "{global}");
        }
    }
    assert!(first.signal_and_wait("KILL") && other.signal_and_wait("KILL"));

    // A v0.5 manager then writes its label (with v0.5's own code): its group runs here, and what it dropped is
    // recorded as removed.
    set_label(engine, "infrakit", Some(V05_LABEL));
    let mut m = manager(&plugins, "swm", &url, &url);
    wait_until("the v0.5 group's 2 instances", Duration::from_secs(60), || notes(&dir, "sw-v05").len() == 2);
    let out = cli_ok(&plugins, &["manager", "history", "sw-cas-swm-0", "--name", "swm"], None);
    let versions: Value = serde_json::from_str(&out).expect("history JSON");
    assert_eq!(versions[1]["Spec"], Value::Null, "removed by v0.5: {versions}");

    // Ours is written in v0.5's format, beside v0.5's group, with its history in our label.
    commit(&plugins, home.path(), "swm", &group_spec("sw-ours", 2, "sw-ours v1"));
    wait_until("sw-ours's 2 instances", Duration::from_secs(60), || notes(&dir, "sw-ours").len() == 2);
    let global = v05_decoded(&label(engine, "infrakit").expect("the v0.5 label"));
    assert_eq!(global["Groups"]["sw-v05"]["Plugin"], "group-stateless", "{global}");
    assert_eq!(global["Groups"]["sw-v05"]["Properties"]["Properties"]["Instance"]["Properties"]["Note"], "sw-v05");
    assert_eq!(global["Groups"]["sw-ours"]["Plugin"], "group-stateless", "{global}");
    assert_eq!(global["Groups"]["sw-ours"]["Properties"]["ID"], "sw-ours", "{global}");
    assert_eq!(global["Groups"]["sw-ours"]["Properties"]["Properties"]["Allocation"]["Size"], 2, "{global}");
    assert!(global["Groups"]["sw-cas-swm-0"].is_null(), "{global}");
    let history = v05_decoded(&label(engine, "infrakit.history").expect("the history label"));
    assert_eq!(history["sw-ours"][0]["Version"], 1, "{history}");
    assert_eq!(history["sw-v05"][0]["Time"], 0, "v0.5's spec, of unknown time: {history}");

    // A rolling update; kill -9 the manager in the middle: the rollout is in the swarm, and the restarted manager
    // resumes the specs and completes the roll.
    commit(&plugins, home.path(), "swm", &group_spec("sw-ours", 2, "sw-ours v2"));
    wait_until("the rollout saved in the swarm", Duration::from_secs(30), || {
        label(engine, "infrakit.state/sw-ours/rollout").is_some()
    });
    assert!(m.signal_and_wait("KILL"));
    let mid = notes(&dir, "sw-ours v2").len();
    assert!(mid < 2, "the roll was still in progress: {mid} of 2 done");
    let _m = manager(&plugins, "swm", &url, &url);
    wait_until("the roll completed by the restarted manager", Duration::from_secs(60), || {
        notes(&dir, "sw-ours") == vec!["sw-ours v2".to_string(); 2]
    });
    // And it heals v0.5's group too: that spec came from the swarm.
    let victim = std::fs::read_dir(&dir)
        .expect("instances")
        .flatten()
        .find(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("\"sw-v05\"")))
        .expect("a sw-v05 instance");
    std::fs::remove_file(victim.path()).expect("instance removed");
    wait_until("sw-v05 healed", Duration::from_secs(60), || notes(&dir, "sw-v05").len() == 2);
    let out = cli_ok(&plugins, &["manager", "history", "sw-ours", "--name", "swm"], None);
    let versions: Value = serde_json::from_str(&out).expect("history JSON");
    assert_eq!(versions.as_array().map(|v| v.len()), Some(2), "{versions}");

    // Nothing but the labels changed in the swarm's spec.
    let mut spec_after = swarm(engine)["Spec"].clone();
    spec_after.as_object_mut().map(|s| s.remove("Labels"));
    assert_eq!(spec_after, spec_before);
}
