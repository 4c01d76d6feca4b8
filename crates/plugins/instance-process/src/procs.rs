//! Processes: tell whether a PID is still the process we started, wait for it to exit, stop its whole process group
//! (each instance is a command started in a process group of its own, so it outlives the plugin).

use std::path::Path;
use std::time::Duration;

/// What this plugin reads of `/proc/<pid>/stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    /// The state letter (field 3): `R`, `S`, `Z` for a zombie...
    pub state: char,
    /// The process group (field 5).
    pub pgid: i32,
    /// The start time in clock ticks since boot (field 22): with the PID, it identifies a process even after the
    /// PID is reused.
    pub start_ticks: u64,
}

/// Reads `/proc/<pid>/stat`; `None` when the process is gone.
pub fn stat(pid: i32) -> Option<Stat> {
    parse_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

fn parse_stat(text: &str) -> Option<Stat> {
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its closing one.
    let mut fields = text.get(text.rfind(')')? + 2..)?.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let pgid = fields.nth(1)?.parse().ok()?;
    let start_ticks = fields.nth(16)?.parse().ok()?;
    Some(Stat { state, pgid, start_ticks })
}

/// The start time of a process in clock ticks since boot (see [`Stat::start_ticks`]).
pub fn start_ticks(pid: i32) -> Option<u64> {
    stat(pid).map(|s| s.start_ticks)
}

/// True when `pid` runs and is not a zombie.
fn running(pid: i32) -> bool {
    stat(pid).is_some_and(|s| !matches!(s.state, 'Z' | 'X'))
}

/// True when the process `pid` that started at `ticks` is still running.
pub fn alive(pid: i32, ticks: u64) -> bool {
    pid > 1 && running(pid) && start_ticks(pid) == Some(ticks)
}

/// Sends `signal` to the process group `pgid`.
pub fn signal_group(pgid: i32, signal: i32) {
    if pgid > 1 {
        // SAFETY: kill(2) on a process group this plugin created; no memory is shared.
        unsafe {
            libc::kill(-pgid, signal);
        }
    }
}

/// Waits until the process exits, without being its parent: a pidfd becomes readable on exit (Linux ≥ 5.3);
/// where pidfds are unavailable, `/proc` is polled.
pub async fn wait_exit(pid: i32, ticks: u64) {
    // SAFETY: pidfd_open(2) takes a PID and flags and returns a new file descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as i32;
    if fd >= 0 {
        // SAFETY: fd was just returned by pidfd_open and is owned by nobody else.
        let owned = unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
        // SAFETY: an OwnedFd stays open, and refers to the same pidfd, for as long as the AsyncFd owns it.
        let registered =
            unsafe { tokio::io::unix::AsyncFd::register_with_interest(owned, tokio::io::Interest::READABLE) };
        if let Ok(async_fd) = registered {
            if alive(pid, ticks) {
                let _ = async_fd.readable().await;
            }
            return;
        }
    }
    while alive(pid, ticks) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Stops a process group: SIGTERM, up to `grace` to exit, then SIGKILL.
pub async fn stop(pid: i32, ticks: u64, grace: Duration) {
    if !alive(pid, ticks) {
        return;
    }
    signal_group(pid, libc::SIGTERM);
    if tokio::time::timeout(grace, wait_exit(pid, ticks)).await.is_err() {
        signal_group(pid, libc::SIGKILL);
        let _ = tokio::time::timeout(Duration::from_secs(5), wait_exit(pid, ticks)).await;
    }
}

/// Processes whose environment carries `marker=<value>`, with their `INFRAKIT_INSTANCE_ID`: used after a restart
/// to find processes this plugin started but has no record of (orphans).
pub fn find_marked(marker: &str, value: &str) -> Vec<(i32, String)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else { return out };
    let want = format!("{marker}={value}");
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        let Ok(env) = std::fs::read(Path::new("/proc").join(pid.to_string()).join("environ")) else { continue };
        let vars: Vec<&[u8]> = env.split(|b| *b == 0).collect();
        if !vars.contains(&want.as_bytes()) {
            continue;
        }
        let id = vars
            .iter()
            .find_map(|v| v.strip_prefix(b"INFRAKIT_INSTANCE_ID="))
            .map(|v| String::from_utf8_lossy(v).into_owned());
        if let Some(id) = id {
            out.push((pid, id));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_start_time_is_readable() {
        let me = std::process::id() as i32;
        let t = start_ticks(me).expect("own stat");
        assert!(alive(me, t));
        assert!(!alive(me, t + 1), "a reused PID has another start time");
        assert!(!alive(0, 0) && !alive(-1, 0));
        // Read as the original field 22 parser read it.
        let stat = std::fs::read_to_string(format!("/proc/{me}/stat")).expect("stat");
        let field22: u64 =
            stat[stat.rfind(')').expect(")") + 2..].split_whitespace().nth(19).expect("22").parse().expect("n");
        assert_eq!(t, field22);
    }

    #[test]
    fn stat_fields_after_a_command_name_with_spaces_and_parentheses() {
        let line = "4242 (my (odd) cmd) S 1 4240 4240 0 -1 4194560 120 0 0 0 1 2 0 0 20 0 1 0 987654 1234 56";
        assert_eq!(parse_stat(line), Some(Stat { state: 'S', pgid: 4240, start_ticks: 987654 }));
        assert_eq!(parse_stat("garbage"), None);
    }
}
