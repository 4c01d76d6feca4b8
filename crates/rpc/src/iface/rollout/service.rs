//! The rollout controls' service.

use super::Method;
use crate::messages::group::{IdRequest, OkResponse};
use crate::messages::rollout::StatusResponse;
use crate::services::{params, result, CallResult, Dispatch};
use async_trait::async_trait;
use infrakit_spi::group::GroupControl;
use serde_json::value::RawValue;
use std::sync::Arc;

/// Serves the rollout controls as extension methods of `Group/0.1.0`; mount it beside a
/// [`GroupService`](crate::services::GroupService). It is not listed as an interface of its own.
pub struct GroupControlService(pub Arc<dyn GroupControl>);

#[async_trait]
impl Dispatch for GroupControlService {
    type Method = Method;

    async fn dispatch(&self, method: Method, raw: &RawValue) -> CallResult {
        let req: IdRequest = params(raw)?;
        let g = &self.0;
        match method {
            Method::PauseRollout => g.pause(&req.id).await?,
            Method::ResumeRollout => g.resume(&req.id).await?,
            Method::RollbackRollout => g.rollback(&req.id).await?,
            Method::GroupStatus => return result(&StatusResponse { status: Some(g.status(&req.id).await?) }),
        }
        result(&OkResponse { ok: true })
    }
}
