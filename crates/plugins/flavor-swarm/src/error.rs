//! What can go wrong in flavor-swarm, and how it reaches the group controller.

use infrakit_docker::DockerError;
use infrakit_spi::Error;

/// A flavor-swarm error.
#[derive(Debug, thiserror::Error)]
pub enum SwarmFlavorError {
    /// A property or the allocation was rejected; `field` names it as the user wrote it.
    #[error("invalid {field}: {message}")]
    Invalid {
        /// The field, e.g. `Properties.Docker` or `Allocation.LogicalIDs[1]`.
        field: String,
        /// Why (InfraKit v0.5's own words where it had a check).
        message: String,
    },
    /// The Docker engine named by `Properties.Docker` could not be reached or refused a call.
    #[error("swarm at {host}: {source}")]
    Docker {
        /// The engine address.
        host: String,
        /// The client's error.
        #[source]
        source: DockerError,
    },
    /// The init script template could not be loaded or rendered.
    #[error("init script template {url}: {message}")]
    Template {
        /// Where the template came from (`str://flavor-swarm/manager` for the default one).
        url: String,
        /// The template engine's error.
        message: String,
    },
    /// A change to the swarm was not made because it would lose the managers' quorum (or could not be judged).
    #[error("swarm at {host}: {message}")]
    Unsafe {
        /// The engine address.
        host: String,
        /// What was not done and why.
        message: String,
    },
    /// The swarm's nodes are not what the call needs (the instance's node is missing, or several carry its link).
    #[error("swarm at {host}: {message}")]
    Nodes {
        /// The engine address.
        host: String,
        /// What was found.
        message: String,
    },
    /// Work on tokio's blocking pool did not finish (the runtime is shutting down).
    #[error("flavor-swarm: {0}")]
    Task(String),
}

impl SwarmFlavorError {
    /// An `Invalid` error for `field`.
    pub fn invalid(field: impl Into<String>, message: impl std::fmt::Display) -> SwarmFlavorError {
        SwarmFlavorError::Invalid { field: field.into(), message: message.to_string() }
    }

    /// A `Docker` error of a call to the engine at `host`.
    pub fn docker(host: &str, source: DockerError) -> SwarmFlavorError {
        SwarmFlavorError::Docker { host: host.to_string(), source }
    }
}

impl From<SwarmFlavorError> for Error {
    fn from(e: SwarmFlavorError) -> Error {
        match e {
            SwarmFlavorError::Invalid { field, message } => Error::Invalid { field, message },
            SwarmFlavorError::Docker { ref source, .. } if source.is_unreachable() => Error::Unavailable(e.to_string()),
            other => Error::Failed(other.to_string()),
        }
    }
}
