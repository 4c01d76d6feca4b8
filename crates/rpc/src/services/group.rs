//! The `Group` and `Manager` services.

use super::{params, result, CallError, CallResult, Service};
use crate::messages::group::*;
use async_trait::async_trait;
use infrakit_spi::group::{Group, GroupControl};
use infrakit_spi::plugin::{versions, InterfaceSpec};
use serde_json::value::RawValue;
use std::sync::Arc;

/// Serves `Group/0.1.0` (untyped).
pub struct GroupService(pub Arc<dyn Group>);

#[async_trait]
impl Service for GroupService {
    fn interface(&self) -> InterfaceSpec {
        InterfaceSpec::new("Group", versions::GROUP)
    }

    fn methods(&self) -> &'static [&'static str] {
        &["CommitGroup", "FreeGroup", "DescribeGroup", "DestroyGroup", "InspectGroups"]
    }

    fn types(&self) -> Vec<String> {
        vec![".".to_string()]
    }

    async fn call(&self, method: &str, raw: &RawValue) -> CallResult {
        let g = &self.0;
        match method {
            "CommitGroup" => {
                let req: CommitRequest = params(raw)?;
                let commit = g.commit_group(req.spec, req.pretend).await?;
                result(&CommitResponse { details: commit.details, plan: commit.plan })
            }
            "FreeGroup" => {
                let req: IdRequest = params(raw)?;
                g.free_group(&req.id).await?;
                result(&OkResponse { ok: true })
            }
            "DescribeGroup" => {
                let req: IdRequest = params(raw)?;
                let description = g.describe_group(&req.id).await?;
                result(&DescribeResponse { description })
            }
            "DestroyGroup" => {
                let req: IdRequest = params(raw)?;
                g.destroy_group(&req.id).await?;
                result(&OkResponse { ok: true })
            }
            "InspectGroups" => {
                let groups = g.inspect_groups().await?;
                result(&InspectResponse { groups })
            }
            _ => Err(CallError::MethodNotFound),
        }
    }
}

/// Serves `Manager/0.1.0`: InfraKit's `IsLeader`, plus `Status`, `History` and `RollbackTo` (extensions).
pub struct ManagerService(pub Arc<dyn infrakit_spi::manager::Manager>);

#[async_trait]
impl Service for ManagerService {
    fn interface(&self) -> InterfaceSpec {
        InterfaceSpec::new("Manager", versions::MANAGER)
    }

    fn methods(&self) -> &'static [&'static str] {
        &["IsLeader", "Status", "History", "RollbackTo"]
    }

    fn types(&self) -> Vec<String> {
        vec![".".to_string()]
    }

    async fn call(&self, method: &str, raw: &RawValue) -> CallResult {
        match method {
            "IsLeader" => result(&IsLeaderResponse { leader: self.0.is_leader().await? }),
            "Status" => result(&self.0.status().await?),
            "History" => {
                let req: IdRequest = params(raw)?;
                result(&HistoryResponse { versions: self.0.history(&req.id).await? })
            }
            "RollbackTo" => {
                let req: RollbackToRequest = params(raw)?;
                let details = self.0.rollback_to(&req.id, req.version).await?;
                result(&CommitResponse { details, plan: None })
            }
            _ => Err(CallError::MethodNotFound),
        }
    }
}

/// Serves `GroupControl/0.1.0`: rollout pause, resume, rollback and status (an extension of InfraKit's API).
pub struct GroupControlService(pub Arc<dyn GroupControl>);

#[async_trait]
impl Service for GroupControlService {
    fn interface(&self) -> InterfaceSpec {
        InterfaceSpec::new("GroupControl", "0.1.0")
    }

    fn methods(&self) -> &'static [&'static str] {
        &["Pause", "Resume", "Rollback", "Status"]
    }

    fn types(&self) -> Vec<String> {
        vec![".".to_string()]
    }

    async fn call(&self, method: &str, raw: &RawValue) -> CallResult {
        let req: IdRequest = params(raw)?;
        let g = &self.0;
        match method {
            "Pause" => g.pause(&req.id).await?,
            "Resume" => g.resume(&req.id).await?,
            "Rollback" => g.rollback(&req.id).await?,
            "Status" => return result(&StatusResponse { status: Some(g.status(&req.id).await?) }),
            _ => return Err(CallError::MethodNotFound),
        }
        result(&OkResponse { ok: true })
    }
}
