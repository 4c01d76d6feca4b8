//! The `Flavor` service.

use super::{params, result, route, CallError, CallResult, Service, Typed};
use crate::messages::flavor::*;
use crate::messages::instance::OkResponse;
use async_trait::async_trait;
use infrakit_spi::flavor::Flavor;
use infrakit_spi::plugin::{versions, InterfaceSpec};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Serves `Flavor/0.1.0` for one or more typed flavor plugins.
pub struct FlavorService(Typed<dyn Flavor>);

impl FlavorService {
    /// Mounts `objects` keyed by sub-type (`""` for the default).
    pub fn new(objects: BTreeMap<String, Arc<dyn Flavor>>) -> FlavorService {
        FlavorService(Typed(objects))
    }
}

#[async_trait]
impl Service for FlavorService {
    fn interface(&self) -> InterfaceSpec {
        InterfaceSpec::new("Flavor", versions::FLAVOR)
    }

    fn methods(&self) -> &'static [&'static str] {
        &["Validate", "Prepare", "Healthy", "Drain"]
    }

    fn types(&self) -> Vec<String> {
        self.0.names()
    }

    async fn call(&self, method: &str, raw: &RawValue) -> CallResult {
        let (kind, plugin) = route(&self.0, self.methods(), method, raw)?;
        match method {
            "Validate" => {
                let req: ValidateRequest = params(raw)?;
                plugin.validate(req.properties.as_ref(), &req.allocation).await?;
                result(&OkResponse { kind, ok: true })
            }
            "Prepare" => {
                let req: PrepareRequest = params(raw)?;
                let spec = plugin.prepare(req.properties.as_ref(), req.spec, &req.allocation, &req.index).await?;
                result(&PrepareResponse { kind, spec })
            }
            "Healthy" => {
                let req: InstanceRequest = params(raw)?;
                let health = plugin.healthy(req.properties.as_ref(), &req.instance).await?;
                result(&HealthyResponse { kind, health })
            }
            "Drain" => {
                let req: InstanceRequest = params(raw)?;
                plugin.drain(req.properties.as_ref(), &req.instance).await?;
                result(&OkResponse { kind, ok: true })
            }
            _ => Err(CallError::MethodNotFound),
        }
    }
}
