//! The `Manager` service.

use super::Method;
use crate::messages::group::{CommitResponse, IdRequest};
use crate::messages::manager::*;
use crate::services::{params, result, CallResult, Dispatch};
use async_trait::async_trait;
use infrakit_spi::manager::Manager;
use serde_json::value::RawValue;
use std::sync::Arc;

/// Serves `Manager/0.1.0`: InfraKit's `IsLeader`, plus `Status`, `History` and `RollbackTo` (extensions).
pub struct ManagerService(pub Arc<dyn Manager>);

#[async_trait]
impl Dispatch for ManagerService {
    type Method = Method;

    async fn dispatch(&self, method: Method, raw: &RawValue) -> CallResult {
        match method {
            Method::IsLeader => result(&IsLeaderResponse { leader: self.0.is_leader().await? }),
            Method::Status => result(&self.0.status().await?),
            Method::History => {
                let req: IdRequest = params(raw)?;
                result(&HistoryResponse { versions: self.0.history(&req.id).await? })
            }
            Method::RollbackTo => {
                let req: RollbackToRequest = params(raw)?;
                let details = self.0.rollback_to(&req.id, req.version).await?;
                result(&CommitResponse { details, plan: None })
            }
        }
    }
}
