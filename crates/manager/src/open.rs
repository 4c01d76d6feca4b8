//! URLs to backends: `open(name, leadership_url, store_url)` gives a replica its leadership, its spec store and its
//! state store (rollouts, in-flight records). `always` (a single replica), `file:///path` and `memory://` always;
//! `swarm:///socket` (leadership, and a store in the swarm's labels) with the `docker` feature;
//! `etcd-election://`, `etcd-raft-leader://` and `etcd://` with the `etcd` feature.

use crate::leader_always::AlwaysLeader;
use crate::leader_file::file_leadership;
use crate::state_file::FileStateStore;
use crate::state_memory::MemoryStateStore;
use crate::store_file::FileStore;
use crate::store_memory::MemoryStore;
use infrakit_spi::manager::Leadership;
use infrakit_spi::store::{SpecStore, StateStore};
use infrakit_spi::{Error, Result};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What a replica runs on.
pub struct Backends {
    /// Who leads.
    pub leadership: Arc<dyn Leadership>,
    /// The group specs, with their history.
    pub store: Arc<dyn SpecStore>,
    /// What group controllers keep across restarts: rollouts and what is in flight.
    pub state: Arc<dyn StateStore>,
}

/// Opens the backends named by `leadership` and `store` for replica `name`.
pub async fn open(name: &str, leadership: &str, store: &str) -> Result<Backends> {
    #[cfg(feature = "etcd")]
    if let Some(b) = open_etcd(name, leadership, store).await? {
        return Ok(b);
    }
    local_stores(basic_leadership(leadership, name)?, store).await
}

/// The stores that need no service of their own: in memory, in a directory (specs in it, the rest in its
/// `.rollouts`), or in the Docker Swarm's labels.
async fn local_stores(leadership: Arc<dyn Leadership>, store: &str) -> Result<Backends> {
    if let Some(host) = store.strip_prefix("swarm://") {
        return swarm_stores(leadership, host);
    }
    if store == MEMORY {
        return Ok(Backends {
            leadership,
            store: Arc::new(MemoryStore::default()),
            state: Arc::new(MemoryStateStore::default()),
        });
    }
    let dir = file_url(store, "--store")?;
    Ok(Backends {
        leadership,
        store: Arc::new(FileStore::new(&dir)?),
        state: Arc::new(FileStateStore::open(dir.join(".rollouts")).await?),
    })
}

/// The store URL of specs and rollouts kept in memory.
pub const MEMORY: &str = "memory://";

/// The leadership URL of a single replica, which always leads.
pub const ALWAYS: &str = "always";

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
        return Ok(Some(Backends { leadership, store: s.clone(), state: s }));
    }
    match lead {
        Some(leadership) => Ok(Some(local_stores(leadership, store).await?)),
        None => Ok(None),
    }
}

fn file_url(url: &str, what: &str) -> Result<PathBuf> {
    match url.strip_prefix("file://") {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ if cfg!(feature = "etcd") => Err(Error::invalid(
            what,
            format!(
                "{url:?}: use file:///path, memory:// (store), always (leadership), swarm:///path/to/docker.sock, \
                 etcd-election://host:port,.../<election>?ttl=<s>, etcd-raft-leader://host:port (leadership) or \
                 etcd://host:port,.../<prefix> (store)"
            ),
        )),
        _ => Err(Error::invalid(
            what,
            format!(
                "{url:?} is not supported by this build: use file:///path, memory:// (store), always \
                 (leadership) or swarm:///path/to/docker.sock (with the docker feature); build with --features etcd \
                 for etcd"
            ),
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

/// Leadership sources that need no extra build feature: always, a file, or the Docker Swarm leader.
fn basic_leadership(leadership: &str, name: &str) -> Result<Arc<dyn Leadership>> {
    if leadership == ALWAYS {
        return Ok(Arc::new(AlwaysLeader::new(name)));
    }
    Ok(match leadership.strip_prefix("swarm://") {
        Some(host) => swarm(host, name)?,
        None => Arc::new(file_leadership(file_url(leadership, "--leadership")?, name, Duration::from_secs(1))),
    })
}

/// The engine address of a `swarm://` URL's rest: `/path/to/docker.sock`, nothing for /var/run/docker.sock, or
/// `host:port`.
#[cfg_attr(not(feature = "docker"), allow(dead_code))]
fn swarm_host(host: &str) -> String {
    match host {
        "" => "/var/run/docker.sock".to_string(),
        h if h.starts_with('/') => h.to_string(),
        h => format!("tcp://{h}"),
    }
}

/// Leadership from the Docker Swarm leader, asked of the engine at `host` (`swarm:///var/run/docker.sock`,
/// `swarm://` for that default, or `swarm://host:port`).
#[cfg(feature = "docker")]
fn swarm(host: &str, name: &str) -> Result<Arc<dyn Leadership>> {
    Ok(Arc::new(crate::leader_swarm::swarm_leadership(&swarm_host(host), name, Duration::from_millis(500))?))
}

/// Specs and state in the labels of the swarm whose manager is the engine at `host` (as for [`swarm`]).
#[cfg(feature = "docker")]
fn swarm_stores(leadership: Arc<dyn Leadership>, host: &str) -> Result<Backends> {
    use crate::{
        state_swarm::SwarmStateStore,
        store_swarm::{SwarmLabels, SwarmStore},
    };
    let labels = SwarmLabels::new(&swarm_host(host))?;
    Ok(Backends {
        leadership,
        store: Arc::new(SwarmStore::new(labels.clone())),
        state: Arc::new(SwarmStateStore::new(labels)),
    })
}

/// A swarm store needs the Docker client, which this build lacks.
#[cfg(not(feature = "docker"))]
fn swarm_stores(_leadership: Arc<dyn Leadership>, host: &str) -> Result<Backends> {
    Err(Error::invalid("--store", format!("swarm://{host} needs Docker support: build with --features docker")))
}

/// Swarm leadership needs the Docker client, which this build lacks.
#[cfg(not(feature = "docker"))]
fn swarm(host: &str, _name: &str) -> Result<Arc<dyn Leadership>> {
    Err(Error::invalid("--leadership", format!("swarm://{host} needs Docker support: build with --features docker")))
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

    #[cfg(not(feature = "docker"))]
    #[tokio::test]
    async fn swarm_leadership_needs_the_docker_feature() {
        let err = open("m1", "swarm:///var/run/docker.sock", MEMORY).await.err().map(|e| e.to_string());
        assert!(err.as_deref().is_some_and(|e| e.contains("build with --features docker")), "{err:?}");
    }

    #[test]
    fn swarm_hosts() {
        assert_eq!(swarm_host(""), "/var/run/docker.sock");
        assert_eq!(swarm_host("/x/docker.sock"), "/x/docker.sock");
        assert_eq!(swarm_host("10.0.0.1:2375"), "tcp://10.0.0.1:2375");
    }

    #[cfg(not(feature = "docker"))]
    #[tokio::test]
    async fn the_swarm_store_needs_the_docker_feature() {
        let err = open("m1", ALWAYS, "swarm://").await.err().map(|e| e.to_string());
        assert!(err.as_deref().is_some_and(|e| e.contains("--store") && e.contains("--features docker")), "{err:?}");
    }

    #[cfg(feature = "docker")]
    #[tokio::test]
    async fn swarm_stores_open_without_reaching_the_engine() {
        let b = open("m1", ALWAYS, "swarm:///nonexistent/docker.sock").await.expect("backends");
        let err = b.store.specs().await.expect_err("no engine");
        assert!(matches!(err, Error::Unavailable(_)) && err.to_string().contains("/nonexistent/docker.sock"), "{err}");
        let err = b.state.load(&infrakit_spi::group::Id("g".into()), infrakit_spi::store::StateKind::Rollout).await;
        assert!(matches!(err, Err(Error::Unavailable(_))), "{err:?}");
    }

    #[tokio::test]
    async fn a_single_replica_in_memory() {
        let b = open("solo", ALWAYS, MEMORY).await.expect("backends");
        assert!(b.leadership.may_act());
        assert!(b.store.specs().await.expect("specs").is_empty());
    }
}
