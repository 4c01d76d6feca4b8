//! `Metadata/0.1.0`: a read-only tree of values. Typed objects are addressed by the first path segment (requests
//! carry no `Type`), as in InfraKit v0.5.

mod client;
mod service;

pub use client::MetadataClient;
pub use service::MetadataService;

use crate::methods::method_table;
use infrakit_spi::plugin::versions;

method_table! {
    /// The methods of `Metadata/0.1.0`.
    pub enum Method for versions::METADATA_API {
        /// The names of a node's children.
        List,
        /// A node's value.
        Get,
    }
}
