//! Swarm nodes: list (with filters), inspect, demote, remove. The engine asked must be a swarm manager.

use crate::models::{Node, NodeSpec, NodeSpecRoleEnum};
use crate::query::{DeleteNodeOptionsBuilder, ListNodesOptionsBuilder, UpdateNodeOptionsBuilder};
use crate::{Docker, DockerError, Result};
use std::collections::HashMap;

impl Docker {
    /// `GET /nodes?filters=…`: the nodes matching every filter (`label=<engine label>`, `node.label=…`,
    /// `role=manager|worker`, `id=…`, `name=…`, `membership=…`); no filters lists them all.
    pub async fn nodes_filtered(&self, filters: &HashMap<String, Vec<String>>) -> Result<Vec<Node>> {
        let options = ListNodesOptionsBuilder::new().filters(filters).build();
        self.api().await?.list_nodes(Some(options)).await.map_err(|e| self.error(e))
    }

    /// The nodes whose engine carries the label `key=value` (the engine labels of `dockerd`, not node labels).
    pub async fn nodes_with_engine_label(&self, key: &str, value: &str) -> Result<Vec<Node>> {
        let filters = HashMap::from([("label".to_string(), vec![format!("{key}={value}")])]);
        self.nodes_filtered(&filters).await
    }

    /// `GET /nodes/{id}`.
    pub async fn node(&self, id: &str) -> Result<Node> {
        self.api().await?.inspect_node(id).await.map_err(|e| self.error(e))
    }

    /// `POST /nodes/{id}/update` with `spec`, at the node's `version` (the engine refuses a stale version with a
    /// conflict: inspect again and retry).
    pub async fn update_node(&self, id: &str, version: u64, spec: NodeSpec) -> Result<()> {
        let version = i64::try_from(version).map_err(|_| DockerError::Protocol {
            host: self.host().to_string(),
            reason: format!("node {id} has version {version}, beyond what the API can send"),
        })?;
        let options = UpdateNodeOptionsBuilder::new().version(version).build();
        self.api().await?.update_node(id, spec, options).await.map_err(|e| self.error(e))
    }

    /// Demotes the manager `node` (as last inspected) to a worker: its spec is kept, its role becomes `worker`.
    /// A node that is not a manager is left alone. The engine refuses a demotion that would lose the quorum.
    pub async fn demote_node(&self, node: &Node) -> Result<()> {
        let Some(id) = node.id.as_deref() else {
            return Err(DockerError::Protocol { host: self.host().to_string(), reason: "a node without an ID".into() });
        };
        let mut spec = node.spec.clone().unwrap_or_default();
        if spec.role != Some(NodeSpecRoleEnum::MANAGER) {
            return Ok(());
        }
        spec.role = Some(NodeSpecRoleEnum::WORKER);
        let version = node.version.as_ref().and_then(|v| v.index).unwrap_or_default();
        self.update_node(id, version, spec).await
    }

    /// `DELETE /nodes/{id}`; with `force`, also a node that is not down (its engine is cut off from the swarm).
    /// A node already gone is not an error.
    pub async fn remove_node(&self, id: &str, force: bool) -> Result<()> {
        let options = DeleteNodeOptionsBuilder::new().force(force).build();
        match self.api().await?.delete_node(id, Some(options)).await.map_err(|e| self.error(e)) {
            Err(DockerError::NotFound { .. }) => Ok(()),
            other => other,
        }
    }
}
