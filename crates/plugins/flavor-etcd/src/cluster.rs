//! What the flavor asks the ensemble through the etcd client: a member's health, the quorum, a member's removal.
//! Every call is cut at a few seconds; clients are kept per endpoint list (they reconnect by themselves).

use crate::error::EtcdFlavorError;
use etcd_client::{Client, ConnectOptions, GetOptions};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

/// How long one call to the ensemble may take.
const CALL_LIMIT: Duration = Duration::from_secs(5);

/// What one member says of itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    /// Its member ID.
    pub id: u64,
    /// The member ID of the leader it follows (0: none).
    pub leader: u64,
    /// True when it answered a linearizable read (it is part of a quorum).
    pub serves: bool,
}

/// A member as the ensemble lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Its member ID.
    pub id: u64,
    /// Its name (empty until it has started).
    pub name: String,
    /// Its peer URLs.
    pub peer_urls: Vec<String>,
}

/// Clients of the ensembles this flavor looks after, by endpoint list.
#[derive(Default)]
pub struct Clients {
    cache: Mutex<HashMap<String, Client>>,
}

/// Runs `call` against `endpoints`, cut at [`CALL_LIMIT`].
async fn limited<T>(
    endpoints: &str,
    call: impl Future<Output = Result<T, etcd_client::Error>>,
) -> Result<T, EtcdFlavorError> {
    match tokio::time::timeout(CALL_LIMIT, call).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(source)) => Err(EtcdFlavorError::Etcd { endpoints: endpoints.to_string(), source }),
        Err(_) => Err(EtcdFlavorError::Timeout { endpoints: endpoints.to_string(), seconds: CALL_LIMIT.as_secs() }),
    }
}

impl Clients {
    /// A client of `endpoints` (client URLs), made once.
    async fn client(&self, endpoints: &[String]) -> Result<Client, EtcdFlavorError> {
        let key = endpoints.join(",");
        if let Some(c) = self.cache.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(c);
        }
        let options = ConnectOptions::new()
            .with_connect_timeout(Duration::from_secs(2))
            .with_timeout(Duration::from_secs(3))
            .with_keep_alive(Duration::from_secs(2), Duration::from_secs(2));
        let client = limited(&key, Client::connect(endpoints, Some(options))).await?;
        if let Ok(mut m) = self.cache.lock() {
            m.insert(key, client.clone());
        }
        Ok(client)
    }

    /// What the member at `endpoint` says of itself.
    pub async fn member(&self, endpoint: &str) -> Result<MemberView, EtcdFlavorError> {
        let endpoints = [endpoint.to_string()];
        let mut c = self.client(&endpoints).await?;
        let status = limited(endpoint, c.status()).await?;
        let id = status.header().map(|h| h.member_id()).unwrap_or(0);
        // As `etcdctl endpoint health`: a linearizable read succeeds only on a member of a quorum.
        let read = limited(endpoint, c.get("health", Some(GetOptions::new().with_count_only()))).await;
        Ok(MemberView { id, leader: status.leader(), serves: read.is_ok() && status.errors().is_empty() })
    }

    /// The members the ensemble behind `endpoints` lists.
    pub async fn members(&self, endpoints: &[String]) -> Result<Vec<Listed>, EtcdFlavorError> {
        let mut c = self.client(endpoints).await?;
        let list = limited(&endpoints.join(","), c.member_list()).await?;
        Ok(list
            .members()
            .iter()
            .map(|m| Listed { id: m.id(), name: m.name().to_string(), peer_urls: m.peer_urls().to_vec() })
            .collect())
    }

    /// Removes the member with `peer_url` (or named `name`) from the ensemble behind `endpoints`; false when it was
    /// not listed.
    pub async fn remove(&self, endpoints: &[String], name: &str, peer_url: &str) -> Result<bool, EtcdFlavorError> {
        let listed = self.members(endpoints).await?;
        let Some(m) = listed.iter().find(|m| m.peer_urls.iter().any(|u| u == peer_url) || m.name == name) else {
            return Ok(false);
        };
        let mut c = self.client(endpoints).await?;
        limited(&endpoints.join(","), c.member_remove(m.id)).await?;
        Ok(true)
    }
}
