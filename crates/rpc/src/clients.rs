//! Typed clients: each implements an SPI trait by calling a remote plugin, so callers cannot tell a remote plugin
//! from an in-process one. They live with their interface in [`crate::iface`]; all are named here.

pub use crate::iface::flavor::FlavorClient;
pub use crate::iface::group::GroupClient;
pub use crate::iface::handshake::PluginClient;
pub use crate::iface::instance::InstanceClient;
pub use crate::iface::manager::ManagerClient;
pub use crate::iface::metadata::MetadataClient;
