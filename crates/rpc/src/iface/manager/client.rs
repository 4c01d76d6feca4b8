//! A manager replica reached over RPC.

use super::Method;
use crate::iface::handshake::PluginClient;
use crate::messages::group::{CommitResponse, IdRequest};
use crate::messages::manager::*;
use async_trait::async_trait;
use infrakit_spi::group::Id;
use infrakit_spi::manager::{Manager, ManagerStatus, SpecVersion};
use infrakit_spi::Result;

/// A manager replica reached over RPC.
pub struct ManagerClient(pub PluginClient);

#[async_trait]
impl Manager for ManagerClient {
    async fn is_leader(&self) -> Result<bool> {
        let r: IsLeaderResponse = self.0.call(Method::IsLeader, &serde_json::json!({})).await?;
        Ok(r.leader)
    }

    async fn status(&self) -> Result<ManagerStatus> {
        self.0.call(Method::Status, &serde_json::json!({})).await
    }

    async fn history(&self, id: &Id) -> Result<Vec<SpecVersion>> {
        let r: HistoryResponse = self.0.call(Method::History, &IdRequest { id: id.clone() }).await?;
        Ok(r.versions)
    }

    async fn rollback_to(&self, id: &Id, version: Option<u64>) -> Result<String> {
        let req = RollbackToRequest { id: id.clone(), version };
        let r: CommitResponse = self.0.call(Method::RollbackTo, &req).await?;
        Ok(r.details)
    }
}
