//! `Flavor.Quorum`: an extension method of `Flavor/0.1.0` (a flavor plugin still lists exactly the interfaces
//! InfraKit v0.5's does). A flavor that keeps a quorum says whether it is healthy and which instance leads; one
//! that does not (or a v0.5 plugin, which answers "can't find method") keeps none.

use crate::iface::handshake::PluginClient;
use crate::messages::flavor::{QuorumRequest, QuorumResponse};
use crate::methods::method_table;
use crate::objects::Objects;
use crate::services::{params, result, CallResult, Dispatch};
use async_trait::async_trait;
use infrakit_spi::flavor::{Flavor, Quorum};
use infrakit_spi::instance::Description;
use infrakit_spi::plugin::versions;
use infrakit_spi::{Any, Error, Result};
use serde_json::value::RawValue;

method_table! {
    /// The quorum method, sent as `Flavor.Quorum`.
    pub enum Method extends versions::FLAVOR_API {
        /// The quorum the group's instances form, if the flavor keeps one.
        Quorum,
    }
}

/// Serves `Flavor.Quorum` for the same typed flavor objects as a [`FlavorService`](super::FlavorService); mount
/// it beside one. It is not listed as an interface of its own.
pub struct FlavorQuorumService(pub Objects<dyn Flavor>);

#[async_trait]
impl Dispatch for FlavorQuorumService {
    type Method = Method;

    fn types(&self) -> Vec<String> {
        self.0.names()
    }

    async fn dispatch(&self, method: Method, raw: &RawValue) -> CallResult {
        match method {
            Method::Quorum => {
                let req: QuorumRequest = params(raw)?;
                let flavor = self.0.get(&req.kind)?;
                let quorum = flavor.quorum(req.properties.as_ref(), &req.instances).await?;
                result(&QuorumResponse { kind: req.kind, quorum })
            }
        }
    }
}

/// True when `err` says the remote plugin has no such method (InfraKit v0.5, or an older build of ours).
pub(crate) fn is_unknown_method(err: &Error) -> bool {
    // Go's answer (`rpc: can't find method "Flavor.Quorum"`, or `can't find service` from a server without the
    // extension), and JSON-RPC's standard "Method not found" from plugins written with other libraries.
    let Error::Remote(m) = err else { return false };
    let m = m.to_ascii_lowercase();
    m.contains("can't find method") || m.contains("can't find service") || m.contains("method not found")
}

/// Calls `Flavor.Quorum`; a plugin that does not know the method keeps no quorum (`None`).
pub(crate) async fn call(
    client: &PluginClient,
    properties: Option<&Any>,
    instances: &[Description],
) -> Result<Option<Quorum>> {
    let req = QuorumRequest {
        kind: client.kind().to_string(),
        properties: properties.cloned(),
        instances: instances.to_vec(),
    };
    match client.call::<_, _, QuorumResponse>(Method::Quorum, &req).await {
        Ok(r) => Ok(r.quorum),
        Err(e) if is_unknown_method(&e) => Ok(None),
        Err(e) => Err(e),
    }
}
