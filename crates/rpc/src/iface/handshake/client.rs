//! The client side of the handshake: a connection to one plugin object that checks, once, that the plugin
//! implements the interface a call belongs to.

use super::Method;
use crate::client::RpcClient;
use crate::messages::handshake::{ImplementsResponse, TypesResponse};
use crate::methods::MethodTable;
use infrakit_spi::plugin::InterfaceSpec;
use infrakit_spi::{Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// A connection to one plugin object (a socket plus a sub-type), with its cached handshake. Clones share the cache.
/// The handshake runs once, on first use; a failed call to it is retried next time.
#[derive(Clone)]
pub struct PluginClient {
    rpc: RpcClient,
    kind: String,
    apis: Arc<OnceCell<Vec<InterfaceSpec>>>,
}

impl PluginClient {
    /// A client for sub-type `kind` (`""` for the default object) behind `rpc`.
    pub fn new(rpc: RpcClient, kind: impl Into<String>) -> PluginClient {
        PluginClient { rpc, kind: kind.into(), apis: Arc::new(OnceCell::new()) }
    }

    /// The underlying RPC client.
    pub fn rpc(&self) -> &RpcClient {
        &self.rpc
    }

    /// The sub-type sent as `Type`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The interfaces the plugin implements (`Handshake.Implements`), cached after the first answer.
    pub async fn implements(&self) -> Result<&[InterfaceSpec]> {
        let apis = self
            .apis
            .get_or_try_init(|| async {
                let r: ImplementsResponse =
                    self.rpc.call(&Method::Implements.wire_name(), &serde_json::json!({})).await?;
                Ok::<_, Error>(r.apis)
            })
            .await?;
        Ok(apis)
    }

    /// The sub-types per interface (`Handshake.Types`).
    pub async fn types(&self) -> Result<TypesResponse> {
        self.rpc.call(&Method::Types.wire_name(), &serde_json::json!({})).await
    }

    /// Fails unless the plugin implements `name` at exactly `version`.
    pub async fn require(&self, name: &str, version: &str) -> Result<()> {
        let apis = self.implements().await?;
        if apis.iter().any(|a| a.name == name && a.version == version) {
            return Ok(());
        }
        let plugin = self.rpc.name();
        match apis.iter().find(|a| a.name == name) {
            Some(a) => Err(Error::Unavailable(format!(
                "plugin {plugin} supports {name} interface version {}, client requires {version}",
                a.version
            ))),
            None => Err(Error::Unavailable(format!("plugin {plugin} does not support interface {name}/{version}"))),
        }
    }

    /// Calls `method` once the handshake shows the plugin implements its interface.
    pub async fn call<M: MethodTable, P: Serialize, R: DeserializeOwned>(&self, method: M, params: &P) -> Result<R> {
        self.require(M::INTERFACE.name, M::INTERFACE.version).await?;
        self.rpc.call(&method.wire_name(), params).await
    }
}
