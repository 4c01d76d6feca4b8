//! Group specs in the Docker Swarm's cluster spec labels (`--store swarm:///var/run/docker.sock`), as InfraKit
//! v0.5's swarm store kept them: the swarm's managers carry the specs in their own Raft store, and a new leader on
//! any manager finds them.
//!
//! ## Labels
//!
//! - `infrakit` ([`V05_LABEL`]), exactly as v0.5's `pkg/store/swarm` writes it, so a v0.5 manager and this one read
//!   each other's specs: `base64.StdEncoding(zlib(json.MarshalIndent(globalSpec, "  ", "  ")))`, where v0.5's
//!   `pkg/manager/spec.go` has `type globalSpec struct { Groups map[group.ID]plugin.Spec }` and each
//!   `plugin.Spec` is `{"Plugin": <the group plugin proxied for, "group-stateless" by default>, "Properties":
//!   <the group.Spec {"ID","Properties"}>}`. It holds the current spec of every group and is the truth for
//!   [`SpecStore::specs`]. v0.5 (`writeSwarm`):
//!
//!   ```go
//!   info.ClusterInfo.Spec.Annotations.Labels[SwarmLabel] = value
//!   return client.SwarmUpdate(context.Background(), info.ClusterInfo.Meta.Version, info.ClusterInfo.Spec, ...)
//!   ```
//! - `infrakit.history` ([`HISTORY_LABEL`]), ours, in the same encoding: `{"<group>": [SpecVersion...]}`, the
//!   versions of each group, oldest first. A v0.5 manager keeps it (it rewrites the whole spec it read) but does not
//!   add to it: when the current spec in `infrakit` differs from the last recorded version (a v0.5 manager changed
//!   it), that spec is shown as one more version, with time 0 (unknown), and recorded on the next write. The
//!   changes a v0.5 manager made in between are not known.
//!
//! ## Limits
//!
//! The engine refuses a cluster spec over the Raft message limit (measured on Docker 20.10: labels totalling about
//! 1,571,000 bytes pass, 1.5 MiB does not: "raft message is too large"; a request over 4 MiB is refused by gRPC),
//! and that limit is shared by every label, InfraKit's state documents included. So the history is bounded: at most
//! [`MAX_VERSIONS`] per group, and the encoded label at most [`HISTORY_BUDGET`] bytes (the oldest versions go
//! first; each group's last version stays, except that of groups removed, the first to go when only last versions
//! are left, after which a group created again starts at version 1). A spec whose own label would not fit is
//! refused by the engine, and the error says so.
//!
//! ## Writes
//!
//! Every write reads the swarm, changes its labels and updates it at the version it read: a compare-and-swap. When
//! another writer (a replica, a v0.5 manager, `docker swarm update`) came first, it reads again and applies the
//! change again, at most [`ATTEMPTS`] times. Writes are not fenced: a deposed leader may still write (Swarm
//! leadership is polled).

mod zlib;

use async_trait::async_trait;
use infrakit_docker::models::SwarmSpec;
use infrakit_docker::{Docker, DockerError};
use infrakit_group::clock::{Clock, SystemClock};
use infrakit_spi::group::{self, Id};
use infrakit_spi::store::{SpecStore, SpecVersion};
use infrakit_spi::{gojson, Any, Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

/// v0.5's label: the current global spec (`SwarmLabel = "infrakit"` in v0.5's `pkg/store/swarm/swarm.go`).
pub const V05_LABEL: &str = "infrakit";
/// Our label: every group's recorded versions.
pub const HISTORY_LABEL: &str = "infrakit.history";
/// The group plugin v0.5's manager proxies for by default (`--proxy-for-group`), written in new entries.
pub const V05_PLUGIN: &str = "group-stateless";
/// The largest encoded history label written, in bytes.
pub const HISTORY_BUDGET: usize = 256 * 1024;
/// The most versions kept per group.
pub const MAX_VERSIONS: usize = 100;
/// How many times a write is tried when other writers keep coming first.
pub const ATTEMPTS: u32 = 16;

/// The swarm's labels as read: the cluster spec and the version it was read at.
pub(crate) struct Snapshot {
    pub(crate) version: u64,
    pub(crate) spec: SwarmSpec,
}

/// Where the cluster spec is read and written: the engine, or a fake in tests.
#[async_trait]
pub(crate) trait Cluster: Send + Sync {
    /// The current spec and its version.
    async fn read(&self) -> Result<Snapshot>;
    /// Writes `spec` if the swarm is still at `version`; `false` when it is not.
    async fn write(&self, snapshot: Snapshot) -> Result<bool>;
}

/// The engine's swarm.
struct Engine(Docker);

/// A Docker error as a store error: the engine down, or not a swarm manager, is `Unavailable`.
fn engine_error(e: DockerError) -> Error {
    let text = e.to_string();
    match e {
        e if e.is_unreachable() => Error::Unavailable(format!("swarm store: {text}")),
        DockerError::Refused { status: 503, .. } => {
            Error::Unavailable(format!("swarm store: {text} (the engine must be a manager of an active swarm)"))
        }
        _ if text.contains("too large") || text.contains("larger than max") => Error::failed(format!(
            "swarm store: the swarm refused the update, its cluster spec (labels included) would exceed the Raft \
             message limit of about 1.5 MiB: {text}"
        )),
        _ => Error::failed(format!("swarm store: {text}")),
    }
}

#[async_trait]
impl Cluster for Engine {
    async fn read(&self) -> Result<Snapshot> {
        let swarm = self.0.swarm().await.map_err(engine_error)?;
        let version = swarm.version.and_then(|v| v.index).ok_or_else(|| {
            Error::Unavailable("swarm store: the engine reported no swarm version (is it in a swarm?)".into())
        })?;
        Ok(Snapshot { version, spec: swarm.spec.unwrap_or_default() })
    }

    async fn write(&self, s: Snapshot) -> Result<bool> {
        match self.0.update_swarm(s.version, s.spec).await {
            Ok(()) => Ok(true),
            Err(e) if e.is_conflict() => Ok(false),
            Err(e) => Err(engine_error(e)),
        }
    }
}

/// The swarm's labels, changed by compare-and-swap; shared by the spec store and the state store.
#[derive(Clone)]
pub struct SwarmLabels {
    cluster: Arc<dyn Cluster>,
}

impl SwarmLabels {
    /// The labels of the swarm the engine at `host` (a socket path, `unix://...` or `tcp://host:port`) manages.
    /// Nothing is sent yet.
    pub fn new(host: &str) -> Result<SwarmLabels> {
        let docker = Docker::new(host, Duration::from_secs(10)).map_err(|e| Error::invalid("--store", e))?;
        Ok(SwarmLabels { cluster: Arc::new(Engine(docker)) })
    }

    #[cfg(test)]
    pub(crate) fn with(cluster: Arc<dyn Cluster>) -> SwarmLabels {
        SwarmLabels { cluster }
    }

    /// The current labels.
    pub async fn read(&self) -> Result<HashMap<String, String>> {
        Ok(self.cluster.read().await?.spec.labels.unwrap_or_default())
    }

    /// Applies `change` to the current labels and writes them if it says they changed (`(result, changed)`);
    /// when another writer came first, reads again and applies it again, up to [`ATTEMPTS`] times.
    pub async fn update<T>(
        &self,
        mut change: impl FnMut(&mut HashMap<String, String>) -> Result<(T, bool)> + Send,
    ) -> Result<T> {
        for attempt in 0..ATTEMPTS {
            let mut snapshot = self.cluster.read().await?;
            let labels = snapshot.spec.labels.get_or_insert_with(HashMap::new);
            let (result, changed) = change(labels)?;
            if !changed || self.cluster.write(snapshot).await? {
                return Ok(result);
            }
            // Back off, and spread out writers that collided: 5 ms doubling up to 160 ms, plus up to 27 ms.
            let nanos =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
            let jitter = u64::from(nanos % 10) * 3;
            tokio::time::sleep(Duration::from_millis((5 << attempt.min(5)) + jitter)).await;
        }
        Err(Error::Unavailable(format!(
            "swarm store: the swarm was updated by others {ATTEMPTS} times while this write was tried; nothing was \
             written"
        )))
    }
}

/// v0.5's `globalSpec`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct GlobalSpec {
    #[serde(rename = "Groups", default, deserialize_with = "null_as_empty")]
    groups: BTreeMap<String, PluginSpec>,
}

/// v0.5's `plugin.Spec`.
#[derive(Debug, Serialize, Deserialize)]
struct PluginSpec {
    #[serde(rename = "Plugin", default)]
    plugin: String,
    #[serde(rename = "Properties", default)]
    properties: Option<Any>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<String, PluginSpec>, D::Error> {
    Ok(Option::deserialize(d)?.unwrap_or_default())
}

type History = BTreeMap<String, Vec<SpecVersion>>;

/// Go's `json.MarshalIndent(v, "  ", "  ")`, raw `Properties` re-indented as Go does.
fn go_marshal_indent<T: Serialize>(value: &T) -> Result<String> {
    let compact = gojson::to_string(value).map_err(Error::failed)?;
    Ok(gojson::indent(&compact, "  ").replace('\n', "\n  "))
}

fn encode<T: Serialize>(value: &T) -> Result<String> {
    Ok(zlib::base64_encode(&zlib::deflate(go_marshal_indent(value)?.as_bytes())))
}

fn decode<T: serde::de::DeserializeOwned + Default>(labels: &HashMap<String, String>, key: &str) -> Result<T> {
    let Some(text) = labels.get(key) else { return Ok(T::default()) };
    let bad = |why: String| Error::failed(format!("swarm store: label {key:?} cannot be read: {why}"));
    let json = zlib::inflate(&zlib::base64_decode(text).map_err(bad)?).map_err(bad)?;
    serde_json::from_slice(&json).map_err(|e| bad(e.to_string()))
}

/// The current spec of every group in v0.5's label; an entry that is not a group spec is reported and skipped.
fn current(global: &GlobalSpec) -> BTreeMap<String, group::Spec> {
    let mut out = BTreeMap::new();
    for (id, entry) in &global.groups {
        match entry.properties.as_ref().map(|p| p.decode::<group::Spec>()) {
            Some(Ok(mut spec)) => {
                if spec.id.0.is_empty() {
                    spec.id = Id(id.clone());
                }
                out.insert(id.clone(), spec);
            }
            Some(Err(e)) => {
                tracing::error!(group = %id, error = %e, "skipping a stored group that is not a group spec")
            }
            None => tracing::error!(group = %id, "skipping a stored group that has no spec"),
        }
    }
    out
}

fn same(a: Option<&group::Spec>, b: Option<&group::Spec>) -> bool {
    a.map(serde_json::to_value).and_then(|r| r.ok()) == b.map(serde_json::to_value).and_then(|r| r.ok())
}

/// Adds a version to every group whose current spec is not its last recorded one (changed by another writer).
fn reconcile(current: &BTreeMap<String, group::Spec>, history: &mut History) {
    let ids: Vec<String> = current.keys().chain(history.keys()).cloned().collect();
    for id in ids {
        let versions = history.entry(id.clone()).or_default();
        let now = current.get(&id);
        let last = versions.last();
        if !same(last.and_then(|v| v.spec.as_ref()), now) && (last.is_some() || now.is_some()) {
            let version = last.map_or(1, |v| v.version + 1);
            versions.push(SpecVersion { version, time: 0, spec: now.cloned() });
        }
    }
    history.retain(|_, v| !v.is_empty());
}

/// The history encoded within the limits (see the module comment).
fn bounded(history: &mut History) -> Result<String> {
    for versions in history.values_mut() {
        let excess = versions.len().saturating_sub(MAX_VERSIONS);
        versions.drain(..excess);
    }
    loop {
        let encoded = encode(history)?;
        if encoded.len() <= HISTORY_BUDGET {
            return Ok(encoded);
        }
        // All but each group's last version, oldest first.
        let mut old: Vec<(u64, String, u64)> = history
            .iter()
            .flat_map(|(id, vs)| vs.iter().rev().skip(1).map(move |v| (v.time, id.clone(), v.version)))
            .collect();
        if old.is_empty() {
            let before = history.len();
            history.retain(|_, vs| vs.last().is_some_and(|v| v.spec.is_some()));
            if history.len() == before {
                return Ok(encoded); // only live groups' last versions: the engine decides
            }
            continue;
        }
        old.sort();
        old.truncate(old.len().div_ceil(4));
        for (_, id, version) in old {
            if let Some(vs) = history.get_mut(&id) {
                vs.retain(|v| v.version != version);
            }
        }
    }
}

/// Records `spec` (a removal when `None`) as the next version of group `id` in both labels; returns the version.
fn record(labels: &mut HashMap<String, String>, id: &Id, spec: Option<&group::Spec>, now: u64) -> Result<u64> {
    let mut global: GlobalSpec = decode(labels, V05_LABEL)?;
    let mut history: History = decode(labels, HISTORY_LABEL)?;
    reconcile(&current(&global), &mut history);
    let versions = history.entry(id.0.clone()).or_default();
    let version = versions.last().map_or(1, |v| v.version + 1);
    versions.push(SpecVersion { version, time: now, spec: spec.cloned() });
    match spec {
        Some(s) => {
            let plugin = global.groups.get(&id.0).map(|e| e.plugin.clone()).filter(|p| !p.is_empty());
            let entry = PluginSpec {
                plugin: plugin.unwrap_or_else(|| V05_PLUGIN.into()),
                properties: Some(Any::from_value(s)?),
            };
            global.groups.insert(id.0.clone(), entry);
        }
        None => {
            global.groups.remove(&id.0);
        }
    }
    labels.insert(V05_LABEL.into(), encode(&global)?);
    labels.insert(HISTORY_LABEL.into(), bounded(&mut history)?);
    Ok(version)
}

/// The swarm spec store.
pub struct SwarmStore {
    labels: SwarmLabels,
}

impl SwarmStore {
    /// A store in the labels of `labels`' swarm.
    pub fn new(labels: SwarmLabels) -> SwarmStore {
        SwarmStore { labels }
    }

    async fn write(&self, id: &Id, spec: Option<&group::Spec>) -> Result<u64> {
        if id.0.is_empty() {
            return Err(Error::invalid("ID", "an empty ID cannot name a stored group"));
        }
        let now = SystemClock.now();
        self.labels.update(|labels| record(labels, id, spec, now).map(|v| (v, true))).await
    }
}

#[async_trait]
impl SpecStore for SwarmStore {
    async fn put(&self, spec: &group::Spec) -> Result<u64> {
        self.write(&spec.id, Some(spec)).await
    }

    async fn remove(&self, id: &Id) -> Result<()> {
        self.write(id, None).await.map(|_| ())
    }

    async fn specs(&self) -> Result<Vec<group::Spec>> {
        let labels = self.labels.read().await?;
        Ok(current(&decode(&labels, V05_LABEL)?).into_values().collect())
    }

    async fn history(&self, id: &Id) -> Result<Vec<SpecVersion>> {
        let labels = self.labels.read().await?;
        let mut history: History = decode(&labels, HISTORY_LABEL)?;
        reconcile(&current(&decode(&labels, V05_LABEL)?), &mut history);
        Ok(history.remove(&id.0).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests;
