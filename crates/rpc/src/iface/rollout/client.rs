//! The rollout controls of a `Group` plugin reached over RPC.

use super::Method;
use crate::iface::group::GroupClient;
use crate::messages::group::{IdRequest, OkResponse};
use crate::messages::rollout::StatusResponse;
use async_trait::async_trait;
use infrakit_spi::group::{GroupControl, Id};
use infrakit_spi::status::GroupStatus;
use infrakit_spi::{Error, Result};

impl GroupClient {
    async fn control(&self, method: Method, id: &Id) -> Result<()> {
        let _: OkResponse = self.0.call(method, &IdRequest { id: id.clone() }).await?;
        Ok(())
    }
}

#[async_trait]
impl GroupControl for GroupClient {
    async fn pause(&self, id: &Id) -> Result<()> {
        self.control(Method::PauseRollout, id).await
    }

    async fn resume(&self, id: &Id) -> Result<()> {
        self.control(Method::ResumeRollout, id).await
    }

    async fn rollback(&self, id: &Id) -> Result<()> {
        self.control(Method::RollbackRollout, id).await
    }

    async fn status(&self, id: &Id) -> Result<GroupStatus> {
        let r: StatusResponse = self.0.call(Method::GroupStatus, &IdRequest { id: id.clone() }).await?;
        r.status.ok_or_else(|| Error::Remote("GroupStatus returned nothing".into()))
    }
}
