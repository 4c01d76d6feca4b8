//! Durable, symlink-safe file writes shared by every crate that keeps state in files (instance files, process
//! records, spec and rollout stores, plugin PID and listen files).
//!
//! This is the one module of `spi` that touches the file system; it is blocking, so async callers run it on
//! tokio's blocking pool. A write goes to a temporary file with a unique name in the same directory, created with
//! `O_CREAT|O_EXCL` (so a symlink planted under that name is never followed), is fsynced, renamed over the
//! destination (`rename(2)` replaces a symlink there instead of writing through it), and the directory is fsynced.
//! A crash leaves either the old file or the new one, plus at worst a temporary file that
//! [`clean_temps`] removes later.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// The suffix of every temporary file this module makes.
pub const TEMP_SUFFIX: &str = ".ik-tmp";

/// A temporary file older than this is a leftover whatever its writer's PID says.
const STALE_AFTER: Duration = Duration::from_secs(600);

static NEXT: AtomicU64 = AtomicU64::new(0);

/// A unique temporary path beside `path`: `.<name>.<pid>.<n>.ik-tmp` (hidden, so directory scans that skip dot
/// files skip it).
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let tmp = format!(".{name}.{}.{n}-{nanos:x}{TEMP_SUFFIX}", std::process::id());
    path.with_file_name(tmp)
}

/// True for the names [`temp_path`] makes.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(TEMP_SUFFIX)
}

/// Writes `body` to `path` durably (mode 0600), never following a symlink; see the module comment.
pub fn write_durable(path: &Path, body: &[u8]) -> std::io::Result<()> {
    write_durable_mode(path, body, 0o600)
}

/// [`write_durable`] with the file mode of a newly written file (before the umask).
pub fn write_durable_mode(path: &Path, body: &[u8], mode: u32) -> std::io::Result<()> {
    write_replacing(path, body, mode, true)
}

/// Writes `body` to `path` atomically (readers see the old file or the new one, never a part) through a uniquely
/// named temporary file and a rename; with `sync`, the file and its directory are fsynced too, so the write also
/// survives a crash ([`write_durable_mode`]). Without it, a crash may lose the latest writes, never corrupt one.
pub fn write_replacing(path: &Path, body: &[u8], mode: u32, sync: bool) -> std::io::Result<()> {
    let tmp = temp_path(path);
    let written = std::fs::OpenOptions::new().write(true).create_new(true).mode(mode).open(&tmp).and_then(|mut f| {
        f.write_all(body)?;
        if sync {
            f.sync_all()?;
        }
        Ok(())
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    match sync {
        true => sync_dir(path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))),
        false => Ok(()),
    }
}

/// Fsyncs a directory, so a rename or an unlink in it survives a crash.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir).and_then(|d| d.sync_all())
}

/// Removes the temporary files that writers which are gone left in `dir` (a crash between create and rename):
/// those whose writer's PID no longer runs, and any older than ten minutes. Returns how many were removed.
/// Best effort: unreadable entries are skipped.
pub fn clean_temps(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !is_temp_name(&name) || !e.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let old = e.metadata().ok().and_then(|m| m.modified().ok()).and_then(|t| t.elapsed().ok());
        let writer_gone = writer_pid(&name).is_some_and(|pid| !Path::new("/proc").join(pid.to_string()).exists());
        if (writer_gone || old.is_some_and(|age| age > STALE_AFTER)) && std::fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// The writer's PID in a temporary name (the second field from the end, before `<n>-<nanos>.ik-tmp`).
fn writer_pid(name: &str) -> Option<u32> {
    let stem = name.strip_suffix(TEMP_SUFFIX)?;
    let mut fields = stem.rsplit('.');
    fields.next()?;
    fields.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_symlinks_instead_of_following_them() {
        let dir = tempfile_dir();
        let victim = dir.join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let link = dir.join("name.pid");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        write_durable(&link, b"42").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep", "the symlink's target is untouched");
        assert!(!std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "42");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn temp_names_are_unique_and_leftovers_of_dead_writers_are_cleaned() {
        let dir = tempfile_dir();
        let p = dir.join("f.json");
        assert_ne!(temp_path(&p), temp_path(&p));
        let name = temp_path(&p).file_name().unwrap().to_string_lossy().into_owned();
        assert!(is_temp_name(&name), "{name}");
        assert_eq!(writer_pid(&name), Some(std::process::id()));
        // A leftover of a PID that does not run, and one of this (live) process.
        std::fs::write(dir.join(format!(".f.json.{}.0-1{TEMP_SUFFIX}", i32::MAX)), "x").unwrap();
        std::fs::write(dir.join(&name), "x").unwrap();
        assert_eq!(clean_temps(&dir), 1);
        assert!(dir.join(&name).exists(), "a live writer's file is kept");
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "ik-fsutil-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
