//! Leadership and specs in etcd (cargo feature `etcd`).
//!
//! - [`election::EtcdElection`]: campaign/observe with the etcd v3 election API and a lease; a replica that cannot
//!   renew its lease stops acting before the lease can expire on the server, so an old leader stops before a new one
//!   starts;
//! - [`raft::raft_leadership`]: the replica on the node whose etcd member is the Raft leader leads;
//! - [`store::EtcdStore`]: specs (with history), rollouts and in-flight records under a key prefix; writes are
//!   fenced by the election key.

pub mod election;
pub mod raft;
pub mod store;

use etcd_client::{Client, ConnectOptions};
use infrakit_spi::{Error, Result};
use std::time::Duration;

/// Connects to `endpoints` (comma-separated `host:port`), with short timeouts so a lost cluster is noticed quickly.
pub async fn connect(endpoints: &str) -> Result<Client> {
    connect_with(endpoints, Some(Duration::from_secs(3))).await
}

/// Connects for calls that wait by design (an election campaign blocks until it wins): no per-request timeout.
pub async fn connect_waiting(endpoints: &str) -> Result<Client> {
    connect_with(endpoints, None).await
}

async fn connect_with(endpoints: &str, timeout: Option<Duration>) -> Result<Client> {
    let list: Vec<String> = endpoints
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|e| if e.contains("://") { e.to_string() } else { format!("http://{e}") })
        .collect();
    if list.is_empty() {
        return Err(Error::invalid("endpoints", "no etcd endpoint given"));
    }
    let mut options = ConnectOptions::new()
        .with_connect_timeout(Duration::from_secs(2))
        .with_keep_alive(Duration::from_secs(1), Duration::from_secs(1));
    if let Some(t) = timeout {
        options = options.with_timeout(t);
    }
    Client::connect(&list, Some(options))
        .await
        .map_err(|e| Error::Unavailable(format!("etcd at {}: {e}", list.join(","))))
}

/// The write fence: the election key this replica holds while it leads, with its creation revision.
pub trait Fence: Send + Sync {
    /// The key and its creation revision, when this replica leads.
    fn current(&self) -> Option<(Vec<u8>, i64)>;
}
