//! The README's high-availability example, run line by line as written (its `/shared` in a fresh directory):
//! the plugins it names, two replicas, the leader file, commits through the leader, a follower that names the
//! leader, the history and a rollback; leadership changes are logged at INFO.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The shell lines of the README's block under "### High availability".
fn ha_lines() -> Vec<String> {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let section = readme.split("### High availability").nth(1).expect("the README has its HA section");
    let block = section.split("```sh\n").nth(1).and_then(|b| b.split("```").next()).expect("a sh block");
    block.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
}

fn shell(home: &Path, shared: &Path, line: &str) -> Command {
    let mut cmd = Command::new("bash");
    // `infrakit` is the binary under test.
    let line = line.replace("/shared", &shared.to_string_lossy()).replace("infrakit ", "\"$IK\" ");
    cmd.arg("-c")
        .arg(line)
        .current_dir(workspace())
        .env("IK", infrakit_bin())
        .env("INFRAKIT_HOME", home)
        .env_remove("INFRAKIT_PLUGINS_DIR");
    cmd
}

fn leads(home: &Path, name: &str) -> bool {
    let out = Command::new(infrakit_bin())
        .args(["manager", "leader", "--name", name, "-o", "json"])
        .env("INFRAKIT_HOME", home)
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output()
        .unwrap();
    serde_json::from_slice::<serde_json::Value>(&out.stdout).is_ok_and(|v| v["Leader"] == true)
}

#[test]
fn the_readme_ha_example_works_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, shared) = (tmp.path().join("home"), tmp.path().join("shared"));
    std::fs::create_dir_all(&shared).unwrap();
    let plugins = home.join("plugins");
    let mut daemons = Vec::new();
    let mut outputs = Vec::new();
    for (i, line) in ha_lines().iter().enumerate() {
        let command = line.split(" #").next().unwrap_or(line).trim_end();
        if let Some(background) = command.strip_suffix('&') {
            // A daemon: its log (at INFO) kept, waited for until its sockets are there, as a person would.
            let log = std::fs::File::create(tmp.path().join(format!("daemon-{i}.log"))).unwrap();
            let child = shell(&home, &shared, &format!("exec {background}"))
                .env("INFRAKIT_LOG", "info")
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .unwrap();
            daemons.push(Daemon(child));
            let names: Vec<&str> = if background.contains("plugin start") {
                vec!["instance-file", "flavor-vanilla"]
            } else {
                vec![background.split("--name ").nth(1).and_then(|n| n.split(' ').next()).unwrap()]
            };
            wait_for_sockets(&plugins, &names);
            continue;
        }
        let out = shell(&home, &shared, command).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "README line {line:?} failed:\n{stdout}\n{stderr}");
        outputs.push(stdout.into_owned());
        if command.starts_with("echo m1") {
            wait_until("m1 to lead", Duration::from_secs(60), || leads(&home, "m1"));
        }
    }
    let all = outputs.join("\n");
    assert!(all.contains("Committed cattle: Managing 5 instances") && all.contains("cattle converged: 5/5"), "{all}");
    assert!(all.contains("cattle converged: 10/10"), "{all}");
    assert!(all.contains(r#""LeaderName": "m1""#), "m2 names the leader: {all}");
    assert!(all.contains("rolled cattle back to version 1"), "{all}");
    wait_until("the rollback to the first version (5 instances)", Duration::from_secs(60), || {
        let fs = files(&shared.join("instances"));
        fs.len() == 5 && fs.iter().all(|f| f["Spec"]["Properties"]["Note"] == "Instance properties version 1.0")
    });

    // What the comment says: m2 answers with the leader's name.
    let out = shell(&home, &shared, "infrakit manager commit examples/cattle.json --name m2").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("not the leader; the leader is m1"), "{err}");
    // Leadership changes at INFO.
    let logs: String =
        (0..4).filter_map(|i| std::fs::read_to_string(tmp.path().join(format!("daemon-{i}.log"))).ok()).collect();
    assert!(logs.lines().any(|l| l.contains("INFO") && l.contains("this replica now leads")), "{logs}");
}
