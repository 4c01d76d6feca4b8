//! Plugin lookup through discovery, with in-process plugins taking precedence.

use crate::client::{RpcClient, Target};
use crate::clients::{FlavorClient, GroupClient, InstanceClient, MetadataClient, PluginClient};
use crate::discovery::Discovery;
use async_trait::async_trait;
use infrakit_spi::flavor::Flavor;
use infrakit_spi::group::Group;
use infrakit_spi::instance::Instance;
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::metadata::Metadata;
use infrakit_spi::plugin::Name;
use infrakit_spi::{Error, Result};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

/// Finds plugins: first among those registered in this process, then in the plugins directory.
/// Remote clients are cached per name so their handshake and connections are reused; a cached client whose plugin
/// has gone away simply fails its calls, and a lookup after the plugin comes back at a new place gets a fresh one.
pub struct Registry {
    discovery: Option<Discovery>,
    local_instances: RwLock<BTreeMap<String, Arc<dyn Instance>>>,
    local_flavors: RwLock<BTreeMap<String, Arc<dyn Flavor>>>,
    local_groups: RwLock<BTreeMap<String, Arc<dyn Group>>>,
    local_metadata: RwLock<BTreeMap<String, Arc<dyn Metadata>>>,
    remote: RwLock<BTreeMap<String, (Target, PluginClient)>>,
}

impl Registry {
    /// A registry backed by `discovery` (or in-process plugins only, with `None`).
    pub fn new(discovery: Option<Discovery>) -> Registry {
        Registry {
            discovery,
            local_instances: RwLock::default(),
            local_flavors: RwLock::default(),
            local_groups: RwLock::default(),
            local_metadata: RwLock::default(),
            remote: RwLock::default(),
        }
    }

    /// Registers an in-process instance plugin under its full name (`lookup[/type]`).
    pub fn add_instance(&self, name: &str, plugin: Arc<dyn Instance>) {
        if let Ok(mut m) = self.local_instances.write() {
            m.insert(name.to_string(), plugin);
        }
    }

    /// Registers an in-process flavor plugin.
    pub fn add_flavor(&self, name: &str, plugin: Arc<dyn Flavor>) {
        if let Ok(mut m) = self.local_flavors.write() {
            m.insert(name.to_string(), plugin);
        }
    }

    /// Registers an in-process group plugin.
    pub fn add_group(&self, name: &str, plugin: Arc<dyn Group>) {
        if let Ok(mut m) = self.local_groups.write() {
            m.insert(name.to_string(), plugin);
        }
    }

    /// Registers an in-process metadata plugin.
    pub fn add_metadata(&self, name: &str, plugin: Arc<dyn Metadata>) {
        if let Ok(mut m) = self.local_metadata.write() {
            m.insert(name.to_string(), plugin);
        }
    }

    fn local<T: ?Sized>(map: &RwLock<BTreeMap<String, Arc<T>>>, name: &Name) -> Option<Arc<T>> {
        map.read().ok()?.get(name.as_str()).cloned()
    }

    /// A typed client for `name` over its socket.
    pub fn remote(&self, name: &Name) -> Result<PluginClient> {
        let discovery = self
            .discovery
            .as_ref()
            .ok_or_else(|| Error::NotFound(format!("plugin not found: {name} (no plugins directory)")))?;
        let endpoint = discovery.find(name).map_err(|e| Error::NotFound(e.to_string()))?;
        let target = Target::from_endpoint(&endpoint)?;
        let key = name.to_string();
        if let Some((t, client)) = self.remote.read().ok().and_then(|m| m.get(&key).cloned()) {
            if t == target {
                return Ok(client);
            }
        }
        let rpc = RpcClient::new(name.lookup(), target.clone());
        let client = PluginClient::new(rpc, name.lookup_and_type().1);
        if let Ok(mut m) = self.remote.write() {
            m.insert(key, (target, client.clone()));
        }
        Ok(client)
    }
}

#[async_trait]
impl PluginLookup for Registry {
    async fn instance(&self, name: &Name) -> Result<Arc<dyn Instance>> {
        match Self::local(&self.local_instances, name) {
            Some(p) => Ok(p),
            None => Ok(Arc::new(InstanceClient(self.remote(name)?))),
        }
    }

    async fn flavor(&self, name: &Name) -> Result<Arc<dyn Flavor>> {
        match Self::local(&self.local_flavors, name) {
            Some(p) => Ok(p),
            None => Ok(Arc::new(FlavorClient(self.remote(name)?))),
        }
    }

    async fn group(&self, name: &Name) -> Result<Arc<dyn Group>> {
        match Self::local(&self.local_groups, name) {
            Some(p) => Ok(p),
            None => Ok(Arc::new(GroupClient(self.remote(name)?))),
        }
    }

    async fn metadata(&self, name: &Name) -> Result<Arc<dyn Metadata>> {
        match Self::local(&self.local_metadata, name) {
            Some(p) => Ok(p),
            None => Ok(Arc::new(MetadataClient(self.remote(name)?))),
        }
    }
}
