//! The files a server owns in the plugins directory: the socket (mode 0600), `<name>.pid` and `<name>.listen`.

use super::error::{io_err, ServeError};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::net::UnixListener;

/// The paths of a plugin's files.
pub(super) struct Files {
    pub socket: PathBuf,
    pub pid: PathBuf,
    pub listen: PathBuf,
}

impl Files {
    /// The files of the plugin `name` in `dir`.
    pub fn new(dir: &Path, name: &str) -> Files {
        Files {
            socket: dir.join(name),
            pid: dir.join(format!("{name}.pid")),
            listen: dir.join(format!("{name}.listen")),
        }
    }

    /// Removes them all (those that exist).
    pub fn remove(&self) {
        for f in [&self.socket, &self.pid, &self.listen] {
            let _ = std::fs::remove_file(f);
        }
    }
}

/// Binds the socket and writes the PID file. A socket left by a crashed plugin is replaced; one that answers
/// belongs to a live plugin and is an error.
pub(super) async fn bind(dir: &Path, name: &str, files: &Files) -> Result<UnixListener, ServeError> {
    remove_stale_socket(name, &files.socket).await?;
    // Files a crashed run left beside its socket would make discovery list a dead endpoint.
    let _ = std::fs::remove_file(&files.listen);
    // Bind under a private name, restrict it to the owner, then move it into place: the socket is never reachable
    // with wider permissions, whatever the umask.
    let tmp = dir.join(format!(".{name}.{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let listener = UnixListener::bind(&tmp).map_err(io_err(&tmp))?;
    let placed = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
        .and_then(|()| std::fs::rename(&tmp, &files.socket))
        .and_then(|()| std::fs::write(&files.pid, std::process::id().to_string()));
    if let Err(e) = placed {
        for f in [&tmp, &files.socket, &files.pid] {
            let _ = std::fs::remove_file(f);
        }
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
