//! What can go wrong talking to the engine, by kind.

/// A Docker Engine error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DockerError {
    /// The engine address cannot be used.
    #[error("docker host {host:?}: {reason}")]
    BadHost {
        /// The address as given.
        host: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// The engine could not be reached (no socket, connection refused or cut): nothing was done.
    #[error("docker engine at {host} is unreachable: {reason}")]
    Unreachable {
        /// The engine address.
        host: String,
        /// What the connection said.
        reason: String,
    },
    /// No answer within the client's time limit: the request may or may not have taken effect.
    #[error("docker engine at {host} did not answer within {seconds} s")]
    Timeout {
        /// The engine address.
        host: String,
        /// The limit.
        seconds: u64,
    },
    /// The object (container, image, network, volume, exec) does not exist (HTTP 404).
    #[error("{message}")]
    NotFound {
        /// The engine's message.
        message: String,
    },
    /// The request conflicts with the engine's state, e.g. a container name in use (HTTP 409).
    #[error("{message}")]
    Conflict {
        /// The engine's message.
        message: String,
    },
    /// The engine refused the request (another HTTP status).
    #[error("docker engine: {message} (HTTP {status})")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The engine's message.
        message: String,
    },
    /// The engine's answer could not be understood, or a stream broke mid-way.
    #[error("docker engine at {host}: {reason}")]
    Protocol {
        /// The engine address.
        host: String,
        /// What was wrong.
        reason: String,
    },
}

impl DockerError {
    /// Classifies a bollard error from a call to the engine at `host` (whose time limit is `seconds`).
    pub(crate) fn from_bollard(host: &str, seconds: u64, e: bollard::errors::Error) -> DockerError {
        use bollard::errors::Error as B;
        match e {
            B::DockerResponseServerError { status_code: 404, message } => DockerError::NotFound { message },
            B::DockerResponseServerError { status_code: 409, message } => DockerError::Conflict { message },
            B::DockerResponseServerError { status_code, message } => {
                DockerError::Refused { status: status_code, message }
            }
            B::RequestTimeoutError => DockerError::Timeout { host: host.to_string(), seconds },
            B::SocketNotFoundError(path) => {
                DockerError::Unreachable { host: host.to_string(), reason: format!("no socket at {path}") }
            }
            B::IOError { err } => DockerError::Unreachable { host: host.to_string(), reason: err.to_string() },
            B::HyperLegacyError { err } if err.is_connect() => {
                DockerError::Unreachable { host: host.to_string(), reason: source_chain(&err) }
            }
            B::HyperLegacyError { err } => DockerError::Protocol { host: host.to_string(), reason: source_chain(&err) },
            B::HyperResponseError { err } => {
                DockerError::Protocol { host: host.to_string(), reason: source_chain(&err) }
            }
            other => DockerError::Protocol { host: host.to_string(), reason: other.to_string() },
        }
    }

    /// True for [`DockerError::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, DockerError::NotFound { .. })
    }

    /// True for [`DockerError::Conflict`].
    pub fn is_conflict(&self) -> bool {
        matches!(self, DockerError::Conflict { .. })
    }

    /// True when the engine could not be reached or did not answer (it may be restarting).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, DockerError::Unreachable { .. } | DockerError::Timeout { .. })
    }
}

/// An error with its causes, `a: b: c` (hyper's own text is terse: "client error (Connect)").
fn source_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::errors::Error as B;

    #[test]
    fn kinds() {
        let e = |status_code| B::DockerResponseServerError { status_code, message: "m".into() };
        assert!(DockerError::from_bollard("h", 1, e(404)).is_not_found());
        assert!(DockerError::from_bollard("h", 1, e(409)).is_conflict());
        assert_eq!(
            DockerError::from_bollard("h", 1, e(500)),
            DockerError::Refused { status: 500, message: "m".into() }
        );
        let gone = DockerError::from_bollard("unix:///x", 1, B::SocketNotFoundError("/x".into()));
        assert!(gone.is_unreachable());
        assert_eq!(gone.to_string(), "docker engine at unix:///x is unreachable: no socket at /x");
    }
}
