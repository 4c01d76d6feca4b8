//! `Flavor/0.1.0`: checks and rewrites instance specs, judges health, drains before a destroy.

mod client;
pub mod quorum;
mod service;

pub use client::FlavorClient;
pub use quorum::FlavorQuorumService;
pub use service::FlavorService;

use crate::methods::method_table;
use infrakit_spi::plugin::versions;

method_table! {
    /// The methods of `Flavor/0.1.0`.
    pub enum Method for versions::FLAVOR_API {
        /// Checks properties against the group's allocation.
        Validate,
        /// Rewrites an instance spec before it is provisioned.
        Prepare,
        /// Judges an instance's health.
        Healthy,
        /// Runs before an instance is destroyed.
        Drain,
    }
}
