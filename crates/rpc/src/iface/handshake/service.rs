//! The handshake service: describes the services mounted beside it.

use super::Method;
use crate::messages::handshake::{ImplementsResponse, TypesResponse};
use crate::methods::MethodTable;
use crate::services::{implemented, result, CallError, CallResult, Dispatch, Service};
use async_trait::async_trait;
use infrakit_spi::plugin::InterfaceSpec;
use serde_json::value::RawValue;
use std::sync::Arc;

/// Answers `Implements` and `Types` for the services mounted beside it (extensions are not interfaces).
pub struct HandshakeService {
    apis: Vec<InterfaceSpec>,
    types: TypesResponse,
}

impl HandshakeService {
    /// Describes `services` (in registration order).
    pub fn new(services: &[Arc<dyn Service>]) -> HandshakeService {
        let apis = implemented(services);
        let types = services.iter().filter(|s| !s.extension()).map(|s| (s.interface().encode(), s.types())).collect();
        HandshakeService { apis, types: TypesResponse { types } }
    }

    /// Answers a handshake method by name; shared with the legacy `Plugin` name.
    pub fn answer(&self, method: &str) -> CallResult {
        match Method::parse(method) {
            Some(m) => self.reply(m),
            None => Err(CallError::MethodNotFound),
        }
    }

    fn reply(&self, method: Method) -> CallResult {
        match method {
            Method::Implements => result(&ImplementsResponse { apis: self.apis.clone() }),
            Method::Types => result(&self.types),
        }
    }
}

#[async_trait]
impl Dispatch for HandshakeService {
    type Method = Method;

    async fn dispatch(&self, method: Method, _params: &RawValue) -> CallResult {
        self.reply(method)
    }
}
