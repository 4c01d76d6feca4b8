//! `instance-docker`: each instance is a Docker container, on an engine reached through `infrakit-docker`'s
//! client. `Properties` are InfraKit v0.5's (`Config`, `HostConfig`, `NetworkAttachments`, `Tags`, with the Engine
//! API's field names), so a spec written for Go's plugin runs unchanged; what Go lacked:
//!
//! - pets: the logical ID is the container's name and, when it is an IPv4 address and the first network
//!   attachment carries `IPAM.Config[0].Subnet`, the container's fixed address on that network (created with that
//!   subnet when missing); an old container that still holds the name (exited, dead) is removed first;
//! - attachments of Type `volume` are named Docker volumes (created when missing) mounted at `VolumeMount`
//!   (`/data` by default; with several, each at `<VolumeMount>/<ID>`); a pet's replacement gets the same volume;
//! - the namespace tags are set on every container created, not only filtered on;
//! - changes are pushed from Docker's event stream (`die`, `oom`, `destroy`), re-subscribed after an engine
//!   restart, with a resync each time;
//! - the listing is read-your-writes (`ListingLag` 0): a provision returns once its container runs.
//!
//! The Init script is copied into the container and run with `/bin/sh` after it starts (v0.5's semantics); a
//! failing Init destroys the container and fails the provision.

mod address;
mod builtin;
mod deaths;
mod describe;
mod errors;
mod events;
mod metadata;
mod properties;
mod provision;

pub use builtin::{DockerFlags, BUILTIN};
pub use properties::{Properties, DEFAULT_VOLUME_MOUNT};

use async_trait::async_trait;
use infrakit_docker::Docker;
use infrakit_spi::instance::{Changes, Description, Id, Instance, Spec, Tags};
use infrakit_spi::{Any, Error, Result};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{oneshot, watch};

/// How the plugin behaves, beside the engine it talks to.
#[derive(Debug, Clone)]
pub struct Options {
    /// Tags set on every container created and required of every container listed (v0.5's `--namespace-tags`).
    pub namespace: Tags,
    /// How long a missing image may take to pull before the provision fails.
    pub pull_timeout: Duration,
    /// How long an Init script may run before the provision fails.
    pub init_timeout: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            namespace: Tags::new(),
            pull_timeout: Duration::from_secs(120),
            init_timeout: Duration::from_secs(600),
        }
    }
}

pub(crate) struct Inner {
    docker: Docker,
    /// Deaths announced before the engine's listing shows them (shared with the event watcher).
    deaths: Arc<deaths::Deaths>,
    options: Options,
    changes: watch::Sender<u64>,
    /// Held while a network is looked up and created, so two pets do not create two networks of one name.
    networks: tokio::sync::Mutex<()>,
    /// Dropped with the plugin: the event watcher stops.
    _stop: oneshot::Sender<()>,
}

impl Inner {
    fn push(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// The Docker instance plugin.
#[derive(Clone)]
pub struct DockerInstance {
    inner: Arc<Inner>,
}

impl DockerInstance {
    /// A plugin on the engine `docker`; starts watching the engine's events (the engine may be down now: the
    /// watcher keeps trying). Must be called within a tokio runtime.
    pub fn new(docker: Docker, options: Options) -> DockerInstance {
        let (changes, _) = watch::channel(0);
        let (stop, stopped) = oneshot::channel();
        let deaths = Arc::new(deaths::Deaths::default());
        let inner = Arc::new(Inner {
            docker: docker.clone(),
            deaths: deaths.clone(),
            options: options.clone(),
            changes: changes.clone(),
            networks: tokio::sync::Mutex::new(()),
            _stop: stop,
        });
        tokio::spawn(events::watch(docker, options.namespace, deaths, changes, stopped));
        DockerInstance { inner }
    }

    /// The engine's client.
    pub fn docker(&self) -> &Docker {
        &self.inner.docker
    }
}

#[async_trait]
impl Instance for DockerInstance {
    async fn validate(&self, properties: Option<&Any>) -> Result<()> {
        Properties::parse(properties).map(|_| ())
    }

    async fn provision(&self, spec: Spec) -> Result<Id> {
        let id = provision::provision(&self.inner, spec).await?;
        self.inner.push();
        Ok(id)
    }

    /// Docker cannot change a container's labels once it exists: labels it already carries are fine, any other
    /// is refused with that reason.
    async fn label(&self, id: &Id, labels: &Tags) -> Result<()> {
        let c =
            self.inner.docker.inspect_container(&id.0).await.map_err(|e| errors::on(&format!("instance {id}"), e))?;
        let have = c.config.and_then(|c| c.labels).unwrap_or_default();
        let missing: Vec<String> =
            labels.iter().filter(|(k, v)| have.get(*k) != Some(*v)).map(|(k, v)| format!("{k}={v}")).collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(Error::failed(format!(
            "instance {id}: Docker cannot change the labels of a container after it is created (wanted {}); \
             a new container with these tags replaces it at the next rolling update",
            missing.join(", ")
        )))
    }

    async fn destroy(&self, id: &Id) -> Result<()> {
        self.inner.docker.remove_container(&id.0, true).await.map_err(|e| errors::on(&format!("instance {id}"), e))?;
        tracing::info!(instance = %id, "destroyed");
        self.inner.push();
        Ok(())
    }

    async fn describe_instances(&self, tags: &Tags, properties: bool) -> Result<Vec<Description>> {
        describe::describe(&self.inner, tags, properties).await
    }

    fn changes(&self) -> Option<Changes> {
        let rx = self.inner.changes.subscribe();
        Some(Box::pin(tokio_stream::StreamExt::map(tokio_stream::wrappers::WatchStream::from_changes(rx), |_| ())))
    }

    /// Read-your-writes: the engine lists a container as soon as it is created, and `provision` returns once it
    /// runs.
    async fn listing_lag(&self) -> Option<Duration> {
        Some(Duration::ZERO)
    }
}
