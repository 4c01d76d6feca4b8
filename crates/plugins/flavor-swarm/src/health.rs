//! `Healthy` and `Quorum` from the listed nodes (no I/O here).

use crate::link::Link;
use crate::node;
use crate::role::Role;
use infrakit_docker::models::Node;
use infrakit_spi::flavor::{Health, Quorum};
use infrakit_spi::instance::Description;
use std::collections::BTreeSet;

/// The health of an instance whose engine label matched `nodes`: none is unknown (not joined yet); otherwise
/// healthy when a matching node is `ready` and, for a manager, `reachable` (v0.5 said healthy for any match).
pub fn of_nodes(nodes: &[Node], role: Role) -> Health {
    if nodes.is_empty() {
        return Health::Unknown;
    }
    if nodes.len() > 1 {
        let ids: Vec<&str> = nodes.iter().map(node::id).collect();
        tracing::warn!(nodes = ?ids, "flavor-swarm: more than one node carries the instance's link label");
    }
    let fine = |n: &Node| node::is_ready(n) && (role == Role::Worker || node::is_reachable(n));
    if nodes.iter().any(fine) {
        Health::Healthy
    } else {
        Health::Unhealthy
    }
}

/// The managers' quorum: healthy when every instance's node is a ready, reachable manager, a leader is among them
/// and the swarm has no other manager (a stale entry still counts in the Raft quorum); the leader is the instance
/// whose node leads.
pub fn quorum(instances: &[Description], nodes: &[Node]) -> Quorum {
    let mut matched = BTreeSet::new();
    let mut whole = !instances.is_empty();
    let mut leader = None;
    for instance in instances {
        let node = Link::value_in(&instance.tags).and_then(|l| nodes.iter().find(|n| node::link(n) == Some(l)));
        match node {
            Some(n) => {
                matched.insert(node::id(n));
                whole &= node::is_manager(n) && node::is_ready(n) && node::is_reachable(n);
                if node::is_leader(n) {
                    leader = Some(instance.id.clone());
                }
            }
            None => whole = false,
        }
    }
    let others = nodes.iter().filter(|n| node::is_manager(n) && !matched.contains(node::id(n))).count();
    Quorum { healthy: whole && others == 0 && leader.is_some(), leader }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::LINK_LABEL;
    use crate::node::fake::{leader, node};
    use infrakit_docker::models::{NodeState::*, Reachability::*};
    use infrakit_spi::instance::Id;

    fn inst(id: &str, link: &str) -> Description {
        Description {
            id: Id(id.into()),
            tags: [(LINK_LABEL.to_string(), link.to_string())].into(),
            ..Default::default()
        }
    }

    #[test]
    fn health_follows_state_and_reachability() {
        assert_eq!(of_nodes(&[], Role::Worker), Health::Unknown);
        assert_eq!(of_nodes(&[node("a", "1.1.1.1", READY, None, "l")], Role::Worker), Health::Healthy);
        assert_eq!(of_nodes(&[node("a", "1.1.1.1", DOWN, None, "l")], Role::Worker), Health::Unhealthy);
        let unreachable = node("a", "1.1.1.1", READY, Some(UNREACHABLE), "l");
        assert_eq!(of_nodes(std::slice::from_ref(&unreachable), Role::Manager), Health::Unhealthy);
        assert_eq!(of_nodes(&[unreachable], Role::Worker), Health::Healthy);
    }

    #[test]
    fn quorum_needs_every_member_and_no_stale_manager() {
        let a = leader(node("na", "10.0.0.1", READY, Some(REACHABLE), "la"));
        let b = node("nb", "10.0.0.2", READY, Some(REACHABLE), "lb");
        let c = node("nc", "10.0.0.3", READY, Some(REACHABLE), "lc");
        let worker = node("nw", "10.0.0.9", READY, None, "lw");
        let insts = [inst("ia", "la"), inst("ib", "lb"), inst("ic", "lc")];
        let q = quorum(&insts, &[a.clone(), b.clone(), c.clone(), worker]);
        assert!(q.healthy);
        assert_eq!(q.leader, Some(Id("ia".into())));
        let stale = node("old", "10.0.0.3", DOWN, Some(UNREACHABLE), "gone");
        let q = quorum(&insts, &[a.clone(), b.clone(), c, stale]);
        assert!(!q.healthy, "a stale manager still counts in the Raft quorum");
        assert_eq!(q.leader, Some(Id("ia".into())));
        assert!(!quorum(&insts, &[a, b]).healthy, "a member is missing");
        assert!(!quorum(&[], &[]).healthy);
    }
}
