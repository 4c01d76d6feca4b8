//! `Manager/0.1.0`: InfraKit's `IsLeader`, plus `Status`, `History` and `RollbackTo` (extensions v0.5's clients
//! never call). A manager replica serves it beside `Group` and `Metadata`.

mod client;
mod service;

pub use client::ManagerClient;
pub use service::ManagerService;

use crate::methods::method_table;
use infrakit_spi::plugin::versions;

method_table! {
    /// The methods of `Manager/0.1.0`.
    pub enum Method for versions::MANAGER_API {
        /// Whether this replica leads.
        IsLeader,
        /// The replica's status (an extension).
        Status,
        /// A group's stored spec versions (an extension).
        History,
        /// Commits a stored version again (an extension).
        RollbackTo,
    }
}
