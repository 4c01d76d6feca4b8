//! The `Instance` service.

use super::Method;
use crate::messages::instance::*;
use crate::objects::{Objects, TypedDispatch};
use crate::services::{params, result, result_written, CallResult};
use async_trait::async_trait;
use infrakit_spi::instance::Instance;
use serde_json::value::RawValue;

/// Serves `Instance/0.5.0` for one or more typed instance plugins.
pub type InstanceService = Objects<dyn Instance>;

#[async_trait]
impl TypedDispatch for dyn Instance {
    type Method = Method;

    async fn dispatch_typed(&self, kind: String, method: Method, raw: &RawValue) -> CallResult {
        match method {
            Method::Validate => {
                let req: ValidateRequest = params(raw)?;
                self.validate(req.properties.as_ref()).await?;
                result(&OkResponse { kind, ok: true })
            }
            Method::Provision => {
                let req: ProvisionRequest = params(raw)?;
                let id = self.provision(req.spec).await?;
                result(&ProvisionResponse { kind, id: Some(id) })
            }
            Method::Label => {
                let req: LabelRequest = params(raw)?;
                self.label(&req.instance, &req.labels).await?;
                result(&OkResponse { kind, ok: true })
            }
            Method::Destroy => {
                let req: DestroyRequest = params(raw)?;
                self.destroy(&req.instance).await?;
                result(&OkResponse { kind, ok: true })
            }
            Method::DescribeInstances => {
                let req: DescribeRequest = params(raw)?;
                let descriptions = self.describe_shared(&req.tags, req.properties).await?;
                // Unchanged descriptions are answered with the JSON they had last time.
                result_written(|out| super::encoded::append_answer(out, &kind, &descriptions))
            }
            Method::ValidateSpec => {
                let req: ValidateSpecRequest = params(raw)?;
                self.validate_spec(&req.spec).await?;
                result(&OkResponse { kind, ok: true })
            }
            Method::ListingLag => {
                let lag_ms = self.listing_lag().await.map(|d| d.as_millis() as u64);
                result(&ListingLagResponse { kind, lag_ms })
            }
        }
    }
}
