//! Instance plugins a group has moved away from. When a commit changes `Instance.Plugin`, the instances in the old
//! plugin are outdated members like any other: they are listed through the old plugin, rolled, and destroyed there.
//! A retired plugin is forgotten once it lists none of the group's instances.

use crate::config::GroupConfig;
use crate::rollout::Rollout;
use std::sync::Arc;

/// The configs whose instance plugins may still hold instances of the group.
#[derive(Debug, Clone, Default)]
pub struct Retired {
    configs: Vec<Arc<GroupConfig>>,
}

impl Retired {
    /// Remembers `old` when `new` names another instance plugin.
    pub fn on_update(&mut self, old: &GroupConfig, new: &GroupConfig) {
        if old.instance.plugin != new.instance.plugin {
            self.add(old);
        }
        self.configs.retain(|c| c.instance.plugin != new.instance.plugin);
    }

    /// Remembers the spec a stored rollout rolls away from, when its instance plugin differs from `current`'s (a
    /// new leader or a restarted controller learns of the old plugin this way).
    pub fn from_rollout(&mut self, rollout: Option<&Rollout>, current: &GroupConfig) {
        let Some(previous) = rollout.and_then(|r| r.previous.as_ref()) else { return };
        if let Ok(old) = GroupConfig::parse(previous) {
            if old.instance.plugin != current.instance.plugin {
                self.add(&old);
            }
        }
    }

    /// Remembers the retired specs a previous controller stored (see [`crate::model::InFlight`]).
    pub fn restore(&mut self, specs: &[infrakit_spi::group::Spec], current: &GroupConfig) {
        for spec in specs {
            match GroupConfig::parse(spec) {
                Ok(old) if old.instance.plugin != current.instance.plugin => self.add(&old),
                Ok(_) => {}
                Err(e) => tracing::warn!(group = %spec.id, error = %e, "a stored former spec cannot be read"),
            }
        }
    }

    fn add(&mut self, cfg: &GroupConfig) {
        if !self.configs.iter().any(|c| c.instance.plugin == cfg.instance.plugin) {
            self.configs.push(Arc::new(cfg.clone()));
        }
    }

    /// The retired configs, oldest first.
    pub fn configs(&self) -> &[Arc<GroupConfig>] {
        &self.configs
    }

    /// Forgets a retired plugin (it lists none of the group's instances any more).
    pub fn forget(&mut self, plugin: &infrakit_spi::plugin::Name) {
        self.configs.retain(|c| &c.instance.plugin != plugin);
    }

    /// True when nothing is retired.
    pub fn is_empty(&self) -> bool {
        self.configs.is_empty()
    }
}
