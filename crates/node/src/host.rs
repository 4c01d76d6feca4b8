//! Starts built-in plugins and serves them: each is registered in this process (so plugins here reach each other
//! directly) and listens on its socket in the plugins directory.

use crate::catalog;
use crate::{NodeError, Result};
use infrakit_rpc::server::TcpListen;
use infrakit_rpc::services::{FlavorQuorumService, FlavorService, GroupControlService, ManagerService, Objects};
use infrakit_rpc::{Registry, Server, ServerBuilder};
use infrakit_spi::builtin::{Served, StartArgs};
use infrakit_spi::group;
use infrakit_spi::plugin::{self, Name};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The plugins a node runs.
pub struct Host {
    dir: PathBuf,
    registry: Arc<Registry>,
    home: PathBuf,
    flags: clap::ArgMatches,
    servers: Vec<Server>,
}

/// How a plugin a spec needs is provided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provided {
    /// Started here.
    Started(String),
    /// Another process already serves it.
    AlreadyRunning(String),
}

impl Host {
    /// A host serving in the plugins directory `dir`, registering in `registry`, keeping default state below
    /// `home`; `flags` are the parsed command line that carries the built-ins' flags.
    pub fn new(dir: &Path, registry: Arc<Registry>, home: &Path, flags: clap::ArgMatches) -> Host {
        Host { dir: dir.to_path_buf(), registry, home: home.to_path_buf(), flags, servers: Vec::new() }
    }

    /// The command line the built-ins read their flags from.
    pub fn flags(&self) -> &clap::ArgMatches {
        &self.flags
    }

    /// `$INFRAKIT_HOME`.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// The registry plugins are found through.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// Starts the built-in `kind` and serves it as `name` (also on TCP with mutual TLS at `tcp` when given).
    pub async fn start(&mut self, kind: &str, name: &str, tcp: Option<TcpListen>) -> Result<&Server> {
        let builtin = catalog::find(kind)?;
        let args = StartArgs { name, flags: &self.flags, lookup: self.registry.clone(), home: &self.home };
        let served = (builtin.start)(args).await?;
        self.serve(name, served, tcp).await
    }

    /// Registers what a plugin serves under `name` and serves it on its socket.
    pub async fn serve(&mut self, name: &str, served: Served, tcp: Option<TcpListen>) -> Result<&Server> {
        let mut builder = ServerBuilder::new(name);
        let mut instances = served.instances;
        if let Some(p) = served.instance {
            instances.insert(String::new(), p);
        }
        if !instances.is_empty() {
            for (kind, p) in &instances {
                let full = if kind.is_empty() { name.to_string() } else { format!("{name}/{kind}") };
                self.registry.add_instance(&full, p.clone());
            }
            builder = builder.instances(instances);
        }
        let mut flavors = served.flavors;
        if let Some(p) = served.flavor {
            flavors.insert(String::new(), p);
        }
        if !flavors.is_empty() {
            for (kind, p) in &flavors {
                let full = if kind.is_empty() { name.to_string() } else { format!("{name}/{kind}") };
                self.registry.add_flavor(&full, p.clone());
            }
            builder = builder
                .service(Arc::new(FlavorService::new(flavors.clone())))
                .service(Arc::new(FlavorQuorumService(Objects::new(flavors))));
        }
        if let Some(p) = served.group {
            self.registry.add_group(name, p.clone());
            builder = builder.group(p);
        }
        if let Some(p) = served.manager {
            builder = builder.service(Arc::new(ManagerService(p)));
        }
        if let Some(p) = served.group_control {
            builder = builder.service(Arc::new(GroupControlService(p)));
        }
        if let Some(p) = served.metadata {
            self.registry.add_metadata(name, p.clone());
            builder = builder.metadata(p);
        }
        if let Some(listen) = tcp {
            builder = builder.listen_tls(listen);
        }
        let server =
            builder.serve(&self.dir).await.map_err(|source| NodeError::Serve { name: name.to_string(), source })?;
        self.servers.push(server);
        Ok(&self.servers[self.servers.len() - 1])
    }

    /// The socket a plugin called `name` listens on.
    pub fn socket(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// True when a plugin answers at `name` in the plugins directory.
    pub async fn answers(&self, name: &str) -> bool {
        match self.registry.remote(&Name::new(name)) {
            Ok(client) => {
                tokio::time::timeout(Duration::from_secs(2), client.implements()).await.is_ok_and(|r| r.is_ok())
            }
            Err(_) => false,
        }
    }

    /// Starts the built-ins that `specs` name and that nobody serves yet; fails on a plugin nobody provides.
    pub async fn start_referenced(&mut self, specs: &[group::Spec]) -> Result<Vec<Provided>> {
        let mut needed = BTreeSet::new();
        for s in specs {
            for n in referenced(s) {
                needed.insert((n.lookup().to_string(), s.id.0.clone()));
            }
        }
        let mut provided = Vec::new();
        let mut seen = BTreeSet::new();
        for (name, group) in needed {
            if !seen.insert(name.clone()) {
                continue;
            }
            if self.answers(&name).await {
                provided.push(Provided::AlreadyRunning(name));
                continue;
            }
            if !catalog::is_builtin(&name) {
                return Err(NodeError::NotProvided { group, plugin: name });
            }
            self.start(&name, &name, None).await?;
            provided.push(Provided::Started(name));
        }
        Ok(provided)
    }

    /// Stops every server (their sockets go away).
    pub async fn shutdown(self) {
        for s in self.servers {
            s.shutdown().await;
        }
    }

    /// How many servers run.
    pub fn len(&self) -> usize {
        self.servers.len()
    }

    /// True when none runs.
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }
}

/// Every plugin a group spec names: its instance and flavor plugins, and those their properties name in turn
/// (flavor-combo's children), as each built-in says.
pub fn referenced(spec: &group::Spec) -> Vec<Name> {
    let props = spec.properties.as_ref().map(|p| p.to_value()).unwrap_or_default();
    let mut out = Vec::new();
    for block in ["Instance", "Flavor"] {
        if let Ok(block) = serde_json::from_value::<plugin::Spec>(props[block].clone()) {
            named(&block, &mut out, 0);
        }
    }
    out
}

/// Adds the plugin a `{"Plugin","Properties"}` block names, and what its properties name (at most 8 deep).
fn named(block: &plugin::Spec, out: &mut Vec<Name>, depth: usize) {
    if block.plugin.as_str().is_empty() {
        return;
    }
    if let (Ok(builtin), Some(props)) = (catalog::find(block.plugin.lookup()), block.properties.as_ref()) {
        for child in (builtin.references)(props).iter().filter(|_| depth < 8) {
            named(child, out, depth + 1);
        }
    }
    out.push(block.plugin.clone());
}
