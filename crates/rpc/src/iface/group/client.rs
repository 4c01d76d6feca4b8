//! A `Group` plugin reached over RPC (its rollout controls: [`rollout`](crate::iface::rollout)).

use super::Method;
use crate::iface::handshake::PluginClient;
use crate::messages::group::*;
use async_trait::async_trait;
use infrakit_spi::group::{self, Group};
use infrakit_spi::Result;

/// A `Group` plugin reached over RPC; also its rollout controls (`GroupControl`).
pub struct GroupClient(pub PluginClient);

#[async_trait]
impl Group for GroupClient {
    async fn commit_group(&self, spec: group::Spec, pretend: bool) -> Result<group::Commit> {
        let r: CommitResponse = self.0.call(Method::CommitGroup, &CommitRequest { spec, pretend }).await?;
        Ok(group::Commit { details: r.details, plan: r.plan })
    }

    async fn free_group(&self, id: &group::Id) -> Result<()> {
        let _: OkResponse = self.0.call(Method::FreeGroup, &IdRequest { id: id.clone() }).await?;
        Ok(())
    }

    async fn describe_group(&self, id: &group::Id) -> Result<group::Description> {
        let r: DescribeResponse = self.0.call(Method::DescribeGroup, &IdRequest { id: id.clone() }).await?;
        Ok(r.description)
    }

    async fn destroy_group(&self, id: &group::Id) -> Result<()> {
        let _: OkResponse = self.0.call(Method::DestroyGroup, &IdRequest { id: id.clone() }).await?;
        Ok(())
    }

    async fn inspect_groups(&self) -> Result<Vec<group::Spec>> {
        let r: InspectResponse = self.0.call(Method::InspectGroups, &InspectRequest {}).await?;
        Ok(r.groups)
    }
}
