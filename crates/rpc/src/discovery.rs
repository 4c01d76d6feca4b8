//! Finding plugins: the plugins directory, its sockets and `.listen` files.

use infrakit_spi::plugin::Name;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt};
use std::path::{Path, PathBuf};

/// Errors of discovery.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// No plugin answers to that name.
    #[error("plugin not found: {name} (looked in {dir})")]
    NotFound {
        /// The name looked up.
        name: String,
        /// The directory searched.
        dir: PathBuf,
    },
    /// The directory could not be read or created.
    #[error("plugins directory {dir}: {source}")]
    Io {
        /// The directory.
        dir: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The plugins directory cannot be determined.
    #[error("cannot find the plugins directory: set INFRAKIT_PLUGINS_DIR, INFRAKIT_HOME or HOME")]
    NoHome,
}

/// Where a plugin listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The plugin's name (the socket's file name).
    pub name: String,
    /// `unix` or `tcp`.
    pub protocol: String,
    /// The socket path, or `host:port` for TCP.
    pub address: String,
}

/// The plugins directory: `$INFRAKIT_PLUGINS_DIR`, else `$INFRAKIT_HOME/plugins`, else `~/.infrakit/plugins`.
pub fn plugins_dir() -> Result<PathBuf, DiscoveryError> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(d) = var("INFRAKIT_PLUGINS_DIR") {
        return Ok(d);
    }
    if let Some(h) = var("INFRAKIT_HOME") {
        return Ok(h.join("plugins"));
    }
    var("HOME").map(|h| h.join(".infrakit").join("plugins")).ok_or(DiscoveryError::NoHome)
}

/// Why a plugins directory is refused: anyone who can write in it can plant sockets, symlinks and PID files.
#[derive(Debug, thiserror::Error)]
pub enum UnsafeDir {
    /// Another user owns it.
    #[error(
        "{dir} is owned by uid {owner}, not by this user (uid {me}): refusing to use a plugins directory another \
         user controls; chown it or choose another with --plugins-dir"
    )]
    Owner {
        /// The directory.
        dir: PathBuf,
        /// Its owner.
        owner: u32,
        /// The effective user of this process.
        me: u32,
    },
    /// Its group or others can write in it.
    #[error(
        "{dir} has mode {mode:o}: its group or others can write in it (others can write plugin files there); \
         chmod 700 it or choose another with --plugins-dir"
    )]
    Writable {
        /// The directory.
        dir: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
}

/// Creates `dir` (mode 0700, parents too) when absent; fails when it is not a directory, when another user owns
/// it, or when its group or others may write in it (an [`UnsafeDir`] inside the `io::Error`). A symlink to a
/// directory is judged by that directory.
pub fn ensure_dir(dir: &Path) -> std::io::Result<()> {
    let meta = match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => m,
        Ok(_) => return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "exists and is not a directory")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
        }
        Err(e) => return Err(e),
    };
    check_dir(dir, &meta).map_err(|e| std::io::Error::new(std::io::ErrorKind::PermissionDenied, e))
}

/// The ownership and mode checks of [`ensure_dir`].
fn check_dir(dir: &Path, meta: &std::fs::Metadata) -> Result<(), UnsafeDir> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(UnsafeDir::Owner { dir: dir.to_path_buf(), owner: meta.uid(), me });
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        return Err(UnsafeDir::Writable { dir: dir.to_path_buf(), mode });
    }
    Ok(())
}

/// Plugin discovery in one directory. It reads the directory on every call, so plugins come and go freely.
#[derive(Debug, Clone)]
pub struct Discovery {
    dir: PathBuf,
}

impl Discovery {
    /// Discovery in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Discovery {
        Discovery { dir: dir.into() }
    }

    /// Discovery in the directory named by the environment (see [`plugins_dir`]).
    pub fn from_env() -> Result<Discovery, DiscoveryError> {
        Ok(Discovery::new(plugins_dir()?))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every plugin: sockets, and `<name>.listen` files holding a URL such as `tcp://127.0.0.1:24864`. Sorted by name.
    pub fn list(&self) -> Result<Vec<Endpoint>, DiscoveryError> {
        let io = |source| DiscoveryError::Io { dir: self.dir.clone(), source };
        ensure_dir(&self.dir).map_err(io)?;
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(io)? {
            let Ok(entry) = entry else { continue };
            let Ok(mut ft) = entry.file_type() else { continue };
            if ft.is_symlink() {
                // A link to another directory's socket (or `.listen` file) names that plugin here.
                let Ok(target) = std::fs::metadata(entry.path()) else { continue };
                ft = target.file_type();
            }
            let file_name = entry.file_name().to_string_lossy().into_owned();
            if ft.is_socket() {
                out.push(Endpoint {
                    name: file_name,
                    protocol: "unix".to_string(),
                    address: entry.path().to_string_lossy().into_owned(),
                });
            } else if let (true, Some(name)) = (ft.is_file(), file_name.strip_suffix(".listen")) {
                let Ok(url) = std::fs::read_to_string(entry.path()) else { continue };
                if let Some((scheme, addr)) = url.trim().split_once("://") {
                    out.push(Endpoint {
                        name: name.to_string(),
                        protocol: scheme.to_string(),
                        address: addr.to_string(),
                    });
                }
            }
        }
        out.sort_by(|a, b| (&a.name, a.protocol != "unix").cmp(&(&b.name, b.protocol != "unix")));
        // A plugin that has both a socket and a TCP listener is reached through its socket.
        out.dedup_by(|b, a| a.name == b.name);
        Ok(out)
    }

    /// The endpoint of `name` (only the part before the first `/` is looked up).
    pub fn find(&self, name: &Name) -> Result<Endpoint, DiscoveryError> {
        let lookup = name.lookup();
        self.list()?
            .into_iter()
            .find(|e| e.name == lookup)
            .ok_or_else(|| DiscoveryError::NotFound { name: name.to_string(), dir: self.dir.clone() })
    }
}
