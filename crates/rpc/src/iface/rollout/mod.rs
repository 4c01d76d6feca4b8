//! The rollout controls (pause, resume, roll back, status): extension methods of `Group/0.1.0`, so a group plugin
//! lists exactly the interfaces InfraKit v0.5's does (`Group`, `Metadata`); v0.5's clients never call them.

mod client;
mod service;

pub use service::GroupControlService;

use crate::methods::method_table;
use infrakit_spi::plugin::versions;

method_table! {
    /// The rollout controls, sent as `Group.<Method>`; each takes `{"ID":"<group>"}`.
    pub enum Method extends versions::GROUP_API {
        /// Pauses the group's rollout.
        PauseRollout,
        /// Resumes it (and releases a canary's hold).
        ResumeRollout,
        /// Rolls back to the spec before the rollout.
        RollbackRollout,
        /// The group's status: counts, rollout, notes.
        GroupStatus,
    }
}
