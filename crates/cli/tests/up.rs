//! `infrakit up` with real processes: heal a killed instance, keep a pet's address and volume, resume after a
//! restart without duplicates or orphans, back off a crash loop, and `infrakit down`.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Up {
    daemon: Daemon,
}

fn start_up(home: &Path, spec: &Path) -> Up {
    start_up_with(home, &["up", spec.to_str().unwrap(), "--no-view"])
}

fn start_up_with(home: &Path, args: &[&str]) -> Up {
    let child = Command::new(infrakit_bin())
        .args(args)
        .env("INFRAKIT_HOME", home)
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn infrakit up");
    Up { daemon: Daemon(child) }
}

impl Up {
    /// Stops `up` as Ctrl-C does and returns what it printed.
    fn interrupt(mut self) -> String {
        use std::io::Read;
        assert!(self.daemon.signal_and_wait("INT"), "up did not stop on SIGINT");
        let mut out = String::new();
        if let Some(mut s) = self.daemon.0.stdout.take() {
            let _ = s.read_to_string(&mut out);
        }
        assert!(self.daemon.0.try_wait().ok().flatten().is_some_and(|s| s.success()), "up failed: {out}");
        out
    }
}

fn describe(home: &Path) -> Vec<serde_json::Value> {
    let out = Command::new(infrakit_bin())
        .args(["instance", "describe", "--name", "instance-process", "-p"])
        .env("INFRAKIT_HOME", home)
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output()
        .unwrap();
    serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap_or_default()
}

fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return start.elapsed();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

/// Process groups (instances) with running processes started by the process plugin whose state is `state`.
fn marked_processes(state: &Path) -> Vec<i32> {
    let want = format!("INFRAKIT_PROCESS_STATE={}", state.canonicalize().unwrap_or(state.to_path_buf()).display());
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        let Some(close) = stat.rfind(')') else { continue };
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        let zombie = fields.first() == Some(&"Z");
        let pgid = fields.get(2).and_then(|g| g.parse::<i32>().ok()).unwrap_or(pid);
        if !zombie && env.split(|b| *b == 0).any(|v| v == want.as_bytes()) && !out.contains(&pgid) {
            out.push(pgid);
        }
    }
    out
}

fn pid(d: &serde_json::Value) -> i32 {
    d["Properties"]["Pid"].as_i64().unwrap() as i32
}

fn kill9(pid: i32) {
    Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
}

fn ids(list: &[serde_json::Value]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|d| d["ID"].as_str().unwrap().to_string()).collect();
    v.sort();
    v
}

fn down(home: &Path, spec: &Path) {
    down_with(home, &["down", "--yes", spec.to_str().unwrap()]);
}

fn down_with(home: &Path, args: &[&str]) {
    let out = Command::new(infrakit_bin())
        .args(args)
        .env("INFRAKIT_HOME", home)
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output()
        .unwrap();
    assert!(out.status.success(), "down failed: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn up_heals_resumes_without_duplicates_and_down_cleans_up() {
    let home = tempfile::tempdir().unwrap();
    let spec = workspace().join("examples/up-cattle.yaml");
    let state: PathBuf = home.path().join("instance-process");
    let up = start_up(home.path(), &spec);
    wait_for("3 workers", Duration::from_secs(20), || describe(home.path()).len() == 3);
    std::thread::sleep(Duration::from_millis(2500)); // past the crash-loop window
    let before = describe(home.path());
    let victim = before[0].clone();
    kill9(pid(&victim));
    wait_for("the replacement", Duration::from_secs(20), || {
        let now = describe(home.path());
        now.len() == 3 && !ids(&now).contains(&victim["ID"].as_str().unwrap().to_string())
    });
    let healed = describe(home.path());
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(marked_processes(&state).len(), 3, "one process per instance");

    // Ctrl-C: InfraKit stops, the instances keep running.
    let out = up.interrupt();
    assert!(out.contains("3 instance(s) of 1 group(s) left running"), "{out}");
    assert_eq!(marked_processes(&state).len(), 3, "instances outlive InfraKit");

    // up again: the same instances are re-adopted; nothing is duplicated or orphaned.
    let up = start_up(home.path(), &spec);
    wait_for("re-adoption", Duration::from_secs(20), || describe(home.path()).len() == 3);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(ids(&describe(home.path())), ids(&healed), "same instances after the restart");
    assert_eq!(marked_processes(&state).len(), 3, "no orphans, no duplicates");
    up.interrupt();

    down(home.path(), &spec);
    wait_for("every process gone", Duration::from_secs(20), || marked_processes(&state).is_empty());
}

#[test]
fn a_pet_keeps_its_address_and_volume() {
    let home = tempfile::tempdir().unwrap();
    let spec = workspace().join("examples/up-pets.yaml");
    let up = start_up(home.path(), &spec);
    wait_for("3 pets", Duration::from_secs(20), || describe(home.path()).len() == 3);
    std::thread::sleep(Duration::from_millis(2500));
    let pets = describe(home.path());
    let old = pets.iter().find(|d| d["LogicalID"] == "127.0.0.12").unwrap().clone();
    assert_eq!(old["Properties"]["Address"], "127.0.0.12");
    // The process plugin exports what it knows as metadata.
    let meta = Command::new(infrakit_bin())
        .args(["metadata", "cat", &format!("instance-process/instances/{}/Address", old["ID"].as_str().unwrap())])
        .env("INFRAKIT_HOME", home.path())
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&meta.stdout), "127.0.0.12\n");
    kill9(pid(&old));
    wait_for("the pet's replacement", Duration::from_secs(20), || {
        describe(home.path()).iter().any(|d| d["LogicalID"] == "127.0.0.12" && d["ID"] != old["ID"])
    });
    let history = home.path().join("instance-process/volumes/data-12/history");
    wait_for("the replacement to use the volume", Duration::from_secs(10), || {
        std::fs::read_to_string(&history).is_ok_and(|h| h.lines().count() == 2)
    });
    let lines: Vec<String> = std::fs::read_to_string(&history).unwrap().lines().map(str::to_string).collect();
    assert!(lines.iter().all(|l| l.starts_with("127.0.0.12 is process-")), "{lines:?}");
    assert_ne!(lines[0], lines[1], "two instances, one after the other, same address and volume");
    assert_eq!(describe(home.path()).iter().filter(|d| d["LogicalID"] == "127.0.0.12").count(), 1);
    up.interrupt();
    down(home.path(), &spec);
}

#[test]
fn a_crash_loop_backs_off_and_says_why() {
    let home = tempfile::tempdir().unwrap();
    let spec = home.path().join("crashy.json");
    std::fs::write(
        &spec,
        r#"{"ID":"crashy","Properties":{"Allocation":{"Size":1},
            "Instance":{"Plugin":"instance-process","Properties":null},
            "Flavor":{"Plugin":"flavor-vanilla","Properties":{"Init":["echo starting; exit 7"]}}}}"#,
    )
    .unwrap();
    let up = start_up(home.path(), &spec);
    let status = || {
        let out = Command::new(infrakit_bin())
            .args(["group", "status", "crashy"])
            .env("INFRAKIT_HOME", home.path())
            .env_remove("INFRAKIT_PLUGINS_DIR")
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or_default()
    };
    wait_for("the back-off to show", Duration::from_secs(20), || {
        status()["Status"]["notes"].to_string().contains("backing off")
    });
    let notes = status()["Status"]["notes"].to_string();
    assert!(notes.contains("exited at once") && notes.contains("exit status: 7"), "{notes}");
    let table = Command::new(infrakit_bin())
        .args(["group", "describe", "crashy", "-o", "table"])
        .env("INFRAKIT_HOME", home.path())
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("note: backing off"), "the back-off shows in describe: {table}");
    // Over 3 seconds, a handful of attempts, not a spin.
    let logs = home.path().join("instance-process/logs");
    let count = || std::fs::read_dir(&logs).map(|d| d.count()).unwrap_or(0);
    let before = count();
    std::thread::sleep(Duration::from_secs(3));
    let attempts = count() - before;
    assert!(attempts <= 6, "{attempts} attempts in 3 s");
    up.interrupt();
}

/// A group committed into a running `up` is stored like the others: Ctrl-C counts it, `up` without a file resumes
/// every group, and `down` without a file destroys them all.
#[test]
fn groups_committed_into_up_are_resumed_and_destroyed_with_the_rest() {
    let home = tempfile::tempdir().unwrap();
    let state: PathBuf = home.path().join("instance-process");
    let up = start_up(home.path(), &workspace().join("examples/up-cattle.yaml"));
    wait_for("3 workers", Duration::from_secs(20), || describe(home.path()).len() == 3);
    let pets = workspace().join("examples/up-pets.yaml");
    let commit = Command::new(infrakit_bin())
        .args(["group", "commit", pets.to_str().unwrap()])
        .env("INFRAKIT_HOME", home.path())
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output()
        .unwrap();
    assert!(commit.status.success(), "commit: {}", String::from_utf8_lossy(&commit.stderr));
    wait_for("3 workers and 3 pets", Duration::from_secs(20), || describe(home.path()).len() == 6);
    let before = ids(&describe(home.path()));
    let out = up.interrupt();
    assert!(out.contains("6 instance(s) of 2 group(s) left running"), "{out}");
    assert!(out.contains("quorum") && out.contains("workers"), "the view shows both groups: {out}");
    assert!(out.contains("resume:  infrakit up\n"), "{out}");

    let up = start_up_with(home.path(), &["up", "--no-view"]);
    wait_for("both groups resumed", Duration::from_secs(20), || describe(home.path()).len() == 6);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(ids(&describe(home.path())), before, "the same instances, re-adopted");
    up.interrupt();

    down_with(home.path(), &["down", "--yes"]);
    wait_for("every process gone", Duration::from_secs(20), || marked_processes(&state).is_empty());
    let again = Command::new(infrakit_bin())
        .args(["up", "--no-view"])
        .env("INFRAKIT_HOME", home.path())
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output()
        .unwrap();
    assert!(!again.status.success(), "nothing is left to resume");
    assert!(String::from_utf8_lossy(&again.stderr).contains("no earlier `infrakit up` to resume"));
}

/// The view follows what another terminal does: after `infrakit down`, it shows no group and no instance that is
/// gone (issue 20, item 2).
#[test]
fn the_view_drops_what_down_destroyed_elsewhere() {
    let home = tempfile::tempdir().unwrap();
    let state: PathBuf = home.path().join("instance-process");
    let up = start_up(home.path(), &workspace().join("examples/up-cattle.yaml"));
    wait_for("3 workers", Duration::from_secs(20), || describe(home.path()).len() == 3);
    let gone = ids(&describe(home.path()));
    // Not on a terminal, `down` needs --yes; it asks the running `up` to destroy.
    let refused = Command::new(infrakit_bin())
        .args(["down"])
        .env("INFRAKIT_HOME", home.path())
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!refused.status.success(), "down without --yes off a terminal refuses");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("pass --yes"), "{refused:?}");
    down_with(home.path(), &["down", "--yes"]);
    wait_for("every process gone", Duration::from_secs(20), || marked_processes(&state).is_empty());
    wait_for("the view to drop the group", Duration::from_secs(20), || describe(home.path()).is_empty());
    std::thread::sleep(Duration::from_millis(500));
    let out = up.interrupt();
    let last = out.split("InfraKit stopped").next().unwrap_or("").trim_end();
    let last_frame = last.rsplit("\n\n").next().unwrap_or(last);
    assert!(last_frame.contains("no groups"), "the last view shows no group: {last_frame}");
    assert!(gone.iter().all(|id| !last_frame.contains(id.as_str())), "no instance that is gone: {last_frame}");
    assert!(out.contains("0 instance(s) of 0 group(s) left running"), "{out}");
}
