//! `Drain`: a worker's node is removed; a manager's is demoted and removed only when the group shrinks.

use crate::error::SwarmFlavorError;
use crate::link::{self, Link};
use crate::properties::SwarmProperties;
use crate::role::Role;
use crate::{cleanup, node, SwarmFlavor};
use infrakit_spi::instance::Description;

impl SwarmFlavor {
    /// Drains the instance's node (see the crate doc for when a manager keeps its entry).
    pub(crate) async fn drain_node(
        &self,
        props: &SwarmProperties,
        instance: &Description,
    ) -> Result<(), SwarmFlavorError> {
        let Some(value) = Link::value_in(&instance.tags) else {
            return Err(SwarmFlavorError::invalid(
                "Tags",
                format!("Unable to drain {} without an association tag", instance.id),
            ));
        };
        let docker = self.shared.clients.get(props)?;
        let nodes = docker
            .nodes_with_engine_label(link::LINK_LABEL, value)
            .await
            .map_err(|e| SwarmFlavorError::docker(docker.host(), e))?;
        let target = match (nodes.as_slice(), self.role) {
            ([n], _) => n,
            ([], Role::Manager) => {
                tracing::info!(instance = %instance.id, "flavor-swarm: drain: no node carries the instance's link");
                return Ok(());
            }
            ([], Role::Worker) => {
                return Err(SwarmFlavorError::Nodes {
                    host: docker.host().to_string(),
                    message: format!("Unable to drain {}, not found in swarm", instance.id),
                })
            }
            (_, _) => {
                return Err(SwarmFlavorError::Nodes {
                    host: docker.host().to_string(),
                    message: format!("Expected at most one node with label {value}, but found {}", nodes.len()),
                })
            }
        };
        if self.role == Role::Worker {
            return cleanup::demote_and_remove(&docker, target, true).await;
        }
        let address = instance.logical_id.as_ref().map(|l| l.0.clone()).or_else(|| node::address(target));
        let listed = self
            .remembered(props)
            .is_none_or(|ids| address.as_deref().is_none_or(|a| ids.iter().any(|l| node::same_address(l, a))));
        if listed {
            tracing::info!(instance = %instance.id, address = ?address,
                "flavor-swarm: drain: the address stays in the group (a replacement): the manager keeps its entry");
            return Ok(());
        }
        let all = docker.nodes().await.map_err(|e| SwarmFlavorError::docker(docker.host(), e))?;
        let reachable = usize::from(node::is_reachable(target));
        if node::is_manager(target) && !cleanup::keeps_quorum(&all, 1, reachable) {
            return Err(SwarmFlavorError::Unsafe {
                host: docker.host().to_string(),
                message: format!("manager {} not demoted: the other managers would lose the quorum", node::id(target)),
            });
        }
        cleanup::demote_and_remove(&docker, target, true).await?;
        tracing::info!(instance = %instance.id, node = %node::id(target), "flavor-swarm: drain: the group shrinks, manager demoted and removed");
        Ok(())
    }
}
