//! End to end over real sockets: the group controller in one process, the file instance plugin and the vanilla flavor
//! in another; the CLI commits, the files are deleted behind the controller's back, and come back.

mod common;

use common::*;
use std::path::Path;
use std::time::{Duration, Instant};

/// Waits (at most 20 s) until `check` holds; returns how long it took.
fn wait_for(what: &str, mut check: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if check() {
            return start.elapsed();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

fn with_hash(dir: &Path, hash: &str) -> usize {
    files(dir).iter().filter(|f| f["Tags"]["infrakit.config_sha"] == hash).count()
}

#[test]
fn commit_heal_roll_destroy_across_processes() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let dir = home.path().join("instances");
    let _providers = start_plugins(&plugins, &["instance-file", "flavor-vanilla", "--dir", dir.to_str().unwrap()]);
    wait_for_sockets(&plugins, &["instance-file", "flavor-vanilla"]);
    // A long resync: healing must come from the file plugin's pushed events, not from polling.
    let _controller = start_plugins(&plugins, &["group", "--poll-interval", "60s"]);
    wait_for_sockets(&plugins, &["group"]);
    let ex = workspace().join("examples");
    let cattle = ex.join("cattle.json");
    let cattle2 = ex.join("cattle2.json");

    let out = cli_ok(&plugins, &["group", "commit", cattle.to_str().unwrap()], None);
    assert_eq!(out, "Committed cattle: Managing 5 instances\n");
    wait_for("5 instances", || files(&dir).len() == 5);
    wait_for("5 instances listed by the controller", || {
        let d = cli_ok(&plugins, &["group", "describe", "cattle"], None);
        serde_json::from_str::<serde_json::Value>(&d).unwrap()["Instances"].as_array().is_some_and(|a| a.len() == 5)
    });
    let first = files(&dir);
    assert!(first.iter().all(|f| f["Tags"]["infrakit.config_sha"] == "x4nrsdaibscmj7awpkxzx5vvpt6pilw2"));
    assert!(first.iter().all(|f| f["Spec"]["Init"] == "docker pull nginx:alpine\ndocker run -d -p 80:80 nginx-alpine"));

    // The controller exports its groups as metadata.
    assert!(cli_ok(&plugins, &["metadata", "ls"], None).lines().any(|l| l == "group"));
    assert_eq!(cli_ok(&plugins, &["metadata", "ls", "group/specs"], None), "cattle\n");
    assert_eq!(cli_ok(&plugins, &["metadata", "cat", "group/groups/cattle/Size"], None), "5\n");
    assert_eq!(cli_ok(&plugins, &["metadata", "cat", "group/specs/cattle/ID"], None), "cattle\n");
    assert_eq!(cli_ok(&plugins, &["metadata", "cat", "group", "instance-nope"], None), "true\nfalse\n");
    let all = cli_ok(&plugins, &["metadata", "ls", "-a", "group/specs"], None);
    assert!(all.contains("group/specs/cattle/Properties/Allocation/Size"), "{all}");

    // Delete 3 instance files: they come back, pushed over the event stream well before any resync.
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    for p in names.iter().take(3) {
        std::fs::remove_file(p).unwrap();
    }
    let healed = wait_for("healing", || files(&dir).len() == 5);
    assert!(healed < Duration::from_secs(30), "healing took {healed:?}");

    let pretend = cli_ok(&plugins, &["group", "commit", cattle2.to_str().unwrap(), "--pretend"], None);
    assert_eq!(
        pretend.lines().next(),
        Some("Committing cattle would involve: Performing a rolling update on 5 instances, then adding 5 instances to increase the group size to 10")
    );
    assert!(pretend.contains("~ Properties.Allocation.Size: 5 -> 10"), "then the fields that change: {pretend}");
    assert_eq!(files(&dir).len(), 5, "pretend changes nothing");
    let plan = cli_ok(&plugins, &["group", "commit", cattle2.to_str().unwrap(), "--pretend", "-o", "json"], None);
    let plan: serde_json::Value = serde_json::from_str(&plan).unwrap();
    assert_eq!(plan["Plan"]["Roll"].as_array().unwrap().len(), 5);
    assert_eq!(plan["Plan"]["Create"], 5);
    // The plan names what the commit then does: the instances it rolls are those there now.
    let mut rolled: Vec<String> =
        plan["Plan"]["Roll"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    let mut now: Vec<String> = files(&dir).iter().map(|f| f["ID"].as_str().unwrap().to_string()).collect();
    rolled.sort();
    now.sort();
    assert_eq!(rolled, now);

    cli_ok(&plugins, &["group", "commit", cattle2.to_str().unwrap()], None);
    wait_for("10 instances of the new config", || {
        let fs = files(&dir);
        fs.len() == 10 && with_hash(&dir, "jpfedp4sefvncwye5b6yre5qoz2odtnd") == 10
    });
    wait_for("converged", || {
        let d = cli_ok(&plugins, &["group", "describe", "cattle"], None);
        serde_json::from_str::<serde_json::Value>(&d).unwrap()["Converged"] == true
    });
    let described = cli_ok(&plugins, &["group", "describe", "cattle"], None);
    let described: serde_json::Value = serde_json::from_str(&described).unwrap();
    assert_eq!(described["Instances"].as_array().unwrap().len(), 10);
    let watch = cli_ok(&plugins, &["group", "watch", "cattle", "--count", "1"], None);
    assert!(watch.contains("target 10") && watch.contains("converged"), "{watch}");

    cli_ok(&plugins, &["group", "scale", "cattle", "3"], None);
    wait_for("scaled to 3", || files(&dir).len() == 3);
    assert_eq!(with_hash(&dir, "jpfedp4sefvncwye5b6yre5qoz2odtnd"), 3, "a scale never rolls");

    assert_eq!(cli_ok(&plugins, &["group", "ls", "-q"], None), "cattle\n");
    assert_eq!(cli_ok(&plugins, &["group", "destroy", "cattle", "--yes"], None), "Destroyed cattle\n");
    assert_eq!(files(&dir).len(), 0);
    let out = cli(&plugins, &["group", "describe", "cattle"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Group 'cattle' is not being watched"));
}

#[test]
fn pets_keep_their_logical_id_and_attachment() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let dir = home.path().join("instances");
    let _all = start_plugins(&plugins, &["group", "instance-file", "flavor-vanilla", "--dir", dir.to_str().unwrap()]);
    wait_for_sockets(&plugins, &["group", "instance-file", "flavor-vanilla"]);
    let pets = workspace().join("examples/pets.json");
    cli_ok(&plugins, &["group", "commit", pets.to_str().unwrap()], None);
    wait_for("3 pets listed by the controller", || {
        let d = cli_ok(&plugins, &["group", "describe", "pets"], None);
        serde_json::from_str::<serde_json::Value>(&d).unwrap()["Instances"].as_array().is_some_and(|a| a.len() == 3)
    });
    let holder = |lid: &str| files(&dir).into_iter().filter(|f| f["LogicalID"] == lid).collect::<Vec<_>>();
    let old = holder("127.0.0.12").remove(0);
    std::fs::remove_file(dir.join(old["ID"].as_str().unwrap())).unwrap();
    wait_for("the pet's replacement", || holder("127.0.0.12").len() == 1 && holder("127.0.0.12")[0]["ID"] != old["ID"]);
    let new = holder("127.0.0.12").remove(0);
    assert_eq!(new["Spec"]["Attachments"][0]["ID"], "data-12", "same volume");
    assert_eq!(new["Spec"]["LogicalID"], "127.0.0.12");
    assert_eq!(files(&dir).len(), 3);

    // Bad input is refused with the field named, and nothing changes.
    let bad = home.path().join("bad.json");
    std::fs::write(&bad, r#"{"ID":"pets","Properties":{"Allocation":{"LogicalIDs":["a","a"]},"Instance":{"Plugin":"instance-file"},"Flavor":{"Plugin":"flavor-vanilla"}}}"#).unwrap();
    let out = cli(&plugins, &["group", "commit", bad.to_str().unwrap()], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("LogicalIDs[1]"), "{err}");
    std::fs::write(&bad, r#"{"ID":"x","Properties":{"Allocation":{"Size":1},"Instance":{"Plugin":"instance-nope"},"Flavor":{"Plugin":"flavor-vanilla"}}}"#).unwrap();
    let out = cli(&plugins, &["group", "commit", bad.to_str().unwrap()], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Failed to find Instance plugin 'instance-nope'"), "{err}");
    std::fs::write(&bad, r#"{"ID":" ","Properties":{}}"#).unwrap();
    let out = cli(&plugins, &["group", "commit", bad.to_str().unwrap()], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Group ID must not be blank"));
    assert_eq!(cli_ok(&plugins, &["group", "ls", "-q"], None), "pets\n");
}
