//! The client: an engine address, a time limit, and the API version agreed with the engine. Every client of one
//! engine in a process shares one connection pool and one negotiation (the instance plugin, the Swarm leadership
//! and store, and the Swarm flavor, when they run together), each with its own time limit. Connections belong to
//! the tokio runtime that made them, so the sharing is per runtime.

use crate::{DockerError, Host, Result};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;
use tokio::sync::Mutex;

/// A Docker Engine client. Cheap to clone; clones, and every other client of the same engine in this process,
/// share the connections and the negotiated API version.
#[derive(Clone)]
pub struct Docker {
    inner: Arc<Inner>,
}

struct Inner {
    /// What every client of this engine shares.
    engine: Arc<Engine>,
    timeout: Duration,
}

/// One engine, as this process talks to it.
struct Engine {
    host: Host,
    /// `host` as text, for errors and as the key of [`engines`].
    name: String,
    /// The bollard client of each runtime once the API version was negotiated (held while negotiating, so
    /// clients that start together negotiate once).
    api: Mutex<HashMap<Option<tokio::runtime::Id>, bollard::Docker>>,
}

/// The runtime this runs on, if any.
fn runtime() -> Option<tokio::runtime::Id> {
    tokio::runtime::Handle::try_current().ok().map(|h| h.id())
}

/// The engines this process has clients of, by address; an engine is forgotten with its last client.
fn engines() -> &'static std::sync::Mutex<HashMap<String, Weak<Engine>>> {
    static ENGINES: OnceLock<std::sync::Mutex<HashMap<String, Weak<Engine>>>> = OnceLock::new();
    ENGINES.get_or_init(Default::default)
}

fn engine(host: Host) -> Arc<Engine> {
    let name = host.to_string();
    let mut known = engines().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(engine) = known.get(&name).and_then(Weak::upgrade) {
        return engine;
    }
    known.retain(|_, e| e.strong_count() > 0);
    let engine = Arc::new(Engine { host, name: name.clone(), api: Mutex::new(HashMap::new()) });
    known.insert(name, Arc::downgrade(&engine));
    engine
}

impl Docker {
    /// A client of the engine at `host` (`unix:///path`, `/path`, `tcp://host:port`) whose requests are answered
    /// within `timeout` (the wait for the answer's head; streams may run longer). Nothing is sent yet: the engine
    /// may be down now and up later.
    pub fn new(host: &str, timeout: Duration) -> Result<Docker> {
        let engine = engine(Host::parse(host)?);
        Ok(Docker { inner: Arc::new(Inner { engine, timeout }) })
    }

    /// True when this client and `other` talk to the engine over the same connections.
    pub fn shares_connections_with(&self, other: &Docker) -> bool {
        Arc::ptr_eq(&self.inner.engine, &other.inner.engine)
    }

    /// A client that has reached the engine once (the API version is negotiated now).
    pub async fn connect(host: &str, timeout: Duration) -> Result<Docker> {
        let docker = Docker::new(host, timeout)?;
        docker.api().await?;
        Ok(docker)
    }

    /// The engine's address, e.g. `unix:///var/run/docker.sock`.
    pub fn host(&self) -> &str {
        &self.inner.engine.name
    }

    /// The time limit of a request.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The bollard client, at the API version the engine speaks (negotiated on first use, and again after a
    /// failed negotiation). Waiting for another client's negotiation counts against this client's time limit.
    pub async fn api(&self) -> Result<bollard::Docker> {
        let timeout = Duration::from_secs(self.inner.timeout.as_secs().max(1));
        let seconds = timeout.as_secs();
        let engine = &self.inner.engine;
        let rt = runtime();
        let mut api = tokio::time::timeout(timeout, engine.api.lock())
            .await
            .map_err(|_| DockerError::Timeout { host: engine.name.clone(), seconds })?;
        if let Some(d) = api.get(&rt) {
            return Ok(d.clone().with_timeout(timeout));
        }
        let fresh = match &engine.host {
            Host::Unix(path) => {
                bollard::Docker::connect_with_unix(&path.to_string_lossy(), seconds, bollard::API_DEFAULT_VERSION)
            }
            Host::Tcp(addr) => bollard::Docker::connect_with_http(addr, seconds, bollard::API_DEFAULT_VERSION),
        }
        .map_err(|e| self.error(e))?;
        let negotiated = fresh.negotiate_version().await.map_err(|e| self.error(e))?;
        let v = negotiated.client_version();
        tracing::debug!(host = %engine.name, api = %format!("{}.{}", v.major_version, v.minor_version), "docker API version negotiated");
        api.insert(rt, negotiated.clone());
        Ok(negotiated)
    }

    /// The API version in use (`1.41` for engine 20.10), once negotiated.
    pub async fn api_version(&self) -> Option<String> {
        let api = self.inner.engine.api.lock().await;
        api.get(&runtime()).map(|d| {
            let v = d.client_version();
            format!("{}.{}", v.major_version, v.minor_version)
        })
    }

    /// Classifies a bollard error of a call to this engine.
    pub fn error(&self, e: bollard::errors::Error) -> DockerError {
        DockerError::from_bollard(&self.inner.engine.name, self.inner.timeout.as_secs().max(1), e)
    }

    /// `GET /_ping`: whether the engine answers.
    pub async fn ping(&self) -> Result<()> {
        self.api().await?.ping().await.map(|_| ()).map_err(|e| self.error(e))
    }

    /// `GET /version`.
    pub async fn version(&self) -> Result<crate::models::SystemVersion> {
        self.api().await?.version().await.map_err(|e| self.error(e))
    }

    /// `GET /info`.
    pub async fn info(&self) -> Result<crate::models::SystemInfo> {
        self.api().await?.info().await.map_err(|e| self.error(e))
    }
}

impl std::fmt::Debug for Docker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Docker").field("host", &self.inner.engine.name).finish_non_exhaustive()
    }
}
