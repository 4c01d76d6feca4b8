//! Plugins started by `infrakit plugin start` as child processes, driven only through the RPC client and the CLI.

mod common;

use common::*;
use infrakit_rpc::{Discovery, Registry};
use infrakit_spi::flavor::{AllocationMethod, Index, Prepare};
use infrakit_spi::instance::{Spec, Tags};
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::plugin::Name;
use infrakit_spi::Any;

#[tokio::test]
async fn child_process_plugins_over_real_sockets() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let instances = home.path().join("instances");
    let mut daemon = start_plugins(
        &plugins,
        &["instance-file", "flavor-vanilla", "flavor-combo", "--dir", instances.to_str().unwrap()],
    );
    wait_for_sockets(&plugins, &["instance-file", "flavor-vanilla", "flavor-combo"]);

    let registry = Registry::new(Some(Discovery::new(&plugins)));
    let combo = registry.flavor(&Name::from("flavor-combo")).await.unwrap();
    let files = registry.instance(&Name::from("instance-file")).await.unwrap();
    let props = Any::from_json(
        r#"{"Flavors":[{"Plugin":"flavor-vanilla","Properties":{"Init":["echo a"],"Tags":{"role":"web"}}},
                       {"Plugin":"flavor-vanilla","Properties":{"Init":["echo b"]}}]}"#,
    )
    .unwrap();
    let alloc = AllocationMethod { size: 2, logical_ids: vec![] };
    combo.validate(Some(&props), &alloc).await.unwrap();
    let mut ids = Vec::new();
    for seq in 0..2 {
        let spec = Spec { tags: [("infrakit.group".to_string(), "web".to_string())].into(), ..Spec::default() };
        let spec = combo
            .prepare(Prepare {
                properties: Some(&props),
                spec,
                allocation: &alloc,
                index: &Index { group: "web".into(), sequence: seq },
            })
            .await
            .unwrap();
        assert_eq!(spec.init, "echo a\necho b");
        ids.push(files.provision(spec).await.unwrap());
    }
    let listed = files.describe_instances(&[("role".to_string(), "web".to_string())].into(), false).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(std::fs::read_dir(&instances).unwrap().count(), 2, "one file per instance");

    // The CLI sees the same plugins and instances.
    let ls = cli_ok(&plugins, &["plugin", "ls", "-o", "json"], None);
    let ls: serde_json::Value = serde_json::from_str(&ls).unwrap();
    let names: Vec<&str> = ls.as_array().unwrap().iter().map(|p| p["Name"].as_str().unwrap()).collect();
    assert_eq!(names, ["flavor-combo", "flavor-vanilla", "instance-file"]);
    assert_eq!(ls[2]["Interfaces"][0], "Instance/0.5.0");
    let table = cli_ok(&plugins, &["instance", "describe", "--name", "instance-file", "-o", "table"], None);
    assert!(table.starts_with("ID") && table.lines().count() == 3, "{table}");
    assert!(table.contains("role=web"), "{table}");

    // kill -9 leaves a stale socket; the next start replaces it instead of failing.
    assert!(daemon.signal_and_wait("KILL"));
    assert!(plugins.join("instance-file").exists(), "a crash leaves the socket behind");
    let mut daemon = start_plugins(&plugins, &["instance-file", "--dir", instances.to_str().unwrap()]);
    wait_for_pid_file(&plugins, "instance-file", daemon.pid());
    let files = registry.instance(&Name::from("instance-file")).await.unwrap();
    assert_eq!(files.describe_instances(&Tags::new(), false).await.unwrap().len(), 2, "state survives the restart");
    for id in &ids {
        files.destroy(id).await.unwrap();
    }

    // A clean stop removes the socket and the PID file.
    assert!(daemon.signal_and_wait("TERM"));
    assert!(!plugins.join("instance-file").exists() && !plugins.join("instance-file.pid").exists());
}

fn wait_for_pid_file(plugins: &std::path::Path, name: &str, pid: i32) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if std::fs::read_to_string(plugins.join(format!("{name}.pid"))).ok().as_deref() == Some(&pid.to_string()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("{name} did not restart");
}

#[test]
fn cli_verbs_and_errors() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let instances = home.path().join("instances");
    let _daemon = start_plugins(&plugins, &["instance-file", "flavor-vanilla", "--dir", instances.to_str().unwrap()]);
    wait_for_sockets(&plugins, &["instance-file", "flavor-vanilla"]);
    let ex = workspace().join("examples");
    let vanilla = ex.join("vanilla.json");
    let instance = ex.join("instance.json");

    assert_eq!(
        cli_ok(&plugins, &["flavor", "validate", vanilla.to_str().unwrap(), "--size", "3"], None),
        "validate:ok\n"
    );
    let prepared = cli_ok(
        &plugins,
        &["flavor", "prepare", vanilla.to_str().unwrap(), instance.to_str().unwrap(), "--size", "1"],
        None,
    );
    let spec: serde_json::Value = serde_json::from_str(&prepared).unwrap();
    assert_eq!(spec["Init"], "echo hello from the vanilla flavor");
    let id = cli_ok(&plugins, &["instance", "provision", "-"], Some(&prepared)).trim().to_string();
    assert!(id.starts_with("instance-"), "{id}");
    let described = cli_ok(&plugins, &["instance", "describe", "--tags", "tier=web", "-p"], None);
    let described: serde_json::Value = serde_json::from_str(&described).unwrap();
    assert_eq!(described[0]["ID"], id.as_str());
    assert_eq!(described[0]["Properties"]["Init"], "echo hello from the vanilla flavor");
    assert_eq!(cli_ok(&plugins, &["flavor", "healthy", vanilla.to_str().unwrap(), "--id", &id], None), "1\n");
    assert_eq!(cli_ok(&plugins, &["instance", "validate", "-"], Some(r#"{"Note":"x"}"#)), "validate:ok\n");
    assert_eq!(cli_ok(&plugins, &["instance", "destroy", &id], None), format!("destroyed {id}\n"));

    // Errors name the file, the field, the plugin.
    let bad = home.path().join("bad.json");
    std::fs::write(&bad, r#"{"Init": "not a list"}"#).unwrap();
    let out = cli(&plugins, &["flavor", "validate", bad.to_str().unwrap()], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("Properties.Init"), "{err}");
    std::fs::write(&bad, r#"{"Tags": {"a": 1}}"#).unwrap();
    let out = cli(&plugins, &["instance", "provision", bad.to_str().unwrap()], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("Tags.a") && err.contains("bad.json"), "{err}");
    let out = cli(&plugins, &["instance", "describe", "--name", "instance-nope"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("plugin not found: instance-nope"), "{err}");
    let out = cli(&plugins, &["instance", "destroy", "instance-404"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("instance instance-404 not found"));
    let out = cli(&plugins, &["plugin", "start", "instance-bogus"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown plugin \"instance-bogus\""));
    // Every verb has help with an example.
    for verb in [&["plugin", "start"][..], &["instance", "describe"], &["flavor", "prepare"]] {
        let mut args = verb.to_vec();
        args.push("--help");
        assert!(cli_ok(&plugins, &args, None).contains("Example"), "{verb:?}");
    }
}
