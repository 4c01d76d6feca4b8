//! The `Metadata` service, with v0.5's typed routing.

use super::Method;
use crate::messages::metadata::*;
use crate::objects::Objects;
use crate::services::{params, result, CallResult, Dispatch};
use async_trait::async_trait;
use infrakit_spi::metadata::{Metadata, Path};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Serves `Metadata/0.1.0`. A path whose first segment names a sub-type goes to that object; any other path goes to
/// the default object; the root lists the default object's top level plus the sub-type names.
pub struct MetadataService(Objects<dyn Metadata>);

impl MetadataService {
    /// Mounts `objects` keyed by sub-type (`""` for the default).
    pub fn new(objects: BTreeMap<String, Arc<dyn Metadata>>) -> MetadataService {
        MetadataService(Objects::new(objects))
    }

    fn route(&self, path: &Path) -> Option<(&Arc<dyn Metadata>, Path)> {
        if let Some((first, rest)) = path.split_first() {
            if let Some(obj) = self.0.find(first).filter(|_| !first.is_empty()) {
                return Some((obj, rest));
            }
        }
        self.0.find("").map(|obj| (obj, path.clone()))
    }

    async fn list_root(&self, path: &Path) -> CallResult {
        let mut nodes = match self.0.find("") {
            Some(obj) => obj.list(path).await?.unwrap_or_default(),
            None => Vec::new(),
        };
        nodes.extend(self.0.kinds().cloned());
        nodes.sort();
        nodes.dedup();
        result(&ListResponse { nodes: Some(nodes) })
    }
}

#[async_trait]
impl Dispatch for MetadataService {
    type Method = Method;

    fn types(&self) -> Vec<String> {
        self.0.names()
    }

    async fn dispatch(&self, method: Method, raw: &RawValue) -> CallResult {
        let req: PathRequest = params(raw)?;
        match method {
            Method::List if req.path.is_root() => self.list_root(&req.path).await,
            Method::List => {
                let nodes = match self.route(&req.path) {
                    Some((obj, path)) => obj.list(&path).await?,
                    None => None,
                };
                result(&ListResponse { nodes })
            }
            Method::Get => {
                let value = match self.route(&req.path) {
                    Some((obj, path)) => obj.get(&path).await?,
                    None => None,
                };
                result(&GetResponse { value })
            }
        }
    }
}
