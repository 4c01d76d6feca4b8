//! Leadership from Docker Swarm: the replica on the node that is the Swarm's Raft leader leads (the seeds' "follow
//! the quorum's leader"). The local Docker engine is asked through its API socket.

use crate::polled::PolledLeadership;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use infrakit_spi::manager::LeaderStatus;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// GETs `path` from the Docker engine at `socket` and decodes the JSON answer.
pub async fn docker_get(socket: &Path, path: &str) -> Result<serde_json::Value, String> {
    let stream = tokio::net::UnixStream::connect(socket).await.map_err(|e| format!("{}: {e}", socket.display()))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let req = http::Request::get(path)
        .header(http::header::HOST, "docker")
        .body(Empty::<Bytes>::new())
        .map_err(|e| e.to_string())?;
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status();
    let body = resp.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    if !status.is_success() {
        return Err(format!("docker {path}: HTTP {status}: {}", String::from_utf8_lossy(&body).trim()));
    }
    serde_json::from_slice(&body).map_err(|e| format!("docker {path}: {e}"))
}

/// Asks the engine who leads its swarm.
pub async fn swarm_status(socket: &Path) -> LeaderStatus {
    let info = match docker_get(socket, "/info").await {
        Ok(i) => i,
        Err(e) => return LeaderStatus::Unknown { reason: format!("docker engine: {e}") },
    };
    let swarm = &info["Swarm"];
    let node = swarm["NodeID"].as_str().unwrap_or("");
    if node.is_empty() || swarm["LocalNodeState"] != "active" {
        return LeaderStatus::Unknown { reason: "this docker engine is not part of a swarm".into() };
    }
    if swarm["ControlAvailable"] != true {
        return LeaderStatus::Follower { leader: None }; // a worker never leads
    }
    match docker_get(socket, "/nodes").await {
        Ok(nodes) => {
            let leader = nodes.as_array().into_iter().flatten().find(|n| n["ManagerStatus"]["Leader"] == true);
            match leader {
                Some(n) if n["ID"] == node => LeaderStatus::Leader,
                Some(n) => {
                    let name = n["Description"]["Hostname"].as_str().or(n["ID"].as_str()).unwrap_or("?").to_string();
                    LeaderStatus::Follower { leader: Some(name) }
                }
                None => LeaderStatus::Unknown { reason: "the swarm has no leader".into() },
            }
        }
        Err(e) => LeaderStatus::Unknown { reason: format!("docker engine: {e}") },
    }
}

/// Leadership polled from the local Docker engine at `socket` (e.g. /var/run/docker.sock) every `interval`.
pub fn swarm_leadership(socket: impl Into<PathBuf>, name: &str, interval: Duration) -> PolledLeadership {
    let socket = socket.into();
    PolledLeadership::start(name, "the docker engine", interval, move || {
        let socket = socket.clone();
        async move { swarm_status(&socket).await }
    })
}
