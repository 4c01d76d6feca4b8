//! `flavor-swarm`: InfraKit v0.5's Docker Swarm flavor, served as the sub-types `flavor-swarm/manager` (a pets
//! group whose logical IDs are the managers' addresses, an odd number) and `flavor-swarm/worker` (cattle).
//!
//! - `Validate`: v0.5's checks and messages ("missing config", "no docker connect info", logical IDs used twice,
//!   attachment keys that are not logical IDs, "no attachment type", attachments used twice, "must have odd number
//!   for quorum" for managers), errors naming the field; TLS to the engine is refused (this build's Docker client
//!   speaks to unix sockets and plain tcp only); the `InitScriptTemplateURL` template is loaded and parsed.
//! - `Prepare`: reads the swarm through `Properties.Docker` (info, the engine's own node, the swarm; whatever
//!   fails is left out, so the first manager can be prepared before the swarm exists), renders the init script
//!   (`InitScriptTemplateURL`, else the role's `--*-init-template` flag, else the default) with v0.5's functions
//!   `SPEC`, `INSTANCE_LOGICAL_ID`, `ALLOCATIONS`, `INDEX`, `INFRAKIT_LABELS`, `SWARM_MANAGER_ADDR`,
//!   `SWARM_INITIALIZED`, `SWARM_JOIN_TOKENS`, `SWARM_CLUSTER_ID`, and `SWARM_REJOIN_GUARD`; adds the instance's
//!   attachments (its logical ID's, then `*`'s); tags `swarm-id` and a fresh link (`infrakit-link`, 16 random
//!   characters, also set as an engine label by the script; `infrakit-link-context` = `swarm::<id>::<role>`;
//!   `infrakit-link-created`).
//! - `Healthy`: no link tag is unhealthy; the nodes whose engine carries the link label: none is unknown (not
//!   joined yet), else healthy when one is `ready` and, for a manager, `reachable`, unhealthy otherwise.
//! - `Quorum` (managers): healthy when every instance's node is a ready, reachable manager, one of them leads, and
//!   the swarm has no other manager; the leader is the instance whose node is the Raft leader.
//! - `Drain`: a worker's node is removed (forced, as v0.5). A manager's node is demoted, then removed, only when
//!   the group shrinks (the newest allocation this flavor validated or prepared no longer lists its address, as
//!   flavor-etcd decides): a manager replaced at the same address keeps its entry, because its successor may come
//!   back on its engine data and rejoin with the same node ID. A demotion that would lose the quorum is refused.
//!
//! Two things v0.5 lacked. A replacement that comes back on the lost node's engine data must not run `docker swarm
//! join` again (moby #34722): the flavor cannot see the volume, so the init script decides at boot (see
//! [`templates`]). And a lost manager's entry stays in the Raft group when its successor joins fresh: `Prepare`,
//! a manager's `Healthy` and `Quorum` demote and remove stale entries, by the rules in [`cleanup`] (never an entry
//! that may still come back on its data, never at the cost of the quorum).
//!
//! Not carried over from v0.5: the `metadata` template function and the metadata snapshot of the local engine.

mod builtin;
pub mod cleanup;
mod clients;
mod drain;
mod error;
mod health;
pub mod link;
mod node;
pub mod properties;
mod render;
pub mod role;
mod state;
pub mod templates;

pub use builtin::{Flags, BUILTIN};
pub use error::SwarmFlavorError;
pub use role::Role;

use async_trait::async_trait;
use clients::Clients;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Prepare, Quorum};
use infrakit_spi::instance::{Description, Spec};
use infrakit_spi::{Any, Result};
use link::{Link, SWARM_ID_TAG};
use properties::{check_allocation, SwarmProperties};
use render::{Context, Source};
use state::SwarmState;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Init script templates that replace the defaults (the plugin's `--manager-init-template` and
/// `--worker-init-template`); `Properties.InitScriptTemplateURL` still wins over them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateUrls {
    /// For managers.
    pub manager: Option<String>,
    /// For workers.
    pub worker: Option<String>,
}

/// What the manager and worker flavors of one plugin share.
#[derive(Default)]
struct Shared {
    clients: Clients,
    templates: TemplateUrls,
    /// The newest logical IDs of the manager group of each engine address (for `Drain` and the stale-entry rules).
    allocations: Mutex<HashMap<String, Vec<String>>>,
}

/// The swarm flavor of one role.
#[derive(Clone)]
pub struct SwarmFlavor {
    role: Role,
    shared: Arc<Shared>,
}

impl SwarmFlavor {
    /// The manager and the worker flavor of one plugin, with the default templates replaced by `templates`.
    pub fn pair(templates: TemplateUrls) -> (SwarmFlavor, SwarmFlavor) {
        let shared = Arc::new(Shared { templates, ..Shared::default() });
        (SwarmFlavor { role: Role::Manager, shared: shared.clone() }, SwarmFlavor { role: Role::Worker, shared })
    }

    /// A flavor of `role` alone, with the default templates.
    pub fn new(role: Role) -> SwarmFlavor {
        SwarmFlavor { role, shared: Arc::default() }
    }

    /// Its role.
    pub fn role(&self) -> Role {
        self.role
    }

    fn source(&self, props: &SwarmProperties) -> Source {
        let flag = match self.role {
            Role::Manager => self.shared.templates.manager.as_ref(),
            Role::Worker => self.shared.templates.worker.as_ref(),
        };
        match (props.init_script_template_url.as_str(), flag) {
            ("", None) => Source::Default(self.role),
            ("", Some(url)) => Source::Url(url.clone()),
            (url, _) => Source::Spec(url.to_string()),
        }
    }

    fn remember(&self, props: &SwarmProperties, allocation: &AllocationMethod) {
        if self.role != Role::Manager || allocation.logical_ids.is_empty() {
            return;
        }
        let ids = allocation.logical_ids.iter().map(|l| l.0.clone()).collect();
        if let Ok(mut m) = self.shared.allocations.lock() {
            m.insert(props.host().to_string(), ids);
        }
    }

    fn remembered(&self, props: &SwarmProperties) -> Option<Vec<String>> {
        self.shared.allocations.lock().ok()?.get(props.host()).cloned()
    }

    /// Lists every node and removes stale manager entries (best effort); the nodes as they are afterwards.
    async fn nodes_cleaned(&self, props: &SwarmProperties) -> Result<Vec<infrakit_docker::models::Node>> {
        let docker = self.shared.clients.get(props)?;
        let list = || async { docker.nodes().await.map_err(|e| SwarmFlavorError::docker(docker.host(), e)) };
        let nodes = list().await?;
        let allocation = self.remembered(props);
        if cleanup::remove_stale(&docker, &nodes, allocation.as_deref()).await > 0 {
            return Ok(list().await?);
        }
        Ok(nodes)
    }

    async fn prepare_spec(&self, request: Prepare<'_>) -> Result<Spec, SwarmFlavorError> {
        let props = SwarmProperties::parse(request.properties)?;
        let mut spec = request.spec;
        let state = match self.shared.clients.get(&props) {
            Ok(docker) => SwarmState::read(&docker).await,
            Err(e) => {
                tracing::warn!(error = %e, "flavor-swarm: cannot reach the swarm to prepare the instance");
                SwarmState::default()
            }
        };
        if self.role == Role::Manager {
            self.remember(&props, request.allocation);
            if state.initialized() {
                if let Err(e) = self.nodes_cleaned(&props).await {
                    tracing::warn!(error = %e, "flavor-swarm: stale managers not checked");
                }
            }
        }
        let link = Link::new(format!("swarm::{}::{}", state.swarm_id(), self.role));
        let context = Context {
            props: props.clone(),
            spec: spec.clone(),
            allocation: request.allocation.clone(),
            index: request.index.clone(),
            state: state.clone(),
            link: link.clone(),
        };
        spec.init = render::render(self.source(&props), context).await?;
        spec.attachments.extend(props.attachments_for(spec.logical_id.as_ref().map(|l| l.0.as_str())));
        spec.tags.insert(SWARM_ID_TAG.to_string(), state.swarm_id());
        link.write(&mut spec.tags);
        Ok(spec)
    }
}

#[async_trait]
impl Flavor for SwarmFlavor {
    async fn validate(&self, properties: Option<&Any>, allocation: &AllocationMethod) -> Result<()> {
        let props = SwarmProperties::parse(properties)?;
        if props.docker.host.is_empty() && props.docker.tls.is_none() {
            return Err(SwarmFlavorError::invalid("Properties.Docker", "no docker connect info").into());
        }
        if !props.init_script_template_url.is_empty() {
            render::check(props.init_script_template_url.clone()).await?;
        }
        check_allocation(&props, allocation, self.role)?;
        props.check_docker()?;
        // Remembered for `Drain`: a shrink is committed (validated) and never prepared. A `commit --pretend` is
        // remembered too (Validate cannot tell), as in flavor-etcd.
        self.remember(&props, allocation);
        Ok(())
    }

    async fn prepare(&self, request: Prepare<'_>) -> Result<Spec> {
        Ok(self.prepare_spec(request).await?)
    }

    async fn healthy(&self, properties: Option<&Any>, instance: &Description) -> Result<Health> {
        let props = SwarmProperties::parse(properties)?;
        let Some(value) = Link::value_in(&instance.tags) else {
            tracing::info!(instance = %instance.id, "flavor-swarm: unhealthy: the instance has no link tag");
            return Ok(Health::Unhealthy);
        };
        let docker = self.shared.clients.get(&props)?;
        let nodes = docker
            .nodes_with_engine_label(link::LINK_LABEL, value)
            .await
            .map_err(|e| SwarmFlavorError::docker(docker.host(), e))?;
        let health = health::of_nodes(&nodes, self.role);
        if self.role == Role::Manager && health == Health::Healthy {
            // A ready manager may be the fresh successor of a lost one: its old entry is stale now.
            if let Err(e) = self.nodes_cleaned(&props).await {
                tracing::warn!(error = %e, "flavor-swarm: stale managers not checked");
            }
        }
        Ok(health)
    }

    async fn drain(&self, properties: Option<&Any>, instance: &Description) -> Result<()> {
        let props = SwarmProperties::parse(properties)?;
        Ok(self.drain_node(&props, instance).await?)
    }

    async fn quorum(&self, properties: Option<&Any>, instances: &[Description]) -> Result<Option<Quorum>> {
        if self.role != Role::Manager {
            return Ok(None);
        }
        let props = SwarmProperties::parse(properties)?;
        let nodes = self.nodes_cleaned(&props).await?;
        Ok(Some(health::quorum(instances, &nodes)))
    }
}
