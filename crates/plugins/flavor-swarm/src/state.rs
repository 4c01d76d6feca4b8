//! What `Prepare` knows of the swarm: v0.5's `swarmState` (the engine's info, its own node, the swarm), read
//! through `Properties.Docker`. Each part may be missing (the engine is down, or not a manager yet: the first
//! manager is prepared before its swarm exists); the template functions that need a missing part fail then.

use infrakit_docker::models::{Node, Swarm, SystemInfo};
use infrakit_docker::Docker;

/// The swarm as seen from the engine `Properties.Docker` names.
#[derive(Debug, Clone, Default)]
pub struct SwarmState {
    /// `GET /info`.
    pub info: Option<SystemInfo>,
    /// The engine's own node (`GET /nodes/<info.Swarm.NodeID>`).
    pub node: Option<Node>,
    /// `GET /swarm`.
    pub swarm: Option<Swarm>,
}

impl SwarmState {
    /// Reads info, then the local node, then the swarm; stops at the first failure (logged), as v0.5 does.
    pub async fn read(docker: &Docker) -> SwarmState {
        let mut state = SwarmState::default();
        let info = match docker.info().await {
            Ok(i) => i,
            Err(e) => {
                tracing::warn!(host = %docker.host(), error = %e, "flavor-swarm: docker info failed");
                return state;
            }
        };
        let node_id = info.swarm.as_ref().and_then(|s| s.node_id.clone()).unwrap_or_default();
        state.info = Some(info);
        if node_id.is_empty() {
            tracing::warn!(host = %docker.host(), "flavor-swarm: the engine is not in a swarm");
            return state;
        }
        match docker.node(&node_id).await {
            Ok(n) => state.node = Some(n),
            Err(e) => {
                tracing::warn!(host = %docker.host(), error = %e, "flavor-swarm: node inspect failed");
                return state;
            }
        }
        match docker.swarm().await {
            Ok(s) => state.swarm = Some(s),
            Err(e) => tracing::warn!(host = %docker.host(), error = %e, "flavor-swarm: swarm inspect failed"),
        }
        state
    }

    /// The swarm's ID, `?` when unknown (v0.5).
    pub fn swarm_id(&self) -> String {
        self.swarm.as_ref().and_then(|s| s.id.clone()).unwrap_or_else(|| "?".to_string())
    }

    /// v0.5's `SWARM_INITIALIZED`: the engine's own node is a manager.
    pub fn initialized(&self) -> bool {
        self.node.as_ref().is_some_and(|n| n.manager_status.is_some())
    }

    /// v0.5's `SWARM_MANAGER_ADDR`: the engine's own manager address (`ip:2377`).
    pub fn manager_addr(&self) -> Result<String, String> {
        let node = self.node.as_ref().ok_or("cannot prepare: no node info")?;
        let status = node.manager_status.as_ref().ok_or("cannot prepare: no manager status")?;
        Ok(status.addr.clone().unwrap_or_default())
    }

    /// v0.5's `SWARM_JOIN_TOKENS`: `{"Worker": .., "Manager": ..}`.
    pub fn join_tokens(&self) -> Result<serde_json::Value, String> {
        let swarm = self.swarm.as_ref().ok_or("cannot prepare: no swarm status")?;
        let tokens = swarm.join_tokens.clone().unwrap_or_default();
        Ok(serde_json::json!({
            "Worker": tokens.worker.unwrap_or_default(),
            "Manager": tokens.manager.unwrap_or_default(),
        }))
    }

    /// v0.5's `SWARM_CLUSTER_ID`.
    pub fn cluster_id(&self) -> Result<String, String> {
        let swarm = self.swarm.as_ref().ok_or("cannot prepare: no swarm status")?;
        Ok(swarm.id.clone().unwrap_or_default())
    }
}
