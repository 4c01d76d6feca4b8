//! The `Group` plugin: validates and explains commits, runs one supervisor per group, and answers `Group/0.1.0`,
//! the rollout controls (extension methods of `Group`) and `Metadata/0.1.0` (`specs/<ID>`, `groups/<ID>`).

use crate::config::GroupConfig;
use crate::explain::explain_off_runtime;
use crate::supervisor::{execute, Deps, Snapshot, Supervisor};
use async_trait::async_trait;
use infrakit_spi::group::{self, Commit, Group, GroupControl, Id};
use infrakit_spi::hash::GROUP_TAG;
use infrakit_spi::instance::{Description, Tags};
use infrakit_spi::metadata::{children_at, value_at, Metadata, Path};
use infrakit_spi::status::GroupStatus;
use infrakit_spi::{Any, Error, Result};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::Mutex;

/// The group controller as a plugin.
pub struct GroupPlugin {
    deps: Arc<Deps>,
    groups: Mutex<BTreeMap<Id, Supervisor>>,
    /// Bumped whenever a group starts or stops being managed (views follow it).
    roster: tokio::sync::watch::Sender<u64>,
}

/// Ok when nothing in `failed` (one line per instance that could not be destroyed), else one error listing them.
fn not_destroyed(prefix: &str, what: &str, failed: Vec<String>) -> Result<()> {
    if failed.is_empty() {
        return Ok(());
    }
    Err(Error::failed(format!("{prefix}{} {what} could not be destroyed: {}", failed.len(), failed.join("; "))))
}

fn not_watched(id: &Id) -> Error {
    Error::NotFound(format!("Group '{id}' is not being watched"))
}

impl GroupPlugin {
    /// A controller using `deps` for plugins, time and what it keeps across restarts.
    pub fn new(deps: Deps) -> GroupPlugin {
        GroupPlugin { deps: Arc::new(deps), groups: Mutex::new(BTreeMap::new()), roster: Default::default() }
    }

    /// Parses `spec` and has its flavor and instance plugins validate their properties, then has the instance
    /// plugin check one spec the flavor prepares. Nothing is changed.
    pub async fn validate(&self, spec: &group::Spec) -> Result<GroupConfig> {
        self.validate_probing(spec, true).await
    }

    /// [`GroupPlugin::validate`]; without `probe`, no spec is prepared (a pretend commit: a flavor's Prepare may
    /// record what it was asked, as flavor-etcd remembers allocations).
    async fn validate_probing(&self, spec: &group::Spec, probe: bool) -> Result<GroupConfig> {
        let cfg = GroupConfig::parse(spec)?;
        let max = self.deps.options.max_group_size;
        if cfg.target() > max {
            let field = if cfg.is_pets() { "Properties.Allocation.LogicalIDs" } else { "Properties.Allocation.Size" };
            return Err(Error::invalid(
                field,
                format!(
                    "{} instances is more than this controller's largest group ({max}); check for a typo, or raise \
                     the limit (--max-group-size)",
                    cfg.target()
                ),
            ));
        }
        let flavor = self.deps.lookup.flavor(&cfg.flavor.plugin).await.map_err(|e| {
            Error::invalid(
                "Properties.Flavor.Plugin",
                format!("Failed to find Flavor plugin '{}': {e}", cfg.flavor.plugin),
            )
        })?;
        flavor.validate(cfg.flavor.properties.as_ref(), &cfg.allocation_method()).await.map_err(|e| {
            Error::invalid("Properties.Flavor.Properties", format!("{} rejected them: {e}", cfg.flavor.plugin))
        })?;
        let instance = self.deps.lookup.instance(&cfg.instance.plugin).await.map_err(|e| {
            Error::invalid(
                "Properties.Instance.Plugin",
                format!("Failed to find Instance plugin '{}': {e}", cfg.instance.plugin),
            )
        })?;
        instance.validate(cfg.instance.properties.as_ref()).await.map_err(|e| {
            Error::invalid("Properties.Instance.Properties", format!("{} rejected them: {e}", cfg.instance.plugin))
        })?;
        if probe {
            crate::probe::check_prepared(&cfg, flavor.as_ref(), instance.as_ref()).await?;
        }
        Ok(cfg)
    }

    /// A handle on a group's supervisor (taken out of the lock, so awaiting it blocks no other group).
    async fn supervisor(&self, id: &Id) -> Result<Supervisor> {
        self.groups.lock().await.get(id).cloned().ok_or_else(|| not_watched(id))
    }

    /// The latest snapshot of a group.
    pub async fn snapshot(&self, id: &Id) -> Result<Arc<Snapshot>> {
        self.groups.lock().await.get(id).map(|s| s.snapshot()).ok_or_else(|| not_watched(id))
    }

    /// A receiver of every new snapshot of a group (for `watch`).
    pub async fn subscribe(&self, id: &Id) -> Result<tokio::sync::watch::Receiver<Arc<Snapshot>>> {
        self.groups.lock().await.get(id).map(|s| s.subscribe()).ok_or_else(|| not_watched(id))
    }

    async fn list_members(&self, cfg: &GroupConfig) -> Result<Vec<Description>> {
        let instance = self.deps.lookup.instance(&cfg.instance.plugin).await?;
        let filter: Tags = [(GROUP_TAG.to_string(), cfg.id().0.clone())].into();
        instance.describe_instances(&filter, false).await
    }

    /// Drains and destroys every instance of a group (managed or not), in parallel; reports those that failed.
    pub async fn destroy_instances(&self, cfg: &GroupConfig) -> Result<()> {
        let id = cfg.id().clone();
        let instance = self.deps.lookup.instance(&cfg.instance.plugin).await?;
        let flavor = self.deps.lookup.flavor(&cfg.flavor.plugin).await?;
        let members = self.list_members(cfg).await?;
        let cfg = Arc::new(cfg.clone());
        let limit = Arc::new(tokio::sync::Semaphore::new(self.deps.options.max_parallel.max(1)));
        let mut tasks = Vec::new();
        for d in members {
            let (instance, flavor, cfg, limit) = (instance.clone(), flavor.clone(), cfg.clone(), limit.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = limit.acquire_owned().await;
                let action = crate::model::Action::Destroy {
                    id: d.id.clone(),
                    reason: crate::model::DestroyReason::GroupDestroyed,
                };
                execute(action, &cfg, instance.as_ref(), flavor.as_ref(), Some(d)).await
            }));
        }
        let mut failed = Vec::new();
        for t in tasks {
            if let Ok(crate::model::Outcome::DestroyFailed { id, error }) = t.await {
                failed.push(format!("{id}: {error}"));
            }
        }
        not_destroyed(&format!("group {id}: "), "instance(s)", failed)
    }

    /// Destroys, by ID, the instances a stopped group had made that no listing showed yet.
    async fn destroy_unlisted(&self, stopped: &crate::supervisor::Stopped) -> Result<()> {
        let current = &stopped.config.instance.plugin;
        let made = stopped.in_flight.creates.iter().filter_map(|c| c.id.clone().map(|id| (id, c.plugin.clone())));
        let unlisted = stopped.in_flight.unlisted.iter().map(|u| (u.id.clone(), u.plugin.clone()));
        let mut failed = Vec::new();
        for (id, plugin) in made.chain(unlisted) {
            let plugin = plugin.unwrap_or_else(|| current.clone());
            let outcome = match self.deps.lookup.instance(&plugin).await {
                Ok(instance) => crate::executor::destroy(instance.as_ref(), &id).await,
                Err(e) => Err(e),
            };
            if let Err(e) = outcome {
                failed.push(format!("{id} ({plugin}): {e}"));
            }
        }
        not_destroyed("", "unlisted instance(s)", failed)
    }

    /// Changes whenever a group starts or stops being managed.
    pub fn roster(&self) -> tokio::sync::watch::Receiver<u64> {
        self.roster.subscribe()
    }

    fn roster_changed(&self) {
        self.roster.send_modify(|n| *n += 1);
    }

    /// The IDs of the groups being managed.
    pub async fn group_ids(&self) -> Vec<Id> {
        self.groups.lock().await.keys().cloned().collect()
    }

    fn metadata_tree(snaps: &[(Id, Arc<Snapshot>)]) -> serde_json::Value {
        let mut specs = serde_json::Map::new();
        let mut groups = serde_json::Map::new();
        for (id, s) in snaps {
            let spec = serde_json::to_value(&s.config.spec).unwrap_or_default();
            specs.insert(id.0.clone(), spec);
            let status = serde_json::to_value(&s.status.counts).unwrap_or_default();
            groups.insert(
                id.0.clone(),
                json!({"Size": s.config.target(), "Instances": s.members.len(), "Status": status}),
            );
        }
        json!({"specs": specs, "groups": groups})
    }
}

/// How long a real commit's dry run may take before the rest of its plan is extrapolated (a pretend commit gets
/// [`crate::dry_run::DRY_RUN_BUDGET`]).
pub const COMMIT_EXPLAIN_BUDGET: std::time::Duration = std::time::Duration::from_millis(50);

#[async_trait]
impl Group for GroupPlugin {
    async fn commit_group(&self, spec: group::Spec, pretend: bool) -> Result<Commit> {
        // Validation talks to plugins and holds no lock, so a slow plugin never blocks other groups.
        let cfg = self.validate_probing(&spec, !pretend).await?;
        let id = cfg.id().clone();
        let existing = self.groups.lock().await.get(&id).map(|s| s.snapshot());
        // A pretend commit is all about the plan; a real one only reports it, and does not wait long for it.
        let budget = if pretend { crate::dry_run::DRY_RUN_BUDGET } else { COMMIT_EXPLAIN_BUDGET };
        let (details, diff) = match &existing {
            Some(snap) => {
                explain_off_runtime(Some(snap.config.clone()), cfg.clone(), snap.descriptions(), budget).await?
            }
            None => {
                let members = self.list_members(&cfg).await.unwrap_or_default();
                explain_off_runtime(None, cfg.clone(), members, budget).await?
            }
        };
        let plan = Some(Any::from_value(&diff)?);
        if pretend {
            return Ok(Commit { details, plan });
        }
        // The stored rollout is read before the lock is taken, and a supervisor is told of a new spec after it is
        // released: one busy group never blocks the others.
        let existing = self.groups.lock().await.get(&id).cloned();
        match existing {
            Some(sup) => sup.update(cfg).await?,
            None => {
                let rollout = self.deps.persisted.rollout(&id).await?;
                let in_flight = self.deps.persisted.in_flight(&id).await?;
                if let Some(r) = &rollout {
                    tracing::info!(group = %id, to = %r.to_hash, "resuming a stored rollout");
                }
                let mut groups = self.groups.lock().await;
                match groups.get(&id).cloned() {
                    Some(sup) => {
                        drop(groups);
                        sup.update(cfg).await?
                    }
                    None => {
                        groups.insert(id, Supervisor::start(cfg, rollout, in_flight, self.deps.clone()));
                        drop(groups);
                        self.roster_changed();
                    }
                }
            }
        }
        Ok(Commit { details, plan })
    }

    async fn free_group(&self, id: &Id) -> Result<()> {
        let sup = self.groups.lock().await.remove(id).ok_or_else(|| not_watched(id))?;
        self.roster_changed();
        sup.stop().await;
        Ok(())
    }

    async fn describe_group(&self, id: &Id) -> Result<group::Description> {
        let snap = self.snapshot(id).await?;
        Ok(group::Description { instances: snap.descriptions(), converged: snap.status.counts.converged })
    }

    async fn destroy_group(&self, id: &Id) -> Result<()> {
        let sup = self.groups.lock().await.remove(id).ok_or_else(|| not_watched(id))?;
        self.roster_changed();
        let snap = sup.snapshot();
        // The state at the stop, not the last snapshot: a spec committed just before counts.
        let stopped = sup.stop().await.unwrap_or(crate::supervisor::Stopped {
            config: snap.config.clone(),
            retired: snap.retired.clone(),
            in_flight: Default::default(),
        });
        let _ = self.deps.persisted.remove_rollout(id).await;
        // Instances still in a former instance plugin (the spec changed `Instance.Plugin`) go too.
        let mut result = Ok(());
        for cfg in stopped.retired.iter().chain(std::iter::once(&stopped.config)) {
            if let Err(e) = self.destroy_instances(cfg).await {
                result = Err(e);
            }
        }
        // So do instances made but not listed yet (a lagging listing), by ID through the plugin that made them.
        if let Err(e) = self.destroy_unlisted(&stopped).await {
            result = Err(e);
        }
        if result.is_ok() {
            self.deps.persisted.save_in_flight(id, &Default::default()).await?;
        }
        result
    }

    async fn inspect_groups(&self) -> Result<Vec<group::Spec>> {
        Ok(self.groups.lock().await.values().map(|s| s.snapshot().config.spec.clone()).collect())
    }
}

#[async_trait]
impl GroupControl for GroupPlugin {
    async fn pause(&self, id: &Id) -> Result<()> {
        self.supervisor(id).await?.pause().await
    }

    async fn resume(&self, id: &Id) -> Result<()> {
        self.supervisor(id).await?.resume().await
    }

    async fn rollback(&self, id: &Id) -> Result<()> {
        self.supervisor(id).await?.rollback().await.map(|_| ())
    }

    async fn status(&self, id: &Id) -> Result<GroupStatus> {
        Ok(self.snapshot(id).await?.status.clone())
    }
}

#[async_trait]
impl Metadata for GroupPlugin {
    async fn list(&self, path: &Path) -> Result<Option<Vec<String>>> {
        let snaps: Vec<(Id, Arc<Snapshot>)> =
            self.groups.lock().await.iter().map(|(id, s)| (id.clone(), s.snapshot())).collect();
        Ok(children_at(&Self::metadata_tree(&snaps), path))
    }

    async fn get(&self, path: &Path) -> Result<Option<Any>> {
        let snaps: Vec<(Id, Arc<Snapshot>)> =
            self.groups.lock().await.iter().map(|(id, s)| (id.clone(), s.snapshot())).collect();
        match value_at(&Self::metadata_tree(&snaps), path) {
            Some(v) => Ok(Some(Any::from_value(v)?)),
            None => Ok(None),
        }
    }
}
