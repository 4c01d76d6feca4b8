//! The headline, etcd variant (`examples/self-healing/etcd`), run through its own scripts: three nodes in network
//! namespaces at 198.18.9.11-13, each an etcd member and an InfraKit manager replica led by that etcd's Raft leader,
//! the nodes a pet group of the cluster itself. Three rounds in a row: kill -9 every process of the leader's node;
//! the cluster is whole again (three healthy, started members, the lost address back on a new node that kept its
//! member and its data) and stays whole. Then `down.sh` leaves nothing behind. Root, etcd-server, etcd-client,
//! iproute2 and iptables (CI installs them); built with `--features etcd`.
#![cfg(feature = "etcd")]

mod common;

use common::example::{can_run, netns, Example};
use common::*;
use serde_json::Value;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const NODES: [&str; 3] = ["198.18.9.11", "198.18.9.12", "198.18.9.13"];
const BRIDGE: &str = "ik-heal-etcd";
/// Generous: the machine may be busy.
const LIMIT: Duration = Duration::from_secs(120);

fn etcdctl(endpoints: &str, args: &[&str]) -> Output {
    Command::new("etcdctl")
        .env("ETCDCTL_API", "3")
        .arg(format!("--endpoints={endpoints}"))
        .args(["--dial-timeout=2s", "--command-timeout=5s"])
        .args(args)
        .output()
        .expect("run etcdctl")
}

fn all_endpoints() -> String {
    NODES.iter().map(|n| format!("http://{n}:2379")).collect::<Vec<_>>().join(",")
}

/// `member list`: (id, status, name) of every member.
fn members() -> Vec<(String, String, String)> {
    let out = etcdctl(&all_endpoints(), &["member", "list"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(", ").collect();
            (f.len() >= 3).then(|| (f[0].to_string(), f[1].to_string(), f[2].to_string()))
        })
        .collect()
}

/// Whole: every node's member healthy and three members started under the nodes' addresses.
fn whole(status: &[Value]) -> bool {
    let healthy = status.len() == 3 && status.iter().all(|n| n["member"] == "healthy" && n["netns"].is_string());
    let mut started: Vec<String> =
        members().into_iter().filter(|(_, s, _)| s == "started").map(|(_, _, name)| name).collect();
    started.sort();
    healthy && started == NODES
}

fn member_id(ip: &str) -> Option<String> {
    members().into_iter().find(|(_, _, name)| name == ip).map(|(id, _, _)| id)
}

#[test]
fn killing_the_leaders_node_heals_three_rounds_in_a_row_and_down_leaves_nothing() {
    if !can_run(&["etcd", "etcdctl", "ip", "iptables", "nsenter"]) {
        return;
    }
    let cluster = Example::new("etcd");
    cluster.script_ok("up.sh", &[]);
    let status = cluster.status();
    assert!(whole(&status), "up.sh returned before the quorum was whole: {status:?}");
    for n in &status {
        assert_eq!(n["etcd"], format!("http://{}:2379", n["ip"].as_str().unwrap_or("?")), "{n}");
    }
    wait_until("a replica leads, on the etcd leader's node", LIMIT, || {
        let s = cluster.status();
        s.iter().filter(|n| n["replica"] == "leader").count() == 1
            && s.iter().any(|n| n["replica"] == "leader" && n["etcd_leader"] == true)
    });

    for round in 1..=3 {
        let before = cluster.status();
        let key = format!("heal/round-{round}");
        let value = format!("written before kill {round}");
        let put = etcdctl(&all_endpoints(), &["put", &key, &value]);
        assert!(put.status.success(), "put: {}", String::from_utf8_lossy(&put.stderr));
        let leader =
            before.iter().find(|n| n["etcd_leader"] == true).map(|n| n["ip"].as_str().unwrap_or("").to_string());
        let leader = leader.unwrap_or_else(|| panic!("no member leads: {before:?}"));
        let id_before = member_id(&leader);
        let ns_before = netns(&before, &leader);

        let healed = cluster.kill_leader(120);
        println!("round {round}: {healed}");
        assert_eq!(healed["killed"], leader.as_str(), "kill-leader.sh must kill the leader's node");

        assert!(whole(&cluster.status()), "round {round}: not whole after kill-leader.sh\n{}", cluster.logs());
        // The recreated node starts its replica once its member serves: wait for every replica to answer.
        wait_until("every replica answers again", LIMIT, || cluster.status().iter().all(|n| n["replica"] != "down"));
        let after = cluster.status();
        let ns_after = netns(&after, &leader);
        assert!(ns_after.is_some() && ns_after != ns_before, "round {round}: {leader} is not on a new node: {after:?}");
        assert_eq!(member_id(&leader), id_before, "round {round}: the recreated node must keep its member (its data)");
        // The data written before the kill is on the recreated node itself (a serializable read is local).
        for r in 1..=round {
            let get = etcdctl(
                &format!("http://{leader}:2379"),
                &["get", &format!("heal/round-{r}"), "--print-value-only", "--consistency=s"],
            );
            let got = String::from_utf8_lossy(&get.stdout);
            assert_eq!(got.trim(), format!("written before kill {r}"), "round {round}: {leader} lost heal/round-{r}");
        }
        // A replica leads again, on the new etcd leader's node.
        wait_until("a replica leads again", LIMIT, || {
            cluster.status().iter().any(|n| n["replica"] == "leader" && n["etcd_leader"] == true)
        });
        // And it stays whole: the same three nodes, all serving, for a while.
        let nodes: Vec<Option<String>> = NODES.iter().map(|ip| netns(&after, ip)).collect();
        let steady = Instant::now();
        while steady.elapsed() < Duration::from_secs(5) {
            let s = cluster.status();
            assert!(whole(&s), "round {round}: the cluster fell apart again: {s:?}\n{}", cluster.logs());
            assert!(s.iter().all(|n| n["replica"] != "down"), "round {round}: a replica went down: {s:?}");
            let now: Vec<Option<String>> = NODES.iter().map(|ip| netns(&s, ip)).collect();
            assert_eq!(now, nodes, "round {round}: a healthy node was replaced");
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    cluster.down_leaves_nothing(BRIDGE, &NODES);
}
