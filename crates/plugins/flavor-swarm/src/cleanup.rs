//! Stale manager entries, and demoting and removing a manager without losing the quorum.
//!
//! Swarmkit never drops a dead manager by itself: measured on Docker 20.10, a fresh engine that joins as a manager
//! at the address of a `down` manager becomes a new Raft member beside it (4 members of which 3 are up for a group
//! of 3: one more failure loses the quorum). So the flavor removes such an entry, demoted first (a down manager
//! can be demoted, then removed). Its Raft reachability says little then: Raft probes by address, so once the
//! successor answers at that address the dead entry may show `Reachable` for good (measured: sometimes
//! `Unreachable`, sometimes `Reachable`, depending on timing). A manager entry is stale when it is `down` and either
//!
//! - another node at its address is `ready`: its successor joined fresh, so no engine will ever come back on the
//!   old entry's data at that address; or
//! - its address is not in the newest allocation of the group this flavor validated or prepared (the group
//!   shrank) and it carries an `infrakit-link` engine label (it is one of ours).
//!
//! Never otherwise: a down manager whose address is still a logical ID of the group may come back on its engine
//! data (same node ID) and rejoin, and removing its entry first leaves that engine stuck `pending` for good
//! (measured: "The swarm does not have a leader" in a loop until `docker swarm leave --force`). Removing a member
//! that is down never costs the quorum (the reachable managers stay, the majority needed shrinks); it is still
//! checked, as for any demotion.

use crate::error::SwarmFlavorError;
use crate::node;
use infrakit_docker::models::Node;
use infrakit_docker::{Docker, DockerError};
use std::time::Duration;

/// How often a removal is tried while the demotion takes effect, and the wait in between.
const REMOVE_ATTEMPTS: u32 = 20;
const REMOVE_RETRY: Duration = Duration::from_millis(500);

/// The stale manager entries of `nodes` (see the module doc). `allocation` is the newest list of the group's
/// logical IDs, if known.
pub fn stale_managers<'a>(nodes: &'a [Node], allocation: Option<&[String]>) -> Vec<&'a Node> {
    nodes
        .iter()
        .filter(|n| node::is_manager(n) && node::is_down(n))
        .filter(|n| {
            let Some(addr) = node::address(n) else { return false };
            let succeeded = nodes.iter().any(|m| {
                node::id(m) != node::id(n)
                    && node::is_ready(m)
                    && node::address(m).is_some_and(|a| node::same_address(&a, &addr))
            });
            let dropped = allocation.is_some_and(|ids| !ids.iter().any(|l| node::same_address(l, &addr)))
                && node::link(n).is_some();
            succeeded || dropped
        })
        .collect()
}

/// Whether demoting `removed` managers of `nodes` (of which `reachable_removed` are reachable) keeps a majority of
/// the remaining managers reachable.
pub fn keeps_quorum(nodes: &[Node], removed: usize, reachable_removed: usize) -> bool {
    let managers = nodes.iter().filter(|n| node::is_manager(n)).count();
    // A down manager may still look reachable: its Raft address answers when a successor took it over.
    let reachable = nodes.iter().filter(|n| node::is_reachable(n) && !node::is_down(n)).count();
    let (managers, reachable) = (managers.saturating_sub(removed), reachable.saturating_sub(reachable_removed));
    managers > 0 && 2 * reachable > managers
}

/// Demotes and removes the stale manager entries of `nodes`; how many were removed. Failures are logged and
/// left for the next call.
pub async fn remove_stale(docker: &Docker, nodes: &[Node], allocation: Option<&[String]>) -> usize {
    let stale = stale_managers(nodes, allocation);
    if stale.is_empty() {
        return 0;
    }
    if !keeps_quorum(nodes, stale.len(), 0) {
        tracing::warn!(host = %docker.host(), stale = stale.len(), "flavor-swarm: stale managers left: removing them would lose the quorum");
        return 0;
    }
    let mut removed = 0;
    for n in stale {
        let addr = node::address(n).unwrap_or_default();
        match demote_and_remove(docker, n, false).await {
            Ok(()) => {
                tracing::info!(host = %docker.host(), node = %node::id(n), address = %addr, "flavor-swarm: stale manager demoted and removed");
                removed += 1;
            }
            Err(e) => {
                tracing::warn!(host = %docker.host(), node = %node::id(n), error = %e, "flavor-swarm: stale manager not removed")
            }
        }
    }
    removed
}

/// Demotes `target` (a manager; a worker is only removed), then removes it (`force`: also while its engine runs).
/// The removal is retried while the demotion takes effect.
pub async fn demote_and_remove(docker: &Docker, target: &Node, force: bool) -> Result<(), SwarmFlavorError> {
    let id = node::id(target).to_string();
    let err = |e| SwarmFlavorError::docker(docker.host(), e);
    if node::is_manager(target) {
        demote(docker, &id).await?;
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        match docker.remove_node(&id, force).await {
            Ok(()) => return Ok(()),
            // Still a Raft member (the demotion is being carried out), or not down yet.
            Err(DockerError::Refused { .. } | DockerError::Conflict { .. }) if attempt < REMOVE_ATTEMPTS => {
                tokio::time::sleep(REMOVE_RETRY).await;
            }
            Err(e) => return Err(err(e)),
        }
    }
}

/// Sets the node's role to worker, at its current version (inspected again on a version conflict).
async fn demote(docker: &Docker, id: &str) -> Result<(), SwarmFlavorError> {
    let err = |e| SwarmFlavorError::docker(docker.host(), e);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = docker.node(id).await.map_err(err)?;
        match docker.demote_node(&current).await {
            Ok(()) => return Ok(()),
            Err(e @ (DockerError::Refused { .. } | DockerError::Conflict { .. })) if attempt >= 3 => {
                return Err(err(e))
            }
            Err(DockerError::Refused { .. } | DockerError::Conflict { .. }) => tokio::time::sleep(REMOVE_RETRY).await,
            Err(e) => return Err(err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::fake::node;
    use infrakit_docker::models::{NodeState::*, Reachability::*};

    #[test]
    fn only_a_succeeded_or_dropped_manager_is_stale() {
        let a = node("a", "10.0.0.1", READY, Some(REACHABLE), "la");
        let b = node("b", "10.0.0.2", READY, Some(REACHABLE), "lb");
        let old_c = node("old", "10.0.0.3", DOWN, Some(UNREACHABLE), "lold");
        // Raft may see it reachable at its address once its successor answers there: stale all the same.
        let ghost = node("old", "10.0.0.3", DOWN, Some(REACHABLE), "lold");
        let new_c = node("new", "10.0.0.3", READY, Some(REACHABLE), "lnew");
        assert_eq!(stale_managers(&[a.clone(), b.clone(), ghost.clone(), new_c.clone()], None).len(), 1);
        assert!(keeps_quorum(&[a.clone(), b.clone(), ghost, new_c.clone()], 1, 0));
        let group: Vec<String> = ["10.0.0.1", "10.0.0.2", "10.0.0.3"].map(String::from).to_vec();
        // The lost manager alone: it may come back on its data.
        let nodes = [a.clone(), b.clone(), old_c.clone()];
        assert!(stale_managers(&nodes, Some(&group)).is_empty());
        assert!(stale_managers(&nodes, None).is_empty());
        // Its successor joined fresh at its address: the old entry goes.
        let nodes = [a.clone(), b.clone(), old_c.clone(), new_c.clone()];
        let stale: Vec<&str> = stale_managers(&nodes, None).into_iter().map(node::id).collect();
        assert_eq!(stale, ["old"]);
        // The group shrank to two addresses (a test of the rule, not a valid manager group).
        let nodes = [a.clone(), b.clone(), old_c.clone()];
        let two: Vec<String> = ["10.0.0.1", "10.0.0.2"].map(String::from).to_vec();
        assert_eq!(stale_managers(&nodes, Some(&two)).len(), 1);
        // A successor still booting (not ready) does not make the old entry stale.
        let booting = node("new", "10.0.0.3", infrakit_docker::models::NodeState::UNKNOWN, None, "lnew");
        assert!(stale_managers(&[a.clone(), b.clone(), old_c.clone(), booting], Some(&group)).is_empty());
        // Quorum arithmetic: 4 members, 3 reachable.
        let nodes = [a, b, old_c, new_c];
        assert!(keeps_quorum(&nodes, 1, 0));
        assert!(keeps_quorum(&nodes, 1, 1), "3 members, 2 reachable");
        assert!(!keeps_quorum(&nodes, 2, 2), "2 members, 1 reachable");
    }
}
