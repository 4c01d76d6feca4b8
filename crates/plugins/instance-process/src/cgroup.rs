//! Containment: one cgroup v2 per instance, so Destroy ends every descendant, even one that left the process group
//! (`setsid`) or was re-parented to init.
//!
//! The v2 hierarchy is found in `/proc/self/mountinfo` (Debian mounts it at `/sys/fs/cgroup`; hybrid systems at
//! `/sys/fs/cgroup/unified` beside the v1 controllers). Each instance gets `<mount>/infrakit/<instance id>`; the
//! instance's shell writes its own PID into `cgroup.procs` before it runs anything (a prefix of the command, so no
//! pre-exec hook is needed and the standard library can keep using `posix_spawn`), so every process it starts is
//! born inside. Killing writes `1` to `cgroup.kill` (Linux 5.14+), else SIGKILLs every PID listed in
//! `cgroup.procs` until it is empty; then the cgroup is removed.
//!
//! Fallback: where there is no cgroup v2 mount or `<mount>/infrakit` cannot be created (not root, a read-only
//! or undelegated hierarchy), instances are process groups as before: Destroy signals the group, and a
//! process that calls `setsid` escapes it. The plugin logs a warning once when it falls back.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The parent of every instance's cgroup, under the v2 mount.
const PARENT: &str = "infrakit";

/// The cgroup v2 hierarchy this plugin puts instances in.
#[derive(Debug, Clone)]
pub struct Cgroups {
    /// The v2 mount point.
    mount: PathBuf,
}

impl Cgroups {
    /// The usable hierarchy, or why there is none (blocking: reads `/proc`, may create `<mount>/infrakit`).
    pub fn detect() -> Result<Cgroups, String> {
        let info = std::fs::read_to_string("/proc/self/mountinfo").map_err(|e| format!("/proc/self/mountinfo: {e}"))?;
        let mount = v2_mount(&info).ok_or("no cgroup2 file system is mounted")?;
        let parent = mount.join(PARENT);
        match std::fs::create_dir(&parent) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("cannot create {}: {e}", parent.display())),
        }
        // Creating a cgroup proves we may manage the hierarchy; writing cgroup.procs is proven by each start. Each
        // probe has a name of its own: plugins opened at once in one process (or in processes of other PID
        // namespaces) must not take one another's probe for a refusal and fall back to process groups.
        let probe = parent.join(probe_name());
        std::fs::create_dir(&probe).map_err(|e| format!("cannot create cgroups in {}: {e}", parent.display()))?;
        let _ = std::fs::remove_dir(&probe);
        sweep_empty(&parent);
        Ok(Cgroups { mount })
    }

    /// The cgroup of instance `id` (not created).
    pub fn path(&self, id: &str) -> PathBuf {
        self.mount.join(PARENT).join(infrakit_spi::names::file_safe(id))
    }

    /// Creates the cgroup of instance `id`; returns its path.
    pub fn create(&self, id: &str) -> Result<PathBuf, String> {
        let dir = self.path(id);
        match std::fs::create_dir(&dir) {
            Ok(()) => Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(dir),
            Err(e) => Err(format!("cannot create cgroup {}: {e}", dir.display())),
        }
    }

    /// The cgroup path as `/proc/<pid>/cgroup` shows it (relative to the mount, starting with `/`).
    pub fn relative(&self, dir: &Path) -> Option<String> {
        dir.strip_prefix(&self.mount).ok().map(|r| format!("/{}", r.display()))
    }
}

/// A name for a probe cgroup that no other probe has: this process's PID and a random number.
fn probe_name() -> String {
    format!(".probe-{}-{:016x}", std::process::id(), rand::random::<u64>())
}

/// The shell command that moves itself into `dir` and then runs `command` (`$0` is the cgroup.procs path, `$1`
/// the command, as arguments, so nothing is quoted into the script). A move that fails stops the start: an
/// instance never runs uncontained by accident.
pub fn wrap(dir: &Path) -> (String, String) {
    let script =
        r#"echo $$ > "$0" || { echo "infrakit: cannot enter cgroup $0" >&2; exit 125; }; exec /bin/sh -c "$1""#;
    (script.to_string(), dir.join("cgroup.procs").to_string_lossy().into_owned())
}

/// The PIDs in a cgroup (empty when it is gone).
pub fn pids(dir: &Path) -> Vec<i32> {
    std::fs::read_to_string(dir.join("cgroup.procs"))
        .map(|t| t.lines().filter_map(|l| l.trim().parse().ok()).collect())
        .unwrap_or_default()
}

/// Sends `signal` to every process of a cgroup.
pub fn signal(dir: &Path, signal: i32) {
    for pid in pids(dir) {
        if pid > 1 {
            // SAFETY: kill(2) on a process of the instance's cgroup; no memory is shared.
            unsafe {
                libc::kill(pid, signal);
            }
        }
    }
}

/// Kills every process of a cgroup, waits (up to `limit`) until it is empty, and removes it (blocking). True
/// when it is gone.
pub fn kill_and_remove(dir: &Path, limit: Duration) -> bool {
    if !dir.exists() {
        return true;
    }
    let deadline = Instant::now() + limit;
    let kill_file = dir.join("cgroup.kill");
    loop {
        // cgroup.kill kills atomically, forks in flight included; without it, a fork race may need another pass.
        if std::fs::write(&kill_file, "1").is_err() {
            signal(dir, libc::SIGKILL);
        }
        if pids(dir).is_empty() {
            // Populated until the last zombie is reaped: retried until the deadline.
            match std::fs::remove_dir(dir) {
                Ok(()) => return true,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return true,
                Err(_) => {}
            }
        }
        if Instant::now() >= deadline {
            tracing::warn!(cgroup = %dir.display(), "cannot empty and remove an instance's cgroup");
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Removes the empty instance cgroups left where no plugin could clean up (an instance whose last process exited
/// after its plugin and its state directory were gone), and stale probes. Only those untouched for ten minutes: a
/// younger one may belong to an instance (or a probe) another plugin is starting right now.
fn sweep_empty(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for e in entries.flatten() {
        let dir = e.path();
        let old = e.metadata().ok().and_then(|m| m.modified().ok()).and_then(|t| t.elapsed().ok());
        let name = e.file_name().to_string_lossy().into_owned();
        // An instance's, or a probe left by a plugin that died while it checked.
        let ours = name.starts_with("process-") || name.starts_with(".probe-");
        if ours && old.is_some_and(|a| a > Duration::from_secs(600)) && pids(&dir).is_empty() {
            let _ = std::fs::remove_dir(&dir);
        }
    }
}

/// The cgroup v2 path of a process (`/infrakit/<id>`), from `/proc/<pid>/cgroup`.
pub fn of(pid: i32) -> Option<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    text.lines().find_map(|l| l.strip_prefix("0::")).map(str::to_string)
}

/// The mount point of the cgroup2 file system in a mountinfo text.
fn v2_mount(mountinfo: &str) -> Option<PathBuf> {
    mountinfo.lines().find_map(|line| {
        // `id parent major:minor root mountpoint options [optional...] - fstype source superoptions`
        let (before, after) = line.split_once(" - ")?;
        (after.split_whitespace().next()? == "cgroup2").then(|| before.split_whitespace().nth(4).map(unescape))?
    })
}

/// Undoes mountinfo's octal escapes (`\040` for a space...).
fn unescape(field: &str) -> PathBuf {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).filter(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match (bytes[i], octal) {
            (b'\\', Some(d)) => {
                out.push((d[0] - b'0') * 64 + (d[1] - b'0') * 8 + (d[2] - b'0'));
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    PathBuf::from(<std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_made_at_once_have_names_of_their_own() {
        let names: std::collections::HashSet<String> = (0..64).map(|_| probe_name()).collect();
        assert_eq!(names.len(), 64);
        assert!(names.iter().all(|n| n.starts_with(&format!(".probe-{}-", std::process::id()))));
    }

    #[test]
    fn finds_the_v2_mount_hybrid_or_unified() {
        let hybrid = "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n\
                      32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n\
                      41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
        assert_eq!(v2_mount(hybrid), Some(PathBuf::from("/sys/fs/cgroup/unified")));
        let debian = "30 24 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
        assert_eq!(v2_mount(debian), Some(PathBuf::from("/sys/fs/cgroup")));
        assert_eq!(v2_mount("22 1 0:5 / /my\\040cg rw - cgroup2 none rw\n"), Some(PathBuf::from("/my cg")));
        assert_eq!(v2_mount("32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"), None);
    }
}
