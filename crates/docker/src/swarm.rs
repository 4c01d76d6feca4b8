//! Swarm: nodes, who leads, and the cluster spec (whose labels can carry data, e.g. InfraKit's specs).

use crate::models::{Node, SwarmSpec};
use crate::{Docker, DockerError, Result};

impl Docker {
    /// `GET /nodes` (the engine must be a swarm manager).
    pub async fn nodes(&self) -> Result<Vec<Node>> {
        self.api().await?.list_nodes(None).await.map_err(|e| self.error(e))
    }

    /// `GET /swarm` (the engine must be a swarm manager).
    pub async fn swarm(&self) -> Result<crate::models::Swarm> {
        self.api().await?.inspect_swarm().await.map_err(|e| self.error(e))
    }

    /// `POST /swarm/update?version=N`: replaces the cluster spec with `spec` if the swarm is still at `version`
    /// (the `Version.Index` of the [`Docker::swarm`] it was read from), rotating no token or key. Pass the whole
    /// spec as read, changed only where meant: a field left out is reset to its default by the engine.
    ///
    /// A stale `version` (someone updated the swarm since it was read) is a [`DockerError::Conflict`], whatever
    /// status the engine uses for it (20.10 answers HTTP 500 "update out of sequence"): read again and retry.
    pub async fn update_swarm(&self, version: u64, spec: SwarmSpec) -> Result<()> {
        let version = i64::try_from(version).map_err(|_| DockerError::Protocol {
            host: self.host().to_string(),
            reason: format!("swarm version {version} is out of range"),
        })?;
        let options = crate::query::UpdateSwarmOptions { version, ..Default::default() };
        match self.api().await?.update_swarm(spec, options).await.map_err(|e| self.error(e)) {
            Err(DockerError::Refused { message, .. }) if message.contains("update out of sequence") => {
                Err(DockerError::Conflict { message })
            }
            other => other,
        }
    }
}
