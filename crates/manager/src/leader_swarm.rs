//! Leadership from Docker Swarm: the replica on the node that is the Swarm's Raft leader leads (the seeds' "follow
//! the quorum's leader"). The local Docker engine is asked through `infrakit-docker`'s client (built with the
//! `docker` feature).

use crate::polled::PolledLeadership;
use infrakit_docker::models::LocalNodeState;
use infrakit_docker::Docker;
use infrakit_spi::manager::LeaderStatus;
use infrakit_spi::{Error, Result};
use std::time::Duration;

/// Asks the engine who leads its swarm.
pub async fn swarm_status(docker: &Docker) -> LeaderStatus {
    let info = match docker.info().await {
        Ok(i) => i,
        Err(e) => return LeaderStatus::Unknown { reason: format!("docker engine: {e}") },
    };
    let swarm = info.swarm.unwrap_or_default();
    let node = swarm.node_id.unwrap_or_default();
    if node.is_empty() || swarm.local_node_state != Some(LocalNodeState::ACTIVE) {
        return LeaderStatus::Unknown { reason: "this docker engine is not part of a swarm".into() };
    }
    if swarm.control_available != Some(true) {
        return LeaderStatus::Follower { leader: None }; // a worker never leads
    }
    match docker.nodes().await {
        Ok(nodes) => {
            let leader = nodes.iter().find(|n| n.manager_status.as_ref().and_then(|m| m.leader) == Some(true));
            match leader {
                Some(n) if n.id.as_deref() == Some(node.as_str()) => LeaderStatus::Leader,
                Some(n) => {
                    let hostname = n.description.as_ref().and_then(|d| d.hostname.clone());
                    let name = hostname.or_else(|| n.id.clone()).unwrap_or_else(|| "?".into());
                    LeaderStatus::Follower { leader: Some(name) }
                }
                None => LeaderStatus::Unknown { reason: "the swarm has no leader".into() },
            }
        }
        Err(e) => LeaderStatus::Unknown { reason: format!("docker engine: {e}") },
    }
}

/// Leadership polled from the Docker engine at `host` (a socket path such as /var/run/docker.sock, `unix:///...`
/// or `tcp://host:port`) every `interval`.
pub fn swarm_leadership(host: &str, name: &str, interval: Duration) -> Result<PolledLeadership> {
    let docker = Docker::new(host, Duration::from_secs(5)).map_err(|e| Error::invalid("--leadership", e))?;
    Ok(PolledLeadership::start(name, "the docker engine", interval, move || {
        let docker = docker.clone();
        async move { swarm_status(&docker).await }
    }))
}
