//! A manager replica: fronts the group controller, acts only while it leads.

use async_trait::async_trait;
use infrakit_group::plugin::GroupPlugin;
use infrakit_group::reconciler::RolledBack;
use infrakit_spi::group::{self, Commit, Group, GroupControl, Id};
use infrakit_spi::manager::{LeaderStatus, Leadership, Manager, ManagerStatus, SpecStore, SpecVersion};
use infrakit_spi::metadata::{children_at, value_at, Metadata, Path};
use infrakit_spi::{Any, Error, Result};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio_stream::StreamExt;

/// A manager replica.
pub struct Replica {
    name: String,
    controller: Arc<GroupPlugin>,
    store: Arc<dyn SpecStore>,
    status: watch::Receiver<LeaderStatus>,
    /// Serializes leadership transitions with commits, so a commit never races a takeover.
    gate: tokio::sync::Mutex<()>,
    /// What a take-over in progress waits for (shown in status); `None` when it is done or none runs.
    taking_over: std::sync::Mutex<Option<String>>,
    /// When the replica started.
    started: std::time::Instant,
}

/// How long after its start a replica's calls wait for it to know who leads.
const FIRST_OBSERVATION: Duration = Duration::from_secs(5);

/// A leadership change for the worker that acts on them, in the order they were seen.
enum Transition {
    /// Became leader; the number of losses seen so far (a take-over already overtaken by a loss is skipped).
    TakeOver(u64),
    StepDown(LeaderStatus),
}

/// The first and the longest wait between two attempts of a take-over that cannot finish yet.
const RETRY_FIRST: Duration = Duration::from_millis(200);
const RETRY_MAX: Duration = Duration::from_secs(5);

impl Replica {
    /// Starts a replica: it follows `leadership`, and while it leads, keeps the stored specs running on `controller`.
    ///
    /// Every leadership change is seen in order, even while a take-over is under way: the watcher never waits on
    /// the controller. Losing leadership cancels a take-over at once; each new leadership loads the latest stored
    /// specs, retrying (with back-off, shown in status) until the store can be read and every group runs.
    pub fn start(
        leadership: Arc<dyn Leadership>,
        store: Arc<dyn SpecStore>,
        controller: Arc<GroupPlugin>,
    ) -> Arc<Replica> {
        let (tx, status) = watch::channel(LeaderStatus::Unknown { reason: "not observed yet".into() });
        let replica = Arc::new(Replica {
            name: leadership.name().to_string(),
            controller,
            store,
            status,
            gate: Default::default(),
            taking_over: Default::default(),
            started: std::time::Instant::now(),
        });
        // Losses are counted so that a take-over can tell it has been overtaken.
        let (lost_tx, lost_rx) = watch::channel(0u64);
        let (work_tx, work_rx) = mpsc::unbounded_channel::<Transition>();
        tokio::spawn(Replica::work(Arc::downgrade(&replica), work_rx, lost_rx));
        let mut changes = leadership.watch();
        tokio::spawn(async move {
            while let Some(next) = changes.next().await {
                let was = tx.borrow().is_leader();
                tx.send_replace(next.clone());
                let transition = match (was, next.is_leader()) {
                    (false, true) => Transition::TakeOver(*lost_tx.borrow()),
                    (true, false) => {
                        lost_tx.send_modify(|n| *n += 1);
                        Transition::StepDown(next)
                    }
                    _ => continue,
                };
                if work_tx.send(transition).is_err() {
                    return;
                }
            }
        });
        replica
    }

    /// Acts on leadership changes one after another. A take-over runs until it is done or leadership is lost.
    async fn work(
        replica: std::sync::Weak<Replica>,
        mut work: mpsc::UnboundedReceiver<Transition>,
        lost: watch::Receiver<u64>,
    ) {
        while let Some(transition) = work.recv().await {
            let Some(r) = replica.upgrade() else { return };
            match transition {
                Transition::TakeOver(seen) => {
                    let mut lost = lost.clone();
                    if *lost.borrow_and_update() != seen {
                        continue; // leadership was lost again before this take-over could start
                    }
                    let overtaken = async {
                        // Only a loss ends the take-over; a watcher that went away (the replica is shutting
                        // down) does not.
                        if lost.wait_for(|n| *n != seen).await.is_err() {
                            std::future::pending::<()>().await;
                        }
                    };
                    tokio::select! {
                        _ = r.take_over() => {}
                        _ = overtaken => {
                            tracing::info!(replica = %r.name, "leadership lost during the take-over: it stops");
                        }
                    }
                    r.set_taking_over(None);
                }
                Transition::StepDown(now) => r.step_down(&now).await,
            }
        }
    }

    fn set_taking_over(&self, what: Option<String>) {
        if let Ok(mut t) = self.taking_over.lock() {
            *t = what;
        }
    }

    /// Becoming leader: the latest stored specs are committed; the controller resumes stored rollouts. A store
    /// that cannot be read, and a group that cannot be committed yet (its plugin is not up), are retried with
    /// back-off until they succeed; the specs are read again before each attempt, so the latest version runs.
    async fn take_over(&self) {
        tracing::info!(replica = %self.name, "this replica now leads: loading the stored specs");
        let mut wait = RETRY_FIRST;
        let mut said = String::new();
        loop {
            match self.resume_stored().await {
                None => return,
                Some(what) => {
                    if what != said {
                        tracing::warn!(replica = %self.name, "take-over not finished: {what}; trying again");
                    }
                    self.set_taking_over(Some(format!("{what}; trying again in {wait:?}")));
                    said = what;
                }
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(RETRY_MAX);
        }
    }

    /// Commits every stored spec of a group the controller does not run, one group at a time, each under the gate
    /// (so commits from a person go in between, never at the same time). Returns what is still missing, if anything.
    async fn resume_stored(&self) -> Option<String> {
        let specs = match self.store.specs().await {
            Ok(s) => s,
            Err(e) => return Some(format!("cannot read the stored specs: {e}")),
        };
        let mut failed = Vec::new();
        for spec in specs {
            let _gate = self.gate.lock().await;
            // The groups were freed when leadership was last lost, so a group that runs now was committed since:
            // by an earlier round of this take-over, or by a person (stored first, so newer than what was read).
            if self.controller.group_ids().await.contains(&spec.id) {
                continue;
            }
            let id = spec.id.clone();
            // One group failing (its plugin is not running yet) does not stop the others.
            match self.controller.commit_group(spec, false).await {
                Ok(c) => tracing::info!(group = %id, "{}", c.details),
                Err(e) => failed.push(format!("group {id}: {e}")),
            }
        }
        if failed.is_empty() {
            None
        } else {
            Some(format!("cannot resume {}", failed.join("; ")))
        }
    }

    /// Losing leadership: stop acting at once; instances are left alone.
    async fn step_down(&self, now: &LeaderStatus) {
        tracing::info!(replica = %self.name, status = ?now, "this replica no longer leads: it stops acting");
        let _gate = self.gate.lock().await;
        for id in self.controller.group_ids().await {
            let _ = self.controller.free_group(&id).await;
        }
    }

    /// The current leadership status.
    pub fn leader_status(&self) -> LeaderStatus {
        self.status.borrow().clone()
    }

    /// Fails unless this replica leads. In its first seconds a replica may not know yet (its source has not
    /// answered): a call then waits until it knows or those seconds are over, instead of failing at once. Later, a
    /// replica that does not know answers at once.
    async fn require_leader(&self) -> Result<()> {
        let settling = FIRST_OBSERVATION.saturating_sub(self.started.elapsed());
        if !settling.is_zero() {
            let mut status = self.status.clone();
            let known = |s: &LeaderStatus| !matches!(s, LeaderStatus::Unknown { .. });
            let _ = tokio::time::timeout(settling, status.wait_for(known)).await;
        }
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

impl Replica {
    /// Stores the spec a rollback put in force, so the next leader (or `up`) keeps it; under the gate, and only
    /// while the store still holds the spec the rollback abandoned: a commit that came in between wins.
    pub async fn record_rollback(&self, rolled: RolledBack) {
        let _gate = self.gate.lock().await;
        let id = rolled.to.id.clone();
        let latest = match self.store.specs().await {
            Ok(specs) => specs.into_iter().find(|s| s.id == id),
            Err(e) => {
                tracing::error!(group = %id, error = %e, "cannot store the rolled-back spec: the store cannot be read");
                return;
            }
        };
        if latest.as_ref() != Some(&rolled.from) {
            tracing::info!(group = %id, "a newer commit replaced the spec that was rolled back: the rollback is not stored");
            return;
        }
        if let Err(e) = self.store.put(&rolled.to).await {
            tracing::error!(group = %id, error = %e, "cannot store the rolled-back spec");
        }
    }
}

#[async_trait]
impl Group for Replica {
    async fn commit_group(&self, spec: group::Spec, pretend: bool) -> Result<Commit> {
        // A follower answers at once, without waiting behind a leadership transition.
        self.require_leader().await?;
        let _gate = self.gate.lock().await;
        self.require_leader().await?;
        // Validated before it is stored: a rejected spec never poisons the store.
        self.controller.validate(&spec).await?;
        if !pretend {
            self.store.put(&spec).await?;
        }
        self.controller.commit_group(spec, pretend).await
    }

    async fn free_group(&self, id: &Id) -> Result<()> {
        self.require_leader().await?;
        let _gate = self.gate.lock().await;
        self.require_leader().await?;
        let stored = self.store.specs().await?.into_iter().any(|s| &s.id == id);
        match self.controller.free_group(id).await {
            // A stored group that is not running (its plugin was missing at takeover) can still be freed.
            Err(Error::NotFound(_)) if stored => {}
            other => other?,
        }
        self.store.remove(id).await
    }

    async fn describe_group(&self, id: &Id) -> Result<group::Description> {
        self.require_leader().await?;
        self.controller.describe_group(id).await
    }

    async fn destroy_group(&self, id: &Id) -> Result<()> {
        self.require_leader().await?;
        let _gate = self.gate.lock().await;
        self.require_leader().await?;
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
        self.require_leader().await?;
        self.controller.pause(id).await
    }

    async fn resume(&self, id: &Id) -> Result<()> {
        self.require_leader().await?;
        self.controller.resume(id).await
    }

    async fn rollback(&self, id: &Id) -> Result<()> {
        self.require_leader().await?;
        self.controller.rollback(id).await
    }

    async fn status(&self, id: &Id) -> Result<infrakit_spi::status::GroupStatus> {
        self.require_leader().await?;
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
        let taking_over = if s.is_leader() { self.taking_over.lock().ok().and_then(|t| t.clone()) } else { None };
        Ok(ManagerStatus { name: self.name.clone(), leader: s.is_leader(), leader_name, unknown, taking_over })
    }

    async fn history(&self, id: &Id) -> Result<Vec<SpecVersion>> {
        self.store.history(id).await
    }

    async fn rollback_to(&self, id: &Id, version: Option<u64>) -> Result<String> {
        self.require_leader().await?;
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
