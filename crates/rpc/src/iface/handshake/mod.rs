//! `Handshake/0.1.0`: the interfaces a socket implements (`Implements`) and the sub-types of each (`Types`).

mod client;
mod service;

pub use client::PluginClient;
pub use service::HandshakeService;

use crate::methods::method_table;
use infrakit_spi::plugin::versions;

method_table! {
    /// The methods of `Handshake/0.1.0`.
    pub enum Method for versions::HANDSHAKE_API {
        /// The interfaces served on the socket: `{"APIs":[{"Name","Version"}…]}`.
        Implements,
        /// The sub-types of each interface: `{"Types":{"Name/Version":[…]}}` (InfraKit v0.5).
        Types,
    }
}

/// The name InfraKit v0.1–v0.2 gave the handshake service (`Plugin.Implements`); still answered.
pub const LEGACY_NAME: &str = "Plugin";
