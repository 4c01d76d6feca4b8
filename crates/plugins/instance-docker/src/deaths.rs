//! Deaths the engine announced before its listing shows them. Docker 20.10 sends `die` before it updates the view
//! its container listing reads (some 100 ms later here), so a controller that lists at once would still see the
//! dead container running. A container this plugin started without a restart policy is dead once `die` arrives:
//! it is left out of listings from then on (until the engine's listing agrees, at most a few seconds). A container
//! that Docker may restart, or that the plugin did not start, is left to the engine's listing.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// What the plugin knows of its containers' deaths.
#[derive(Default)]
pub(crate) struct Deaths {
    /// Containers started by this plugin: whether Docker restarts them when they exit.
    restarts: Mutex<HashMap<String, bool>>,
    /// Containers that died, and that the engine's listing may still show as live.
    dead: Mutex<HashSet<String>>,
}

impl Deaths {
    /// The plugin started container `id` (full ID) with or without a restart policy.
    pub(crate) fn started(&self, id: &str, restarts: bool) {
        if let Ok(mut m) = self.restarts.lock() {
            m.insert(id.to_string(), restarts);
        }
    }

    /// The engine said `id` died; true when it is known to be dead for good (started here, no restart policy).
    pub(crate) fn died(&self, id: &str) -> bool {
        let final_death = self.restarts.lock().map(|m| m.get(id) == Some(&false)).unwrap_or(false);
        if final_death {
            if let Ok(mut d) = self.dead.lock() {
                d.insert(id.to_string());
            }
        }
        final_death
    }

    /// The engine's listing caught up with the death of `id` (or gave up waiting).
    pub(crate) fn settled(&self, id: &str) {
        if let Ok(mut d) = self.dead.lock() {
            d.remove(id);
        }
    }

    /// `id` was removed.
    pub(crate) fn removed(&self, id: &str) {
        self.settled(id);
        if let Ok(mut m) = self.restarts.lock() {
            m.remove(id);
        }
    }

    /// True when `id` died and the listing may not know yet.
    pub(crate) fn is_dead(&self, id: &str) -> bool {
        self.dead.lock().map(|d| d.contains(id)).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_final_deaths_of_our_containers_count() {
        let d = Deaths::default();
        d.started("a", false);
        d.started("b", true);
        assert!(d.died("a") && d.is_dead("a"));
        assert!(!d.died("b") && !d.is_dead("b"), "Docker restarts it");
        assert!(!d.died("c") && !d.is_dead("c"), "not ours: the listing decides");
        d.settled("a");
        assert!(!d.is_dead("a"));
        d.removed("a");
        assert!(!d.died("a"), "forgotten");
    }
}
