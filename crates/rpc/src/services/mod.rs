//! Server-side services: each mounts SPI trait objects and turns `Service.Method` calls into trait calls.

mod flavor;
mod group;
mod handshake;
mod instance;
mod metadata;

pub use flavor::FlavorService;
pub use group::{GroupControlService, GroupService, ManagerService};
pub use handshake::HandshakeService;
pub use instance::InstanceService;
pub use metadata::MetadataService;

use async_trait::async_trait;
use infrakit_spi::plugin::InterfaceSpec;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Why a call failed; all but `InvalidParams` travel as code -32000.
#[derive(Debug)]
pub enum CallError {
    /// The method does not exist on this service.
    MethodNotFound,
    /// The params did not decode (code -32600, the params echoed as `data`, as Go's json2 codec does).
    InvalidParams(String),
    /// The plugin returned an error.
    Plugin(infrakit_spi::Error),
}

impl From<infrakit_spi::Error> for CallError {
    fn from(e: infrakit_spi::Error) -> CallError {
        CallError::Plugin(e)
    }
}

/// What a call returns: the result encoded as Go JSON.
pub type CallResult = Result<Vec<u8>, CallError>;

/// An RPC service such as `Instance` or `Group`.
#[async_trait]
pub trait Service: Send + Sync {
    /// The interface it implements, with its version.
    fn interface(&self) -> InterfaceSpec;
    /// The sub-types it serves, sorted, `"."` for the default object.
    fn types(&self) -> Vec<String>;
    /// The method names it answers (after the dot).
    fn methods(&self) -> &'static [&'static str];
    /// Runs `method` (the part after the dot) with raw JSON `params`.
    async fn call(&self, method: &str, params: &RawValue) -> CallResult;
}

/// Decodes params; a failure is reported as invalid params.
pub(crate) fn params<T: DeserializeOwned>(raw: &RawValue) -> Result<T, CallError> {
    serde_json::from_str(raw.get()).map_err(|e| CallError::InvalidParams(e.to_string()))
}

/// Encodes a result as Go JSON.
pub(crate) fn result<T: Serialize>(value: &T) -> CallResult {
    infrakit_spi::gojson::to_vec(value)
        .map_err(|e| CallError::Plugin(infrakit_spi::Error::failed(format!("cannot encode result: {e}"))))
}

/// Objects of one kind keyed by sub-type (`""` is the default object).
pub(crate) struct Typed<T: ?Sized>(pub BTreeMap<String, Arc<T>>);

impl<T: ?Sized> Typed<T> {
    /// Picks the object for `kind`, or fails with `no-plugin:<kind>`.
    pub fn get(&self, kind: &str) -> Result<&Arc<T>, CallError> {
        self.0.get(kind).ok_or_else(|| CallError::Plugin(infrakit_spi::Error::NotFound(format!("no-plugin:{kind}"))))
    }

    /// The sub-type names, sorted, `"."` for the default.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> =
            self.0.keys().map(|k| if k.is_empty() { ".".to_string() } else { k.clone() }).collect();
        v.sort();
        v
    }
}

/// Reads only the `Type` field of a request to route it (`null` or absent is the default object).
#[derive(serde::Deserialize, Default)]
pub(crate) struct TypeOnly {
    #[serde(rename = "Type", default)]
    kind: Option<String>,
}

/// Checks the method exists, then picks the object named by the request's `Type`.
pub(crate) fn route<'a, T: ?Sized>(
    objects: &'a Typed<T>,
    methods: &[&str],
    method: &str,
    raw: &RawValue,
) -> Result<(String, &'a Arc<T>), CallError> {
    if !methods.contains(&method) {
        return Err(CallError::MethodNotFound);
    }
    let kind = params::<TypeOnly>(raw)?.kind.unwrap_or_default();
    let object = objects.get(&kind)?;
    Ok((kind, object))
}
