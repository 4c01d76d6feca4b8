//! Helpers for tests that run the `infrakit` binary and other plugins as child processes.

#![allow(dead_code)]

pub mod browser;
pub mod example;
pub mod fault;
pub mod web;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The infrakit binary under test.
pub fn infrakit_bin() -> &'static str {
    env!("CARGO_BIN_EXE_infrakit")
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// A child process killed when dropped.
pub struct Daemon(pub Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Daemon {
    /// The child's PID.
    pub fn pid(&self) -> i32 {
        self.0.id() as i32
    }

    /// Sends `signal` and waits (bounded, generously: the machine may be busy) for the process to exit; returns
    /// whether it did.
    pub fn signal_and_wait(&mut self, signal: &str) -> bool {
        let _ = Command::new("kill").arg(format!("-{signal}")).arg(self.pid().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

/// Starts `infrakit plugin start <args>` with the given plugins directory.
pub fn start_plugins(plugins: &Path, args: &[&str]) -> Daemon {
    let mut all = vec!["plugin", "start"];
    all.extend_from_slice(args);
    start_plugins_with(plugins, &all)
}

/// Starts `infrakit <args>` as a daemon with the given plugins directory. Its output is dropped, unless
/// `INFRAKIT_TEST_LOGS` names a directory: then each daemon's stderr goes to a file there (logging at `info`), for a
/// failure's post-mortem.
pub fn start_plugins_with(plugins: &Path, args: &[&str]) -> Daemon {
    start_plugins_env(plugins, args, &[])
}

/// [`start_plugins_with`] with more environment variables (an endpoint and credentials, say).
pub fn start_plugins_env(plugins: &Path, args: &[&str], env: &[(&str, String)]) -> Daemon {
    let mut cmd = Command::new(infrakit_bin());
    cmd.args(args).env("INFRAKIT_PLUGINS_DIR", plugins).stdout(Stdio::null()).stderr(Stdio::null());
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    if let Some(dir) = std::env::var_os("INFRAKIT_TEST_LOGS") {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let what: String = args.join(" ").chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        let name = format!("{}-{n:03}-{}.log", std::process::id(), what.chars().take(60).collect::<String>());
        if let Ok(f) = std::fs::File::create(Path::new(&dir).join(name)) {
            cmd.stderr(f).env("INFRAKIT_LOG", "info");
        }
    }
    Daemon(cmd.spawn().expect("spawn infrakit"))
}

/// Waits (at most 60 s: the machine may be busy) until every named socket exists.
pub fn wait_for_sockets(plugins: &Path, names: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if names.iter().all(|n| plugins.join(n).exists()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("sockets {names:?} did not appear in {}", plugins.display());
}

/// Runs the CLI with the plugins directory set; returns its output (killed after 5 minutes).
pub fn cli(plugins: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(infrakit_bin())
        .args(args)
        .env("INFRAKIT_PLUGINS_DIR", plugins)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn infrakit");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(input);
    // A call that hangs (a plugin that stopped answering) is killed after 5 minutes, so the test fails, not hangs.
    let pid = child.id();
    let (done, watched) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = watched.recv_timeout(Duration::from_secs(300)) {
            eprintln!("infrakit (pid {pid}) did not finish within 5 minutes: killed");
            let _ = Command::new("kill").arg("-KILL").arg(pid.to_string()).status();
        }
    });
    let out = child.wait_with_output().expect("wait infrakit");
    let _ = done.send(());
    let _ = watchdog.join();
    out
}

/// Runs the CLI and returns stdout, failing the test with stderr when it fails.
pub fn cli_ok(plugins: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let out = cli(plugins, args, stdin);
    assert!(out.status.success(), "infrakit {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The instance records in an instance-file directory (files starting with '.' are temporary).
pub fn files(dir: &Path) -> Vec<serde_json::Value> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter_map(|t| serde_json::from_str(&t).ok())
        .collect()
}

/// Waits (at most `limit`) until `check` holds; returns how long it took. Fails the test naming `what`.
pub fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
    start.elapsed()
}

/// Starts a manager replica `name` with file leadership (`<home>/leader`) and a file store (`<home>/store`).
pub fn file_replica(plugins: &Path, home: &Path, name: &str, poll: &str) -> Daemon {
    let leader = format!("file://{}", home.join("leader").display());
    let store = format!("file://{}", home.join("store").display());
    start_plugins_with(
        plugins,
        &["manager", "start", "--name", name, "--leadership", &leader, "--store", &store, "--poll-interval", poll],
    )
}
