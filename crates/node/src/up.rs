//! `infrakit up` is a manager replica like any other, with its own defaults: it always leads, and keeps specs (with
//! history) and rollouts below `$INFRAKIT_HOME/up/store`, so `up` without a file resumes every group it ran,
//! including groups committed into it with `group commit`; a file's groups are added to them. `down` destroys
//! groups' instances and forgets them.

use crate::controller::{Controller, ControllerFlags};
use crate::host::{Host, Provided};
use crate::{NodeError, Result};
use infrakit_group::clock::SystemClock;
use infrakit_group::config::GroupConfig;
use infrakit_group::persisted::Persisted;
use infrakit_group::plugin::GroupPlugin;
use infrakit_group::supervisor::Deps;
use infrakit_manager::open::{Backends, ALWAYS};
use infrakit_manager::state_memory::MemoryStateStore;
use infrakit_spi::group::{self, Group, Id};
use infrakit_spi::store::StateKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The name `up`'s controller serves under.
pub const NAME: &str = "group";

/// Where `up` keeps its state.
pub fn dir(home: &Path) -> PathBuf {
    home.join("up")
}

/// The default store of `up`: `file://$INFRAKIT_HOME/up/store`.
pub fn default_store(home: &Path) -> String {
    format!("file://{}", dir(home).join("store").display())
}

/// The store `up` and `down` use: `--store`, else the default.
fn store_url(flags: &ControllerFlags, home: &Path) -> String {
    flags.store.clone().unwrap_or_else(|| default_store(home))
}

/// The backends `up` and `down` use, with the given leadership (the stores alone: `always`), the specs of an
/// earlier `up` imported into the default store.
async fn open(flags: &ControllerFlags, home: &Path, leadership: &str) -> Result<Backends> {
    let backends = infrakit_manager::open::open(NAME, leadership, &store_url(flags, home)).await?;
    if flags.store.is_none() {
        import_legacy(&backends, home).await?;
    }
    Ok(backends)
}

/// The specs `up` stores (what `up` and `down` without a file work on).
pub async fn stored_specs(flags: &ControllerFlags, home: &Path) -> Result<Vec<group::Spec>> {
    Ok(open(flags, home, ALWAYS).await?.store.specs().await?)
}

/// Before specs were versioned, `up` kept them in `up/specs.json` and its rollouts in `up/rollouts`: both move
/// into the default store once (the rollout files have the same names and format there).
async fn import_legacy(backends: &Backends, home: &Path) -> Result<()> {
    let legacy = dir(home).join("specs.json");
    let text = match tokio::fs::read_to_string(&legacy).await {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(infrakit_spi::Error::failed(format!("reading {}: {e}", legacy.display())).into()),
    };
    let specs: Vec<group::Spec> = serde_json::from_str(&text).map_err(|e| {
        infrakit_spi::Error::invalid(legacy.display().to_string(), format!("not a list of group specs: {e}"))
    })?;
    let stored: Vec<Id> = backends.store.specs().await?.into_iter().map(|s| s.id).collect();
    for spec in &specs {
        if stored.contains(&spec.id) {
            tracing::warn!(group = %spec.id, "{} names a group the store already holds: the stored one is kept", legacy.display());
            continue;
        }
        backends.store.put(spec).await?;
    }
    let rollouts = dir(home).join("rollouts");
    let target = dir(home).join("store").join(".rollouts");
    if let Ok(mut entries) = tokio::fs::read_dir(&rollouts).await {
        while let Ok(Some(entry)) = entries.next_entry().await {
            let to = target.join(entry.file_name());
            if tokio::fs::try_exists(&to).await.unwrap_or(false) {
                continue;
            }
            if let Err(e) = tokio::fs::rename(entry.path(), &to).await {
                tracing::warn!(file = %entry.path().display(), error = %e, "cannot move an earlier rollout record");
            }
        }
    }
    let done = dir(home).join("specs.json.imported");
    tokio::fs::rename(&legacy, &done)
        .await
        .map_err(|e| infrakit_spi::Error::failed(format!("renaming {}: {e}", legacy.display())))?;
    tracing::info!("imported {} group spec(s) from {}", specs.len(), legacy.display());
    Ok(())
}

/// A running `up`.
pub struct Running {
    /// The controller (a replica that always leads, unless `--leadership` says otherwise).
    pub controller: Controller,
    /// The given groups, each with what committing it involves.
    pub committed: Vec<(Id, String)>,
    /// Stored groups resumed beside them.
    pub resumed: Vec<Id>,
    /// Stored groups left alone, and why (a plugin nobody provides).
    pub skipped: Vec<(Id, String)>,
    /// Plugins another process already serves.
    pub reused: Vec<String>,
}

/// What `up` leaves behind when it stops.
pub struct Left {
    /// Instances left running.
    pub instances: usize,
    /// Groups they belong to.
    pub groups: usize,
}

/// Starts `up` on `host`: checks the given specs (bad input changes nothing), starts the plugins every group
/// needs (a stored group whose plugins nobody provides is skipped and said so), stores the given specs, then
/// starts the controller, which runs every stored group.
pub async fn start(host: &mut Host, given: &[group::Spec], flags: &ControllerFlags) -> Result<Running> {
    if host.answers(NAME).await {
        return Err(NodeError::AlreadyRunning { socket: host.socket(NAME) });
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(twice) = given.iter().find(|s| !seen.insert(s.id.clone())) {
        return Err(NodeError::Group {
            group: twice.id.0.clone(),
            source: infrakit_spi::Error::invalid("ID", "appears twice in the spec"),
        });
    }
    let home = host.home().to_path_buf();
    let backends = open(flags, &home, flags.leadership.as_deref().unwrap_or(ALWAYS)).await?;
    let mut reused = Vec::new();
    let mut note = |provided: Vec<Provided>| {
        reused.extend(provided.into_iter().filter_map(|p| match p {
            Provided::AlreadyRunning(name) => Some(name),
            Provided::Started(_) => None,
        }))
    };
    note(host.start_referenced(given).await?);
    let (mut resumed, mut skipped) = (Vec::new(), Vec::new());
    for spec in backends.store.specs().await? {
        if given.iter().any(|g| g.id == spec.id) {
            continue;
        }
        match host.start_referenced(std::slice::from_ref(&spec)).await {
            Ok(provided) => {
                note(provided);
                resumed.push(spec.id);
            }
            Err(e) => skipped.push((spec.id, e.to_string())),
        }
    }
    let unstarted = Controller::build(backends, host.registry().clone(), flags.options());
    let mut committed = Vec::new();
    for spec in given {
        let group = |source| NodeError::Group { group: spec.id.0.clone(), source };
        unstarted.plugin.validate(spec).await.map_err(group)?;
        let plan = unstarted.plugin.commit_group(spec.clone(), true).await.map_err(group)?;
        committed.push((spec.id.clone(), plan.details));
    }
    for spec in given {
        unstarted.store.put(spec).await?;
    }
    let controller = unstarted.start();
    host.serve(NAME, controller.served(), None).await?;
    Ok(Running { controller, committed, resumed, skipped, reused })
}

impl Running {
    /// Stops managing every group (their instances keep running) and says what is left.
    pub async fn stop(self) -> Left {
        let plugin = &self.controller.plugin;
        let ids = plugin.group_ids().await;
        let mut instances = 0;
        for id in &ids {
            instances += plugin.describe_group(id).await.map(|d| d.instances.len()).unwrap_or(0);
            let _ = plugin.free_group(id).await;
        }
        Left { instances, groups: ids.len() }
    }
}

/// What `down` does to each group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Down {
    /// Destroy its instances, then forget it.
    Destroy,
    /// Only forget it (its instances, if any, are left alone).
    Forget,
}

/// `down` when no controller runs: destroys the instances of `specs`' groups (unless `how` is [`Down::Forget`]) and
/// forgets the groups (their stored specs, rollouts and in-flight records), so a later `up` does not bring them
/// back. One result per group.
pub async fn down(
    host: &mut Host,
    specs: &[group::Spec],
    flags: &ControllerFlags,
    how: Down,
) -> Result<Vec<(Id, infrakit_spi::Result<()>)>> {
    let backends = open(flags, host.home(), ALWAYS).await?;
    if how == Down::Destroy {
        host.start_referenced(specs).await?;
    }
    // A controller that runs no group: it only finds instances by their tags and destroys them.
    let destroyer = GroupPlugin::new(Deps {
        spec_sink: None,
        guard: None,
        lookup: host.registry().clone(),
        clock: Arc::new(SystemClock),
        persisted: Persisted::new(Arc::new(MemoryStateStore::default())),
        options: flags.options(),
    });
    let mut results = Vec::new();
    for spec in specs {
        let outcome = async {
            if how == Down::Destroy {
                destroyer.destroy_instances(&GroupConfig::parse(spec)?).await?;
            }
            backends.store.remove(&spec.id).await?;
            for kind in StateKind::ALL {
                backends.state.remove(&spec.id, kind).await?;
            }
            Ok(())
        };
        results.push((spec.id.clone(), outcome.await));
    }
    Ok(results)
}
