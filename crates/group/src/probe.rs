//! At commit, one instance spec is prepared as the first create would be and shown to the instance plugin
//! (`Instance.validate_spec`), so a spec no instance can be made from (a process with nothing to run) is refused
//! then, not at every provision. A flavor that cannot prepare it now (its backend is away) is not held against the
//! commit: the creates will say why.

use crate::config::GroupConfig;
use infrakit_spi::flavor::{Flavor, Index, Prepare};
use infrakit_spi::hash::{CONFIG_SHA_TAG, GROUP_TAG, LOGICAL_ID_TAG};
use infrakit_spi::instance::{Instance, Spec, Tags};
use infrakit_spi::{Error, Result};
use std::time::Duration;

/// How long the flavor may take to prepare the probe before it is skipped.
const PREPARE_LIMIT: Duration = Duration::from_secs(5);

/// Prepares the group's first instance spec and has the instance plugin check it.
pub async fn check_prepared(cfg: &GroupConfig, flavor: &dyn Flavor, instance: &dyn Instance) -> Result<()> {
    let logical_id = cfg.allocation.logical_ids.first().cloned();
    let mut tags: Tags =
        [(GROUP_TAG.to_string(), cfg.id().0.clone()), (CONFIG_SHA_TAG.to_string(), cfg.hash.clone())].into();
    if let Some(l) = &logical_id {
        tags.insert(LOGICAL_ID_TAG.to_string(), l.0.clone());
    }
    let attachments = logical_id.as_ref().map(|l| cfg.attachments_of(l)).unwrap_or_default();
    let spec = Spec { properties: cfg.instance.properties.clone(), tags, init: String::new(), logical_id, attachments };
    let index = Index { group: cfg.id().0.clone(), sequence: 0 };
    let allocation = cfg.allocation_method();
    let request = Prepare { properties: cfg.flavor.properties.as_ref(), spec, allocation: &allocation, index: &index };
    let prepared = match tokio::time::timeout(PREPARE_LIMIT, flavor.prepare(request)).await {
        Ok(Ok(spec)) => spec,
        Ok(Err(e)) => {
            tracing::debug!(group = %cfg.id(), error = %e, "the commit's probe could not be prepared; not checked");
            return Ok(());
        }
        Err(_) => return Ok(()),
    };
    instance.validate_spec(&prepared).await.map_err(|e| {
        Error::invalid("Properties.Instance.Properties", format!("{} rejected them: {e}", cfg.instance.plugin))
    })
}
