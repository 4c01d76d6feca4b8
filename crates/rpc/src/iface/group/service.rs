//! The `Group` service.

use super::Method;
use crate::messages::group::*;
use crate::services::{params, result, CallResult, Dispatch};
use async_trait::async_trait;
use infrakit_spi::group::Group;
use serde_json::value::RawValue;
use std::sync::Arc;

/// Serves `Group/0.1.0` (untyped).
pub struct GroupService(pub Arc<dyn Group>);

#[async_trait]
impl Dispatch for GroupService {
    type Method = Method;

    async fn dispatch(&self, method: Method, raw: &RawValue) -> CallResult {
        let g = &self.0;
        match method {
            Method::CommitGroup => {
                let req: CommitRequest = params(raw)?;
                let commit = g.commit_group(req.spec, req.pretend).await?;
                result(&CommitResponse { details: commit.details, plan: commit.plan })
            }
            Method::FreeGroup => {
                let req: IdRequest = params(raw)?;
                g.free_group(&req.id).await?;
                result(&OkResponse { ok: true })
            }
            Method::DescribeGroup => {
                let req: IdRequest = params(raw)?;
                let description = g.describe_group(&req.id).await?;
                result(&DescribeResponse { description })
            }
            Method::DestroyGroup => {
                let req: IdRequest = params(raw)?;
                g.destroy_group(&req.id).await?;
                result(&OkResponse { ok: true })
            }
            Method::InspectGroups => {
                let groups = g.inspect_groups().await?;
                result(&InspectResponse { groups })
            }
        }
    }
}
