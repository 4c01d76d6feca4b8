//! Typed clients: each implements an SPI trait by calling a remote plugin, so callers cannot tell a remote plugin
//! from an in-process one. The handshake runs once, on first use; a failed call to it is retried next time.

use crate::client::RpcClient;
use crate::messages::handshake::{ImplementsResponse, TypesResponse};
use crate::messages::{flavor as fm, group as gm, instance as im, metadata as mm};
use async_trait::async_trait;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Index};
use infrakit_spi::group::{self, Group, GroupControl};
use infrakit_spi::instance::{self, Changes, Description, Id, Instance, Spec, Tags};
use infrakit_spi::metadata::{Metadata, Path};
use infrakit_spi::plugin::{versions, InterfaceSpec};
use infrakit_spi::{Any, Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::OnceCell;

/// A connection to one plugin object (a socket plus a sub-type), with its cached handshake. Clones share the cache.
#[derive(Clone)]
pub struct PluginClient {
    rpc: RpcClient,
    kind: String,
    apis: std::sync::Arc<OnceCell<Vec<InterfaceSpec>>>,
}

impl PluginClient {
    /// A client for sub-type `kind` (`""` for the default object) behind `rpc`.
    pub fn new(rpc: RpcClient, kind: impl Into<String>) -> PluginClient {
        PluginClient { rpc, kind: kind.into(), apis: std::sync::Arc::new(OnceCell::new()) }
    }

    /// The underlying RPC client.
    pub fn rpc(&self) -> &RpcClient {
        &self.rpc
    }

    /// The sub-type sent as `Type`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The interfaces the plugin implements (`Handshake.Implements`), cached after the first answer.
    pub async fn implements(&self) -> Result<&[InterfaceSpec]> {
        let apis = self
            .apis
            .get_or_try_init(|| async {
                let r: ImplementsResponse = self.rpc.call("Handshake.Implements", &serde_json::json!({})).await?;
                Ok::<_, Error>(r.apis)
            })
            .await?;
        Ok(apis)
    }

    /// The sub-types per interface (`Handshake.Types`).
    pub async fn types(&self) -> Result<TypesResponse> {
        self.rpc.call("Handshake.Types", &serde_json::json!({})).await
    }

    /// Fails unless the plugin implements `name` at exactly `version`.
    pub async fn require(&self, name: &str, version: &str) -> Result<()> {
        let apis = self.implements().await?;
        if apis.iter().any(|a| a.name == name && a.version == version) {
            return Ok(());
        }
        let plugin = self.rpc.name();
        match apis.iter().find(|a| a.name == name) {
            Some(a) => Err(Error::Unavailable(format!(
                "plugin {plugin} supports {name} interface version {}, client requires {version}",
                a.version
            ))),
            None => Err(Error::Unavailable(format!("plugin {plugin} does not support interface {name}/{version}"))),
        }
    }

    async fn call<P: Serialize, R: DeserializeOwned>(
        &self,
        iface: &str,
        version: &str,
        method: &str,
        p: &P,
    ) -> Result<R> {
        self.require(iface, version).await?;
        self.rpc.call(&format!("{iface}.{method}"), p).await
    }
}

/// An `Instance` plugin reached over RPC.
pub struct InstanceClient(pub PluginClient);

impl InstanceClient {
    async fn call<P: Serialize, R: DeserializeOwned>(&self, method: &str, p: &P) -> Result<R> {
        self.0.call("Instance", versions::INSTANCE, method, p).await
    }
}

#[async_trait]
impl Instance for InstanceClient {
    async fn validate(&self, properties: Option<&Any>) -> Result<()> {
        let req = im::ValidateRequest { kind: self.0.kind.clone(), properties: properties.cloned() };
        let _: im::OkResponse = self.call("Validate", &req).await?;
        Ok(())
    }

    async fn provision(&self, spec: Spec) -> Result<Id> {
        let req = im::ProvisionRequest { kind: self.0.kind.clone(), spec };
        let r: im::ProvisionResponse = self.call("Provision", &req).await?;
        r.id.ok_or_else(|| Error::Remote("Provision returned no ID".into()))
    }

    async fn label(&self, id: &Id, labels: &Tags) -> Result<()> {
        let req = im::LabelRequest { kind: self.0.kind.clone(), instance: id.clone(), labels: labels.clone() };
        let _: im::OkResponse = self.call("Label", &req).await?;
        Ok(())
    }

    async fn destroy(&self, id: &Id) -> Result<()> {
        let req = im::DestroyRequest { kind: self.0.kind.clone(), instance: id.clone() };
        let _: im::OkResponse = self.call("Destroy", &req).await?;
        Ok(())
    }

    async fn describe_instances(&self, tags: &Tags, properties: bool) -> Result<Vec<instance::Description>> {
        let req = im::DescribeRequest { kind: self.0.kind.clone(), tags: tags.clone(), properties };
        let r: im::DescribeResponse = self.call("DescribeInstances", &req).await?;
        Ok(r.descriptions)
    }

    /// Asks the plugin (`Instance.ListingLag`, an extension); a plugin without it (InfraKit v0.5's) says nothing.
    async fn listing_lag(&self) -> Option<std::time::Duration> {
        let req = im::ListingLagRequest { kind: self.0.kind.clone() };
        let r: im::ListingLagResponse = self.call("ListingLag", &req).await.ok()?;
        r.lag_ms.map(std::time::Duration::from_millis)
    }

    /// Subscribes to the plugin's `instance/changes` events (Server-Sent Events on `/events`). The stream ends when
    /// the plugin publishes no such events; a dropped connection is retried, and counted as a change.
    fn changes(&self) -> Option<Changes> {
        if !self.0.kind.is_empty() {
            return None;
        }
        let rpc = self.0.rpc.clone();
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        tokio::spawn(follow_events(rpc, tx));
        Some(Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx)))
    }
}

async fn follow_events(rpc: RpcClient, tx: tokio::sync::mpsc::Sender<()>) {
    use http_body_util::BodyExt;
    let path = format!("/events?topic={}", crate::server::INSTANCE_CHANGES_TOPIC);
    let mut connected_once = false;
    while !tx.is_closed() {
        match rpc.get_stream(&path).await {
            Ok(resp) if resp.status().is_success() => {
                if connected_once {
                    let _ = tx.try_send(()); // we may have missed something while away
                }
                connected_once = true;
                let mut body = resp.into_body();
                let mut partial = String::new();
                loop {
                    let frame = tokio::select! {
                        f = body.frame() => f,
                        _ = tx.closed() => return, // nobody listens any more: close the connection
                    };
                    let Some(Ok(frame)) = frame else { break };
                    let Ok(data) = frame.into_data() else { continue };
                    partial.push_str(&String::from_utf8_lossy(&data));
                    while let Some(end) = partial.find("\n\n") {
                        let event: String = partial.drain(..end + 2).collect();
                        if event.lines().any(|l| l.starts_with("data:")) && tx.try_send(()).is_err() && tx.is_closed() {
                            return;
                        }
                    }
                }
            }
            Ok(_) => return, // the plugin publishes no change events: callers fall back to polling
            Err(_) if !connected_once => return,
            Err(_) => {}
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// A `Flavor` plugin reached over RPC.
pub struct FlavorClient(pub PluginClient);

impl FlavorClient {
    async fn call<P: Serialize, R: DeserializeOwned>(&self, method: &str, p: &P) -> Result<R> {
        self.0.call("Flavor", versions::FLAVOR, method, p).await
    }

    fn instance_req(&self, properties: Option<&Any>, instance: &Description) -> fm::InstanceRequest {
        fm::InstanceRequest { kind: self.0.kind.clone(), properties: properties.cloned(), instance: instance.clone() }
    }
}

#[async_trait]
impl Flavor for FlavorClient {
    async fn validate(&self, properties: Option<&Any>, allocation: &AllocationMethod) -> Result<()> {
        let req = fm::ValidateRequest {
            kind: self.0.kind.clone(),
            properties: properties.cloned(),
            allocation: allocation.clone(),
        };
        let _: im::OkResponse = self.call("Validate", &req).await?;
        Ok(())
    }

    async fn prepare(
        &self,
        properties: Option<&Any>,
        spec: Spec,
        allocation: &AllocationMethod,
        index: &Index,
    ) -> Result<Spec> {
        let req = fm::PrepareRequest {
            kind: self.0.kind.clone(),
            properties: properties.cloned(),
            spec,
            allocation: allocation.clone(),
            index: index.clone(),
        };
        let r: fm::PrepareResponse = self.call("Prepare", &req).await?;
        Ok(r.spec)
    }

    async fn healthy(&self, properties: Option<&Any>, instance: &Description) -> Result<Health> {
        let r: fm::HealthyResponse = self.call("Healthy", &self.instance_req(properties, instance)).await?;
        Ok(r.health)
    }

    async fn drain(&self, properties: Option<&Any>, instance: &Description) -> Result<()> {
        let _: im::OkResponse = self.call("Drain", &self.instance_req(properties, instance)).await?;
        Ok(())
    }
}

/// A `Group` plugin reached over RPC.
pub struct GroupClient(pub PluginClient);

impl GroupClient {
    async fn call<P: Serialize, R: DeserializeOwned>(&self, method: &str, p: &P) -> Result<R> {
        self.0.call("Group", versions::GROUP, method, p).await
    }
}

#[async_trait]
impl Group for GroupClient {
    async fn commit_group(&self, spec: group::Spec, pretend: bool) -> Result<group::Commit> {
        let r: gm::CommitResponse = self.call("CommitGroup", &gm::CommitRequest { spec, pretend }).await?;
        Ok(group::Commit { details: r.details, plan: r.plan })
    }

    async fn free_group(&self, id: &group::Id) -> Result<()> {
        let _: gm::OkResponse = self.call("FreeGroup", &gm::IdRequest { id: id.clone() }).await?;
        Ok(())
    }

    async fn describe_group(&self, id: &group::Id) -> Result<group::Description> {
        let r: gm::DescribeResponse = self.call("DescribeGroup", &gm::IdRequest { id: id.clone() }).await?;
        Ok(r.description)
    }

    async fn destroy_group(&self, id: &group::Id) -> Result<()> {
        let _: gm::OkResponse = self.call("DestroyGroup", &gm::IdRequest { id: id.clone() }).await?;
        Ok(())
    }

    async fn inspect_groups(&self) -> Result<Vec<group::Spec>> {
        let r: gm::InspectResponse = self.call("InspectGroups", &gm::InspectRequest {}).await?;
        Ok(r.groups)
    }
}

/// A `Metadata` plugin reached over RPC. A sub-type is addressed by prefixing it to the path.
pub struct MetadataClient(pub PluginClient);

impl MetadataClient {
    fn full_path(&self, path: &Path) -> Path {
        if self.0.kind.is_empty() {
            return path.clone();
        }
        let mut segs = vec![self.0.kind.clone()];
        segs.extend(path.segments().map(str::to_string));
        Path(segs)
    }
}

#[async_trait]
impl Metadata for MetadataClient {
    async fn list(&self, path: &Path) -> Result<Option<Vec<String>>> {
        let req = mm::PathRequest { path: self.full_path(path) };
        let r: mm::ListResponse = self.0.call("Metadata", versions::METADATA, "List", &req).await?;
        Ok(r.nodes)
    }

    async fn get(&self, path: &Path) -> Result<Option<Any>> {
        let req = mm::PathRequest { path: self.full_path(path) };
        let r: mm::GetResponse = self.0.call("Metadata", versions::METADATA, "Get", &req).await?;
        Ok(r.value)
    }
}

#[async_trait]
impl GroupControl for GroupClient {
    async fn pause(&self, id: &group::Id) -> Result<()> {
        let _: gm::OkResponse =
            self.0.call("GroupControl", "0.1.0", "Pause", &gm::IdRequest { id: id.clone() }).await?;
        Ok(())
    }

    async fn resume(&self, id: &group::Id) -> Result<()> {
        let _: gm::OkResponse =
            self.0.call("GroupControl", "0.1.0", "Resume", &gm::IdRequest { id: id.clone() }).await?;
        Ok(())
    }

    async fn rollback(&self, id: &group::Id) -> Result<()> {
        let req = gm::IdRequest { id: id.clone() };
        let _: gm::OkResponse = self.0.call("GroupControl", "0.1.0", "Rollback", &req).await?;
        Ok(())
    }

    async fn status(&self, id: &group::Id) -> Result<Any> {
        let req = gm::IdRequest { id: id.clone() };
        let r: gm::StatusResponse = self.0.call("GroupControl", "0.1.0", "Status", &req).await?;
        r.status.ok_or_else(|| Error::Remote("Status returned nothing".into()))
    }
}

/// A manager replica reached over RPC.
pub struct ManagerClient(pub PluginClient);

#[async_trait]
impl infrakit_spi::manager::Manager for ManagerClient {
    async fn is_leader(&self) -> Result<bool> {
        let r: gm::IsLeaderResponse =
            self.0.call("Manager", versions::MANAGER, "IsLeader", &serde_json::json!({})).await?;
        Ok(r.leader)
    }

    async fn status(&self) -> Result<infrakit_spi::manager::ManagerStatus> {
        self.0.call("Manager", versions::MANAGER, "Status", &serde_json::json!({})).await
    }

    async fn history(&self, id: &group::Id) -> Result<Vec<infrakit_spi::manager::SpecVersion>> {
        let r: gm::HistoryResponse =
            self.0.call("Manager", versions::MANAGER, "History", &gm::IdRequest { id: id.clone() }).await?;
        Ok(r.versions)
    }

    async fn rollback_to(&self, id: &group::Id, version: Option<u64>) -> Result<String> {
        let req = gm::RollbackToRequest { id: id.clone(), version };
        let r: gm::CommitResponse = self.0.call("Manager", versions::MANAGER, "RollbackTo", &req).await?;
        Ok(r.details)
    }
}
