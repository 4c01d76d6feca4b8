//! URLs to backends: `open(name, leadership_url, store_url)` gives a replica its leadership, its spec store and its
//! rollout store. `file:///dir` and `swarm:///socket` always; `etcd-election://`, `etcd-raft-leader://` and
//! `etcd://` with the `etcd` feature.

use crate::leader_file::FileLeadership;
use crate::store_file::FileStore;
use infrakit_group::rollout::{FileRolloutStore, RolloutStore};
use infrakit_spi::manager::{Leadership, Store};
use infrakit_spi::{Error, Result};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What a replica runs on.
pub struct Backends {
    /// Who leads.
    pub leadership: Arc<dyn Leadership>,
    /// The group specs, with their history.
    pub store: Arc<dyn Store>,
    /// Rollouts and what is in flight.
    pub rollouts: Arc<dyn RolloutStore>,
}

/// Opens the backends named by `leadership` and `store` for replica `name`.
pub async fn open(name: &str, leadership: &str, store: &str) -> Result<Backends> {
    #[cfg(feature = "etcd")]
    if let Some(b) = open_etcd(name, leadership, store).await? {
        return Ok(b);
    }
    let dir = file_url(store, "--store")?;
    Ok(Backends {
        leadership: basic_leadership(leadership, name)?,
        store: file_store(&dir)?,
        rollouts: rollouts(&dir)?,
    })
}

fn file_store(dir: &std::path::Path) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(FileStore::new(dir)?))
}

fn rollouts(dir: &std::path::Path) -> Result<Arc<dyn RolloutStore>> {
    Ok(Arc::new(FileRolloutStore::new(dir.join(".rollouts"))?))
}

/// etcd leadership and stores; `None` when neither URL names etcd.
#[cfg(feature = "etcd")]
async fn open_etcd(name: &str, leadership: &str, store: &str) -> Result<Option<Backends>> {
    use crate::etcd::{self, election::EtcdElection, raft::raft_leadership, store::EtcdStore, Fence};
    let mut fence: Option<Arc<dyn Fence>> = None;
    let lead: Option<Arc<dyn Leadership>> = if leadership.starts_with("etcd-election://") {
        let (endpoints, election, ttl) = etcd_url(leadership, "etcd-election")?;
        let client = etcd::connect(&endpoints).await?;
        let waiting = etcd::connect_waiting(&endpoints).await?;
        let election = if election.is_empty() { "infrakit/leader".to_string() } else { election };
        let e = EtcdElection::start(client, waiting, &election, name, ttl);
        fence = Some(e.clone());
        Some(e)
    } else if leadership.starts_with("etcd-raft-leader://") {
        let (endpoints, _, _) = etcd_url(leadership, "etcd-raft-leader")?;
        let client = etcd::connect(&endpoints).await?;
        Some(Arc::new(raft_leadership(client, name, Duration::from_millis(500))))
    } else {
        None
    };
    if store.starts_with("etcd://") {
        let (endpoints, prefix, _) = etcd_url(store, "etcd")?;
        let client = etcd::connect(&endpoints).await?;
        let prefix = if prefix.is_empty() { "infrakit".to_string() } else { prefix };
        if fence.is_none() {
            tracing::warn!(
                "the etcd store is not fenced (fencing needs etcd-election leadership): a deposed leader could still \
                 write to it"
            );
        }
        let s = Arc::new(EtcdStore::new(client, &prefix, fence));
        let leadership = match lead {
            Some(l) => l,
            None => basic_leadership(leadership, name)?,
        };
        return Ok(Some(Backends { leadership, store: s.clone(), rollouts: s }));
    }
    match lead {
        Some(leadership) => {
            let dir = file_url(store, "--store")?;
            Ok(Some(Backends { leadership, store: file_store(&dir)?, rollouts: rollouts(&dir)? }))
        }
        None => Ok(None),
    }
}

fn file_url(url: &str, what: &str) -> Result<PathBuf> {
    match url.strip_prefix("file://") {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ if cfg!(feature = "etcd") => Err(Error::invalid(
            what,
            format!(
                "{url:?}: use file:///path, etcd-election://host:port,.../<election>?ttl=<s>, \
                 etcd-raft-leader://host:port (leadership) or etcd://host:port,.../<prefix> (store)"
            ),
        )),
        _ => Err(Error::invalid(
            what,
            format!("{url:?} is not supported by this build: use file:///path (build with --features etcd for etcd)"),
        )),
    }
}

/// Parses `scheme://host:port[,host:port]/path?ttl=N` into (endpoints, path, ttl).
#[cfg_attr(not(feature = "etcd"), allow(dead_code))]
fn etcd_url(url: &str, scheme: &str) -> Result<(String, String, i64)> {
    let bad = |why: String| Error::invalid(format!("{scheme} URL"), why);
    let rest = url
        .strip_prefix(scheme)
        .and_then(|r| r.strip_prefix("://"))
        .ok_or_else(|| bad(format!("{url:?} does not start with {scheme}://")))?;
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (endpoints, path) = rest.split_once('/').unwrap_or((rest, ""));
    if endpoints.is_empty() {
        return Err(bad(format!("{url:?} names no etcd endpoint (write {scheme}://host:port[,host:port]/...)")));
    }
    let mut ttl = 5;
    for kv in query.split('&').filter(|s| !s.is_empty()) {
        match kv.split_once('=') {
            Some(("ttl", v)) => {
                ttl = v.parse().map_err(|_| bad(format!("{url:?}: ttl {v:?} is not a number of seconds")))?
            }
            _ => return Err(bad(format!("{url:?}: unknown option {kv:?} (only ttl=<seconds>)"))),
        }
    }
    Ok((endpoints.to_string(), path.trim_matches('/').to_string(), ttl))
}

/// Leadership sources that need no extra build feature: a file, or the Docker Swarm leader.
fn basic_leadership(leadership: &str, name: &str) -> Result<Arc<dyn Leadership>> {
    Ok(match leadership.strip_prefix("swarm://") {
        Some(socket) => {
            let socket = if socket.is_empty() { "/var/run/docker.sock" } else { socket };
            Arc::new(crate::leader_swarm::swarm_leadership(socket, name, Duration::from_secs(1)))
        }
        None => Arc::new(FileLeadership::new(file_url(leadership, "--leadership")?, name, Duration::from_secs(1))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etcd_urls() {
        assert_eq!(
            etcd_url("etcd-election://a:1,b:2/infrakit/leader?ttl=2", "etcd-election").ok(),
            Some(("a:1,b:2".to_string(), "infrakit/leader".to_string(), 2))
        );
        assert!(etcd_url("etcd://", "etcd").is_err_and(|e| e.to_string().contains("names no etcd endpoint")));
        assert!(etcd_url("etcd://a:1?ttl=x", "etcd").is_err_and(|e| e.to_string().contains("not a number")));
        assert!(etcd_url("etcd://a:1?tll=2", "etcd").is_err_and(|e| e.to_string().contains("unknown option")));
    }

    #[test]
    fn file_urls() {
        assert_eq!(file_url("file:///x/y", "--store").ok(), Some(PathBuf::from("/x/y")));
        let err = file_url("s3://bucket", "--store").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("--store") && err.contains("file:///path"), "{err}");
    }

    #[tokio::test]
    async fn file_backends_open() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("file://{}", dir.path().display());
        let b = open("m1", &format!("{url}/leader"), &format!("{url}/store")).await.expect("backends");
        assert_eq!(b.leadership.name(), "m1");
        assert!(b.store.specs().await.expect("specs").is_empty());
        assert!(dir.path().join("store/.rollouts").is_dir());
    }
}
