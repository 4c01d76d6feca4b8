//! Finding plugins by name, whether they run in this process or behind a socket.

use crate::flavor::Flavor;
use crate::group::Group;
use crate::instance::Instance;
use crate::metadata::Metadata;
use crate::plugin::Name;
use crate::Result;
use async_trait::async_trait;
use std::sync::Arc;

/// Resolves plugin names (`lookup[/type]`) to trait objects. Implemented by socket discovery and by in-process
/// registries; callers such as the combo flavor and the group controller cannot tell the two apart.
#[async_trait]
pub trait PluginLookup: Send + Sync {
    /// The instance plugin called `name`.
    async fn instance(&self, name: &Name) -> Result<Arc<dyn Instance>>;
    /// The flavor plugin called `name`.
    async fn flavor(&self, name: &Name) -> Result<Arc<dyn Flavor>>;
    /// The group plugin called `name`.
    async fn group(&self, name: &Name) -> Result<Arc<dyn Group>>;
    /// The metadata plugin called `name`.
    async fn metadata(&self, name: &Name) -> Result<Arc<dyn Metadata>>;
}
