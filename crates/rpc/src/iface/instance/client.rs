//! An `Instance` plugin reached over RPC.

use super::{Method, CHANGES_TOPIC};
use crate::iface::handshake::PluginClient;
use crate::messages::instance::*;
use async_trait::async_trait;
use infrakit_spi::instance::{Changes, Description, Id, Instance, Spec, Tags};
use infrakit_spi::{Any, Error, Result};

/// An `Instance` plugin reached over RPC.
pub struct InstanceClient(pub PluginClient);

impl InstanceClient {
    fn kind(&self) -> String {
        self.0.kind().to_string()
    }
}

#[async_trait]
impl Instance for InstanceClient {
    async fn validate(&self, properties: Option<&Any>) -> Result<()> {
        let req = ValidateRequest { kind: self.kind(), properties: properties.cloned() };
        let _: OkResponse = self.0.call(Method::Validate, &req).await?;
        Ok(())
    }

    async fn provision(&self, spec: Spec) -> Result<Id> {
        let req = ProvisionRequest { kind: self.kind(), spec };
        let r: ProvisionResponse = self.0.call(Method::Provision, &req).await?;
        r.id.ok_or_else(|| Error::Remote("Provision returned no ID".into()))
    }

    async fn label(&self, id: &Id, labels: &Tags) -> Result<()> {
        let req = LabelRequest { kind: self.kind(), instance: id.clone(), labels: labels.clone() };
        let _: OkResponse = self.0.call(Method::Label, &req).await?;
        Ok(())
    }

    async fn destroy(&self, id: &Id) -> Result<()> {
        let req = DestroyRequest { kind: self.kind(), instance: id.clone() };
        let _: OkResponse = self.0.call(Method::Destroy, &req).await?;
        Ok(())
    }

    async fn describe_instances(&self, tags: &Tags, properties: bool) -> Result<Vec<Description>> {
        let req = DescribeRequest { kind: self.kind(), tags: tags.clone(), properties };
        let r: DescribeResponse = self.0.call(Method::DescribeInstances, &req).await?;
        Ok(r.descriptions)
    }

    /// Asks the plugin (`Instance.ListingLag`, an extension); a plugin without it (InfraKit v0.5's) says nothing.
    async fn listing_lag(&self) -> Option<std::time::Duration> {
        let req = ListingLagRequest { kind: self.kind() };
        let r: ListingLagResponse = self.0.call(Method::ListingLag, &req).await.ok()?;
        r.lag_ms.map(std::time::Duration::from_millis)
    }

    /// Asks the plugin (`Instance.ValidateSpec`, an extension); a plugin without the method (InfraKit v0.5's)
    /// accepts every spec.
    async fn validate_spec(&self, spec: &Spec) -> Result<()> {
        let req = ValidateSpecRequest { kind: self.kind(), spec: spec.clone() };
        match self.0.call::<_, _, OkResponse>(Method::ValidateSpec, &req).await {
            Ok(_) => Ok(()),
            // Go's gorilla/rpc says "can't find method"; JSON-RPC 2.0 servers say "Method not found" (-32601).
            Err(e) if is_missing_method(&e.to_string()) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Subscribes to the plugin's `instance/changes` events (Server-Sent Events on `/events`). The stream ends when
    /// the plugin publishes no such events; a dropped connection is retried, and counted as a change.
    fn changes(&self) -> Option<Changes> {
        if !self.0.kind().is_empty() {
            return None;
        }
        Some(crate::events::ticks(self.0.rpc().clone(), CHANGES_TOPIC))
    }
}

/// True when a plugin's error says it has no such method (Go InfraKit's wording, or JSON-RPC 2.0's).
fn is_missing_method(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("can't find method") || m.contains("method not found") || m.contains("-32601")
}
