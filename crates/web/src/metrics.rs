//! The Prometheus metrics (through the `prometheus-client` crate), encoded as the OpenMetrics text format that
//! Prometheus scrapes.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::time::Duration;

/// The `Content-Type` of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A group's label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct GroupLabel {
    /// The group ID.
    pub group: String,
}

/// A group's label and a reason.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    /// The group ID.
    pub group: String,
    /// Why (`scale_down`, `unhealthy`, `provision`...).
    pub reason: String,
}

/// A plugin call's labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabel {
    /// The plugin's name.
    pub plugin: String,
    /// The method (`Instance.Provision`...).
    pub method: String,
    /// `ok` or `error`.
    pub result: String,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

fn seconds() -> Histogram {
    // 0.5 ms to about 16 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

/// Every metric `/metrics` serves.
pub struct Metrics {
    registry: Registry,
    /// Target number of instances, per group.
    pub target: Family<GroupLabel, Gauge>,
    /// Instances on the current config, per group.
    pub current: Family<GroupLabel, Gauge>,
    /// Healthy instances, per group.
    pub healthy: Family<GroupLabel, Gauge>,
    /// Unhealthy instances, per group.
    pub unhealthy: Family<GroupLabel, Gauge>,
    /// Creates in flight, per group.
    pub creating: Family<GroupLabel, Gauge>,
    /// Destroys in flight, per group.
    pub destroying: Family<GroupLabel, Gauge>,
    /// Instances created, per group.
    pub created: Family<GroupLabel, Counter>,
    /// Instances destroyed, per group and reason.
    pub destroyed: Family<ReasonLabel, Counter>,
    /// Actions that failed, per group and reason.
    pub failed: Family<ReasonLabel, Counter>,
    /// Instances lost (gone without the controller destroying them), per group.
    pub lost: Family<GroupLabel, Counter>,
    /// Reconcile pass durations, per group.
    pub pass: Histograms<GroupLabel>,
    /// Plugin call durations, per plugin, method and result.
    pub calls: Histograms<CallLabel>,
    /// From a loss seen to its replacement listed, per group.
    pub replacement: Histograms<GroupLabel>,
    /// 1 while this replica leads.
    pub leader: Gauge,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::default();
        let mut metrics = Metrics {
            target: Family::default(),
            current: Family::default(),
            healthy: Family::default(),
            unhealthy: Family::default(),
            creating: Family::default(),
            destroying: Family::default(),
            created: Family::default(),
            destroyed: Family::default(),
            failed: Family::default(),
            lost: Family::default(),
            pass: Family::new_with_constructor(seconds),
            calls: Family::new_with_constructor(seconds),
            replacement: Family::new_with_constructor(seconds),
            leader: Gauge::default(),
            registry: Registry::default(),
        };
        let r = &mut registry;
        r.register("infrakit_group_target", "Target number of instances of the group", metrics.target.clone());
        r.register("infrakit_group_current", "Listed instances on the group's current config", metrics.current.clone());
        r.register("infrakit_group_healthy", "Healthy instances of the group", metrics.healthy.clone());
        r.register("infrakit_group_unhealthy", "Unhealthy instances of the group", metrics.unhealthy.clone());
        r.register("infrakit_group_creating", "Creates of the group in flight", metrics.creating.clone());
        r.register("infrakit_group_destroying", "Destroys of the group in flight", metrics.destroying.clone());
        r.register("infrakit_instances_created", "Instances created", metrics.created.clone());
        r.register("infrakit_instances_destroyed", "Instances destroyed, by reason", metrics.destroyed.clone());
        r.register("infrakit_actions_failed", "Creates and destroys that failed, by reason", metrics.failed.clone());
        r.register(
            "infrakit_instances_lost",
            "Instances gone without the controller destroying them",
            metrics.lost.clone(),
        );
        r.register(
            "infrakit_reconcile_pass_seconds",
            "Reconcile pass durations (list, plan, send)",
            metrics.pass.clone(),
        );
        r.register(
            "infrakit_plugin_call_seconds",
            "Plugin call durations, by plugin and method",
            metrics.calls.clone(),
        );
        r.register(
            "infrakit_replacement_seconds",
            "From an instance's loss seen to its replacement listed",
            metrics.replacement.clone(),
        );
        r.register("infrakit_leader", "1 while this replica leads, else 0", metrics.leader.clone());
        metrics.registry = registry;
        metrics
    }
}

/// A duration as seconds.
pub fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

impl Metrics {
    /// Forgets every per-group series of `group` (it is no longer managed here); its counters are kept.
    pub fn forget_group(&self, group: &str) {
        let label = GroupLabel { group: group.to_string() };
        for gauge in [&self.target, &self.current, &self.healthy, &self.unhealthy, &self.creating, &self.destroying] {
            gauge.remove(&label);
        }
    }

    /// The metrics as OpenMetrics text (see [`CONTENT_TYPE`]).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::warn!(error = %e, "cannot encode the metrics");
        }
        out
    }
}
