//! The `Handshake` service (and the legacy `Plugin.Implements`).

use super::{result, CallError, CallResult, Service};
use crate::messages::handshake::*;
use async_trait::async_trait;
use infrakit_spi::plugin::InterfaceSpec;
use serde_json::value::RawValue;

/// Answers `Implements` and `Types` for the services mounted beside it.
pub struct HandshakeService {
    apis: Vec<InterfaceSpec>,
    types: TypesResponse,
}

impl HandshakeService {
    /// Describes `services` (in registration order).
    pub fn new(services: &[std::sync::Arc<dyn Service>]) -> HandshakeService {
        let apis = services.iter().map(|s| s.interface()).collect();
        let types = services.iter().map(|s| (s.interface().encode(), s.types())).collect();
        HandshakeService { apis, types: TypesResponse { types } }
    }

    /// Answers a handshake method; shared with the `Plugin` alias.
    pub fn answer(&self, method: &str) -> CallResult {
        match method {
            "Implements" => result(&ImplementsResponse { apis: self.apis.clone() }),
            "Types" => result(&self.types),
            _ => Err(CallError::MethodNotFound),
        }
    }
}

#[async_trait]
impl Service for HandshakeService {
    fn interface(&self) -> InterfaceSpec {
        InterfaceSpec::new("Handshake", "0.1.0")
    }

    fn methods(&self) -> &'static [&'static str] {
        &["Implements", "Types"]
    }

    fn types(&self) -> Vec<String> {
        vec![".".to_string()]
    }

    async fn call(&self, method: &str, _raw: &RawValue) -> CallResult {
        self.answer(method)
    }
}
