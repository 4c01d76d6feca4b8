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
