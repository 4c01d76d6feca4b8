//! The client: an engine address, a time limit, and the API version agreed with the engine.

use crate::{DockerError, Host, Result};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// A Docker Engine client. Cheap to clone; clones share the negotiated API version.
#[derive(Clone)]
pub struct Docker {
    inner: Arc<Inner>,
}

struct Inner {
    host: Host,
    /// `host` as text, for errors.
    name: String,
    timeout: Duration,
    /// The bollard client once the API version was negotiated.
    api: Mutex<Option<bollard::Docker>>,
}

impl Docker {
    /// A client of the engine at `host` (`unix:///path`, `/path`, `tcp://host:port`) whose requests are answered
    /// within `timeout` (the wait for the answer's head; streams may run longer). Nothing is sent yet: the engine
    /// may be down now and up later.
    pub fn new(host: &str, timeout: Duration) -> Result<Docker> {
        let host = Host::parse(host)?;
        let name = host.to_string();
        Ok(Docker { inner: Arc::new(Inner { host, name, timeout, api: Mutex::new(None) }) })
    }

    /// A client that has reached the engine once (the API version is negotiated now).
    pub async fn connect(host: &str, timeout: Duration) -> Result<Docker> {
        let docker = Docker::new(host, timeout)?;
        docker.api().await?;
        Ok(docker)
    }

    /// The engine's address, e.g. `unix:///var/run/docker.sock`.
    pub fn host(&self) -> &str {
        &self.inner.name
    }

    /// The time limit of a request.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The bollard client, at the API version the engine speaks (negotiated on first use, and again after a
    /// failed negotiation).
    pub async fn api(&self) -> Result<bollard::Docker> {
        let mut api = self.inner.api.lock().await;
        if let Some(d) = api.as_ref() {
            return Ok(d.clone());
        }
        let seconds = self.inner.timeout.as_secs().max(1);
        let fresh = match &self.inner.host {
            Host::Unix(path) => {
                bollard::Docker::connect_with_unix(&path.to_string_lossy(), seconds, bollard::API_DEFAULT_VERSION)
            }
            Host::Tcp(addr) => bollard::Docker::connect_with_http(addr, seconds, bollard::API_DEFAULT_VERSION),
        }
        .map_err(|e| self.error(e))?;
        let negotiated = fresh.negotiate_version().await.map_err(|e| self.error(e))?;
        let v = negotiated.client_version();
        tracing::debug!(host = %self.inner.name, api = %format!("{}.{}", v.major_version, v.minor_version), "docker API version negotiated");
        *api = Some(negotiated.clone());
        Ok(negotiated)
    }

    /// The API version in use (`1.41` for engine 20.10), once negotiated.
    pub async fn api_version(&self) -> Option<String> {
        let api = self.inner.api.lock().await;
        api.as_ref().map(|d| {
            let v = d.client_version();
            format!("{}.{}", v.major_version, v.minor_version)
        })
    }

    /// Classifies a bollard error of a call to this engine.
    pub fn error(&self, e: bollard::errors::Error) -> DockerError {
        DockerError::from_bollard(&self.inner.name, self.inner.timeout.as_secs().max(1), e)
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
        f.debug_struct("Docker").field("host", &self.inner.name).finish_non_exhaustive()
    }
}
