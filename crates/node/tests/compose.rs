//! The node's composition, end to end in one process: built-ins started from their own flags, served on sockets,
//! reachable in-process; the `group` built-in as a single replica that always leads, storing what it runs.

use infrakit_node::catalog;
use infrakit_node::host::{referenced, Host, Provided};
use infrakit_rpc::{Discovery, Registry};
use infrakit_spi::group;
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::plugin::Name;
use infrakit_spi::Any;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn spec(json: serde_json::Value) -> group::Spec {
    serde_json::from_value(json).expect("a group spec")
}

fn cattle(size: u64) -> group::Spec {
    spec(serde_json::json!({
        "ID": "cattle",
        "Properties": {
            "Allocation": {"Size": size},
            "Instance": {"Plugin": "instance-file", "Properties": {}},
            "Flavor": {"Plugin": "flavor-vanilla", "Properties": {"Init": ["echo hi"]}}
        }
    }))
}

/// A host in `dir` whose command line is `args` (the built-ins' flags parsed as `plugin start` would).
fn host(dir: &Path, args: &[&str]) -> Host {
    let matches = catalog::with_flags(clap::Command::new("start"))
        .try_get_matches_from(std::iter::once("start").chain(args.iter().copied()))
        .expect("flags parse");
    let plugins = dir.join("plugins");
    std::fs::create_dir_all(&plugins).expect("plugins dir");
    let registry = Arc::new(Registry::new(Some(Discovery::new(&plugins))));
    Host::new(&plugins, registry, &dir.join("home"), matches)
}

fn files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).filter(|e| !e.file_name().to_string_lossy().starts_with('.')).count())
        .unwrap_or(0)
}

async fn within(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn a_spec_names_its_plugins_and_combos_children() {
    let s = spec(serde_json::json!({
        "ID": "g",
        "Properties": {
            "Instance": {"Plugin": "instance-file"},
            "Flavor": {"Plugin": "flavor-combo", "Properties": {"Flavors": [
                {"Plugin": "flavor-vanilla", "Properties": {}},
                {"Plugin": "flavor-combo", "Properties": {"Flavors": [{"Plugin": "flavor-swarm/manager"}]}}
            ]}}
        }
    }));
    let names: Vec<String> = referenced(&s).into_iter().map(|n| n.0).collect();
    assert_eq!(names, ["instance-file", "flavor-vanilla", "flavor-swarm/manager", "flavor-combo", "flavor-combo"]);
}

#[tokio::test]
async fn a_builtin_starts_from_its_own_flags_and_is_served() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let instances = tmp.path().join("instances");
    let mut host = host(tmp.path(), &["--dir", instances.to_str().expect("utf-8")]);
    let socket = host.start("instance-file", "files", None).await.expect("start").socket().to_path_buf();
    assert!(socket.exists(), "{} listens", socket.display());
    let plugin = host.registry().instance(&Name::from("files")).await.expect("registered in-process");
    let spec =
        infrakit_spi::instance::Spec { properties: Some(Any::from_json("{}").expect("json")), ..Default::default() };
    plugin.provision(spec).await.expect("provision");
    assert_eq!(files(&instances), 1, "the instance is a file in --dir");
    let unknown = host.start("instance-flie", "x", None).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(unknown.contains("built-in plugins are: group, instance-file"), "{unknown}");
    host.shutdown().await;
    assert!(!socket.exists(), "the socket goes with the server");
}

#[tokio::test]
async fn the_group_builtin_is_a_single_replica_that_stores_what_it_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let instances = tmp.path().join("instances");
    let store = tmp.path().join("store");
    let store_url = format!("file://{}", store.display());
    let mut host = host(tmp.path(), &["--dir", instances.to_str().expect("utf-8"), "--store", &store_url]);
    let started = host.start_referenced(&[cattle(2)]).await.expect("the spec's plugins");
    assert_eq!(started, [Provided::Started("flavor-vanilla".into()), Provided::Started("instance-file".into())]);
    host.start("group", "group", None).await.expect("group");
    let g = host.registry().group(&Name::from("group")).await.expect("the replica");
    g.commit_group(cattle(2), false).await.expect("commit");
    within("2 instances", Duration::from_secs(30), || files(&instances) == 2).await;
    assert!(store.join("cattle").is_dir(), "the spec is stored before it runs");
    assert_eq!(g.inspect_groups().await.expect("inspect").len(), 1);
    host.shutdown().await;
}

/// Go v0.5's tooling counts and dispatches on interfaces: the group built-in lists exactly what Go's group lists
/// (the rollout controls are extension methods of Group); a manager replica adds Manager.
#[tokio::test]
async fn the_group_lists_gos_interfaces_and_a_manager_adds_manager() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut host = host(tmp.path(), &["--leadership", "always", "--store", "memory://"]);
    host.start("group", "group", None).await.expect("group");
    infrakit_node::controller::start_manager(&mut host, "m1").await.expect("manager");
    let listed = |name: &'static str| {
        let client = host.registry().remote(&Name::from(name)).expect("client");
        async move {
            let mut apis: Vec<String> =
                client.implements().await.expect("handshake").iter().map(|a| a.encode()).collect();
            apis.sort();
            apis
        }
    };
    assert_eq!(listed("group").await, ["Group/0.1.0", "Metadata/0.1.0"]);
    assert_eq!(listed("m1").await, ["Group/0.1.0", "Manager/0.1.0", "Metadata/0.1.0"]);
    host.shutdown().await;
    // A manager replica is told where leadership and specs are: two replicas each defaulting to "always" would
    // both act.
    let mut bare = self::host(tmp.path(), &[]);
    let err = infrakit_node::controller::start_manager(&mut bare, "m2").await.err().map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("needs --leadership and --store")));
}

/// `up` of earlier versions kept its specs in `up/specs.json` and its rollouts in `up/rollouts`: both move into
/// the store once, so an upgraded `up` resumes what the old one ran.
#[tokio::test]
async fn an_earlier_ups_specs_and_rollouts_are_imported_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let host = host(tmp.path(), &[]);
    let up_dir = infrakit_node::up::dir(host.home());
    std::fs::create_dir_all(up_dir.join("rollouts")).expect("dirs");
    std::fs::write(up_dir.join("specs.json"), serde_json::to_vec(&[cattle(2)]).expect("json")).expect("specs");
    std::fs::write(up_dir.join("rollouts/cattle.json"), "{}").expect("rollout");
    let flags: infrakit_node::controller::ControllerFlags =
        infrakit_spi::builtin::parse_flags(host.flags()).expect("flags");
    let specs = infrakit_node::up::stored_specs(&flags, host.home()).await.expect("stored");
    assert_eq!(specs, [cattle(2)]);
    assert!(up_dir.join("specs.json.imported").exists() && !up_dir.join("specs.json").exists());
    assert!(up_dir.join("store/.rollouts/cattle.json").exists(), "the rollout record moved with it");
    // Once only: a second look finds the same, from the store.
    assert_eq!(infrakit_node::up::stored_specs(&flags, host.home()).await.expect("stored"), [cattle(2)]);
}
