//! A group spec as the controller understands it: the InfraKit v0.5 properties (`Instance`, `Flavor`, `Allocation`)
//! plus optional `Allocation.Attachments`, `Updating` (rollout policy; Go master's `Duration`/`Count` still parse) and
//! `Health` (steady-state healing policy). Every field is checked, and an error names it.

use crate::clock::Millis;
use infrakit_spi::flavor::AllocationMethod;
use infrakit_spi::hash::{instance_hash, HashEncoding};
use infrakit_spi::instance::{Attachment, LogicalId};
use infrakit_spi::nullable::null_as_default;
use infrakit_spi::{group, plugin, Error, Result};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// A count given as a number (`3`) or a percentage of the group's size (`"25%"`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Quantity {
    /// An absolute number.
    Count(u64),
    /// A percentage of the group's size.
    Percent(f64),
}

impl Quantity {
    /// The number this resolves to for a group of `size`: percentages round down.
    pub fn resolve(self, size: u64) -> u64 {
        match self {
            Quantity::Count(n) => n,
            Quantity::Percent(p) => ((size as f64) * p / 100.0).floor() as u64,
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Quantity, D::Error> {
        use serde::de::Error as _;
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(Quantity::Count)
                .ok_or_else(|| D::Error::custom(format!("{n} is not a whole number ≥ 0"))),
            serde_json::Value::String(s) => {
                let p = s
                    .trim()
                    .strip_suffix('%')
                    .ok_or_else(|| D::Error::custom(format!("{s:?}: use a number or a percentage like \"25%\"")))?;
                let v: f64 = p.trim().parse().map_err(|_| D::Error::custom(format!("{s:?} is not a percentage")))?;
                if !(0.0..=100.0).contains(&v) {
                    return Err(D::Error::custom(format!("{s:?} must be between 0% and 100%")));
                }
                Ok(Quantity::Percent(v))
            }
            other => Err(D::Error::custom(format!("{other}: use a number or a percentage like \"25%\""))),
        }
    }
}

/// A duration written as `"500ms"`, `"10s"`, `"5m"`, `"1h"` (or combined, `"1m30s"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Duration(pub Millis);

/// Parses a Go duration ([`infrakit_spi::duration::parse`]) into milliseconds.
pub fn parse_duration(s: &str) -> std::result::Result<Millis, String> {
    infrakit_spi::duration::parse(s).map(|d| d.as_millis() as Millis)
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Duration, D::Error> {
        use serde::de::Error as _;
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => parse_duration(&s).map(Duration).map_err(D::Error::custom),
            other => Err(D::Error::custom(format!(
                "expected a duration such as \"5s\" or \"1m30s\" (a number with a unit), found {other}"
            ))),
        }
    }
}

/// What to do when a rollout fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureAction {
    /// Stop rolling and wait for a person (`group resume` or `group rollback`).
    #[default]
    Pause,
    /// Ignore the failure and go on.
    Continue,
    /// Roll back to the previous spec.
    Rollback,
}

/// The rollout policy (`Properties.Updating`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Updating {
    /// How many instances may be unavailable during a rollout (number or percentage; default 1).
    #[serde(rename = "MaxUnavailable", default = "one")]
    pub max_unavailable: Quantity,
    /// How many instances may exist above the size during a rollout (cattle only; default 0).
    #[serde(rename = "MaxSurge", default = "zero")]
    pub max_surge: Quantity,
    /// How long a new instance must stay healthy before it counts as available (default 0).
    #[serde(rename = "Monitor", default)]
    pub monitor: Duration,
    /// Go master's name for the monitor period.
    #[serde(rename = "Duration", default)]
    pub duration: Duration,
    /// Go master's alternative: this many consecutive healthy observations.
    #[serde(rename = "Count", default)]
    pub count: u64,
    /// A rollout that makes no progress for this long has failed (default 10m).
    #[serde(rename = "Deadline", default = "ten_minutes")]
    pub deadline: Duration,
    /// What to do when it fails (default pause).
    #[serde(rename = "FailureAction", default)]
    pub failure_action: FailureAction,
    /// The share of replaced instances that may fail before the failure action is taken (default 0: the first).
    #[serde(rename = "MaxFailureRatio", default)]
    pub max_failure_ratio: f64,
    /// Replace only this many instances, then pause until `group resume` (a canary).
    #[serde(rename = "Canary", default)]
    pub canary: Option<u64>,
    /// Logical IDs to roll last (for example the quorum leader's).
    #[serde(rename = "Last", default, deserialize_with = "null_as_default")]
    pub last: Vec<LogicalId>,
    /// Go master's flag, accepted and ignored.
    #[serde(rename = "SkipBeforeInstanceDestroy", default)]
    pub skip_before_instance_destroy: Option<serde_json::Value>,
}

fn one() -> Quantity {
    Quantity::Count(1)
}
fn zero() -> Quantity {
    Quantity::Count(0)
}
fn ten_minutes() -> Duration {
    Duration(600_000)
}
fn thirty_seconds() -> Duration {
    Duration(30_000)
}
fn ten_seconds() -> Duration {
    Duration(10_000)
}
fn half() -> Quantity {
    Quantity::Percent(50.0)
}

impl Default for Updating {
    fn default() -> Updating {
        Updating {
            max_unavailable: one(),
            max_surge: zero(),
            monitor: Duration(0),
            duration: Duration(0),
            count: 0,
            deadline: ten_minutes(),
            failure_action: FailureAction::Pause,
            max_failure_ratio: 0.0,
            canary: None,
            last: Vec::new(),
            skip_before_instance_destroy: None,
        }
    }
}

impl Updating {
    /// The monitor period: `Monitor`, else Go master's `Duration`.
    pub fn monitor_ms(&self) -> Millis {
        self.monitor.0.max(self.duration.0)
    }
}

/// The steady-state health policy (`Properties.Health`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthPolicy {
    /// A new instance is not judged unhealthy during this start-up grace period (default 30s).
    #[serde(rename = "Grace", default = "thirty_seconds")]
    pub grace: Duration,
    /// An instance unhealthy for this long is replaced (default 10s).
    #[serde(rename = "Timeout", default = "ten_seconds")]
    pub timeout: Duration,
    /// Above this many unhealthy instances nothing is destroyed: that is an outage to report (default 50%, at least 1).
    #[serde(rename = "MaxUnhealthy", default = "half")]
    pub max_unhealthy: Quantity,
}

impl Default for HealthPolicy {
    fn default() -> HealthPolicy {
        HealthPolicy { grace: thirty_seconds(), timeout: ten_seconds(), max_unhealthy: half() }
    }
}

/// `Properties.Allocation`, with per-logical-ID attachments.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    /// Number of cattle.
    #[serde(rename = "Size", default)]
    pub size: u64,
    /// One pet per logical ID.
    #[serde(rename = "LogicalIDs", default, deserialize_with = "null_as_default")]
    pub logical_ids: Vec<LogicalId>,
    /// Attachments per logical ID: a pet's replacement gets the same ones.
    #[serde(rename = "Attachments", default, deserialize_with = "null_as_default")]
    pub attachments: BTreeMap<LogicalId, Vec<Attachment>>,
    /// How long a created instance may be missing from the instance plugin's listing before it is destroyed by ID
    /// and replaced; overrides what the plugin declares (default: the plugin's own figure, else 10s).
    #[serde(rename = "ListingGrace", default, skip_serializing_if = "Option::is_none")]
    pub listing_grace: Option<Duration>,
}

/// The group properties as written by the user.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProperties {
    #[serde(rename = "Instance", default)]
    instance: Option<plugin::Spec>,
    #[serde(rename = "Flavor", default)]
    flavor: Option<plugin::Spec>,
    #[serde(rename = "Allocation", default)]
    allocation: Allocation,
    #[serde(rename = "Updating", default)]
    updating: Option<Updating>,
    #[serde(rename = "Health", default)]
    health: Option<HealthPolicy>,
}

/// A validated group spec.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupConfig {
    /// The spec as committed (returned by `InspectGroups`).
    pub spec: group::Spec,
    /// The instance plugin and its properties.
    pub instance: plugin::Spec,
    /// The flavor plugin and its properties.
    pub flavor: plugin::Spec,
    /// How many, or which.
    pub allocation: Allocation,
    /// Rollout policy.
    pub updating: Updating,
    /// Health policy.
    pub health: HealthPolicy,
    /// The config hash (`infrakit.config_sha`, v0.5 encoding) of the instance and flavor blocks.
    pub hash: String,
}

impl GroupConfig {
    /// Parses and checks a group spec; errors name the field (for example `Properties.Allocation.Size`).
    pub fn parse(spec: &group::Spec) -> Result<GroupConfig> {
        if spec.id.0.trim().is_empty() {
            return Err(Error::invalid("ID", "Group ID must not be blank"));
        }
        if spec.id.0.contains('/') {
            return Err(Error::invalid("ID", format!("{:?} must not contain '/'", spec.id.0)));
        }
        let raw: RawProperties = match &spec.properties {
            Some(p) if !p.is_null() => p.decode()?,
            _ => return Err(Error::invalid("Properties", "must not be blank")),
        };
        let instance =
            raw.instance.ok_or_else(|| Error::invalid("Properties.Instance", "must name an instance plugin"))?;
        let flavor = raw.flavor.ok_or_else(|| Error::invalid("Properties.Flavor", "must name a flavor plugin"))?;
        if instance.plugin.as_str().trim().is_empty() {
            return Err(Error::invalid("Properties.Instance.Plugin", "must not be blank"));
        }
        if flavor.plugin.as_str().trim().is_empty() {
            return Err(Error::invalid("Properties.Flavor.Plugin", "must not be blank"));
        }
        let allocation = raw.allocation;
        AllocationMethod { size: allocation.size, logical_ids: allocation.logical_ids.clone() }.validate().map_err(
            |e| match e {
                Error::Invalid { field, message } => Error::invalid(format!("Properties.{field}"), message),
                other => other,
            },
        )?;
        for key in allocation.attachments.keys() {
            if !allocation.logical_ids.contains(key) {
                return Err(Error::invalid(
                    format!("Properties.Allocation.Attachments.{key}"),
                    "is not one of Allocation.LogicalIDs",
                ));
            }
        }
        // An attachment ID names one thing (a volume), whatever its type says.
        let mut owners: BTreeMap<&str, &LogicalId> = BTreeMap::new();
        for (lid, list) in &allocation.attachments {
            for a in list {
                if let Some(other) = owners.insert(a.id.as_str(), lid) {
                    return Err(Error::invalid(
                        format!("Properties.Allocation.Attachments.{lid}"),
                        format!("attachment {} is already given to {other}", a.id),
                    ));
                }
            }
        }
        if allocation.listing_grace.is_some_and(|d| d.0 > 3_600_000) {
            return Err(Error::invalid("Properties.Allocation.ListingGrace", "must be at most 1h"));
        }
        let updating = raw.updating.unwrap_or_default();
        if !(0.0..=1.0).contains(&updating.max_failure_ratio) {
            return Err(Error::invalid("Properties.Updating.MaxFailureRatio", "must be between 0 and 1"));
        }
        let health = raw.health.unwrap_or_default();
        let props = group::GroupProperties {
            instance: instance.clone(),
            flavor: flavor.clone(),
            allocation: AllocationMethod::default(),
        };
        let hash = instance_hash(&props, HashEncoding::V05)?;
        Ok(GroupConfig { spec: spec.clone(), instance, flavor, allocation, updating, health, hash })
    }

    /// The group's ID.
    pub fn id(&self) -> &group::Id {
        &self.spec.id
    }

    /// True for a pets group (allocation by logical IDs).
    pub fn is_pets(&self) -> bool {
        !self.allocation.logical_ids.is_empty()
    }

    /// The target number of instances.
    pub fn target(&self) -> u64 {
        if self.is_pets() {
            self.allocation.logical_ids.len() as u64
        } else {
            self.allocation.size
        }
    }

    /// The allocation as sent to flavors.
    pub fn allocation_method(&self) -> AllocationMethod {
        AllocationMethod { size: self.allocation.size, logical_ids: self.allocation.logical_ids.clone() }
    }

    /// Attachments of a logical ID.
    pub fn attachments_of(&self, lid: &LogicalId) -> Vec<Attachment> {
        self.allocation.attachments.get(lid).cloned().unwrap_or_default()
    }

    /// Resolved rollout limits: (max unavailable, max surge). Pets roll one at a time and never surge, since two live
    /// instances must never share a logical ID. At least one of the two is positive, or a rollout could never move.
    pub fn rollout_limits(&self) -> (u64, u64) {
        let n = self.target();
        if self.is_pets() {
            return (1, 0);
        }
        let u = self.updating.max_unavailable.resolve(n);
        let s = self.updating.max_surge.resolve(n);
        if u == 0 && s == 0 {
            (1, 0)
        } else {
            (u, s)
        }
    }

    /// How many unhealthy instances may be replaced at once before it counts as an outage (at least 1).
    pub fn max_unhealthy(&self) -> u64 {
        self.health.max_unhealthy.resolve(self.target()).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrakit_spi::Any;

    fn spec(props: &str) -> group::Spec {
        group::Spec { id: group::Id("g".into()), properties: Some(Any::from_json(props).unwrap()) }
    }

    const BASE: &str =
        r#""Instance":{"Plugin":"instance-file","Properties":{}},"Flavor":{"Plugin":"flavor-vanilla","Properties":{}}"#;

    fn err(props: &str) -> String {
        GroupConfig::parse(&spec(props)).unwrap_err().to_string()
    }

    #[test]
    fn parses_defaults_and_policies() {
        let c = GroupConfig::parse(&spec(&format!(r#"{{{BASE},"Allocation":{{"Size":10}}}}"#))).unwrap();
        assert_eq!(c.target(), 10);
        assert_eq!(c.rollout_limits(), (1, 0));
        assert_eq!(c.updating.failure_action, FailureAction::Pause);
        let c = GroupConfig::parse(&spec(&format!(
            r#"{{{BASE},"Allocation":{{"Size":200}},"Updating":{{"MaxUnavailable":"10%","MaxSurge":5,"Monitor":"1m30s","FailureAction":"rollback"}},"Health":{{"Grace":"500ms","MaxUnhealthy":3}}}}"#
        )))
        .unwrap();
        assert_eq!(c.rollout_limits(), (20, 5));
        assert_eq!(c.updating.monitor_ms(), 90_000);
        assert_eq!(c.health.grace.0, 500);
        assert_eq!(c.max_unhealthy(), 3);
    }

    #[test]
    fn errors_name_the_field() {
        assert!(GroupConfig::parse(&group::Spec::default())
            .unwrap_err()
            .to_string()
            .contains("Group ID must not be blank"));
        assert!(err(&format!(r#"{{{BASE}}}"#)).contains("Allocation must not be blank"));
        assert!(err(&format!(r#"{{{BASE},"Allocation":{{"Size":2,"LogicalIDs":["a"]}}}}"#))
            .contains("Only one Allocation method"));
        assert!(err(&format!(r#"{{{BASE},"Allocation":{{"Size":-2}}}}"#)).contains("Properties.Allocation.Size"));
        assert!(err(&format!(r#"{{{BASE},"Allocation":{{"LogicalIDs":["a","b","a"]}}}}"#)).contains("LogicalIDs[2]"));
        assert!(err(&format!(r#"{{{BASE},"Allocation":{{"Size":1}},"Updating":{{"Monitor":"5 parsecs"}}}}"#))
            .contains("Properties.Updating.Monitor"));
        assert!(err(&format!(r#"{{{BASE},"Allocation":{{"Size":1}},"Updating":{{"MaxUnavailable":"150%"}}}}"#))
            .contains("Properties.Updating.MaxUnavailable"));
        assert!(err(&format!(r#"{{{BASE},"Alocation":{{"Size":1}}}}"#)).contains("Alocation"));
        assert!(err(r#"{"Allocation":{"Size":1}}"#).contains("Properties.Instance"));
        assert!(err(&format!(
            r#"{{{BASE},"Allocation":{{"LogicalIDs":["a"],"Attachments":{{"b":[{{"ID":"v","Type":"volume"}}]}}}}}}"#
        ))
        .contains("Attachments.b"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(10_000));
        assert_eq!(parse_duration("1h2m3s4ms"), Ok(3_723_004));
        assert_eq!(parse_duration("0.5s"), Ok(500));
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn hash_matches_go() {
        let c = GroupConfig::parse(&spec(
            r#"{"Allocation":{"Size":5},
            "Instance":{"Plugin":"instance-file","Properties":{"Note":"Instance properties version 1.0"}},
            "Flavor":{"Plugin":"flavor-vanilla","Properties":{"Init":["docker pull nginx:alpine","docker run -d -p 80:80 nginx-alpine"],
            "Tags":{"tier":"web","project":"infrakit"},"Attachments":[{"ID":"attachid","Type":"attachtype"}]}}}"#,
        ))
        .unwrap();
        assert_eq!(c.hash, "x4nrsdaibscmj7awpkxzx5vvpt6pilw2");
    }
}
