//! InfraKit's plugin transport: JSON-RPC 2.0 over HTTP/1.1 on UNIX sockets (TCP only with mutual TLS, [`tls`]),
//! wire-compatible with InfraKit v0.5. A [`server::ServerBuilder`] mounts SPI trait objects on a socket; [`iface`]
//! holds one module per interface (its method table, service and client); the typed clients implement the SPI
//! traits over the wire;
//! [`discovery`] finds plugins in the plugins directory; [`lookup::Registry`] resolves names to in-process or remote
//! plugins alike. Beside JSON-RPC a server serves event topics ([`events`]) and added routes ([`routes`]).

pub mod client;
pub mod clients;
pub mod discovery;
pub mod dispatch;
pub mod events;
pub mod iface;
pub mod info;
pub mod lookup;
pub mod messages;
pub mod methods;
pub mod objects;
pub mod routes;
pub mod server;
pub mod services;
pub mod tls;

pub use client::{RpcClient, Target};
pub use discovery::{Discovery, Endpoint};
pub use lookup::Registry;
pub use server::{Server, ServerBuilder};
