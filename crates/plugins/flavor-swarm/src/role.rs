//! The two sub-types of the plugin: `flavor-swarm/manager` and `flavor-swarm/worker`.

use crate::templates;

/// What an instance of the group is in the swarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A manager: a pet (its logical ID is its address), one of an odd number that keeps the Raft quorum.
    Manager,
    /// A worker: cattle.
    Worker,
}

impl Role {
    /// The sub-type name (`manager`, `worker`), also the last part of the link context.
    pub fn name(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Worker => "worker",
        }
    }

    /// InfraKit v0.5's default init script template of the role, with the rejoin guard.
    pub fn default_template(self) -> &'static str {
        match self {
            Role::Manager => templates::DEFAULT_MANAGER_INIT,
            Role::Worker => templates::DEFAULT_WORKER_INIT,
        }
    }

    /// The URL the default template is known by in errors.
    pub fn default_template_url(self) -> &'static str {
        match self {
            Role::Manager => "str://flavor-swarm/manager-init",
            Role::Worker => "str://flavor-swarm/worker-init",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
