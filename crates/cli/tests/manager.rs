//! Manager replicas in separate processes sharing a leader file and a store: only the leader acts; a follower
//! answers with the leader's name; kill -9 the leader in the middle of a rolling update and the next leader
//! resumes and completes it, without creating any instance twice; the spec history is intact.

mod common;

use common::*;
use std::path::Path;
use std::time::{Duration, Instant};

fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

fn replica(plugins: &Path, home: &Path, name: &str) -> Daemon {
    file_replica(plugins, home, name, "60s")
}

fn leads(plugins: &Path, name: &str) -> bool {
    let out = cli(plugins, &["manager", "leader", "--name", name], None);
    serde_json::from_slice::<serde_json::Value>(&out.stdout).is_ok_and(|v| v["Leader"] == true)
}

#[test]
fn failover_in_the_middle_of_a_rolling_update() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let dir = home.path().join("instances");
    let _providers = start_plugins(&plugins, &["instance-file", "flavor-vanilla", "--dir", dir.to_str().unwrap()]);
    wait_for_sockets(&plugins, &["instance-file", "flavor-vanilla"]);
    std::fs::write(home.path().join("leader"), "m1\n").unwrap();
    let mut m1 = replica(&plugins, home.path(), "m1");
    let _m2 = replica(&plugins, home.path(), "m2");
    wait_for_sockets(&plugins, &["m1", "m2"]);
    wait_for("m1 to lead", || leads(&plugins, "m1"));

    // A slow roll: each new instance must stay healthy 700 ms before the next one is replaced.
    let v1 = home.path().join("v1.json");
    let v2 = home.path().join("v2.json");
    let spec = |note: &str| {
        format!(
            r#"{{"ID":"web","Properties":{{"Allocation":{{"Size":4}},"Updating":{{"MaxUnavailable":1,"Monitor":"700ms"}},
            "Instance":{{"Plugin":"instance-file","Properties":{{"Note":"{note}"}}}},
            "Flavor":{{"Plugin":"flavor-vanilla","Properties":{{"Tags":{{"tier":"web"}}}}}}}}}}"#
        )
    };
    std::fs::write(&v1, spec("v1")).unwrap();
    std::fs::write(&v2, spec("v2")).unwrap();

    // A follower refuses, naming the leader; nothing is stored.
    let out = cli(&plugins, &["manager", "commit", v1.to_str().unwrap(), "--name", "m2"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("not the leader; the leader is m1"), "{err}");
    // An invalid spec is refused before it is stored.
    let bad = home.path().join("bad.json");
    std::fs::write(&bad, r#"{"ID":"web","Properties":{"Allocation":{"Size":2,"LogicalIDs":["a"]},"Instance":{"Plugin":"instance-file"},"Flavor":{"Plugin":"flavor-vanilla"}}}"#).unwrap();
    assert!(!cli(&plugins, &["manager", "commit", bad.to_str().unwrap(), "--name", "m1"], None).status.success());

    cli_ok(&plugins, &["manager", "commit", v1.to_str().unwrap(), "--name", "m1"], None);
    wait_for("4 instances", || files(&dir).len() == 4);
    let note = |f: &serde_json::Value| f["Spec"]["Properties"]["Note"].as_str().unwrap_or("").to_string();
    cli_ok(&plugins, &["manager", "commit", v2.to_str().unwrap(), "--name", "m1"], None);
    wait_for("the roll to start", || files(&dir).iter().any(|f| note(f) == "v2"));

    // kill -9 the leader mid-roll, then leadership moves to m2.
    assert!(m1.signal_and_wait("KILL"));
    let mid = files(&dir).iter().filter(|f| note(f) == "v2").count();
    assert!(mid < 4, "the roll was still in progress: {mid} of 4 done");
    std::fs::write(home.path().join("leader"), "m2\n").unwrap();
    wait_for("m2 to lead", || leads(&plugins, "m2"));
    let start = Instant::now();
    let mut peak = 0;
    while start.elapsed() < Duration::from_secs(30) {
        let fs = files(&dir);
        peak = peak.max(fs.len());
        if fs.len() == 4 && fs.iter().all(|f| note(f) == "v2") {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let fs = files(&dir);
    assert!(
        fs.len() == 4 && fs.iter().all(|f| note(f) == "v2"),
        "m2 completed the roll: {:?}",
        fs.iter().map(note).collect::<Vec<_>>()
    );
    assert!(peak <= 4, "never more than the size at once (no instance created twice): peak {peak}");

    // The spec history survived the failover, and a rollback goes through the new leader.
    let history = cli_ok(&plugins, &["manager", "history", "web", "--name", "m2"], None);
    let history: serde_json::Value = serde_json::from_str(&history).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    let out = cli_ok(&plugins, &["manager", "rollback", "web", "--name", "m2"], None);
    assert!(out.contains("rolled web back to version 1"), "{out}");
    wait_for("the rollback", || {
        let fs = files(&dir);
        fs.len() == 4 && fs.iter().all(|f| note(f) == "v1")
    });
    let inspect = cli_ok(&plugins, &["manager", "inspect", "--name", "m2"], None);
    assert!(inspect.contains(r#""Note": "v1""#), "{inspect}");
}
