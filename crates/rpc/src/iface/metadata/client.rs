//! A `Metadata` plugin reached over RPC.

use super::Method;
use crate::iface::handshake::PluginClient;
use crate::messages::metadata::*;
use async_trait::async_trait;
use infrakit_spi::metadata::{Metadata, Path};
use infrakit_spi::{Any, Result};

/// A `Metadata` plugin reached over RPC. A sub-type is addressed by prefixing it to the path.
pub struct MetadataClient(pub PluginClient);

impl MetadataClient {
    fn full_path(&self, path: &Path) -> Path {
        if self.0.kind().is_empty() {
            return path.clone();
        }
        let mut segs = vec![self.0.kind().to_string()];
        segs.extend(path.segments().map(str::to_string));
        Path(segs)
    }
}

#[async_trait]
impl Metadata for MetadataClient {
    async fn list(&self, path: &Path) -> Result<Option<Vec<String>>> {
        let r: ListResponse = self.0.call(Method::List, &PathRequest { path: self.full_path(path) }).await?;
        Ok(r.nodes)
    }

    async fn get(&self, path: &Path) -> Result<Option<Any>> {
        let r: GetResponse = self.0.call(Method::Get, &PathRequest { path: self.full_path(path) }).await?;
        Ok(r.value)
    }
}
