//! Why a server could not start.

use std::path::{Path, PathBuf};

/// Errors when starting a server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Another live plugin already answers on the socket.
    #[error("plugin {name} is already running: {path} answers connections")]
    AlreadyRunning {
        /// The plugin name.
        name: String,
        /// The socket path.
        path: PathBuf,
    },
    /// The plugins directory or a file in it could not be used.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The plugin name cannot be used as a file name.
    #[error("invalid plugin name {0:?}: it must be non-empty and contain no '/'")]
    BadName(String),
    /// A route was added on a path the server answers itself (`/`, `/info/api.json`, `/events`).
    #[error("the server answers {0} itself: it cannot be routed")]
    ReservedRoute(String),
}

/// Wraps an I/O error with the path it concerns.
pub(super) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ServeError + '_ {
    move |source| ServeError::Io { path: path.to_path_buf(), source }
}
