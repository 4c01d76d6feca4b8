//! The `Instance` service.

use super::{params, result, route, CallError, CallResult, Service, Typed};
use crate::messages::instance::*;
use async_trait::async_trait;
use infrakit_spi::instance::Instance;
use infrakit_spi::plugin::{versions, InterfaceSpec};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Serves `Instance/0.5.0` for one or more typed instance plugins.
pub struct InstanceService(Typed<dyn Instance>);

impl InstanceService {
    /// Mounts `objects` keyed by sub-type (`""` for the default).
    pub fn new(objects: BTreeMap<String, Arc<dyn Instance>>) -> InstanceService {
        InstanceService(Typed(objects))
    }
}

#[async_trait]
impl Service for InstanceService {
    fn interface(&self) -> InterfaceSpec {
        InterfaceSpec::new("Instance", versions::INSTANCE)
    }

    fn methods(&self) -> &'static [&'static str] {
        &["Validate", "Provision", "Label", "Destroy", "DescribeInstances", "ListingLag"]
    }

    fn types(&self) -> Vec<String> {
        self.0.names()
    }

    async fn call(&self, method: &str, raw: &RawValue) -> CallResult {
        let (kind, plugin) = route(&self.0, self.methods(), method, raw)?;
        match method {
            "Validate" => {
                let req: ValidateRequest = params(raw)?;
                plugin.validate(req.properties.as_ref()).await?;
                result(&OkResponse { kind, ok: true })
            }
            "Provision" => {
                let req: ProvisionRequest = params(raw)?;
                let id = plugin.provision(req.spec).await?;
                result(&ProvisionResponse { kind, id: Some(id) })
            }
            "Label" => {
                let req: LabelRequest = params(raw)?;
                plugin.label(&req.instance, &req.labels).await?;
                result(&OkResponse { kind, ok: true })
            }
            "Destroy" => {
                let req: DestroyRequest = params(raw)?;
                plugin.destroy(&req.instance).await?;
                result(&OkResponse { kind, ok: true })
            }
            "DescribeInstances" => {
                let req: DescribeRequest = params(raw)?;
                let descriptions = plugin.describe_instances(&req.tags, req.properties).await?;
                result(&DescribeResponse { kind, descriptions })
            }
            "ListingLag" => {
                let lag_ms = plugin.listing_lag().await.map(|d| d.as_millis() as u64);
                result(&ListingLagResponse { kind, lag_ms })
            }
            _ => Err(CallError::MethodNotFound),
        }
    }
}
