//! Rollouts as durable values: everything needed to resume a rolling update after a restart or a failover.

use crate::clock::Millis;
use crate::model::InFlight;
use async_trait::async_trait;
use infrakit_spi::group::{self, Id as GroupId};
use infrakit_spi::instance::Id;
use infrakit_spi::Result;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// Where a rollout stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RolloutState {
    /// Replacing outdated instances.
    Running,
    /// Stopped; waits for `resume` or `rollback`. The reason says who or what paused it.
    Paused {
        /// Why it paused.
        reason: String,
    },
    /// Finished: every instance runs the target config.
    Done,
}

/// A rolling update from one config to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rollout {
    /// The group.
    pub group: GroupId,
    /// The config hash being rolled to.
    pub to_hash: String,
    /// The hash rolled from (the most common outdated hash when it started).
    pub from_hash: Option<String>,
    /// The spec before this rollout, for rollback.
    pub previous: Option<group::Spec>,
    /// True when this rollout is itself a rollback.
    pub is_rollback: bool,
    /// State.
    pub state: RolloutState,
    /// When it started.
    pub started: Millis,
    /// When it last made progress (an outdated instance left, or a new one became available).
    pub last_progress: Millis,
    /// Outdated instances left at the last progress.
    pub outdated_left: u64,
    /// Target-config instances available at the last progress.
    pub available: u64,
    /// Instances replaced so far.
    pub replaced: u64,
    /// New instances that failed (unhealthy past their timeout).
    pub failed: BTreeSet<Id>,
    /// Outdated instances to keep until resumed (a canary keeps all but the canaries).
    pub keep_outdated: Option<u64>,
    /// The last failure, if any.
    pub last_failure: Option<String>,
}

impl Rollout {
    /// A new running rollout to `to_hash`.
    pub fn new(group: GroupId, to_hash: String, previous: Option<group::Spec>, now: Millis) -> Rollout {
        Rollout {
            group,
            to_hash,
            from_hash: None,
            previous,
            is_rollback: false,
            state: RolloutState::Running,
            started: now,
            last_progress: now,
            outdated_left: 0,
            available: 0,
            replaced: 0,
            failed: BTreeSet::new(),
            keep_outdated: None,
            last_failure: None,
        }
    }

    /// True while it should move.
    pub fn is_running(&self) -> bool {
        self.state == RolloutState::Running
    }
}

/// Where rollouts are kept. The HA manager stores them in etcd; a single process keeps them in memory.
#[async_trait]
pub trait RolloutStore: Send + Sync {
    /// Saves (or replaces) the rollout of its group.
    async fn save(&self, rollout: &Rollout) -> Result<()>;
    /// Loads a group's rollout.
    async fn load(&self, group: &GroupId) -> Result<Option<Rollout>>;
    /// Forgets a group's rollout.
    async fn remove(&self, group: &GroupId) -> Result<()>;
    /// Saves what a group's controller has in flight (an empty value forgets it). Called before creates are sent:
    /// when it fails, they are not sent.
    async fn save_in_flight(&self, group: &GroupId, in_flight: &InFlight) -> Result<()>;
    /// Loads what a group's previous controller had in flight.
    async fn load_in_flight(&self, group: &GroupId) -> Result<Option<InFlight>>;
}

/// Rollouts in memory, shared by every controller that holds the same store.
#[derive(Debug, Default)]
pub struct MemoryRolloutStore(Mutex<BTreeMap<GroupId, Rollout>>, Mutex<BTreeMap<GroupId, InFlight>>);

#[async_trait]
impl RolloutStore for MemoryRolloutStore {
    async fn save(&self, rollout: &Rollout) -> Result<()> {
        if let Ok(mut m) = self.0.lock() {
            m.insert(rollout.group.clone(), rollout.clone());
        }
        Ok(())
    }

    async fn load(&self, group: &GroupId) -> Result<Option<Rollout>> {
        Ok(self.0.lock().ok().and_then(|m| m.get(group).cloned()))
    }

    async fn remove(&self, group: &GroupId) -> Result<()> {
        if let Ok(mut m) = self.0.lock() {
            m.remove(group);
        }
        Ok(())
    }

    async fn save_in_flight(&self, group: &GroupId, in_flight: &InFlight) -> Result<()> {
        if let Ok(mut m) = self.1.lock() {
            if in_flight.is_empty() {
                m.remove(group);
            } else {
                m.insert(group.clone(), in_flight.clone());
            }
        }
        Ok(())
    }

    async fn load_in_flight(&self, group: &GroupId) -> Result<Option<InFlight>> {
        Ok(self.1.lock().ok().and_then(|m| m.get(group).cloned()))
    }
}

/// Rollouts as JSON files in a directory (one per group, written atomically), so a restarted process resumes them.
#[derive(Debug)]
pub struct FileRolloutStore {
    dir: std::path::PathBuf,
}

impl FileRolloutStore {
    /// Keeps rollouts in `dir`, created if absent.
    pub fn new(dir: impl Into<std::path::PathBuf>) -> Result<FileRolloutStore> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .map_err(|e| infrakit_spi::Error::failed(format!("rollout store {}: {e}", dir.display())))?;
        Ok(FileRolloutStore { dir })
    }

    fn path(&self, group: &GroupId) -> std::path::PathBuf {
        self.path_of(group, ".json")
    }

    /// `+` never appears in a file name made from a group ID, so this never names another group's rollout.
    fn in_flight_path(&self, group: &GroupId) -> std::path::PathBuf {
        self.path_of(group, "+inflight.json")
    }

    fn path_of(&self, group: &GroupId, suffix: &str) -> std::path::PathBuf {
        self.dir.join(format!("{}{suffix}", infrakit_spi::names::file_safe(&group.0)))
    }

    async fn write_json(&self, path: std::path::PathBuf, body: Vec<u8>) -> Result<()> {
        tokio::task::spawn_blocking(move || {
            let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
            let fail = |e: std::io::Error| infrakit_spi::Error::failed(format!("{}: {e}", path.display()));
            let mut f = std::fs::File::create(&tmp).map_err(fail)?;
            std::io::Write::write_all(&mut f, &body).map_err(fail)?;
            f.sync_all().map_err(fail)?;
            std::fs::rename(&tmp, &path).map_err(fail)
        })
        .await
        .map_err(infrakit_spi::Error::failed)?
    }

    async fn read_json<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        path: std::path::PathBuf,
    ) -> Result<Option<T>> {
        tokio::task::spawn_blocking(move || match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| infrakit_spi::Error::failed(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(infrakit_spi::Error::failed(format!("{}: {e}", path.display()))),
        })
        .await
        .map_err(infrakit_spi::Error::failed)?
    }

    async fn remove_file(&self, path: std::path::PathBuf) -> Result<()> {
        tokio::task::spawn_blocking(move || match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(infrakit_spi::Error::failed(format!("{}: {e}", path.display()))),
        })
        .await
        .map_err(infrakit_spi::Error::failed)?
    }
}

#[async_trait]
impl RolloutStore for FileRolloutStore {
    async fn save(&self, rollout: &Rollout) -> Result<()> {
        let body = serde_json::to_vec_pretty(rollout).map_err(infrakit_spi::Error::failed)?;
        self.write_json(self.path(&rollout.group), body).await
    }

    async fn load(&self, group: &GroupId) -> Result<Option<Rollout>> {
        self.read_json(self.path(group)).await
    }

    async fn remove(&self, group: &GroupId) -> Result<()> {
        self.remove_file(self.path(group)).await
    }

    async fn save_in_flight(&self, group: &GroupId, in_flight: &InFlight) -> Result<()> {
        let path = self.in_flight_path(group);
        if in_flight.is_empty() {
            return self.remove_file(path).await;
        }
        let body = serde_json::to_vec(in_flight).map_err(infrakit_spi::Error::failed)?;
        self.write_json(path, body).await
    }

    async fn load_in_flight(&self, group: &GroupId) -> Result<Option<InFlight>> {
        self.read_json(self.in_flight_path(group)).await
    }
}
