//! The `Metadata` service, with v0.5's typed routing.

use super::{params, result, CallError, CallResult, Service, Typed};
use crate::messages::metadata::*;
use async_trait::async_trait;
use infrakit_spi::metadata::{Metadata, Path};
use infrakit_spi::plugin::{versions, InterfaceSpec};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Serves `Metadata/0.1.0`. A path whose first segment names a sub-type goes to that object; any other path goes to
/// the default object; the root lists the default object's top level plus the sub-type names.
pub struct MetadataService(Typed<dyn Metadata>);

impl MetadataService {
    /// Mounts `objects` keyed by sub-type (`""` for the default).
    pub fn new(objects: BTreeMap<String, Arc<dyn Metadata>>) -> MetadataService {
        MetadataService(Typed(objects))
    }

    fn route(&self, path: &Path) -> Option<(&Arc<dyn Metadata>, Path)> {
        if let Some((first, rest)) = path.split_first() {
            if let Some(obj) = self.0 .0.get(first).filter(|_| !first.is_empty()) {
                return Some((obj, rest));
            }
        }
        self.0 .0.get("").map(|obj| (obj, path.clone()))
    }
}

#[async_trait]
impl Service for MetadataService {
    fn interface(&self) -> InterfaceSpec {
        InterfaceSpec::new("Metadata", versions::METADATA)
    }

    fn methods(&self) -> &'static [&'static str] {
        &["List", "Get"]
    }

    fn types(&self) -> Vec<String> {
        self.0.names()
    }

    async fn call(&self, method: &str, raw: &RawValue) -> CallResult {
        let req: PathRequest = params(raw)?;
        match method {
            "List" if req.path.is_root() => {
                let mut nodes = match self.0 .0.get("") {
                    Some(obj) => obj.list(&req.path).await?.unwrap_or_default(),
                    None => Vec::new(),
                };
                nodes.extend(self.0 .0.keys().filter(|k| !k.is_empty()).cloned());
                nodes.sort();
                nodes.dedup();
                result(&ListResponse { nodes: Some(nodes) })
            }
            "List" => {
                let nodes = match self.route(&req.path) {
                    Some((obj, path)) => obj.list(&path).await?,
                    None => None,
                };
                result(&ListResponse { nodes })
            }
            "Get" => {
                let value = match self.route(&req.path) {
                    Some((obj, path)) => obj.get(&path).await?,
                    None => None,
                };
                result(&GetResponse { value })
            }
            _ => Err(CallError::MethodNotFound),
        }
    }
}
