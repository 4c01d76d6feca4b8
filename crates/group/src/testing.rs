//! Fakes shared by the crate's unit tests: a flavor whose `Healthy` and `Quorum` answers each test picks, and a
//! group config.

use crate::config::GroupConfig;
use async_trait::async_trait;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Prepare, Quorum};
use infrakit_spi::instance::{Description, Id, Spec};
use infrakit_spi::{Any, Result};
use std::sync::Arc;

/// What a [`Fake`] flavor answers to `Healthy` and `Quorum`; by default every instance is healthy and the flavor
/// keeps no quorum.
#[async_trait]
pub(crate) trait Answers: Send + Sync {
    /// The answer to `Flavor.Healthy` about `instance`.
    async fn healthy(&self, instance: &Description) -> Result<Health> {
        let _ = instance;
        Ok(Health::Healthy)
    }
    /// The answer to `Flavor.Quorum` about `instances`.
    async fn quorum(&self, instances: &[Description]) -> Result<Option<Quorum>> {
        let _ = instances;
        Ok(None)
    }
}

/// A flavor that validates every spec, prepares it unchanged, drains at once, and answers the rest as `A` does.
pub(crate) struct Fake<A>(pub A);

#[async_trait]
impl<A: Answers> Flavor for Fake<A> {
    async fn validate(&self, _: Option<&Any>, _: &AllocationMethod) -> Result<()> {
        Ok(())
    }
    async fn prepare(&self, request: Prepare<'_>) -> Result<Spec> {
        Ok(request.spec)
    }
    async fn healthy(&self, _: Option<&Any>, instance: &Description) -> Result<Health> {
        self.0.healthy(instance).await
    }
    async fn drain(&self, _: Option<&Any>, _: &Description) -> Result<()> {
        Ok(())
    }
    async fn quorum(&self, _: Option<&Any>, instances: &[Description]) -> Result<Option<Quorum>> {
        self.0.quorum(instances).await
    }
}

/// Every instance healthy, no quorum kept: `Fake(Plain)` is the plainest flavor.
pub(crate) struct Plain;

impl Answers for Plain {}

/// A group `g` of one instance of plugin `i`, flavor `f`.
pub(crate) fn cfg() -> Arc<GroupConfig> {
    let props = r#"{"Allocation":{"Size":1},"Instance":{"Plugin":"i","Properties":{}},
                    "Flavor":{"Plugin":"f","Properties":{}}}"#;
    let spec = infrakit_spi::group::Spec {
        id: infrakit_spi::group::Id("g".into()),
        properties: Some(Any::from_json(props).expect("spec")),
    };
    Arc::new(GroupConfig::parse(&spec).expect("config"))
}

/// The description of instance `id`, with nothing else known.
pub(crate) fn desc(id: &str) -> Description {
    Description { id: Id(id.into()), ..Description::default() }
}
