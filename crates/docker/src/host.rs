//! Where the engine listens: a unix socket path or a tcp address.

use crate::DockerError;
use std::path::PathBuf;

/// An engine address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A unix socket (`unix:///var/run/docker.sock` or `/var/run/docker.sock`).
    Unix(PathBuf),
    /// A tcp address without TLS (`tcp://host:2375` or `http://host:2375`), kept as `host:port`.
    Tcp(String),
}

impl Host {
    /// Parses `unix:///path`, an absolute path, `tcp://host:port` or `http://host:port`.
    pub fn parse(text: &str) -> Result<Host, DockerError> {
        let bad = |reason: &str| DockerError::BadHost { host: text.to_string(), reason: reason.to_string() };
        if let Some(path) = text.strip_prefix("unix://") {
            if !path.starts_with('/') {
                return Err(bad("a unix socket needs an absolute path: unix:///path/to/docker.sock"));
            }
            return Ok(Host::Unix(PathBuf::from(path)));
        }
        if text.starts_with('/') {
            return Ok(Host::Unix(PathBuf::from(text)));
        }
        let addr = text.strip_prefix("tcp://").or_else(|| text.strip_prefix("http://"));
        match addr.map(|a| a.trim_end_matches('/')) {
            Some(a) if a.rsplit_once(':').is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok()) => {
                Ok(Host::Tcp(a.to_string()))
            }
            Some(_) => Err(bad("a tcp address needs a host and a port: tcp://host:2375")),
            None if text.starts_with("https://") || text.starts_with("ssh://") || text.starts_with("npipe://") => {
                Err(bad("only unix:// and tcp:// (no TLS) are supported"))
            }
            None => Err(bad("write unix:///path/to/docker.sock, /path/to/docker.sock or tcp://host:port")),
        }
    }
}

impl std::fmt::Display for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Host::Unix(p) => write!(f, "unix://{}", p.display()),
            Host::Tcp(a) => write!(f, "tcp://{a}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(Host::parse("unix:///run/d.sock").ok(), Some(Host::Unix("/run/d.sock".into())));
        assert_eq!(Host::parse("/run/d.sock").ok(), Some(Host::Unix("/run/d.sock".into())));
        assert_eq!(Host::parse("tcp://127.0.0.1:2375").ok(), Some(Host::Tcp("127.0.0.1:2375".into())));
        assert_eq!(Host::parse("http://h:1/").ok(), Some(Host::Tcp("h:1".into())));
        assert_eq!(Host::parse("unix:///x").map(|h| h.to_string()).ok().as_deref(), Some("unix:///x"));
        for bad in ["unix://rel", "tcp://nohost", "tcp://:1", "https://h:1", "h:1", ""] {
            let err = Host::parse(bad).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains(&format!("{bad:?}")), "{bad}: {err}");
        }
    }
}
