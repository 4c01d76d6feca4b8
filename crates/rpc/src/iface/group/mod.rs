//! `Group/0.1.0`: commits, describes, frees and destroys groups. The rollout controls are extension methods of
//! this interface (see [`rollout`](super::rollout)), served beside it on the same socket.

mod client;
mod service;

pub use client::GroupClient;
pub use service::GroupService;

use crate::methods::method_table;
use infrakit_spi::plugin::versions;

method_table! {
    /// The methods of `Group/0.1.0`, as InfraKit v0.5's.
    pub enum Method for versions::GROUP_API {
        /// Validates a spec and manages the group (or, with `Pretend`, says what it would do).
        CommitGroup,
        /// Stops managing the group, leaving its instances.
        FreeGroup,
        /// Describes the group's instances.
        DescribeGroup,
        /// Stops managing the group and destroys its instances.
        DestroyGroup,
        /// Lists the specs of the managed groups.
        InspectGroups,
    }
}
