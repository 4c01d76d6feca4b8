//! Instance plugins a group has moved away from. When a commit changes `Instance.Plugin`, the instances in the old
//! plugin are outdated members like any other: they are listed through the old plugin, rolled, and destroyed there.
//! A retired plugin is forgotten once it lists none of the group's instances.

use crate::config::GroupConfig;
use crate::rollout::Rollout;
use std::sync::Arc;

/// The configs whose instance plugins may still hold instances of the group. Never one of the current instance
/// plugin: every change is told the config in force, and a plugin that is current again is no longer retired.
#[derive(Debug, Clone, Default)]
pub struct Retired {
    configs: Vec<Arc<GroupConfig>>,
}

impl Retired {
    /// Remembers `old` when `new` names another instance plugin.
    pub fn on_update(&mut self, old: &GroupConfig, new: &GroupConfig) {
        self.remember(old, new);
    }

    /// Remembers the spec a stored rollout rolls away from, when its instance plugin differs from `current`'s (a
    /// new leader or a restarted controller learns of the old plugin this way).
    pub fn from_rollout(&mut self, rollout: Option<&Rollout>, current: &GroupConfig) {
        let previous = rollout.and_then(|r| r.previous.as_ref()).and_then(|p| GroupConfig::parse(p).ok());
        match previous {
            Some(old) => self.remember(&old, current),
            None => self.drop_current(current),
        }
    }

    /// Remembers the retired specs a previous controller stored (see [`crate::model::InFlight`]).
    pub fn restore(&mut self, specs: &[infrakit_spi::group::Spec], current: &GroupConfig) {
        for spec in specs {
            match GroupConfig::parse(spec) {
                Ok(old) => self.remember(&old, current),
                Err(e) => tracing::warn!(group = %spec.id, error = %e, "a stored former spec cannot be read"),
            }
        }
        self.drop_current(current);
    }

    /// Remembers `old` unless its instance plugin is `current`'s, and forgets `current`'s plugin.
    fn remember(&mut self, old: &GroupConfig, current: &GroupConfig) {
        if !self.configs.iter().any(|c| c.instance.plugin == old.instance.plugin) {
            self.configs.push(Arc::new(old.clone()));
        }
        self.drop_current(current);
    }

    fn drop_current(&mut self, current: &GroupConfig) {
        self.configs.retain(|c| c.instance.plugin != current.instance.plugin);
    }

    /// The retired configs, oldest first.
    pub fn configs(&self) -> &[Arc<GroupConfig>] {
        &self.configs
    }

    /// Forgets a retired plugin (it lists none of the group's instances any more).
    pub fn forget(&mut self, plugin: &infrakit_spi::plugin::Name) {
        self.configs.retain(|c| &c.instance.plugin != plugin);
    }

    /// True when `plugin` is retired.
    pub fn contains(&self, plugin: &infrakit_spi::plugin::Name) -> bool {
        self.configs.iter().any(|c| &c.instance.plugin == plugin)
    }

    /// Copies of the retired configs, oldest first.
    pub fn to_configs(&self) -> Vec<GroupConfig> {
        self.configs.iter().map(|c| c.as_ref().clone()).collect()
    }

    /// True when nothing is retired.
    pub fn is_empty(&self) -> bool {
        self.configs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrakit_spi::Any;

    fn cfg(plugin: &str) -> GroupConfig {
        let props = format!(
            r#"{{"Allocation":{{"Size":1}},"Instance":{{"Plugin":"{plugin}","Properties":{{}}}},
                "Flavor":{{"Plugin":"f","Properties":{{}}}}}}"#
        );
        let spec = infrakit_spi::group::Spec {
            id: infrakit_spi::group::Id("g".into()),
            properties: Some(Any::from_json(&props).expect("spec")),
        };
        GroupConfig::parse(&spec).expect("config")
    }

    fn plugins(r: &Retired) -> Vec<String> {
        r.configs().iter().map(|c| c.instance.plugin.to_string()).collect()
    }

    #[test]
    fn the_current_plugin_is_never_retired() {
        let (x, y) = (cfg("x"), cfg("y"));
        let mut r = Retired::default();
        r.on_update(&x, &y);
        assert_eq!(plugins(&r), ["x"]);
        // An automatic rollback back to x: its rollout rolls away from y; x is current again.
        let back = Rollout::begin(&x, crate::rollout::Start::Rollback { from: y.spec.clone() }, 0);
        r.from_rollout(Some(&back), &x);
        assert_eq!(plugins(&r), ["y"]);
        // Restored from the store while x runs.
        let mut restored = Retired::default();
        restored.restore(&[x.spec.clone(), y.spec.clone()], &x);
        assert_eq!(plugins(&restored), ["y"]);
        assert!(restored.contains(&y.instance.plugin) && !restored.contains(&x.instance.plugin));
    }
}
