//! What can go wrong serving or following the HTTP surfaces.

use thiserror::Error;

/// An error of the web server or of a client of it.
#[derive(Debug, Error)]
pub enum WebError {
    /// `--http` is not an address.
    #[error("--http {given:?} is not an address: give host:port with an IP address or localhost, e.g. 127.0.0.1:8080")]
    BadAddress {
        /// What was given.
        given: String,
    },
    /// `--http` names an address other hosts can reach, and that was not allowed.
    #[error(
        "--http {addr} would serve the web view, its rollout controls and /metrics to the network, without \
         authentication: use a loopback address (e.g. 127.0.0.1:{port}), or add --http-allow-remote if every host \
         that can reach {addr} is trusted"
    )]
    NotLoopback {
        /// The address.
        addr: std::net::SocketAddr,
        /// Its port.
        port: u16,
    },
    /// The address cannot be listened on.
    #[error("cannot listen on {addr} for --http: {source} (is another process using the port? pick another one)")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server at an address cannot be reached or does not serve `/events`.
    #[error("following http://{addr}/events: {why} (is `infrakit up --http {addr}` or `infrakit manager start --http {addr}` running?)")]
    Follow {
        /// The address.
        addr: String,
        /// Why.
        why: String,
    },
}
