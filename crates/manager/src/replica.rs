//! A manager replica: fronts the group controller, acts only while it leads.

use async_trait::async_trait;
use infrakit_group::plugin::GroupPlugin;
use infrakit_spi::group::{self, Commit, Group, GroupControl, Id};
use infrakit_spi::manager::{LeaderStatus, Leadership, Manager, ManagerStatus, SpecVersion, Store};
use infrakit_spi::metadata::{children_at, value_at, Metadata, Path};
use infrakit_spi::{Any, Error, Result};
use std::sync::Arc;
use tokio::sync::watch;
use tokio_stream::StreamExt;

/// A manager replica.
pub struct Replica {
    name: String,
    controller: Arc<GroupPlugin>,
    store: Arc<dyn Store>,
    status: watch::Receiver<LeaderStatus>,
    /// Serializes leadership transitions with commits, so a commit never races a takeover.
    gate: tokio::sync::Mutex<()>,
}

impl Replica {
    /// Starts a replica: it follows `leadership`, and while it leads, keeps the stored specs running on `controller`.
    pub fn start(leadership: Arc<dyn Leadership>, store: Arc<dyn Store>, controller: Arc<GroupPlugin>) -> Arc<Replica> {
        let (tx, status) = watch::channel(LeaderStatus::Unknown { reason: "not observed yet".into() });
        let replica = Arc::new(Replica {
            name: leadership.name().to_string(),
            controller,
            store,
            status,
            gate: Default::default(),
        });
        let weak = Arc::downgrade(&replica);
        let mut changes = leadership.watch();
        tokio::spawn(async move {
            while let Some(next) = changes.next().await {
                let Some(r) = weak.upgrade() else { return };
                let was = tx.borrow().is_leader();
                let _gate = r.gate.lock().await;
                tx.send_replace(next.clone());
                match (was, next.is_leader()) {
                    (false, true) => r.take_over().await,
                    (true, false) => r.step_down(&next).await,
                    _ => {}
                }
            }
        });
        replica
    }

    /// Becoming leader: every stored spec is committed; the controller resumes stored rollouts.
    async fn take_over(&self) {
        tracing::warn!(replica = %self.name, "this replica now leads: loading the stored specs");
        let specs = match self.store.specs().await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(replica = %self.name, error = %e, "cannot load the stored specs; nothing is managed");
                return;
            }
        };
        for spec in specs {
            let id = spec.id.clone();
            // One group failing (its plugin is not running yet) does not stop the others.
            match self.controller.commit_group(spec, false).await {
                Ok(c) => tracing::info!(group = %id, "{}", c.details),
                Err(e) => tracing::error!(group = %id, error = %e, "cannot resume the group"),
            }
        }
    }

    /// Losing leadership: stop acting at once; instances are left alone.
    async fn step_down(&self, now: &LeaderStatus) {
        tracing::warn!(replica = %self.name, status = ?now, "this replica no longer leads: it stops acting");
        for id in self.controller.group_ids().await {
            let _ = self.controller.free_group(&id).await;
        }
    }

    /// The current leadership status.
    pub fn leader_status(&self) -> LeaderStatus {
        self.status.borrow().clone()
    }

    fn require_leader(&self) -> Result<()> {
        match self.leader_status() {
            LeaderStatus::Leader => Ok(()),
            LeaderStatus::Follower { leader: Some(l) } => {
                Err(Error::Unavailable(format!("replica {} is not the leader; the leader is {l}", self.name)))
            }
            LeaderStatus::Follower { leader: None } => {
                Err(Error::Unavailable(format!("replica {} is not the leader; the leader is not known", self.name)))
            }
            LeaderStatus::Unknown { reason } => Err(Error::Unavailable(format!(
                "replica {} does not know who leads ({reason}); it does not act",
                self.name
            ))),
        }
    }
}

#[async_trait]
impl Group for Replica {
    async fn commit_group(&self, spec: group::Spec, pretend: bool) -> Result<Commit> {
        // A follower answers at once, without waiting behind a leadership transition.
        self.require_leader()?;
        let _gate = self.gate.lock().await;
        self.require_leader()?;
        // Validated before it is stored: a rejected spec never poisons the store.
        self.controller.validate(&spec).await?;
        if !pretend {
            self.store.put(&spec).await?;
        }
        self.controller.commit_group(spec, pretend).await
    }

    async fn free_group(&self, id: &Id) -> Result<()> {
        self.require_leader()?;
        let _gate = self.gate.lock().await;
        self.require_leader()?;
        let stored = self.store.specs().await?.into_iter().any(|s| &s.id == id);
        match self.controller.free_group(id).await {
            // A stored group that is not running (its plugin was missing at takeover) can still be freed.
            Err(Error::NotFound(_)) if stored => {}
            other => other?,
        }
        self.store.remove(id).await
    }

    async fn describe_group(&self, id: &Id) -> Result<group::Description> {
        self.require_leader()?;
        self.controller.describe_group(id).await
    }

    async fn destroy_group(&self, id: &Id) -> Result<()> {
        self.require_leader()?;
        let _gate = self.gate.lock().await;
        self.require_leader()?;
        let stored = self.store.specs().await?.into_iter().find(|s| &s.id == id);
        match self.controller.destroy_group(id).await {
            Ok(()) => {}
            // Stored but not running: its instances are still found by their tags and destroyed.
            Err(Error::NotFound(_)) if stored.is_some() => {
                let spec = stored.as_ref().ok_or_else(|| Error::NotFound(format!("group {id}")))?;
                let cfg = infrakit_group::config::GroupConfig::parse(spec)?;
                self.controller.destroy_instances(&cfg).await?;
            }
            Err(e) => return Err(e),
        }
        self.store.remove(id).await
    }

    async fn inspect_groups(&self) -> Result<Vec<group::Spec>> {
        // Any replica can say what is stored; the leader says what it runs.
        if self.leader_status().is_leader() {
            self.controller.inspect_groups().await
        } else {
            self.store.specs().await
        }
    }
}

#[async_trait]
impl GroupControl for Replica {
    async fn pause(&self, id: &Id) -> Result<()> {
        self.require_leader()?;
        self.controller.pause(id).await
    }

    async fn resume(&self, id: &Id) -> Result<()> {
        self.require_leader()?;
        self.controller.resume(id).await
    }

    async fn rollback(&self, id: &Id) -> Result<()> {
        self.require_leader()?;
        self.controller.rollback(id).await
    }

    async fn status(&self, id: &Id) -> Result<Any> {
        self.require_leader()?;
        GroupControl::status(self.controller.as_ref(), id).await
    }
}

#[async_trait]
impl Manager for Replica {
    async fn is_leader(&self) -> Result<bool> {
        Ok(self.leader_status().is_leader())
    }

    async fn status(&self) -> Result<ManagerStatus> {
        let s = self.leader_status();
        let (leader_name, unknown) = match &s {
            LeaderStatus::Leader => (Some(self.name.clone()), None),
            LeaderStatus::Follower { leader } => (leader.clone(), None),
            LeaderStatus::Unknown { reason } => (None, Some(reason.clone())),
        };
        Ok(ManagerStatus { name: self.name.clone(), leader: s.is_leader(), leader_name, unknown })
    }

    async fn history(&self, id: &Id) -> Result<Vec<SpecVersion>> {
        self.store.history(id).await
    }

    async fn rollback_to(&self, id: &Id, version: Option<u64>) -> Result<String> {
        self.require_leader()?;
        let history = self.store.history(id).await?;
        let with_spec: Vec<&SpecVersion> = history.iter().filter(|v| v.spec.is_some()).collect();
        let target = match version {
            Some(v) => history
                .iter()
                .find(|h| h.version == v)
                .ok_or_else(|| Error::NotFound(format!("group {id} has no version {v}")))?,
            None => with_spec
                .len()
                .checked_sub(2)
                .and_then(|i| with_spec.get(i).copied())
                .ok_or_else(|| Error::NotFound(format!("group {id} has no earlier version to roll back to")))?,
        };
        let spec = target.spec.clone().ok_or_else(|| {
            Error::invalid("version", format!("version {} of group {id} is a removal", target.version))
        })?;
        let commit = self.commit_group(spec, false).await?;
        Ok(format!("rolled {id} back to version {}: {}", target.version, commit.details))
    }
}

#[async_trait]
impl Metadata for Replica {
    async fn list(&self, path: &Path) -> Result<Option<Vec<String>>> {
        let tree = self.tree().await?;
        Ok(children_at(&tree, path))
    }

    async fn get(&self, path: &Path) -> Result<Option<Any>> {
        let tree = self.tree().await?;
        match value_at(&tree, path) {
            Some(v) => Ok(Some(Any::from_value(v)?)),
            None => Ok(None),
        }
    }
}

impl Replica {
    /// `leader`, `configs/Groups/<ID>` (the stored specs, as InfraKit's manager exports them) and the controller's
    /// `specs/<ID>`, `groups/<ID>`.
    async fn tree(&self) -> Result<serde_json::Value> {
        let mut groups = serde_json::Map::new();
        for s in self.store.specs().await? {
            groups.insert(s.id.0.clone(), serde_json::json!({"Plugin": "group", "Properties": s}));
        }
        let mut root = serde_json::json!({"leader": self.leader_status().is_leader(), "configs": {"Groups": groups}});
        if let (Some(list), Some(obj)) = (self.controller.list(&Path::default()).await?, root.as_object_mut()) {
            for key in list {
                if let Some(v) = self.controller.get(&Path(vec![key.clone()])).await? {
                    obj.insert(key, v.to_value());
                }
            }
        }
        Ok(root)
    }
}
