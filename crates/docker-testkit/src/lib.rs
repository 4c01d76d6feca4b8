//! A real Docker engine for tests. [`Engine::shared`] starts one `dockerd` per test binary, as root, with its own
//! data root, exec root, socket and pidfile in a fresh directory (`--bridge=none --iptables=false
//! --ip-forward=false`: the host's networking is left alone), imports a small image made from the host's
//! `busybox-static` ([`Engine::image`]), and registers an exit hook that removes every container and network it
//! holds, stops it and deletes its directory. The engine dies with the test process too (a parent-death signal).
//!
//! Where it cannot run (not root, no `dockerd`), [`Engine::shared`] prints why and returns `None`, so the test
//! skips; under CI (`CI` set) that is a failure instead.

mod image;
pub mod process;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The name of the image [`Engine::shared`] imports.
pub const IMAGE: &str = "infrakit/busybox:latest";

/// A `dockerd` this test binary started.
pub struct Engine {
    dir: PathBuf,
    /// The PID of the running `dockerd` (0 while stopped).
    pid: Mutex<i32>,
}

static SHARED: OnceLock<Option<Engine>> = OnceLock::new();

impl Engine {
    /// The engine of this test binary, started (and its image imported) on first use; `None` when it cannot run
    /// here, after printing why.
    pub fn shared() -> Option<&'static Engine> {
        SHARED
            .get_or_init(|| match Engine::launch() {
                Ok(engine) => {
                    // SAFETY: `at_exit` is an `extern "C" fn()` that takes no arguments, as atexit(3) requires.
                    unsafe { libc::atexit(at_exit) };
                    Some(engine)
                }
                Err(why) => {
                    assert!(std::env::var_os("CI").is_none(), "CI must be able to start dockerd: {why}");
                    println!("SKIPPED docker tests: {why}");
                    None
                }
            })
            .as_ref()
    }

    fn launch() -> Result<Engine, String> {
        // SAFETY: geteuid(2) has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err("dockerd needs root".into());
        }
        if Command::new("dockerd").arg("--version").output().is_err() {
            return Err("no dockerd (install docker.io)".into());
        }
        let dir = fresh_dir()?;
        let engine = Engine { dir, pid: Mutex::new(0) };
        engine.start();
        if let Err(e) = image::import(&engine) {
            engine.stop();
            return Err(e);
        }
        Ok(engine)
    }

    /// The directory holding the engine's data root, exec root, socket and log.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The engine's socket.
    pub fn socket(&self) -> PathBuf {
        self.dir.join("docker.sock")
    }

    /// The engine's address, `unix://<dir>/docker.sock`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket().display())
    }

    /// The engine's configuration file (`--config-file`, `{}` at first start, so the host's
    /// `/etc/docker/daemon.json` is never read). A test may rewrite it (engine labels, say) and
    /// [`restart`](Engine::restart) the engine, or signal it with SIGHUP to reload what can be reloaded.
    pub fn config_file(&self) -> PathBuf {
        self.dir.join("daemon.json")
    }

    /// The imported image, [`IMAGE`]: busybox's applets in `/bin`, and empty `/tmp`, `/var/lib`, `/data`.
    pub fn image(&self) -> &'static str {
        IMAGE
    }

    /// Runs the `docker` CLI against this engine.
    pub fn docker_output(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("docker");
        cmd.arg("-H").arg(self.host()).args(args).env_remove("DOCKER_CONTEXT");
        cmd.output().unwrap_or_else(|e| panic!("cannot run docker {args:?}: {e}"))
    }

    /// Runs the `docker` CLI against this engine; its standard output, or its error text.
    pub fn docker(&self, args: &[&str]) -> Result<String, String> {
        let out = self.docker_output(args);
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!("docker {args:?}: {}", String::from_utf8_lossy(&out.stderr).trim()))
        }
    }

    /// True when the engine answers.
    pub fn answers(&self) -> bool {
        self.docker_output(&["version", "--format", "{{.Server.Version}}"]).status.success()
    }

    /// Starts `dockerd` (again) on the same directories and waits (up to 2 minutes) until it answers.
    pub fn start(&self) {
        let mut pid = self.pid.lock().unwrap_or_else(|e| e.into_inner());
        if *pid != 0 {
            return;
        }
        let d = &self.dir;
        let log = d.join("dockerd.log");
        let config = self.config_file();
        if !config.exists() {
            std::fs::write(&config, "{}\n").unwrap_or_else(|e| panic!("cannot write {}: {e}", config.display()));
        }
        let args: Vec<String> = vec![
            format!("--data-root={}", d.join("data").display()),
            format!("--exec-root={}", d.join("exec").display()),
            format!("--host={}", self.host()),
            format!("--pidfile={}", d.join("docker.pid").display()),
            format!("--config-file={}", config.display()),
            "--bridge=none".into(),
            "--iptables=false".into(),
            "--ip6tables=false".into(),
            "--ip-forward=false".into(),
            "--ip-masq=false".into(),
            "--userland-proxy=false".into(),
            "--shutdown-timeout=2".into(),
            "--log-level=warn".into(),
        ];
        *pid = process::spawn_dockerd(&args, &log).unwrap_or_else(|e| panic!("cannot start dockerd: {e}"));
        let started = Instant::now();
        while !self.answers() {
            if !process::alive(*pid) {
                panic!("dockerd exited at start; its log:\n{}", tail(&log));
            }
            assert!(started.elapsed() < Duration::from_secs(120), "dockerd did not answer; its log:\n{}", tail(&log));
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops `dockerd` (SIGTERM; SIGKILL after a minute) and waits until it is gone. Containers stop with it.
    pub fn stop(&self) {
        let mut pid = self.pid.lock().unwrap_or_else(|e| e.into_inner());
        if *pid != 0 {
            process::stop(*pid, Duration::from_secs(60));
            *pid = 0;
        }
    }

    /// Stops and starts the engine.
    pub fn restart(&self) {
        self.stop();
        self.start();
    }

    /// Removes every container, network and volume this engine holds, and leaves a swarm it joined (for the exit
    /// hook, or between tests).
    pub fn clean(&self) {
        if let Ok(ids) = self.docker(&["ps", "-aq"]) {
            let ids: Vec<&str> = ids.split_whitespace().collect();
            if !ids.is_empty() {
                let mut args = vec!["rm", "-f", "-v"];
                args.extend(ids);
                let _ = self.docker(&args);
            }
        }
        let _ = self.docker(&["swarm", "leave", "--force"]);
        let _ = self.docker(&["network", "prune", "-f"]);
        let _ = self.docker(&["network", "rm", "docker_gwbridge"]);
        let _ = self.docker(&["volume", "prune", "-f"]);
    }
}

/// The last lines of a log file.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// A new directory under /tmp, with a short path: the engine's sockets live in it (a socket path has at most 107
/// bytes).
fn fresh_dir() -> Result<PathBuf, String> {
    for n in 0..1000u32 {
        let dir = std::env::temp_dir().join(format!("ikd-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot create {}: {e}", dir.display())),
        }
    }
    Err("no free directory name under the temporary directory".into())
}

extern "C" fn at_exit() {
    if let Some(Some(engine)) = SHARED.get() {
        engine.clean();
        engine.stop();
        process::wait_for_helpers(&engine.dir, Duration::from_secs(30));
        process::unmount_under(&engine.dir);
        if std::env::var_os("INFRAKIT_KEEP_DOCKERD").is_none() {
            if let Err(e) = std::fs::remove_dir_all(&engine.dir) {
                eprintln!("cannot remove {}: {e}", engine.dir.display());
            }
        }
    }
}
