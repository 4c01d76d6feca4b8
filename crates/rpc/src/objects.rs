//! The objects of one interface keyed by sub-type, and the service that routes each call to the object its
//! request's `Type` names (InfraKit v0.5's typed plugins, e.g. `flavor-swarm/manager`).

use crate::methods::MethodTable;
use crate::services::{params, CallError, CallResult, Dispatch};
use async_trait::async_trait;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Objects of one kind keyed by sub-type (`""` is the default object). As a service (for the interfaces whose
/// requests carry `Type`), it sends each call to the object named by the request's `Type`.
pub struct Objects<T: ?Sized>(BTreeMap<String, Arc<T>>);

impl<T: ?Sized> Objects<T> {
    /// Mounts `objects` keyed by sub-type (`""` for the default).
    pub fn new(objects: BTreeMap<String, Arc<T>>) -> Objects<T> {
        Objects(objects)
    }

    /// The object for `kind`, or the error `no-plugin:<kind>` (not found).
    pub fn get(&self, kind: &str) -> Result<&Arc<T>, CallError> {
        self.0.get(kind).ok_or_else(|| CallError::Plugin(infrakit_spi::Error::NotFound(format!("no-plugin:{kind}"))))
    }

    /// The object for `kind`, if mounted (no error).
    pub fn find(&self, kind: &str) -> Option<&Arc<T>> {
        self.0.get(kind)
    }

    /// The sub-type names, sorted, `"."` for the default.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> =
            self.0.keys().map(|k| if k.is_empty() { ".".to_string() } else { k.clone() }).collect();
        v.sort();
        v
    }

    /// The named sub-types (the default object left out).
    pub fn kinds(&self) -> impl Iterator<Item = &String> {
        self.0.keys().filter(|k| !k.is_empty())
    }
}

/// How one object of a typed interface answers a method; implemented for the interface's trait object.
#[async_trait]
pub trait TypedDispatch: Send + Sync {
    /// The interface's method table.
    type Method: MethodTable;
    /// Runs `method` on this object; `kind` is the request's `Type`, echoed in the result.
    async fn dispatch_typed(&self, kind: String, method: Self::Method, params: &RawValue) -> CallResult;
}

/// Reads only the `Type` field of a request to route it (`null` or absent is the default object).
#[derive(serde::Deserialize, Default)]
struct TypeOnly {
    #[serde(rename = "Type", default)]
    kind: Option<String>,
}

#[async_trait]
impl<T: ?Sized + TypedDispatch> Dispatch for Objects<T> {
    type Method = T::Method;

    fn types(&self) -> Vec<String> {
        self.names()
    }

    async fn dispatch(&self, method: T::Method, raw: &RawValue) -> CallResult {
        let kind = params::<TypeOnly>(raw)?.kind.unwrap_or_default();
        let object = self.get(&kind)?;
        object.dispatch_typed(kind, method, raw).await
    }
}
