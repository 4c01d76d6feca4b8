//! The group controller against plugins that misbehave on purpose, each in its own process over a real socket:
//! listings that lag past the listing grace, health checks that hang, instances moved to another plugin, a typo'd
//! size, and many instances deleted right after the group converged.

mod common;

use common::fault::FaultPlugin;
use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

fn group_spec(id: &str, plugin: &str, allocation: Value) -> String {
    json!({"ID": id, "Properties": {
        "Allocation": allocation,
        "Instance": {"Plugin": plugin, "Properties": {}},
        "Flavor": {"Plugin": plugin, "Properties": {}},
    }})
    .to_string()
}

fn controller(plugins: &Path) -> Daemon {
    let d = start_plugins(plugins, &["group", "--poll-interval", "1s"]);
    wait_for_sockets(plugins, &["group"]);
    d
}

#[test]
fn a_listing_that_lags_past_the_grace_never_doubles_an_instance_or_an_attachment() {
    let home = tempfile::tempdir().expect("tempdir");
    let plugins = home.path().join("plugins");
    // New instances show in listings 14 s after they were made: longer than the default 10 s grace.
    let lag = json!({"list_lag_s": 14});
    let cattle = FaultPlugin::start(&plugins, "lag-cattle", lag.clone());
    let pets = FaultPlugin::start(&plugins, "lag-pets", lag.clone());
    let patient = FaultPlugin::start(&plugins, "lag-patient", lag);
    let _group = controller(&plugins);
    cli_ok(&plugins, &["group", "commit", "-"], Some(&group_spec("c", "lag-cattle", json!({"Size": 3}))));
    let pet_alloc = json!({"LogicalIDs": ["10.9.0.1", "10.9.0.2"], "Attachments": {
        "10.9.0.1": [{"ID": "vol-1", "Type": "volume"}], "10.9.0.2": [{"ID": "vol-2", "Type": "volume"}]}});
    cli_ok(&plugins, &["group", "commit", "-"], Some(&group_spec("p", "lag-pets", pet_alloc)));
    // A group that says how long its plugin lags waits for its instances instead.
    let alloc = json!({"Size": 3, "ListingGrace": "30s"});
    cli_ok(&plugins, &["group", "commit", "-"], Some(&group_spec("w", "lag-patient", alloc)));
    // Past the grace and past the lag: whatever the listing said, never more alive than the spec allows.
    wait_until("the patient group to converge", Duration::from_secs(90), || {
        let d = cli(&plugins, &["group", "describe", "w"], None);
        let v: Value = serde_json::from_slice(&d.stdout).unwrap_or(Value::Null);
        v["Converged"] == true
    });
    std::thread::sleep(Duration::from_secs(6));
    let (c, p, w) = (cattle.truth(), pets.truth(), patient.truth());
    assert!(c["peak"].as_u64().is_some_and(|n| n <= 3), "cattle of 3: {c}");
    assert!(p["peak"].as_u64().is_some_and(|n| n <= 2), "pets of 2: {p}");
    for (vol, n) in p["attachment_peak"].as_object().expect("attachments") {
        assert_eq!(n, 1, "attachment {vol} was given to two live instances: {p}");
    }
    assert_eq!(w["created"], 3, "a listing grace as long as the lag creates each instance once: {w}");
}

#[test]
fn a_hanging_health_check_holds_up_neither_healing_nor_free() {
    let home = tempfile::tempdir().expect("tempdir");
    let plugins = home.path().join("plugins");
    let plugin = FaultPlugin::start(&plugins, "slow-health", json!({}));
    let _group = controller(&plugins);
    cli_ok(&plugins, &["group", "commit", "-"], Some(&group_spec("h", "slow-health", json!({"Size": 6}))));
    wait_until("6 instances", Duration::from_secs(60), || plugin.alive().len() == 6);
    // Every health check now hangs for a minute (each is cut at the controller's 10 s health timeout).
    plugin.set_faults(json!({"healthy_delay_s": 60}));
    std::thread::sleep(Duration::from_secs(2));
    let victim = plugin.alive()[0].clone();
    plugin.set_faults(json!({"healthy_delay_s": 60, "remove": [victim.clone()]}));
    // Checked one after another inside the pass, six hanging checks held every pass for a minute.
    wait_until("the lost instance to be replaced", Duration::from_secs(30), || {
        let alive = plugin.alive();
        alive.len() == 6 && !alive.contains(&victim)
    });
    let start = Instant::now();
    cli_ok(&plugins, &["group", "free", "h"], None);
    assert!(start.elapsed() < Duration::from_secs(30), "group free took {:?}", start.elapsed());
}

#[test]
fn changing_the_instance_plugin_rolls_the_instances_across_plugins() {
    let home = tempfile::tempdir().expect("tempdir");
    let plugins = home.path().join("plugins");
    let old = FaultPlugin::start(&plugins, "old-cloud", json!({}));
    let new = FaultPlugin::start(&plugins, "new-cloud", json!({}));
    let _group = controller(&plugins);
    cli_ok(&plugins, &["group", "commit", "-"], Some(&group_spec("m", "old-cloud", json!({"Size": 2}))));
    wait_until("2 instances in the old plugin", Duration::from_secs(60), || old.alive().len() == 2);
    let out = cli_ok(&plugins, &["group", "commit", "-"], Some(&group_spec("m", "new-cloud", json!({"Size": 2}))));
    assert!(out.contains("rolling update"), "{out}");
    wait_until("the instances to move to the new plugin", Duration::from_secs(60), || {
        old.alive().is_empty() && new.alive().len() == 2
    });
    // Moved back and destroyed half-way: the instances in both plugins go.
    old.set_faults(json!({"provision_delay_s": 1}));
    cli_ok(&plugins, &["group", "commit", "-"], Some(&group_spec("m", "old-cloud", json!({"Size": 2}))));
    wait_until("one instance in the old plugin", Duration::from_secs(60), || !old.alive().is_empty());
    cli_ok(&plugins, &["group", "destroy", "m", "--yes"], None);
    assert!(old.alive().is_empty() && new.alive().is_empty(), "old {:?}, new {:?}", old.alive(), new.alive());
}

#[test]
fn a_typo_in_the_size_is_refused_and_the_process_lives_on() {
    let home = tempfile::tempdir().expect("tempdir");
    let plugins = home.path().join("plugins");
    let _plugin = FaultPlugin::start(&plugins, "sized", json!({}));
    let mut group = controller(&plugins);
    let out =
        cli(&plugins, &["group", "commit", "-"], Some(&group_spec("big", "sized", json!({"Size": 100_000_000u64}))));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Allocation.Size") && err.contains("100000000"), "{err}");
    assert!(group.0.try_wait().expect("wait").is_none(), "the controller died");
    cli_ok(&plugins, &["group", "commit", "-"], Some(&group_spec("small", "sized", json!({"Size": 1}))));
}

#[test]
fn files_deleted_right_after_converging_are_replaced_at_once() {
    let home = tempfile::tempdir().expect("tempdir");
    let plugins = home.path().join("plugins");
    let dir = home.path().join("instances");
    // All three in one process, as `plugin start group instance-file flavor-vanilla` runs them; a long resync, so
    // healing comes from pushed changes.
    let _all = start_plugins(
        &plugins,
        &["group", "instance-file", "flavor-vanilla", "--dir", dir.to_str().expect("utf-8"), "--poll-interval", "60s"],
    );
    wait_for_sockets(&plugins, &["group", "instance-file", "flavor-vanilla"]);
    let spec = json!({"ID": "fresh", "Properties": {
        "Allocation": {"Size": 200},
        "Instance": {"Plugin": "instance-file", "Properties": {}},
        "Flavor": {"Plugin": "flavor-vanilla", "Properties": {}},
    }});
    cli_ok(&plugins, &["group", "commit", "-"], Some(&spec.to_string()));
    wait_until("200 instances", Duration::from_secs(60), || files(&dir).len() == 200);
    let names: Vec<_> = std::fs::read_dir(&dir).expect("dir").flatten().map(|e| e.path()).collect();
    for p in names.iter().filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))).take(20) {
        std::fs::remove_file(p).expect("rm");
    }
    // Before, they came back only after the listing grace or a crash-loop back-off (about 27 s).
    wait_until("the 20 to be replaced", Duration::from_secs(20), || {
        files(&dir).len() == 200 && names.iter().take(20).all(|p| !p.exists())
    });
}

#[test]
fn a_runaway_init_template_fails_its_provisions_and_the_process_keeps_answering() {
    let home = tempfile::tempdir().expect("tempdir");
    let plugins = home.path().join("plugins");
    let dir = home.path().join("instances");
    let mut all =
        start_plugins(&plugins, &["group", "instance-file", "flavor-vanilla", "--dir", dir.to_str().expect("utf-8")]);
    wait_for_sockets(&plugins, &["group", "instance-file", "flavor-vanilla"]);
    let init = "{{ range until 100000 }}{{ range until 100000 }}{{ range until 100000 }}x{{ end }}{{ end }}{{ end }}";
    // `group commit` renders spec files as templates: the Init is escaped so that the group plugin gets it verbatim.
    let init = init.replace("{{", "\u{1}").replace("}}", "\u{2}");
    let init = init.replace('\u{1}', "{{`{{`}}").replace('\u{2}', "{{`}}`}}");
    let spec = json!({"ID": "runaway", "Properties": {
        "Allocation": {"Size": 2},
        "Instance": {"Plugin": "instance-file", "Properties": {}},
        "Flavor": {"Plugin": "flavor-vanilla", "Properties": {"Init": [init]}},
    }});
    cli_ok(&plugins, &["group", "commit", "-"], Some(&spec.to_string()));
    // The provision fails with an error naming the budget, and the controller says so, while it keeps answering.
    wait_until("the budget error in the group's status", Duration::from_secs(120), || {
        let out = cli(&plugins, &["group", "status", "runaway"], None);
        String::from_utf8_lossy(&out.stdout).contains("step budget")
    });
    assert!(files(&dir).is_empty(), "no instance was made from a runaway template");
    // SIGTERM stops the process within seconds, a render under way or not.
    assert!(all.signal_and_wait("TERM"), "the process ignored SIGTERM");
}

#[test]
fn an_instance_lost_before_any_listing_showed_it_is_replaced_through_a_remote_plugin() {
    let home = tempfile::tempdir().expect("tempdir");
    let plugins = home.path().join("plugins");
    // New instances show in listings 2 s after they were made; the group says its plugin lags up to 3 s.
    let plugin = FaultPlugin::start(&plugins, "lagging", json!({"list_lag_s": 2}));
    let _group = controller(&plugins);
    cli_ok(
        &plugins,
        &["group", "commit", "-"],
        Some(&group_spec("l", "lagging", json!({"Size": 2, "ListingGrace": "3s"}))),
    );
    wait_until("2 instances made", Duration::from_secs(60), || plugin.alive().len() == 2);
    // Both vanish before any listing showed them. Destroyed by ID once the grace is over, the plugin answers "no
    // such instance", which is success: their slots are freed and they are replaced.
    let lost = plugin.alive();
    plugin.set_faults(json!({"list_lag_s": 2, "remove": lost.clone()}));
    wait_until("the group to converge on 2 new instances", Duration::from_secs(90), || {
        let d = cli(&plugins, &["group", "describe", "l"], None);
        let v: Value = serde_json::from_slice(&d.stdout).unwrap_or(Value::Null);
        let alive = plugin.alive();
        v["Converged"] == true && alive.len() == 2 && alive.iter().all(|a| !lost.contains(a))
    });
}
