//! The headline, Docker Swarm variant (`examples/self-healing/swarm`), run through its own scripts: three nodes in
//! network namespaces at 198.18.8.11-13, each a Docker engine that is a Swarm manager plus an InfraKit manager
//! replica that follows the Swarm leader (`swarm://` leadership and specs on that node's engine), the managers a pet
//! group of the cluster itself (`flavor-swarm`). Three rounds in a row: kill -9 every process of the leader's node;
//! the swarm elects a new leader, the replica there recreates the node on its engine data, and it rejoins as the
//! same node: three managers Ready and Reachable, one at the lost address, and it stays whole. Then a manager whose
//! engine data is lost: it joins with a token as a new node and the stale entry is gone from `docker node ls`.
//! `down.sh` leaves nothing behind. Root, docker.io, iproute2 and iptables (CI installs them); `--features docker`.
#![cfg(feature = "docker")]

mod common;

use common::example::{can_run, netns, Example};
use serde_json::Value;
use std::process::Command;
use std::time::{Duration, Instant};

const NODES: [&str; 3] = ["198.18.8.11", "198.18.8.12", "198.18.8.13"];
const BRIDGE: &str = "ik-heal-swarm";
/// Generous: Swarm's own election takes 10-20 s here, and the machine may be busy.
const LIMIT: Duration = Duration::from_secs(240);

/// `docker node ls` as one answering manager sees it: (ID, state, manager status) of every node.
fn node_list(status: &[Value]) -> Vec<(String, String, String)> {
    for n in status {
        let Some(sock) = n["docker"].as_str() else { continue };
        let out = Command::new("docker")
            .args(["-H", sock, "node", "ls", "--format", "{{.ID}} {{.Status}} {{.ManagerStatus}}"])
            .output();
        let Ok(out) = out else { continue };
        if !out.status.success() {
            continue;
        }
        return String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                (f.len() >= 2).then(|| (f[0].to_string(), f[1].to_string(), f.get(2).unwrap_or(&"").to_string()))
            })
            .collect();
    }
    Vec::new()
}

/// Whole: three nodes in the swarm, each a Ready and Reachable manager (one leading), one per address.
fn whole(status: &[Value]) -> bool {
    let per_node = status.len() == 3
        && status.iter().all(|n| n["state"] == "ready" && n["reachability"] == "reachable" && n["netns"].is_string());
    let leaders = status.iter().filter(|n| n["swarm_leader"] == true).count();
    per_node && leaders == 1 && node_list(status).len() == 3
}

fn node_id(status: &[Value], ip: &str) -> String {
    status.iter().find(|n| n["ip"] == ip).and_then(|n| n["node"].as_str()).unwrap_or("").to_string()
}

/// Waits until the cluster is whole and a replica leads on the Swarm leader's node; the status then.
fn wait_whole(cluster: &Example, what: &str) -> Vec<Value> {
    let mut last = Vec::new();
    let start = Instant::now();
    while start.elapsed() < LIMIT {
        last = cluster.status();
        let replica = last.iter().any(|n| n["replica"] == "leader" && n["swarm_leader"] == true)
            && last.iter().all(|n| n["replica"] != "down");
        if whole(&last) && replica {
            return last;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("{what}: not whole within {LIMIT:?}: {last:?}\n{}", cluster.logs());
}

/// The same three nodes (namespaces and node IDs), whole, for a while.
fn stays_whole(cluster: &Example, status: &[Value], what: &str) {
    let nodes: Vec<(Option<String>, String)> =
        NODES.iter().map(|ip| (netns(status, ip), node_id(status, ip))).collect();
    let steady = Instant::now();
    while steady.elapsed() < Duration::from_secs(5) {
        let s = cluster.status();
        assert!(whole(&s), "{what}: the swarm fell apart again: {s:?}\n{}", cluster.logs());
        let now: Vec<(Option<String>, String)> = NODES.iter().map(|ip| (netns(&s, ip), node_id(&s, ip))).collect();
        assert_eq!(now, nodes, "{what}: a healthy node was replaced");
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
fn killing_the_leaders_node_heals_three_rounds_in_a_row_and_a_node_without_its_data_joins_fresh() {
    if !can_run(&["dockerd", "docker", "ip", "iptables", "nsenter"]) {
        return;
    }
    let cluster = Example::new("swarm");
    cluster.script_ok("up.sh", &[]);
    let mut status = wait_whole(&cluster, "after up.sh");
    for n in &status {
        assert!(n["docker"].as_str().is_some_and(|d| d.starts_with("unix://")), "{n}");
    }

    for round in 1..=3 {
        let leader = status.iter().find(|n| n["swarm_leader"] == true).and_then(|n| n["ip"].as_str());
        let leader = leader.unwrap_or_else(|| panic!("no manager leads: {status:?}")).to_string();
        let (id_before, ns_before) = (node_id(&status, &leader), netns(&status, &leader));
        let healed = cluster.kill_leader(LIMIT.as_secs() as u32);
        println!("round {round}: {healed}");
        assert_eq!(healed["killed"], leader.as_str(), "kill-leader.sh must kill the leader's node");
        status = wait_whole(&cluster, &format!("round {round}"));
        let ns_after = netns(&status, &leader);
        assert!(
            ns_after.is_some() && ns_after != ns_before,
            "round {round}: {leader} is not on a new node: {status:?}"
        );
        assert_eq!(node_id(&status, &leader), id_before, "round {round}: it must rejoin on its data as the same node");
        stays_whole(&cluster, &status, &format!("round {round}"));
    }

    // A follower's engine data is lost with its node: the replacement joins with a token, as a new node, and the
    // lost node's stale entry is removed.
    let victim = status.iter().find(|n| n["swarm_leader"] != true).and_then(|n| n["ip"].as_str()).unwrap_or("");
    let victim = victim.to_string();
    let (id_before, ns) = (node_id(&status, &victim), netns(&status, &victim).unwrap_or_default());
    let octet = victim.rsplit('.').next().unwrap_or("");
    // The engine's swarm state (its node ID, certificates and Raft data), removed as the node is killed: the next
    // engine on this data root is a fresh one.
    let data = cluster.state().join(format!("host/instance-process/volumes/manager-{octet}/docker/swarm"));
    assert!(data.is_dir(), "no swarm state at {}", data.display());
    let lose = format!("rm -rf '{}' && ip netns pids {ns} | xargs -r kill -9", data.display());
    let out = Command::new("sh").args(["-c", &lose]).output().expect("sh");
    assert!(out.status.success(), "losing {victim}'s data: {}", String::from_utf8_lossy(&out.stderr));
    let start = Instant::now();
    loop {
        let s = cluster.status();
        let fresh = node_id(&s, &victim);
        let ids: Vec<String> = node_list(&s).into_iter().map(|(id, _, _)| id).collect();
        if whole(&s) && !fresh.is_empty() && fresh != id_before && !ids.iter().any(|i| i.starts_with(&id_before)) {
            println!("data lost: {victim} joined as {fresh} in {:?}; nodes {ids:?}", start.elapsed());
            status = s;
            break;
        }
        assert!(
            start.elapsed() < LIMIT,
            "{victim} without its data did not join fresh with the stale entry {id_before} gone: {s:?} {ids:?}\n{}",
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    stays_whole(&cluster, &status, "after the data loss");

    cluster.down_leaves_nothing(BRIDGE, &NODES);
}
