//! Starting and stopping the test kits' servers (`dockerd`, and moto for `infrakit-aws-testkit`): spawned from one
//! long-lived thread, so their parent-death signal fires when this process ends (not when the test thread that asked
//! for it does).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

type Request = (String, Vec<String>, Vec<(String, String)>, Option<PathBuf>, mpsc::Sender<Result<i32, String>>);

/// Spawns `dockerd args...` with its output appended to `log`; returns its PID.
pub(crate) fn spawn_dockerd(args: &[String], log: &Path) -> Result<i32, String> {
    spawn("dockerd", args, &[], Some(log))
}

/// Spawns `program args...` with `env` added, its standard error appended to `log` (discarded without one), from
/// one long-lived thread, so its parent-death signal (SIGTERM) fires when this process ends, not when the test
/// thread that asked for it does; returns its PID. For the other test kits' servers too (moto's).
pub fn spawn(program: &str, args: &[String], env: &[(String, String)], log: Option<&Path>) -> Result<i32, String> {
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<Request>>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Request>();
        std::thread::spawn(move || {
            for (program, args, env, log, reply) in rx {
                let _ = reply.send(spawn_here(&program, &args, &env, log.as_deref()));
            }
            // The channel lives as long as the process: this thread never returns before it exits.
        });
        Mutex::new(tx)
    });
    let (reply, answer) = mpsc::channel();
    let request = (program.to_string(), args.to_vec(), env.to_vec(), log.map(Path::to_path_buf), reply);
    spawner
        .lock()
        .map_err(|_| "the spawner's lock is poisoned".to_string())?
        .send(request)
        .map_err(|_| "the spawner thread is gone".to_string())?;
    answer.recv().map_err(|_| "the spawner thread did not answer".to_string())?
}

fn spawn_here(program: &str, args: &[String], env: &[(String, String)], log: Option<&Path>) -> Result<i32, String> {
    let err = match log {
        Some(log) => Stdio::from(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .map_err(|e| format!("{}: {e}", log.display()))?,
        ),
        None => Stdio::null(),
    };
    let mut cmd = Command::new(program);
    cmd.args(args).envs(env.iter().map(|(k, v)| (k, v))).stdin(Stdio::null()).stdout(Stdio::null()).stderr(err);
    // SAFETY: prctl(2) is async-signal-safe, the only kind of call allowed between fork and exec.
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    let child = cmd.spawn().map_err(|e| format!("{program}: {e}"))?;
    Ok(child.id() as i32)
}

/// True while `pid` (a child of this process) has not exited; reaps it once it has.
pub fn alive(pid: i32) -> bool {
    let mut status = 0;
    // SAFETY: waitpid(2) with WNOHANG on our own child; `status` is a valid out-pointer.
    let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
    r == 0
}

/// SIGTERM, then SIGKILL after `grace`; returns once the process is gone.
pub fn stop(pid: i32, grace: Duration) {
    // SAFETY: kill(2) of our own child.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let deadline = Instant::now() + grace;
    while alive(pid) {
        if Instant::now() > deadline {
            // SAFETY: as above.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Lazily unmounts whatever is still mounted under `dir` (deepest first), so it can be removed.
pub(crate) fn unmount_under(dir: &Path) {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    let prefix = dir.to_string_lossy().into_owned();
    let mut points: Vec<&str> =
        mounts.lines().filter_map(|l| l.split_whitespace().nth(1)).filter(|p| p.starts_with(&prefix)).collect();
    points.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for p in points {
        let _ = Command::new("umount").arg("-l").arg(p).status();
    }
}

/// Waits (at most `limit`) until no process names `dir` on its command line: the engine's containerd and shims
/// outlive `dockerd` by a moment, and would write into the directory being removed.
pub(crate) fn wait_for_helpers(dir: &Path, limit: Duration) {
    let needle = dir.to_string_lossy().into_owned();
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let busy = std::fs::read_dir("/proc").into_iter().flatten().flatten().any(|e| {
            let pid_dir = e.path();
            let is_pid = e.file_name().to_string_lossy().chars().all(|c| c.is_ascii_digit());
            is_pid
                && std::fs::read(pid_dir.join("cmdline"))
                    .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle.as_str()))
        });
        if !busy {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
