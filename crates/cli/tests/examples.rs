//! The examples in `examples/` run as documented, so they never rot.

mod common;

use common::*;
use std::process::Command;

#[test]
fn quickstart_script_runs() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(workspace().join("examples/quickstart.sh"))
        .env("INFRAKIT", infrakit_bin())
        .env("INFRAKIT_HOME", home.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("tier=web"), "{stdout}");
    assert_eq!(std::fs::read_dir(home.path().join("instances")).unwrap().count(), 1);
    assert!(!home.path().join("plugins/instance-file").exists(), "plugins stopped cleanly");
}

/// The seeds' flow: a boot template rendered with --vars is a script that starts the plugins and commits the groups
/// it renders; the group then runs as real processes.
#[test]
fn boot_template_starts_a_cluster() {
    let home = tempfile::tempdir().unwrap();
    let rendered = Command::new(infrakit_bin())
        .args(["template", "examples/boot/boot.sh", "--var", "cluster=seed", "--var", "size=2"])
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(rendered.status.success(), "{}", String::from_utf8_lossy(&rendered.stderr));
    let script = String::from_utf8(rendered.stdout).unwrap();
    assert!(script.contains(r#""ID": "seed-workers""#) && script.contains(r#""Size": 2"#), "{script}");
    assert!(!script.contains("{{"), "fully rendered: {script}");

    let run = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("INFRAKIT", infrakit_bin())
        .env("INFRAKIT_HOME", home.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "{}\n{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("Committed seed-workers: Managing 2 instances"));
    let plugins = home.path().join("plugins");
    let start = std::time::Instant::now();
    let listed = loop {
        let out =
            cli(&plugins, &["instance", "describe", "--name", "instance-process", "--tags", "cluster=seed"], None);
        let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
        if list.len() == 2 || start.elapsed() > std::time::Duration::from_secs(20) {
            break list;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(listed.len(), 2, "two workers run");

    // Tear down: stop the plugins, then destroy what the groups created.
    cli_ok(&plugins, &["plugin", "stop", "--all"], None);
    let groups = home.path().join("groups.json");
    let out = Command::new(infrakit_bin())
        .args(["template", "examples/boot/groups.json", "--var", "cluster=seed", "--var", "size=2", "-o"])
        .arg(&groups)
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(out.status.success());
    let down = Command::new(infrakit_bin())
        .args(["down", "--yes"])
        .arg(&groups)
        .env("INFRAKIT_HOME", home.path())
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output()
        .unwrap();
    assert!(down.status.success(), "{}", String::from_utf8_lossy(&down.stderr));
}
