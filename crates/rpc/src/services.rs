//! Server-side services: each mounts SPI trait objects and turns `Interface.Method` calls into trait calls. The
//! services themselves live with their interface in [`crate::iface`]; they are all named here too.

pub use crate::iface::flavor::{FlavorQuorumService, FlavorService};
pub use crate::iface::group::GroupService;
pub use crate::iface::handshake::HandshakeService;
pub use crate::iface::instance::InstanceService;
pub use crate::iface::manager::ManagerService;
pub use crate::iface::metadata::MetadataService;
pub use crate::iface::rollout::GroupControlService;
pub use crate::objects::Objects;

use crate::methods::MethodTable;
use async_trait::async_trait;
use infrakit_spi::plugin::InterfaceSpec;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use std::sync::Arc;

/// Why a call failed; all but `InvalidParams` travel as code -32000.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The method does not exist on this service.
    #[error("method not found")]
    MethodNotFound,
    /// The params did not decode (code -32600, the params echoed as `data`, as Go's json2 codec does).
    #[error("invalid params: {0}")]
    InvalidParams(String),
    /// The plugin returned an error.
    #[error(transparent)]
    Plugin(#[from] infrakit_spi::Error),
}

/// What a call returns: the result encoded as Go JSON.
pub type CallResult = Result<Encoded, CallError>;

/// The start of every JSON-RPC answer with a result, up to the result.
const ANSWER_START: &[u8] = br#"{"jsonrpc":"2.0","result":"#;

/// A result encoded as Go JSON, written after the start of the answer that will carry it: the answer is completed
/// in place, instead of a large result being copied into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded(Vec<u8>);

impl Encoded {
    /// The whole answer: `{"jsonrpc":"2.0","result":<result>,"id":<id>}` and a newline (`id` is raw JSON).
    pub fn into_answer(self, id: &str) -> Vec<u8> {
        let mut out = self.0;
        out.reserve(id.len() + 8);
        out.extend_from_slice(br#","id":"#);
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(b"}\n");
        out
    }
}

/// An RPC service such as `Instance` or `Group`.
#[async_trait]
pub trait Service: Send + Sync {
    /// The interface it implements, with its version.
    fn interface(&self) -> InterfaceSpec;
    /// The sub-types it serves, sorted, `"."` for the default object.
    fn types(&self) -> Vec<String>;
    /// The method names it answers (after the dot).
    fn methods(&self) -> &'static [&'static str];
    /// True when it only adds methods to an interface another service on the socket implements: it is then not
    /// listed in the handshake (InfraKit v0.5's clients would meet an interface they do not know).
    fn extension(&self) -> bool {
        false
    }
    /// Runs `method` (the part after the dot) with raw JSON `params`.
    async fn call(&self, method: &str, params: &RawValue) -> CallResult;
}

/// A service written against its interface's method table: the table names the interface, lists the methods and
/// turns a name into a method, so the service only says what each method does.
#[async_trait]
pub trait Dispatch: Send + Sync {
    /// The interface's method table.
    type Method: MethodTable;
    /// The sub-types served, sorted, `"."` for the default object.
    fn types(&self) -> Vec<String> {
        vec![".".to_string()]
    }
    /// Runs `method` with raw JSON `params`.
    async fn dispatch(&self, method: Self::Method, params: &RawValue) -> CallResult;
}

#[async_trait]
impl<D: Dispatch> Service for D {
    fn interface(&self) -> InterfaceSpec {
        D::Method::INTERFACE.spec()
    }

    fn types(&self) -> Vec<String> {
        Dispatch::types(self)
    }

    fn methods(&self) -> &'static [&'static str] {
        D::Method::NAMES
    }

    fn extension(&self) -> bool {
        D::Method::EXTENSION
    }

    async fn call(&self, method: &str, params: &RawValue) -> CallResult {
        match D::Method::parse(method) {
            Some(m) => self.dispatch(m, params).await,
            None => Err(CallError::MethodNotFound),
        }
    }
}

/// The interfaces `services` implement, each once, in mount order; extensions are not interfaces of their own.
pub fn implemented(services: &[Arc<dyn Service>]) -> Vec<InterfaceSpec> {
    let mut apis: Vec<InterfaceSpec> = Vec::new();
    for s in services.iter().filter(|s| !s.extension()) {
        let api = s.interface();
        if !apis.contains(&api) {
            apis.push(api);
        }
    }
    apis
}

/// Decodes params; a failure is reported as invalid params.
pub(crate) fn params<T: DeserializeOwned>(raw: &RawValue) -> Result<T, CallError> {
    serde_json::from_str(raw.get()).map_err(|e| CallError::InvalidParams(e.to_string()))
}

/// Encodes a result as Go JSON.
pub(crate) fn result<T: Serialize>(value: &T) -> CallResult {
    result_written(|out| infrakit_spi::gojson::append(out, value))
}

/// A result that `write` appends, as Go JSON, to the answer's start.
pub(crate) fn result_written(write: impl FnOnce(&mut Vec<u8>) -> Result<(), serde_json::Error>) -> CallResult {
    let mut out = Vec::with_capacity(ANSWER_START.len() + 128);
    out.extend_from_slice(ANSWER_START);
    write(&mut out)
        .map_err(|e| CallError::Plugin(infrakit_spi::Error::failed(format!("cannot encode result: {e}"))))?;
    Ok(Encoded(out))
}
