//! Chaos: two manager replicas (file leadership, file store) roll a cattle group and a pet group whose instances
//! live in plugins of their own processes; the active replica is killed with SIGKILL at 50 random points of
//! rollouts (a new rollout starts whenever the last one is done) and leadership moves to the other. The rollouts complete, and at no moment did more instances exist than
//! the spec allows or did one attachment belong to two live instances (the plugins record what really existed).

mod common;

use common::fault::FaultPlugin;
use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

fn replica(plugins: &Path, home: &Path, name: &str) -> Daemon {
    file_replica(plugins, home, name, "1s")
}

fn leads(plugins: &Path, name: &str) -> bool {
    let out = cli(plugins, &["manager", "leader", "--name", name], None);
    serde_json::from_slice::<Value>(&out.stdout).is_ok_and(|v| v["Leader"] == true)
}

fn spec(id: &str, plugin: &str, version: &str, allocation: Value) -> String {
    json!({"ID": id, "Properties": {
        "Allocation": allocation,
        "Updating": {"MaxUnavailable": 1, "Monitor": "200ms"},
        "Instance": {"Plugin": plugin, "Properties": {"Version": version}},
        "Flavor": {"Plugin": plugin, "Properties": {}},
    }})
    .to_string()
}

/// A small deterministic generator (xorshift), seeded from the clock and printed, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn hashes(plugins: &Path, id: &str, leader: &str) -> Option<Vec<String>> {
    let out = cli(plugins, &["group", "describe", id, "--name", leader], None);
    let v: Value = serde_json::from_slice(&out.stdout).ok()?;
    let list = v["Instances"].as_array()?;
    Some(list.iter().map(|i| i["Tags"]["infrakit.config_sha"].as_str().unwrap_or("").to_string()).collect())
}

#[test]
fn killing_the_active_replica_at_50_random_points_of_a_rollout() {
    let home = tempfile::tempdir().expect("tempdir");
    let plugins = home.path().join("plugins");
    let cattle = FaultPlugin::start(&plugins, "cloud-c", json!({}));
    let pets = FaultPlugin::start(&plugins, "cloud-p", json!({}));
    std::fs::write(home.path().join("leader"), "m1\n").expect("leader file");
    let mut replicas = [Some(replica(&plugins, home.path(), "m1")), Some(replica(&plugins, home.path(), "m2"))];
    wait_for_sockets(&plugins, &["m1", "m2"]);
    wait_until("m1 to lead", Duration::from_secs(60), || leads(&plugins, "m1"));

    let lids = ["10.7.0.1", "10.7.0.2", "10.7.0.3"];
    let pet_alloc = json!({"LogicalIDs": lids, "Attachments": {
        "10.7.0.1": [{"ID": "vol-1", "Type": "volume"}], "10.7.0.2": [{"ID": "vol-2", "Type": "volume"}],
        "10.7.0.3": [{"ID": "vol-3", "Type": "volume"}]}});
    let commit = |name: &str, body: String| {
        let file = home.path().join("spec.json");
        std::fs::write(&file, body).expect("spec");
        cli_ok(&plugins, &["manager", "commit", file.to_str().expect("utf-8"), "--name", name], None);
    };
    commit("m1", spec("c", "cloud-c", "1", json!({"Size": 6})));
    commit("m1", spec("p", "cloud-p", "1", pet_alloc.clone()));
    wait_until("both groups", Duration::from_secs(60), || cattle.alive().len() == 6 && pets.alive().len() == 3);
    let first_on =
        |id: &str, name: &str| hashes(&plugins, id, name).and_then(|h| h.first().cloned()).unwrap_or_default();
    let (c1, p1) = (first_on("c", "m1"), first_on("p", "m1"));
    commit("m1", spec("c", "cloud-c", "2", json!({"Size": 6})));
    commit("m1", spec("p", "cloud-p", "2", pet_alloc.clone()));

    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64 | 1);
    let mut rng = Rng(seed.unwrap_or(0x9e37_79b9_7f4a_7c15));
    eprintln!("chaos seed {}", rng.0);
    let mut active = 0usize;
    let (mut kills, mut version) = (0, 2);
    let (mut c_old, mut p_old) = (c1.clone(), p1.clone());
    while kills < 50 {
        let name = format!("m{}", active + 1);
        // Done: the leader lists every instance, none on the config rolled from.
        let done = |id: &str, n: usize, old: &str| {
            hashes(&plugins, id, &name).is_some_and(|h| h.len() == n && h.iter().all(|x| x != old))
        };
        if done("c", 6, &c_old) && done("p", 3, &p_old) {
            // Both rollouts are done: start the next ones, so every kill lands in a rollout.
            c_old = first_on("c", &name);
            p_old = first_on("p", &name);
            version += 1;
            commit(&name, spec("c", "cloud-c", &version.to_string(), json!({"Size": 6})));
            commit(&name, spec("p", "cloud-p", &version.to_string(), pet_alloc.clone()));
        }
        std::thread::sleep(Duration::from_millis(rng.below(700)));
        // SIGKILL the active replica; the other leads; the killed one comes back as a follower.
        if let Some(mut d) = replicas[active].take() {
            assert!(d.signal_and_wait("KILL"), "kill {kills}: the replica did not die");
        }
        kills += 1;
        let next = 1 - active;
        let alive = format!("m{}", next + 1);
        std::fs::write(home.path().join("leader"), format!("{alive}\n")).expect("leader file");
        replicas[active] = Some(replica(&plugins, home.path(), &name));
        wait_until(&format!("{alive} to lead (kill {kills})"), Duration::from_secs(60), || leads(&plugins, &alive));
        active = next;
    }
    eprintln!("50 kills over {} rollouts of each group", version - 1);
    let (c1, p1) = (c_old, p_old);
    let leader = format!("m{}", active + 1);
    // Both rollouts complete once the chaos stops.
    let done = |id: &str, n: usize, old: &str| {
        let Some(hs) = hashes(&plugins, id, &leader) else { return false };
        hs.len() == n && hs.iter().all(|h| h == &hs[0] && h != old)
    };
    wait_until("the rollouts to complete", Duration::from_secs(180), || {
        cattle.alive().len() == 6 && pets.alive().len() == 3 && done("c", 6, &c1) && done("p", 3, &p1)
    });
    let (c, p) = (cattle.truth(), pets.truth());
    eprintln!(
        "cattle: created {}, peak {}; pets: created {}, peak {}",
        c["created"], c["peak"], p["created"], p["peak"]
    );
    assert!(c["peak"].as_u64().is_some_and(|n| n <= 6), "more than 6 cattle existed at once: {c}");
    assert!(p["peak"].as_u64().is_some_and(|n| n <= 3), "more than 3 pets existed at once: {p}");
    for (vol, n) in p["attachment_peak"].as_object().expect("attachments") {
        assert_eq!(n, 1, "attachment {vol} was held by two live instances at once: {p}");
    }
}
