//! Swarm: nodes and who leads.

use crate::models::Node;
use crate::{Docker, Result};

impl Docker {
    /// `GET /nodes` (the engine must be a swarm manager).
    pub async fn nodes(&self) -> Result<Vec<Node>> {
        self.api().await?.list_nodes(None).await.map_err(|e| self.error(e))
    }

    /// `GET /swarm` (the engine must be a swarm manager).
    pub async fn swarm(&self) -> Result<crate::models::Swarm> {
        self.api().await?.inspect_swarm().await.map_err(|e| self.error(e))
    }
}
