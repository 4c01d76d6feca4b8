//! What the controller tells an observer (metrics, an event stream, a web view) about what it sees, decides and
//! does. The controller calls the hooks of an [`Observer`] given in
//! [`Options::observer`](crate::supervisor::Options::observer); the default observes nothing, so this crate stays
//! free of any exporter. Hooks are called on the controller's tasks: they must be quick and must not block.
//!
//! [`observed_lookup`] wraps a plugin lookup so that every call the controller makes to an instance or flavor
//! plugin (in this process or over a socket) is timed and told to [`Observer::plugin_call`].

use crate::clock::Millis;
use crate::model::{Action, Member, Outcome};
use async_trait::async_trait;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Prepare, Quorum};
use infrakit_spi::group::{Group, Id};
use infrakit_spi::instance::{Changes, Description, Instance, Spec, Tags};
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::metadata::Metadata;
use infrakit_spi::plugin::Name;
use infrakit_spi::status::GroupStatus;
use infrakit_spi::{Any, Result};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Told what the controller sees, decides and does. Every hook does nothing by default.
pub trait Observer: Send + Sync {
    /// A listing of `group` was folded in at `now`: its members, with their health, as the planner sees them.
    fn listed(&self, group: &Id, members: &[Member], now: Millis) {
        let _ = (group, members, now);
    }
    /// An action is about to be sent to the plugins (the replica may act, the group runs).
    fn sending(&self, group: &Id, action: &Action) {
        let _ = (group, action);
    }
    /// A sent action ended with `outcome` after `took`.
    fn finished(&self, group: &Id, action: &Action, outcome: &Outcome, took: Duration) {
        let _ = (group, action, outcome, took);
    }
    /// A reconcile pass of `group` (list, plan, send) took `took`.
    fn pass(&self, group: &Id, took: Duration) {
        let _ = (group, took);
    }
    /// The group's status after a pass (counts, rollout, notes, the last error).
    fn status(&self, status: &GroupStatus) {
        let _ = status;
    }
    /// A call to a plugin ended (`ok` false when it returned an error) after `took`. `method` is the wire name,
    /// such as `Instance.Provision`.
    fn plugin_call(&self, plugin: &Name, method: &'static str, ok: bool, took: Duration) {
        let _ = (plugin, method, ok, took);
    }
    /// False for an observer that does nothing (no hooks are worth wrapping for it).
    fn is_active(&self) -> bool {
        true
    }
}

/// The observer that does nothing (the default).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoObserver;

impl Observer for NoObserver {
    fn is_active(&self) -> bool {
        false
    }
}

/// A shared observer, as the controller's options hold it (cheap to clone; the default does nothing).
#[derive(Clone)]
pub struct Observing(pub Arc<dyn Observer>);

impl Default for Observing {
    fn default() -> Observing {
        Observing(Arc::new(NoObserver))
    }
}

impl std::fmt::Debug for Observing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_active() { "Observing(active)" } else { "Observing(none)" })
    }
}

impl std::ops::Deref for Observing {
    type Target = dyn Observer;
    fn deref(&self) -> &(dyn Observer + 'static) {
        self.0.as_ref()
    }
}

/// `lookup`, with every instance and flavor plugin it finds timed for `observer` (`lookup` itself when the observer
/// does nothing).
pub fn observed_lookup(lookup: Arc<dyn PluginLookup>, observer: &Observing) -> Arc<dyn PluginLookup> {
    if !observer.is_active() {
        return lookup;
    }
    Arc::new(ObservedLookup { inner: lookup, observer: observer.clone() })
}

struct ObservedLookup {
    inner: Arc<dyn PluginLookup>,
    observer: Observing,
}

#[async_trait]
impl PluginLookup for ObservedLookup {
    async fn instance(&self, name: &Name) -> Result<Arc<dyn Instance>> {
        let inner = self.inner.instance(name).await?;
        Ok(Arc::new(Timed { inner, name: name.clone(), observer: self.observer.clone() }))
    }
    async fn flavor(&self, name: &Name) -> Result<Arc<dyn Flavor>> {
        let inner = self.inner.flavor(name).await?;
        Ok(Arc::new(Timed { inner, name: name.clone(), observer: self.observer.clone() }))
    }
    async fn group(&self, name: &Name) -> Result<Arc<dyn Group>> {
        self.inner.group(name).await
    }
    async fn metadata(&self, name: &Name) -> Result<Arc<dyn Metadata>> {
        self.inner.metadata(name).await
    }
}

/// A plugin whose calls are timed.
struct Timed<P: ?Sized> {
    inner: Arc<P>,
    name: Name,
    observer: Observing,
}

impl<P: ?Sized> Timed<P> {
    async fn time<T>(&self, method: &'static str, call: impl Future<Output = Result<T>>) -> Result<T> {
        let started = Instant::now();
        let result = call.await;
        self.observer.plugin_call(&self.name, method, result.is_ok(), started.elapsed());
        result
    }
}

#[async_trait]
impl Instance for Timed<dyn Instance> {
    async fn validate(&self, properties: Option<&Any>) -> Result<()> {
        self.time("Instance.Validate", self.inner.validate(properties)).await
    }
    async fn provision(&self, spec: Spec) -> Result<infrakit_spi::instance::Id> {
        self.time("Instance.Provision", self.inner.provision(spec)).await
    }
    async fn label(&self, id: &infrakit_spi::instance::Id, labels: &Tags) -> Result<()> {
        self.time("Instance.Label", self.inner.label(id, labels)).await
    }
    async fn destroy(&self, id: &infrakit_spi::instance::Id) -> Result<()> {
        self.time("Instance.Destroy", self.inner.destroy(id)).await
    }
    async fn describe_instances(&self, tags: &Tags, properties: bool) -> Result<Vec<Description>> {
        self.time("Instance.DescribeInstances", self.inner.describe_instances(tags, properties)).await
    }
    async fn describe_shared(&self, tags: &Tags, properties: bool) -> Result<Vec<Arc<Description>>> {
        self.time("Instance.DescribeInstances", self.inner.describe_shared(tags, properties)).await
    }
    fn changes(&self) -> Option<Changes> {
        self.inner.changes()
    }
    async fn listing_lag(&self) -> Option<Duration> {
        self.inner.listing_lag().await
    }
    async fn validate_spec(&self, spec: &Spec) -> Result<()> {
        self.time("Instance.ValidateSpec", self.inner.validate_spec(spec)).await
    }
}

#[async_trait]
impl Flavor for Timed<dyn Flavor> {
    async fn validate(&self, properties: Option<&Any>, allocation: &AllocationMethod) -> Result<()> {
        self.time("Flavor.Validate", self.inner.validate(properties, allocation)).await
    }
    async fn prepare(&self, request: Prepare<'_>) -> Result<Spec> {
        self.time("Flavor.Prepare", self.inner.prepare(request)).await
    }
    async fn healthy(&self, properties: Option<&Any>, instance: &Description) -> Result<Health> {
        self.time("Flavor.Healthy", self.inner.healthy(properties, instance)).await
    }
    async fn drain(&self, properties: Option<&Any>, instance: &Description) -> Result<()> {
        self.time("Flavor.Drain", self.inner.drain(properties, instance)).await
    }
    async fn quorum(&self, properties: Option<&Any>, instances: &[Description]) -> Result<Option<Quorum>> {
        self.time("Flavor.Quorum", self.inner.quorum(properties, instances)).await
    }
    fn constant_health(&self) -> Option<Health> {
        self.inner.constant_health()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Calls(Mutex<Vec<(String, &'static str, bool)>>);

    impl Observer for Calls {
        fn plugin_call(&self, plugin: &Name, method: &'static str, ok: bool, _: Duration) {
            if let Ok(mut calls) = self.0.lock() {
                calls.push((plugin.to_string(), method, ok));
            }
        }
    }

    #[tokio::test]
    async fn calls_through_an_observed_lookup_are_timed_by_plugin_and_method() {
        let dir = tempfile::tempdir().expect("tempdir");
        let registry = infrakit_rpc::Registry::new(None);
        let file = Arc::new(infrakit_instance_file::FileInstance::new(dir.path()).expect("file plugin"));
        registry.add_instance("instance-file", file);
        let calls = Arc::new(Calls::default());
        let lookup = observed_lookup(Arc::new(registry), &Observing(calls.clone()));
        let instance = lookup.instance(&Name::new("instance-file")).await.expect("found");
        instance.describe_instances(&Tags::new(), false).await.expect("listed");
        let gone = infrakit_spi::instance::Id("nothing-here".into());
        let _ = instance.destroy(&gone).await;
        let seen = calls.0.lock().map(|c| c.clone()).unwrap_or_default();
        assert_eq!(seen[0], ("instance-file".to_string(), "Instance.DescribeInstances", true));
        assert_eq!(seen[1].1, "Instance.Destroy");
        assert_eq!(seen.len(), 2);
        // The no-op observer wraps nothing.
        let plain: Arc<dyn PluginLookup> = Arc::new(infrakit_rpc::Registry::new(None));
        assert!(Arc::ptr_eq(&observed_lookup(plain.clone(), &Observing::default()), &plain));
    }
}
