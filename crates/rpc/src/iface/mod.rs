//! One module per interface, each with its method table (`Method`, the names written once), its service and its
//! client. Names and versions come from `infrakit_spi::plugin::versions`.
//!
//! | module | interface | service | client |
//! |---|---|---|---|
//! | [`handshake`] | `Handshake/0.1.0` (and v0.2's `Plugin`) | [`HandshakeService`](handshake::HandshakeService) | [`PluginClient`](handshake::PluginClient) |
//! | [`instance`] | `Instance/0.5.0` | [`InstanceService`](instance::InstanceService) | [`InstanceClient`](instance::InstanceClient) |
//! | [`flavor`] | `Flavor/0.1.0` | [`FlavorService`](flavor::FlavorService) | [`FlavorClient`](flavor::FlavorClient) |
//! | [`group`] | `Group/0.1.0` | [`GroupService`](group::GroupService) | [`GroupClient`](group::GroupClient) |
//! | [`rollout`] | extension methods of `Group/0.1.0` | [`GroupControlService`](rollout::GroupControlService) | [`GroupClient`](group::GroupClient) |
//! | [`manager`] | `Manager/0.1.0` | [`ManagerService`](manager::ManagerService) | [`ManagerClient`](manager::ManagerClient) |
//! | [`metadata`] | `Metadata/0.1.0` | [`MetadataService`](metadata::MetadataService) | [`MetadataClient`](metadata::MetadataClient) |

pub mod flavor;
pub mod group;
pub mod handshake;
pub mod instance;
pub mod manager;
pub mod metadata;
pub mod rollout;
