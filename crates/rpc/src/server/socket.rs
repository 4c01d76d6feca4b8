//! The files a server owns in the plugins directory: the socket (mode 0600), `<name>.pid` and `<name>.listen`.
//!
//! The PID and listen files are written with [`infrakit_spi::fsutil::write_durable_mode`]: a temporary file
//! created exclusively (a symlink planted in the directory is never followed) and renamed into place. The server
//! remembers which files it made (device, inode and change time: an inode number freed by a removal is soon
//! reused) and, shutting down, removes only those: a plugin that has since taken the name keeps its files.

use super::error::{io_err, ServeError};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;
use tokio::net::UnixListener;

/// A file's identity: device, inode, and change time (seconds, nanoseconds). The inode alone is not enough: a file
/// removed behind a plugin's back frees its inode number, and the next file made in the directory (another
/// plugin's) may get it.
type Identity = (u64, u64, i64, i64);

/// The paths of a plugin's files, and the identity of those this server made.
pub(super) struct Files {
    pub socket: PathBuf,
    pub pid: PathBuf,
    pub listen: PathBuf,
    made: Mutex<Vec<(PathBuf, Identity)>>,
}

/// The identity of the file at `path` itself (not a symlink's target).
fn identity(path: &Path) -> Option<Identity> {
    std::fs::symlink_metadata(path).ok().map(|m| (m.dev(), m.ino(), m.ctime(), m.ctime_nsec()))
}

impl Files {
    /// The files of the plugin `name` in `dir`.
    pub fn new(dir: &Path, name: &str) -> Files {
        Files {
            socket: dir.join(name),
            pid: dir.join(format!("{name}.pid")),
            listen: dir.join(format!("{name}.listen")),
            made: Mutex::new(Vec::new()),
        }
    }

    /// Remembers that this server made the file now at `path`.
    fn made(&self, path: &Path) {
        if let (Some(id), Ok(mut made)) = (identity(path), self.made.lock()) {
            made.push((path.to_path_buf(), id));
        }
    }

    /// Writes `<name>.listen` (never through a symlink) and remembers it.
    pub fn write_listen(&self, url: &str) -> Result<(), ServeError> {
        infrakit_spi::fsutil::write_durable_mode(&self.listen, url.as_bytes(), 0o644).map_err(io_err(&self.listen))?;
        self.made(&self.listen);
        Ok(())
    }

    /// Removes the files this server made that are still the ones it made (another plugin may have taken the name
    /// since).
    pub fn remove(&self) {
        let made = self.made.lock().map(|mut m| std::mem::take(&mut *m)).unwrap_or_default();
        for (path, id) in made {
            if identity(&path) == Some(id) {
                let _ = std::fs::remove_file(&path);
            } else {
                tracing::info!(file = %path.display(), "not removing a file another plugin has since written");
            }
        }
    }
}

/// Binds the socket and writes the PID file. A socket left by a crashed plugin is replaced; one that answers
/// belongs to a live plugin and is an error.
pub(super) async fn bind(dir: &Path, name: &str, files: &Files) -> Result<UnixListener, ServeError> {
    remove_stale_socket(name, &files.socket).await?;
    // Files a crashed run left beside its socket would make discovery list a dead endpoint.
    let _ = std::fs::remove_file(&files.listen);
    infrakit_spi::fsutil::clean_temps(dir);
    // Bind under a private name, restrict it to the owner, then move it into place: the socket is never reachable
    // with wider permissions, whatever the umask.
    let tmp = dir.join(format!(".{name}.{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let listener = UnixListener::bind(&tmp).map_err(io_err(&tmp))?;
    let placed = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
        .and_then(|()| std::fs::rename(&tmp, &files.socket))
        .map(|()| files.made(&files.socket))
        .and_then(|()| {
            let pid = std::process::id().to_string();
            infrakit_spi::fsutil::write_durable_mode(&files.pid, pid.as_bytes(), 0o644)
        })
        .map(|()| files.made(&files.pid));
    if let Err(e) = placed {
        let _ = std::fs::remove_file(&tmp);
        files.remove();
        return Err(io_err(&files.socket)(e));
    }
    Ok(listener)
}

/// A socket file that nobody answers on was left by a crash: remove it. One that answers belongs to a live plugin.
async fn remove_stale_socket(name: &str, socket: &Path) -> Result<(), ServeError> {
    let meta = match std::fs::symlink_metadata(socket) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(socket)(e)),
    };
    use std::os::unix::fs::FileTypeExt;
    if !meta.file_type().is_socket() {
        return Err(io_err(socket)(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "exists and is not a socket; refusing to replace it",
        )));
    }
    // Only a refused connection proves nobody listens; a slow or busy listener is a live plugin.
    match tokio::time::timeout(Duration::from_secs(2), tokio::net::UnixStream::connect(socket)).await {
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
        Ok(Err(e)) => return Err(io_err(socket)(e)),
        _ => return Err(ServeError::AlreadyRunning { name: name.to_string(), path: socket.to_path_buf() }),
    }
    tracing::warn!(socket = %socket.display(), "removing stale socket left by a previous run");
    std::fs::remove_file(socket).map_err(io_err(socket))
}
