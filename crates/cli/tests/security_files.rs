//! Issue 17 (4): the files a plugin keeps in the plugins directory. PID files never follow a planted symlink; the
//! directory is created 0700 and refused when others could plant files in it; `plugin stop` signals the process
//! that answers on the socket (its peer credentials), never a stale PID file's; a plugin that shuts down removes
//! only the files it made.

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::Duration;

fn running(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| s.rfind(')').and_then(|i| s[i + 2..].chars().next()).is_some_and(|c| c != 'Z' && c != 'X'))
}

#[test]
fn pid_files_do_not_follow_symlinks_and_the_directory_is_private() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    std::fs::create_dir(&plugins).unwrap();
    let victim = home.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, plugins.join("flavor-vanilla.pid")).unwrap();
    let mut daemon = start_plugins(&plugins, &["flavor-vanilla"]);
    wait_for_sockets(&plugins, &["flavor-vanilla"]);
    // The PID file is written just after the socket is placed: wait for it.
    let pid_file = plugins.join("flavor-vanilla.pid");
    wait_until("the PID file", Duration::from_secs(60), || {
        std::fs::symlink_metadata(&pid_file).is_ok_and(|m| !m.file_type().is_symlink())
    });
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious", "the PID file write followed a symlink");
    assert_eq!(std::fs::read_to_string(&pid_file).unwrap().trim(), daemon.pid().to_string());
    assert!(daemon.signal_and_wait("TERM"));

    // A directory created by InfraKit is 0700.
    let fresh = home.path().join("fresh/plugins");
    let _ = cli(&fresh, &["plugin", "ls"], None);
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{mode:o}");
}

#[test]
fn a_directory_others_can_write_or_another_user_owns_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let open = home.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = cli(&open, &["plugin", "start", "flavor-vanilla"], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "started in a world-writable directory");
    assert!(stderr.contains("others can write") && stderr.contains(&open.display().to_string()), "{stderr}");
    let out = cli(&open, &["plugin", "ls"], None);
    assert!(!out.status.success(), "listed a world-writable directory");

    // SAFETY: geteuid(2) has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped the other-owner case: chown needs root");
        return;
    }
    let theirs = home.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
    let out = cli(&theirs, &["plugin", "start", "flavor-vanilla"], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("owned by uid 65534"), "{stderr}");
}

#[test]
fn stop_signals_the_socket_s_peer_not_a_stale_pid_file() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let mut daemon = start_plugins(&plugins, &["flavor-vanilla"]);
    wait_for_sockets(&plugins, &["flavor-vanilla"]);
    // An unrelated process, and a PID file that (wrongly) names it.
    let mut bystander = Command::new("sleep").arg("300").stdin(Stdio::null()).spawn().unwrap();
    std::fs::write(plugins.join("flavor-vanilla.pid"), bystander.id().to_string()).unwrap();
    let out = cli_ok(&plugins, &["plugin", "stop", "flavor-vanilla"], None);
    assert!(out.contains("stopped flavor-vanilla"), "{out}");
    assert!(running(bystander.id() as i32), "plugin stop signalled the stale PID file's process");
    assert!(daemon.signal_and_wait("0") || !running(daemon.pid()), "the plugin itself was stopped");
    let _ = bystander.kill();
    let _ = bystander.wait();
}

#[test]
fn shutdown_removes_only_the_files_it_made() {
    let home = tempfile::tempdir().unwrap();
    let plugins = home.path().join("plugins");
    let mut first = start_plugins(&plugins, &["flavor-vanilla"]);
    wait_for_sockets(&plugins, &["flavor-vanilla"]);
    // The PID file is written just after the socket.
    wait_until("the first plugin's PID file", Duration::from_secs(60), || plugins.join("flavor-vanilla.pid").exists());
    // The first plugin's files are removed behind its back, and a second plugin takes the name.
    std::fs::remove_file(plugins.join("flavor-vanilla")).unwrap();
    std::fs::remove_file(plugins.join("flavor-vanilla.pid")).unwrap();
    let second = start_plugins(&plugins, &["flavor-vanilla"]);
    wait_for_sockets(&plugins, &["flavor-vanilla"]);
    wait_until("the second plugin's PID file", Duration::from_secs(60), || {
        std::fs::read_to_string(plugins.join("flavor-vanilla.pid")).is_ok_and(|t| t.trim() == second.pid().to_string())
    });
    assert!(first.signal_and_wait("TERM"));
    assert!(plugins.join("flavor-vanilla").exists(), "the first plugin's shutdown removed the second's socket");
    let pid = std::fs::read_to_string(plugins.join("flavor-vanilla.pid")).unwrap_or_default();
    assert_eq!(pid.trim(), second.pid().to_string(), "the first plugin's shutdown removed the second's PID file");
    let ls = cli_ok(&plugins, &["plugin", "ls", "-o", "json"], None);
    assert!(ls.contains("Flavor"), "the second plugin still answers: {ls}");
}
