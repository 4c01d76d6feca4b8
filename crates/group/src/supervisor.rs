//! One async loop per group: observe through the plugins, plan, execute with bounded concurrency. It wakes at once
//! when the instance plugin pushes a change or an action finishes, and resyncs on a jittered interval as a safety net.

use crate::clock::Clock;
use crate::config::GroupConfig;
pub use crate::executor::execute;
use crate::executor::{Executor, Target};
use crate::health::HealthChecks;
use crate::model::{Action, InFlight, Member, Outcome};
use crate::persisted::Persisted;
use crate::quorum::QuorumChecks;
use crate::reconciler::{Checked, Reconciler};
use crate::retired::Retired;
use crate::rollout::Rollout;
use infrakit_spi::flavor::Flavor;
use infrakit_spi::hash::GROUP_TAG;
use infrakit_spi::instance::{Changes, Description, Id, Instance, Tags};
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::status::GroupStatus;
use infrakit_spi::{Error, Result};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_stream::StreamExt;

/// Tuning of the loop.
#[derive(Debug, Clone)]
pub struct Options {
    /// The safety-net resync interval (InfraKit's poll interval); default 10 s.
    pub resync: Duration,
    /// Resyncs are spread by ± this fraction, so many groups do not list at the same moment; default 0.1.
    pub jitter: f64,
    /// At most this many creates and destroys run at once per group; default 32.
    pub max_parallel: usize,
    /// Listing and health checks fail after this long; default 60 s.
    pub call_timeout: Duration,
    /// How long a created instance may be missing from listings before it is presumed lost; default 10 s.
    pub listing_grace: Duration,
    /// A create or destroy that takes longer fails (and is retried with back-off); default 10 min.
    pub action_timeout: Duration,
    /// A health check that takes longer says "unknown"; default 10 s.
    pub health_timeout: Duration,
    /// At most this many health checks run at once per group; default 16. Checks never hold up a pass.
    pub max_health_checks: usize,
    /// An instance's health is checked at most once per this long (passes in between use its last verdict);
    /// default 1 s.
    pub health_interval: Duration,
    /// The largest group accepted (`Allocation.Size`, or the number of `LogicalIDs`); default 100,000.
    pub max_group_size: u64,
    /// Told what the controller sees, decides and does (metrics, events); default: nobody.
    pub observer: crate::observe::Observing,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            resync: Duration::from_secs(10),
            jitter: 0.1,
            max_parallel: 32,
            call_timeout: Duration::from_secs(60),
            listing_grace: Duration::from_millis(crate::model::LISTING_GRACE_MS),
            action_timeout: Duration::from_secs(600),
            health_timeout: Duration::from_secs(10),
            max_health_checks: 16,
            health_interval: Duration::from_secs(1),
            max_group_size: 100_000,
            observer: Default::default(),
        }
    }
}

pub use crate::model::UNANSWERED_HOLD_MS;

/// Says whether this controller may act right now (a manager replica that may have lost leadership says no).
pub type ActGuard = Arc<dyn Fn() -> bool + Send + Sync>;

/// Told of each rollback (the spec now in force and the one it replaced), so the spec store follows.
pub type SpecSink = Arc<dyn Fn(crate::reconciler::RolledBack) + Send + Sync>;

/// What a supervisor needs from the outside world.
pub struct Deps {
    /// Told the spec in force after an automatic or requested rollback. `None`: nobody needs to know.
    pub spec_sink: Option<SpecSink>,
    /// Checked before every batch of actions: when it says no, nothing is sent. `None`: always allowed.
    pub guard: Option<ActGuard>,
    /// Finds instance and flavor plugins by name.
    pub lookup: Arc<dyn PluginLookup>,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Where rollouts and in-flight records are kept so a restarted controller resumes them.
    pub persisted: Persisted,
    /// Tuning.
    pub options: Options,
}

/// The group as last seen by its supervisor.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The spec in force.
    pub config: GroupConfig,
    /// Earlier specs whose instance plugins may still hold instances of the group (after `Instance.Plugin` changed).
    pub retired: Vec<GroupConfig>,
    /// The instances listed, sorted by ID (shared with the controller's members: a snapshot copies no description).
    pub members: Vec<Arc<Description>>,
    /// What every view shows: counts, rollout, notes, passes, the last error.
    pub status: GroupStatus,
}

impl Snapshot {
    /// A copy of the listed descriptions (for an answer that owns them).
    pub fn descriptions(&self) -> Vec<Description> {
        self.members.iter().map(|d| (**d).clone()).collect()
    }
}

enum Command {
    Update(Box<GroupConfig>, oneshot::Sender<()>),
    Pause(oneshot::Sender<Result<()>>),
    Resume(oneshot::Sender<Result<()>>),
    Rollback(oneshot::Sender<Result<GroupConfig>>),
    Stop(oneshot::Sender<Stopped>),
}

/// What a group loop leaves behind when it stops: enough to destroy every instance it may have made.
#[derive(Debug, Clone)]
pub struct Stopped {
    /// The spec in force at the end.
    pub config: GroupConfig,
    /// Earlier specs whose instance plugins may still hold instances.
    pub retired: Vec<GroupConfig>,
    /// Creates and unlisted instances in flight at the end (also kept in the state store).
    pub in_flight: InFlight,
}

/// A running group loop (a cheap handle: clones talk to the same loop).
#[derive(Clone)]
pub struct Supervisor {
    tx: mpsc::Sender<Command>,
    snapshot: watch::Receiver<Arc<Snapshot>>,
}

impl Supervisor {
    /// Starts supervising `config`, resuming `rollout` and what a previous controller had `in_flight`, if given.
    pub fn start(
        config: GroupConfig,
        rollout: Option<Rollout>,
        in_flight: Option<InFlight>,
        deps: Arc<Deps>,
    ) -> Supervisor {
        let grace = deps.options.listing_grace.as_millis() as u64;
        let max_creates = max_creates(&deps.options);
        let check_interval = deps.options.health_interval.as_millis() as u64;
        let mut recon = Reconciler::new(config.clone(), rollout)
            .with_listing_grace(grace)
            .with_max_creates(max_creates)
            .with_check_interval(check_interval);
        let saved = in_flight.unwrap_or_default();
        if !saved.is_empty() {
            tracing::info!(group = %config.id(), creates = saved.creates.len(), unlisted = saved.unlisted.len(),
                "resuming what the previous controller had in flight");
            recon.resume_in_flight(saved.clone(), deps.clock.now(), UNANSWERED_HOLD_MS);
        }
        let first = Snapshot {
            retired: Vec::new(),
            members: Vec::new(),
            status: GroupStatus {
                id: config.id().clone(),
                hash: config.hash.clone(),
                passes: 0,
                error: None,
                counts: recon.status(),
            },
            config,
        };
        let (snap_tx, snapshot) = watch::channel(Arc::new(first));
        let (tx, rx) = mpsc::channel(16);
        tokio::spawn(run(recon, deps, rx, snap_tx, saved));
        Supervisor { tx, snapshot }
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(make(tx)).await.map_err(|_| Error::failed("group loop has stopped"))?;
        rx.await.map_err(|_| Error::failed("group loop has stopped"))
    }

    /// Applies a new spec (the loop plans with it from its next pass).
    pub async fn update(&self, config: GroupConfig) -> Result<()> {
        self.ask(|tx| Command::Update(Box::new(config), tx)).await
    }

    /// Pauses the rollout.
    pub async fn pause(&self) -> Result<()> {
        self.ask(Command::Pause).await?
    }

    /// Resumes the rollout.
    pub async fn resume(&self) -> Result<()> {
        self.ask(Command::Resume).await?
    }

    /// Rolls back to the spec before the rollout; returns it.
    pub async fn rollback(&self) -> Result<GroupConfig> {
        self.ask(Command::Rollback).await?
    }

    /// Stops the loop once the actions in flight have finished (at most 30 s); instances are left alone. Returns
    /// what the loop leaves behind (`None` when it had stopped already).
    pub async fn stop(&self) -> Option<Stopped> {
        self.ask(Command::Stop).await.ok()
    }

    /// The latest snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.borrow().clone()
    }

    /// A receiver that sees every new snapshot.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.snapshot.clone()
    }
}

type Plugins = (Arc<dyn Instance>, Arc<dyn Flavor>);

async fn resolve(lookup: &dyn PluginLookup, cfg: &GroupConfig) -> Result<Plugins> {
    let instance = lookup.instance(&cfg.instance.plugin).await?;
    let flavor = lookup.flavor(&cfg.flavor.plugin).await?;
    Ok((instance, flavor))
}

/// The longest a pass waits, after the end of the one before, while answers come in and the executor still has work
/// queued (see the loop).
const DEFER_AT_MOST: Duration = Duration::from_millis(100);

/// How many creates a group may have in flight: 32 rounds of `max_parallel`, so a pass keeps the executor busy.
fn max_creates(options: &Options) -> u64 {
    (options.max_parallel.max(1) as u64).saturating_mul(32)
}

/// The listing grace its instance plugin declares, else the controller's default (a group's
/// `Allocation.ListingGrace` overrides both, see [`Reconciler::listing_grace`]).
async fn listing_grace(instance: &dyn Instance, options: &Options) -> u64 {
    let declared = tokio::time::timeout(Duration::from_secs(5), instance.listing_lag()).await.ok().flatten();
    declared.unwrap_or(options.listing_grace).as_millis() as u64
}

async fn next_change(changes: &mut Option<Changes>) {
    match changes {
        Some(stream) => {
            if stream.next().await.is_none() {
                *changes = None;
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending::<()>().await,
    }
}

fn jittered(options: &Options) -> tokio::time::Instant {
    let f = 1.0 + options.jitter * (rand::random::<f64>() * 2.0 - 1.0);
    tokio::time::Instant::now() + options.resync.mul_f64(f.max(0.01))
}

/// What a pass works with besides the reconciler: plugins, health checks, retired plugins, actions in flight.
struct Loop {
    deps: Arc<Deps>,
    plugins: Option<Plugins>,
    health: HealthChecks,
    /// `Flavor.Quorum` checks, beside the loop like health checks.
    quorum: QuorumChecks,
    retired: Retired,
    /// The plugins of retired configs, resolved when first needed, with their listing lag.
    retired_plugins: BTreeMap<infrakit_spi::plugin::Name, (Plugins, u64)>,
    /// Instance plugins found by name for destroys of unlisted instances made by a former plugin.
    instances: HashMap<infrakit_spi::plugin::Name, Arc<dyn Instance>>,
    /// The listing lag the current instance plugin declares (or the default).
    current_lag: u64,
    /// Which retired config listed an instance (instances of the current plugin are not in here).
    owners: HashMap<Id, Arc<GroupConfig>>,
    executor: Executor,
    /// What the store holds of the ledger (see [`InFlight`]).
    saved: InFlight,
}

async fn run(
    mut recon: Reconciler,
    deps: Arc<Deps>,
    mut rx: mpsc::Receiver<Command>,
    snap_tx: watch::Sender<Arc<Snapshot>>,
    saved: InFlight,
) {
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Outcome>();
    let executor = Executor::new(&deps.options, deps.guard.clone(), done_tx);
    let mut retired = Retired::default();
    retired.restore(&saved.retired, recon.config());
    retired.from_rollout(recon.rollout(), recon.config());
    let mut lp = Loop {
        health: HealthChecks::new(
            deps.options.max_health_checks,
            deps.options.health_timeout,
            deps.options.health_interval,
        ),
        quorum: QuorumChecks::new(deps.options.health_timeout, deps.options.health_interval),
        deps: deps.clone(),
        plugins: None,
        retired,
        retired_plugins: BTreeMap::new(),
        instances: HashMap::new(),
        current_lag: deps.options.listing_grace.as_millis() as u64,
        owners: HashMap::new(),
        executor,
        saved,
    };
    let mut changes: Option<Changes> = None;
    let mut subscribed_at = tokio::time::Instant::now();
    let mut persisted: Option<Rollout> = recon.rollout().cloned();
    let mut passes = 0u64;
    let mut next_resync = tokio::time::Instant::now();
    let mut last_pass = tokio::time::Instant::now();
    // Whether an outcome came in that no pass has seen yet (see DEFER_AT_MOST).
    let mut deferred = false;
    // While at least half of what a pass may put in flight still waits for an answer (or a full round, once
    // nothing more is to be created), a success defers the pass.
    let backlog = usize::try_from(max_creates(&deps.options) / 2).unwrap_or(usize::MAX);
    let round = deps.options.max_parallel.max(1);
    let gid = recon.config().id().clone();
    loop {
        let mut error = None;
        let mut wake_at = None;
        if lp.plugins.is_none() {
            match resolve(deps.lookup.as_ref(), recon.config()).await {
                Ok(p) => {
                    changes = p.0.changes();
                    lp.current_lag = listing_grace(p.0.as_ref(), &deps.options).await;
                    recon.set_listing_grace(lp.grace());
                    lp.plugins = Some(p);
                }
                Err(e) => error = Some(e.to_string()),
            }
        }
        if let Some((instance, _)) = lp.plugins.as_ref() {
            // A push stream that ended (the plugin restarted) is subscribed again, at most once per resync.
            if changes.is_none() && subscribed_at.elapsed() >= deps.options.resync {
                changes = instance.changes();
                subscribed_at = tokio::time::Instant::now();
            }
        }
        if lp.plugins.is_some() {
            let pass_started = std::time::Instant::now();
            let pass = lp.pass(&mut recon).await;
            // Counted from the pass's end, so a pass slower than DEFER_AT_MOST still lets the answers after it
            // share the next one.
            last_pass = tokio::time::Instant::now();
            match pass {
                Ok(wake) => {
                    passes += 1;
                    wake_at = wake;
                    deps.options.observer.pass(&gid, pass_started.elapsed());
                }
                Err(e) => {
                    tracing::warn!(group = %gid, error = %e, "reconcile pass failed");
                    error = Some(e.to_string());
                    lp.plugins = None;
                }
            }
        }
        if let Some(rolled) = recon.take_rolled_back() {
            // The spec in force may name other plugins than the one rolled back from.
            lp.plugins = None;
            lp.retired.from_rollout(recon.rollout(), recon.config());
            if let Some(sink) = deps.spec_sink.as_ref() {
                sink(rolled);
            }
        }
        lp.executor.reap();
        if recon.rollout() != persisted.as_ref() {
            let saved = match recon.rollout() {
                Some(r) => deps.persisted.save_rollout(r).await,
                None => deps.persisted.remove_rollout(&gid).await,
            };
            match saved {
                Ok(()) => persisted = recon.rollout().cloned(),
                Err(e) => tracing::warn!(group = %gid, error = %e, "cannot store the rollout"),
            }
        }
        let members = recon.members().iter().map(|m| m.desc.clone()).collect();
        let config = recon.config().clone();
        let status =
            GroupStatus { id: config.id().clone(), hash: config.hash.clone(), passes, error, counts: recon.status() };
        deps.options.observer.status(&status);
        snap_tx.send_replace(Arc::new(Snapshot { config, retired: lp.retired.to_configs(), members, status }));

        // Wait for something that calls for a pass: a verdict that did not change the known health does not.
        loop {
            let replan = tokio::select! {
                cmd = rx.recv() => {
                    let now = deps.clock.now();
                    match cmd {
                        None => return,
                        Some(Command::Stop(ack)) => {
                            // Nothing new starts; what is in flight finishes, so no create lands after the stop.
                            if !lp.executor.drain(Duration::from_secs(30)).await {
                                tracing::warn!(group = %gid, "actions still running 30 s after the stop");
                            }
                            // The answers that came in are recorded, so the next controller knows the IDs.
                            while let Ok(outcome) = done_rx.try_recv() {
                                recon.complete(&outcome, deps.clock.now());
                            }
                            let in_flight = lp.in_flight(&recon);
                            if in_flight != lp.saved {
                                if let Err(e) = deps.persisted.save_in_flight(&gid, &in_flight).await {
                                    tracing::warn!(group = %gid, error = %e, "cannot record what is in flight");
                                }
                            }
                            let _ = ack.send(Stopped {
                                config: recon.config().clone(),
                                retired: lp.retired.to_configs(),
                                in_flight,
                            });
                            return;
                        }
                        Some(Command::Update(cfg, ack)) => {
                            let changed_plugins = cfg.instance.plugin != recon.config().instance.plugin
                                || cfg.flavor.plugin != recon.config().flavor.plugin;
                            lp.retired.on_update(recon.config(), &cfg);
                            if cfg.flavor.plugin != recon.config().flavor.plugin {
                                lp.health.forget();
                                lp.quorum.forget();
                            }
                            recon.update(*cfg, now);
                            if changed_plugins { lp.plugins = None; }
                            let _ = ack.send(());
                        }
                        Some(Command::Pause(ack)) => { let _ = ack.send(recon.pause("paused by a person")); }
                        Some(Command::Resume(ack)) => { let _ = ack.send(recon.resume(now)); }
                        Some(Command::Rollback(ack)) => {
                            let from = recon.config().clone();
                            let result = recon.rollback(now);
                            if result.is_ok() {
                                lp.retired.on_update(&from, recon.config());
                                lp.plugins = None;
                            }
                            if let (Some(rolled), Some(sink)) = (recon.take_rolled_back(), deps.spec_sink.as_ref()) {
                                sink(rolled);
                            }
                            let _ = ack.send(result);
                        }
                    }
                    true
                }
                Some(outcome) = done_rx.recv() => {
                    recon.complete(&outcome, deps.clock.now());
                    // An action that succeeded while the executor still has half a pass's creates to send (or,
                    // with every create needed already sent, a full round still running) gives a pass nothing to
                    // act on yet: the pass waits until that backlog runs low, a failure comes, or DEFER_AT_MOST
                    // after the last pass ended, so a slow plugin's answers trickling in one by one do not each
                    // cost a full listing and plan.
                    let wait = outcome.succeeded() && last_pass.elapsed() < DEFER_AT_MOST && {
                        let unfinished = lp.executor.unfinished();
                        let all_sent = recon.rollout().is_none() && !recon.creates_held_back();
                        unfinished >= backlog || (unfinished >= round && all_sent)
                    };
                    deferred |= wait;
                    !wait
                }
                _ = tokio::time::sleep_until(last_pass + DEFER_AT_MOST), if deferred => true,
                Some(verdict) = lp.health.next() => lp.health.record_all(verdict),
                Some(verdict) = lp.quorum.next() => lp.quorum.record_all(verdict),
                _ = next_change(&mut changes) => true,
                _ = tokio::time::sleep_until(next_resync) => { next_resync = jittered(&deps.options); true }
                _ = sleep_until_millis(wake_at, deps.clock.as_ref()) => true,
            };
            if replan {
                deferred = false;
                break;
            }
        }
        // Coalesce a burst: the tasks ready now run first (creates and destroys finishing at the same moment report
        // in), then everything finished is folded in before the next pass.
        tokio::task::yield_now().await;
        while let Ok(outcome) = done_rx.try_recv() {
            recon.complete(&outcome, deps.clock.now());
        }
        if next_resync <= tokio::time::Instant::now() {
            next_resync = jittered(&deps.options);
        }
    }
}

/// The listed description of member `id` (members are sorted by ID).
fn member_desc(recon: &Reconciler, id: &Id) -> Option<Description> {
    let members = recon.members();
    members.binary_search_by(|m| m.id().cmp(id)).ok().map(|i| (*members[i].desc).clone())
}

/// Sleeps until the clock reads `at` (forever when `None`).
async fn sleep_until_millis(at: Option<u64>, clock: &dyn Clock) {
    match at {
        Some(at) => tokio::time::sleep(Duration::from_millis(at.saturating_sub(clock.now()).max(1))).await,
        None => std::future::pending().await,
    }
}

impl Loop {
    /// The listing grace: the longest lag any instance plugin of the group declares (a former plugin's creates
    /// may still be waited for).
    fn grace(&self) -> u64 {
        let retired = self.retired_plugins.iter().filter(|(name, _)| self.retired.contains(name));
        retired.map(|(_, (_, lag))| *lag).fold(self.current_lag, u64::max)
    }

    /// What must outlive this controller: the ledger's creates and unlisted instances, and the retired specs.
    fn in_flight(&self, recon: &Reconciler) -> InFlight {
        let mut in_flight = recon.ledger().in_flight();
        in_flight.retired = self.retired.configs().iter().map(|c| c.spec.clone()).collect();
        in_flight
    }

    /// A retired config's plugins: its instance plugin, and its flavor if still there (else the current one, for
    /// draining).
    async fn resolve_retired(&mut self, cfg: &GroupConfig) -> Result<(Plugins, u64)> {
        let instance = self.deps.lookup.instance(&cfg.instance.plugin).await?;
        let flavor = match self.deps.lookup.flavor(&cfg.flavor.plugin).await {
            Ok(f) => f,
            Err(_) => match &self.plugins {
                Some((_, f)) => f.clone(),
                None => return Err(Error::Unavailable(format!("flavor {} is not running", cfg.flavor.plugin))),
            },
        };
        let lag = listing_grace(instance.as_ref(), &self.deps.options).await;
        Ok(((instance, flavor), lag))
    }

    /// Lists the instances of retired plugins. A retired plugin that cannot be listed fails the pass (its
    /// instances must not look lost); one is forgotten once it lists none of the group's instances and nothing in
    /// flight was sent to it.
    async fn list_retired(
        &mut self,
        recon: &Reconciler,
        filter: &Tags,
        listing: &mut Vec<Arc<Description>>,
    ) -> Result<()> {
        self.owners.clear();
        let timeout = self.deps.options.call_timeout;
        for cfg in self.retired.configs().to_vec() {
            let name = cfg.instance.plugin.clone();
            if !self.retired_plugins.contains_key(&name) {
                let resolved = self.resolve_retired(&cfg).await.map_err(|e| {
                    Error::Unavailable(format!("the group's former instance plugin {name} cannot be reached: {e}"))
                })?;
                self.retired_plugins.insert(name.clone(), resolved);
            }
            let Some(((instance, _), _)) = self.retired_plugins.get(&name) else { continue };
            let found = tokio::time::timeout(timeout, instance.describe_shared(filter, false))
                .await
                .map_err(|_| Error::Unavailable(format!("listing instances of former plugin {name} timed out")))??;
            let ledger = recon.ledger();
            let pending = ledger.creating.values().any(|c| c.plugin == name)
                || ledger.destroying.values().any(|d| d.unlisted_in.as_ref() == Some(&name));
            if found.is_empty() && !pending {
                tracing::info!(group = %cfg.id(), plugin = %name, "no instances left in the former plugin");
                self.retired.forget(&name);
                self.retired_plugins.remove(&name);
                continue;
            }
            for d in found {
                self.owners.insert(d.id.clone(), cfg.clone());
                listing.push(d);
            }
        }
        Ok(())
    }

    /// The instance plugin that made an unlisted instance, when it is not the current one.
    async fn maker_of(&mut self, recon: &Reconciler, id: &Id) -> Option<Arc<dyn Instance>> {
        let plugin = recon.ledger().destroying.get(id).and_then(|d| d.unlisted_in.clone())?;
        if plugin == recon.config().instance.plugin {
            return None;
        }
        if let Some(((i, _), _)) = self.retired_plugins.get(&plugin) {
            return Some(i.clone());
        }
        if !self.instances.contains_key(&plugin) {
            match self.deps.lookup.instance(&plugin).await {
                Ok(i) => {
                    self.instances.insert(plugin.clone(), i);
                }
                Err(e) => {
                    tracing::warn!(instance = %id, plugin = %plugin, error = %e, "cannot reach the plugin that made it");
                    return None;
                }
            }
        }
        self.instances.get(&plugin).cloned()
    }

    /// One pass: list, plan with the latest health verdicts, start health checks, send actions. Returns when
    /// something deferred becomes due.
    async fn pass(&mut self, recon: &mut Reconciler) -> Result<Option<u64>> {
        let Some((instance, flavor)) = self.plugins.clone() else { return Ok(None) };
        let deps = self.deps.clone();
        let cfg = Arc::new(recon.config().clone());
        let filter: Tags = [(GROUP_TAG.to_string(), cfg.id().0.clone())].into();
        let timeout = deps.options.call_timeout;
        let started = deps.clock.now();
        let began = tokio::time::Instant::now();
        let mut listing = tokio::time::timeout(timeout, instance.describe_shared(&filter, false))
            .await
            .map_err(|_| Error::Unavailable(format!("listing instances of {} timed out", cfg.instance.plugin)))??;
        // The current plugin's instances are health-checked; those of retired plugins, listed after them, are not.
        let current_plugin = listing.len();
        if !self.retired.is_empty() {
            if let Err(e) = self.list_retired(recon, &filter, &mut listing).await {
                // The pass fails (no instance may look lost), but the current plugin's instances are still checked.
                let current = &listing[..current_plugin.min(listing.len())];
                let sweep = self.health.sweep_due();
                self.health.check_sweeping(&flavor, &cfg, sweep, current, &[]);
                return Err(e);
            }
            recon.set_listing_grace(self.grace());
        }
        self.quorum.check(&flavor, &cfg, &listing);
        recon.set_quorum(self.quorum.state(&listing, began));
        self.health.forget_unlisted(&listing);
        let fresh = self.health.take_fresh();
        let now = deps.clock.now();
        let checks = &self.health;
        let current_ids: Option<HashSet<Id>> =
            (current_plugin < listing.len()).then(|| listing[..current_plugin].iter().map(|d| d.id.clone()).collect());
        let sweep = checks.sweep_due();
        let constant = flavor.constant_health();
        match constant {
            // No checks: every instance of the current plugin has the flavor's verdict, counted as a check when it
            // is first listed and once per health interval (as a check of each would be).
            Some(h) => {
                let current = |id: &Id| current_ids.as_ref().is_none_or(|ids| ids.contains(id)).then_some(h);
                let counted = if sweep { Checked::All } else { Checked::New };
                recon.observe_with(started, now, listing, &current, counted);
            }
            None => recon.observe_with(started, now, listing, &|id: &Id| checks.verdict(id), Checked::Only(&fresh)),
        }
        // Checks start from the members, which share their descriptions: nothing is copied for them. Every member
        // is looked at once per health interval; in between, only those first listed now.
        let current = |m: &&Member| current_ids.as_ref().is_none_or(|ids| ids.contains(m.id()));
        let latest = recon.listings();
        let new: Vec<Arc<Description>> = match constant {
            Some(_) => Vec::new(),
            None => {
                let members = recon.members().iter();
                members.filter(|m| m.first_listing == latest).filter(current).map(|m| m.desc.clone()).collect()
            }
        };
        let all: Vec<Arc<Description>> = match sweep && constant.is_none() {
            true => recon.members().iter().filter(current).map(|m| m.desc.clone()).collect(),
            false => Vec::new(),
        };
        self.health.check_sweeping(&flavor, &cfg, sweep, &all, &new);
        deps.options.observer.listed(cfg.id(), recon.members(), now);
        if deps.guard.as_ref().is_some_and(|may_act| !may_act()) {
            tracing::debug!(group = %cfg.id(), "not acting: leadership not confirmed");
            return Ok(None);
        }
        let mut plan = recon.plan(now);
        let wake_at = plan.wake_at;
        for note in &plan.notes {
            tracing::info!(group = %cfg.id(), "{note}");
        }
        // Creates are recorded in the store before they are sent; when that fails, none is sent.
        let in_flight = self.in_flight(recon);
        if in_flight != self.saved {
            match deps.persisted.save_in_flight(cfg.id(), &in_flight).await {
                Ok(()) => self.saved = in_flight,
                Err(e) => {
                    tracing::warn!(group = %cfg.id(), error = %e, "cannot record creates in the store; none is sent");
                    let why = format!("not sent: cannot record it in the store first: {e}");
                    plan.actions.retain(|a| match a {
                        Action::Provision { intent, .. } => {
                            recon.complete(&Outcome::ProvisionFailed { intent: *intent, error: why.clone() }, now);
                            false
                        }
                        _ => true,
                    });
                }
            }
        }
        // The plan may have rolled the group back: actions use the config in force now.
        let current = Arc::new(recon.config().clone());
        for action in plan.actions {
            // An instance listed by a retired plugin is destroyed there, with the config it was made with; one
            // never listed is destroyed by the plugin that made it.
            let owner = match &action {
                Action::Destroy { id, .. } | Action::Label { id, .. } => self.owners.get(id).cloned(),
                Action::Provision { .. } => None,
            };
            let retired = owner.and_then(|c| {
                self.retired_plugins.get(&c.instance.plugin).map(|((i, f), _)| (i.clone(), f.clone(), c.clone()))
            });
            let maker = match (&action, &retired) {
                (Action::Destroy { id, .. }, None) => self.maker_of(recon, id).await,
                _ => None,
            };
            let (instance, flavor, cfg) = match (retired, maker) {
                (Some(found), _) => found,
                (None, Some(i)) => (i, flavor.clone(), current.clone()),
                (None, None) => (instance.clone(), flavor.clone(), current.clone()),
            };
            let desc = match &action {
                Action::Destroy { id, .. } => member_desc(recon, id),
                _ => None,
            };
            self.executor.send(action, Target { instance, flavor, cfg, desc });
        }
        Ok(wake_at)
    }
}
