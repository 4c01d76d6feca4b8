//! `Instance/0.5.0`: provisions, labels, lists and destroys instances; pushes "instances may have changed" on
//! [`CHANGES_TOPIC`].

mod changes;
mod client;
mod encoded;
mod service;

pub use client::InstanceClient;
pub use service::InstanceService;

pub(crate) use changes::ChangesSource;

use crate::methods::method_table;
use infrakit_spi::plugin::versions;

method_table! {
    /// The methods of `Instance/0.5.0`.
    pub enum Method for versions::INSTANCE_API {
        /// Checks properties, with no side effect.
        Validate,
        /// Creates an instance.
        Provision,
        /// Merges tags into an instance's.
        Label,
        /// Destroys an instance.
        Destroy,
        /// Lists the instances carrying all the given tags.
        DescribeInstances,
        /// How long a new instance may be missing from listings (an extension InfraKit v0.5's plugins lack).
        ListingLag,
        /// Checks a prepared spec before any instance is made from it (an extension InfraKit v0.5's plugins lack).
        ValidateSpec,
    }
}

/// The event topic on which an instance plugin pushes "instances may have changed".
pub const CHANGES_TOPIC: &str = "instance/changes";
