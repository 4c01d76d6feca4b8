//! The `Flavor` service.

use super::Method;
use crate::messages::flavor::*;
use crate::messages::instance::OkResponse;
use crate::objects::{Objects, TypedDispatch};
use crate::services::{params, result, CallResult};
use async_trait::async_trait;
use infrakit_spi::flavor::{Flavor, Prepare};
use serde_json::value::RawValue;

/// Serves `Flavor/0.1.0` for one or more typed flavor plugins.
pub type FlavorService = Objects<dyn Flavor>;

#[async_trait]
impl TypedDispatch for dyn Flavor {
    type Method = Method;

    async fn dispatch_typed(&self, kind: String, method: Method, raw: &RawValue) -> CallResult {
        match method {
            Method::Validate => {
                let req: ValidateRequest = params(raw)?;
                self.validate(req.properties.as_ref(), &req.allocation).await?;
                result(&OkResponse { kind, ok: true })
            }
            Method::Prepare => {
                let req: PrepareRequest = params(raw)?;
                let request = Prepare {
                    properties: req.properties.as_ref(),
                    spec: req.spec,
                    allocation: &req.allocation,
                    index: &req.index,
                };
                let spec = self.prepare(request).await?;
                result(&PrepareResponse { kind, spec })
            }
            Method::Healthy => {
                let req: InstanceRequest = params(raw)?;
                let health = self.healthy(req.properties.as_ref(), &req.instance).await?;
                result(&HealthyResponse { kind, health })
            }
            Method::Drain => {
                let req: InstanceRequest = params(raw)?;
                self.drain(req.properties.as_ref(), &req.instance).await?;
                result(&OkResponse { kind, ok: true })
            }
        }
    }
}
