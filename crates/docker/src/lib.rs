//! The Docker Engine client every InfraKit part that talks to Docker shares (the `instance-docker` plugin, the Swarm
//! leadership, flavor-swarm): [`Docker`] connects to a unix socket path or a tcp URL, negotiates the API version with
//! the engine on first use (the engine may be older than the client's models: 20.10 speaks API 1.41), and answers
//! with typed errors ([`DockerError`]) that say whether the engine was unreachable, the object missing, or the
//! request refused.
//!
//! Every connection is fresh (no idle pool), so an engine that restarted is reached again by the next call; a
//! broken event stream ends and is re-subscribed by its reader ([`Docker::events`]).
//!
//! The Engine API models are bollard's, re-exported as [`models`] and [`query`].

mod client;
mod containers;
mod error;
mod events;
mod host;
mod nodes;
mod objects;
mod swarm;

pub use client::Docker;
pub use containers::ExecOutput;
pub use error::DockerError;
pub use host::Host;

/// The Engine API's types (bollard's models), e.g. [`models::ContainerCreateBody`].
pub use bollard::models;
/// Query parameters of the Engine API's calls (bollard's), e.g. [`query::ListContainersOptions`].
pub use bollard::query_parameters as query;

/// A result whose error is a [`DockerError`].
pub type Result<T, E = DockerError> = std::result::Result<T, E>;

/// The default engine address.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";
