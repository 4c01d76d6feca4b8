//! A plugin written in Python with only the standard library is discovered and driven by the CLI.

mod common;

use common::*;
use std::process::{Command, Stdio};

#[test]
fn python_plugin_is_discovered_and_driven() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    let script = workspace().join("tests/python_plugin.py");
    let child = Command::new("python3")
        .arg(&script)
        .arg(&plugins)
        .arg("instance-py")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 must be installed");
    let _py = Daemon(child);
    wait_for_sockets(&plugins, &["instance-py"]);

    let ls = cli_ok(&plugins, &["plugin", "ls", "-o", "table"], None);
    assert!(ls.lines().any(|l| l.starts_with("instance-py") && l.contains("Instance/0.5.0")), "{ls}");

    let spec = r#"{"Properties":null,"Tags":{"infrakit.group":"py","n":"1"},"Init":"","LogicalID":"10.1.1.1","Attachments":null}"#;
    let id = cli_ok(&plugins, &["instance", "provision", "--name", "instance-py", "-"], Some(spec)).trim().to_string();
    assert_eq!(id, "py-1");
    cli_ok(
        &plugins,
        &["instance", "provision", "--name", "instance-py", "-"],
        Some(r#"{"Tags":{"infrakit.group":"other"}}"#),
    );
    let out = cli_ok(&plugins, &["instance", "describe", "--name", "instance-py", "--tags", "infrakit.group=py"], None);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["LogicalID"], "10.1.1.1");
    assert_eq!(cli_ok(&plugins, &["instance", "destroy", "--name", "instance-py", "py-1"], None), "destroyed py-1\n");
    let out = cli(&plugins, &["instance", "destroy", "--name", "instance-py", "py-1"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such instance: py-1"));
}
