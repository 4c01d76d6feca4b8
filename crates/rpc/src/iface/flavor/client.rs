//! A `Flavor` plugin reached over RPC.

use super::Method;
use crate::iface::handshake::PluginClient;
use crate::messages::flavor::*;
use crate::messages::instance::OkResponse;
use async_trait::async_trait;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Prepare, Quorum};
use infrakit_spi::instance::{Description, Spec};
use infrakit_spi::{Any, Result};

/// A `Flavor` plugin reached over RPC.
pub struct FlavorClient(pub PluginClient);

impl FlavorClient {
    fn instance_req(&self, properties: Option<&Any>, instance: &Description) -> InstanceRequest {
        InstanceRequest { kind: self.0.kind().to_string(), properties: properties.cloned(), instance: instance.clone() }
    }
}

#[async_trait]
impl Flavor for FlavorClient {
    async fn validate(&self, properties: Option<&Any>, allocation: &AllocationMethod) -> Result<()> {
        let kind = self.0.kind().to_string();
        let req = ValidateRequest { kind, properties: properties.cloned(), allocation: allocation.clone() };
        let _: OkResponse = self.0.call(Method::Validate, &req).await?;
        Ok(())
    }

    async fn prepare(&self, request: Prepare<'_>) -> Result<Spec> {
        let Prepare { properties, spec, allocation, index } = request;
        let (kind, properties) = (self.0.kind().to_string(), properties.cloned());
        let req = PrepareRequest { kind, properties, spec, allocation: allocation.clone(), index: index.clone() };
        let r: PrepareResponse = self.0.call(Method::Prepare, &req).await?;
        Ok(r.spec)
    }

    async fn healthy(&self, properties: Option<&Any>, instance: &Description) -> Result<Health> {
        let r: HealthyResponse = self.0.call(Method::Healthy, &self.instance_req(properties, instance)).await?;
        Ok(r.health)
    }

    async fn drain(&self, properties: Option<&Any>, instance: &Description) -> Result<()> {
        let _: OkResponse = self.0.call(Method::Drain, &self.instance_req(properties, instance)).await?;
        Ok(())
    }

    async fn quorum(&self, properties: Option<&Any>, instances: &[Description]) -> Result<Option<Quorum>> {
        super::quorum::call(&self.0, properties, instances).await
    }
}
