//! `Handshake.*` (and legacy `Plugin.Implements`) bodies.

use infrakit_spi::plugin::InterfaceSpec;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `Handshake.Implements` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImplementsResponse {
    /// The interfaces served on this socket.
    #[serde(rename = "APIs", default)]
    pub apis: Vec<InterfaceSpec>,
}

/// `Handshake.Types` result: `Name/Version` → sorted sub-types, `"."` for the default object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TypesResponse {
    /// Sub-types per interface.
    #[serde(rename = "Types", default)]
    pub types: BTreeMap<String, Vec<String>>,
}
