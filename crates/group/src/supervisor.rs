//! One async loop per group: observe through the plugins, plan, execute with bounded concurrency. It wakes at once
//! when the instance plugin pushes a change or an action finishes, and resyncs on a jittered interval as a safety net.

use crate::clock::Clock;
use crate::config::GroupConfig;
use crate::model::{Action, Outcome};
use crate::reconciler::{Reconciler, Status};
use crate::rollout::{Rollout, RolloutStore};
use infrakit_spi::flavor::{Flavor, Health, Index};
use infrakit_spi::hash::{CONFIG_SHA_TAG, GROUP_TAG, LOGICAL_ID_TAG};
use infrakit_spi::instance::{Changes, Description, Id, Instance, Spec, Tags};
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::{Error, Result};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch, Semaphore};
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
        }
    }
}

/// Says whether this controller may act right now (a manager replica that may have lost leadership says no).
pub type ActGuard = Arc<dyn Fn() -> bool + Send + Sync>;

/// Told the spec now in force when a rollout rolled a group back, so the spec store follows.
pub type SpecSink = Arc<dyn Fn(infrakit_spi::group::Spec) + Send + Sync>;

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
    /// Where rollouts are kept so a restarted controller resumes them.
    pub store: Arc<dyn RolloutStore>,
    /// Tuning.
    pub options: Options,
}

/// The group as last seen by its supervisor.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The spec in force.
    pub config: GroupConfig,
    /// The instances listed.
    pub members: Vec<Description>,
    /// Counts, rollout, notes.
    pub status: Status,
    /// Reconcile passes so far.
    pub passes: u64,
    /// The last error talking to the plugins, if the last pass failed.
    pub error: Option<String>,
}

enum Command {
    Update(Box<GroupConfig>, oneshot::Sender<()>),
    Pause(oneshot::Sender<Result<()>>),
    Resume(oneshot::Sender<Result<()>>),
    Rollback(oneshot::Sender<Result<GroupConfig>>),
    Stop(oneshot::Sender<()>),
}

/// A running group loop (a cheap handle: clones talk to the same loop).
#[derive(Clone)]
pub struct Supervisor {
    tx: mpsc::Sender<Command>,
    snapshot: watch::Receiver<Arc<Snapshot>>,
}

impl Supervisor {
    /// Starts supervising `config`, resuming `rollout` if given.
    pub fn start(config: GroupConfig, rollout: Option<Rollout>, deps: Arc<Deps>) -> Supervisor {
        let grace = deps.options.listing_grace.as_millis() as u64;
        let recon = Reconciler::new(config.clone(), rollout).with_listing_grace(grace);
        let first = Snapshot { config, members: Vec::new(), status: recon.status(), passes: 0, error: None };
        let (snap_tx, snapshot) = watch::channel(Arc::new(first));
        let (tx, rx) = mpsc::channel(16);
        tokio::spawn(run(recon, deps, rx, snap_tx));
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

    /// Stops the loop once the actions in flight have finished (at most 30 s); instances are left alone.
    pub async fn stop(&self) {
        let _ = self.ask(Command::Stop).await;
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

async fn run(
    mut recon: Reconciler,
    deps: Arc<Deps>,
    mut rx: mpsc::Receiver<Command>,
    snap_tx: watch::Sender<Arc<Snapshot>>,
) {
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Outcome>();
    let permits = Arc::new(Semaphore::new(deps.options.max_parallel.max(1)));
    let stopping = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut actions = tokio::task::JoinSet::new();
    let mut plugins: Option<Plugins> = None;
    let mut changes: Option<Changes> = None;
    let mut subscribed_at = tokio::time::Instant::now();
    let mut persisted: Option<Rollout> = recon.rollout().cloned();
    let mut passes = 0u64;
    let mut next_resync = tokio::time::Instant::now();
    let gid = recon.config().id().clone();
    loop {
        let mut error = None;
        let mut wake_at = None;
        if plugins.is_none() {
            match resolve(deps.lookup.as_ref(), recon.config()).await {
                Ok(p) => {
                    changes = p.0.changes();
                    plugins = Some(p);
                }
                Err(e) => error = Some(e.to_string()),
            }
        }
        if let Some((instance, _)) = plugins.as_ref() {
            // A push stream that ended (the plugin restarted) is subscribed again, at most once per resync.
            if changes.is_none() && subscribed_at.elapsed() >= deps.options.resync {
                changes = instance.changes();
                subscribed_at = tokio::time::Instant::now();
            }
        }
        if let Some((instance, flavor)) = plugins.clone() {
            let ctx = ActionCtx { permits: permits.clone(), done: done_tx.clone(), stopping: stopping.clone() };
            match pass(&mut recon, &deps, &instance, &flavor, &ctx, &mut actions).await {
                Ok(wake) => {
                    passes += 1;
                    wake_at = wake;
                }
                Err(e) => {
                    tracing::warn!(group = %gid, error = %e, "reconcile pass failed");
                    error = Some(e.to_string());
                    plugins = None;
                }
            }
        }
        if let Some(spec) = recon.take_rolled_back() {
            // The spec in force may name other plugins than the one rolled back from.
            plugins = None;
            if let Some(sink) = deps.spec_sink.as_ref() {
                sink(spec);
            }
        }
        while actions.try_join_next().is_some() {}
        if recon.rollout() != persisted.as_ref() {
            let saved = match recon.rollout() {
                Some(r) => deps.store.save(r).await,
                None => deps.store.remove(&gid).await,
            };
            match saved {
                Ok(()) => persisted = recon.rollout().cloned(),
                Err(e) => tracing::warn!(group = %gid, error = %e, "cannot store the rollout"),
            }
        }
        let members = recon.members().iter().map(|m| m.desc.clone()).collect();
        snap_tx.send_replace(Arc::new(Snapshot {
            config: recon.config().clone(),
            members,
            status: recon.status(),
            passes,
            error,
        }));

        tokio::select! {
            cmd = rx.recv() => {
                let now = deps.clock.now();
                match cmd {
                    None => return,
                    Some(Command::Stop(ack)) => {
                        // Nothing new starts; what is in flight finishes, so no create lands after the stop.
                        stopping.store(true, std::sync::atomic::Ordering::SeqCst);
                        let drain = async { while actions.join_next().await.is_some() {} };
                        if tokio::time::timeout(Duration::from_secs(30), drain).await.is_err() {
                            tracing::warn!(group = %gid, "actions still running 30 s after the stop");
                        }
                        let _ = ack.send(());
                        return;
                    }
                    Some(Command::Update(cfg, ack)) => {
                        let changed_plugins = cfg.instance.plugin != recon.config().instance.plugin
                            || cfg.flavor.plugin != recon.config().flavor.plugin;
                        recon.update(*cfg, now);
                        if changed_plugins { plugins = None; }
                        let _ = ack.send(());
                    }
                    Some(Command::Pause(ack)) => { let _ = ack.send(recon.pause("paused by a person")); }
                    Some(Command::Resume(ack)) => { let _ = ack.send(recon.resume(now)); }
                    Some(Command::Rollback(ack)) => {
                        let result = recon.rollback(now);
                        if result.is_ok() {
                            plugins = None;
                        }
                        if let (Some(spec), Some(sink)) = (recon.take_rolled_back(), deps.spec_sink.as_ref()) {
                            sink(spec);
                        }
                        let _ = ack.send(result);
                    }
                }
            }
            Some(outcome) = done_rx.recv() => recon.complete(&outcome, deps.clock.now()),
            _ = next_change(&mut changes) => {}
            _ = tokio::time::sleep_until(next_resync) => next_resync = jittered(&deps.options),
            _ = sleep_until_millis(wake_at, deps.clock.as_ref()) => {}
        }
        // Coalesce a burst: everything already finished is folded in before the next pass.
        while let Ok(outcome) = done_rx.try_recv() {
            recon.complete(&outcome, deps.clock.now());
        }
        if next_resync <= tokio::time::Instant::now() {
            next_resync = jittered(&deps.options);
        }
    }
}

/// Sleeps until the clock reads `at` (forever when `None`).
async fn sleep_until_millis(at: Option<u64>, clock: &dyn Clock) {
    match at {
        Some(at) => tokio::time::sleep(Duration::from_millis(at.saturating_sub(clock.now()).max(1))).await,
        None => std::future::pending().await,
    }
}

/// One pass: list, ask health, plan, send actions. Returns when something deferred becomes due.
/// What a spawned action needs.
struct ActionCtx {
    permits: Arc<Semaphore>,
    done: mpsc::UnboundedSender<Outcome>,
    stopping: Arc<std::sync::atomic::AtomicBool>,
}

async fn pass(
    recon: &mut Reconciler,
    deps: &Deps,
    instance: &Arc<dyn Instance>,
    flavor: &Arc<dyn Flavor>,
    ctx: &ActionCtx,
    actions: &mut tokio::task::JoinSet<()>,
) -> Result<Option<u64>> {
    let cfg = Arc::new(recon.config().clone());
    let filter: Tags = [(GROUP_TAG.to_string(), cfg.id().0.clone())].into();
    let timeout = deps.options.call_timeout;
    let listing = tokio::time::timeout(timeout, instance.describe_instances(&filter, false))
        .await
        .map_err(|_| Error::Unavailable(format!("listing instances of {} timed out", cfg.instance.plugin)))??;
    let health = check_health(flavor, &cfg, &listing, deps.options.health_timeout).await;
    let now = deps.clock.now();
    recon.observe(now, listing, &health);
    if deps.guard.as_ref().is_some_and(|may_act| !may_act()) {
        tracing::debug!(group = %cfg.id(), "not acting: leadership not confirmed");
        return Ok(None);
    }
    let plan = recon.plan(now);
    let wake_at = plan.wake_at;
    for note in &plan.notes {
        tracing::info!(group = %cfg.id(), "{note}");
    }
    let descs: BTreeMap<Id, Description> = recon.members().iter().map(|m| (m.id().clone(), m.desc.clone())).collect();
    // The plan may have rolled the group back: actions use the config in force now.
    let cfg = Arc::new(recon.config().clone());
    for action in plan.actions {
        let (instance, flavor, cfg) = (instance.clone(), flavor.clone(), cfg.clone());
        let (done, permits, stopping, guard) =
            (ctx.done.clone(), ctx.permits.clone(), ctx.stopping.clone(), deps.guard.clone());
        let limit = deps.options.action_timeout;
        let desc = match &action {
            Action::Destroy { id, .. } => descs.get(id).cloned(),
            _ => None,
        };
        actions.spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else { return };
            // Checked again once it may run: a replica that lost leadership, or a stopped group, sends nothing.
            let refused = stopping.load(std::sync::atomic::Ordering::SeqCst) || guard.is_some_and(|may_act| !may_act());
            let outcome = if refused {
                refusal(&action)
            } else {
                match tokio::time::timeout(
                    limit,
                    execute(action.clone(), &cfg, instance.as_ref(), flavor.as_ref(), desc),
                )
                .await
                {
                    Ok(o) => o,
                    Err(_) => timed_out(&action, limit),
                }
            };
            let _ = done.send(outcome);
        });
    }
    Ok(wake_at)
}

async fn check_health(
    flavor: &Arc<dyn Flavor>,
    cfg: &Arc<GroupConfig>,
    listing: &[Description],
    timeout: Duration,
) -> BTreeMap<Id, Health> {
    let ask = |flavor: Arc<dyn Flavor>, cfg: Arc<GroupConfig>, chunk: Vec<Description>| async move {
        let mut out = Vec::with_capacity(chunk.len());
        for d in chunk {
            // A flavor that errs or does not answer says nothing: the instance's health is unknown.
            let h = match tokio::time::timeout(timeout, flavor.healthy(cfg.flavor.properties.as_ref(), &d)).await {
                Ok(Ok(h)) => h,
                _ => Health::Unknown,
            };
            out.push((d.id.clone(), h));
        }
        out
    };
    if listing.len() <= 16 {
        return ask(flavor.clone(), cfg.clone(), listing.to_vec()).await.into_iter().collect();
    }
    // Up to 16 checks run at once, so one slow flavor call does not hold up the rest.
    let chunk = listing.len().div_ceil(16);
    let mut tasks = Vec::new();
    for part in listing.chunks(chunk) {
        tasks.push(tokio::spawn(ask(flavor.clone(), cfg.clone(), part.to_vec())));
    }
    let mut out = BTreeMap::new();
    for t in tasks {
        out.extend(t.await.unwrap_or_default());
    }
    out
}

/// The outcome of an action that was not sent.
fn refusal(action: &Action) -> Outcome {
    let why = "not sent: the group stopped or this replica may not act".to_string();
    match action {
        Action::Provision { intent, .. } => Outcome::ProvisionFailed { intent: *intent, error: why },
        Action::Destroy { id, .. } => Outcome::DestroyFailed { id: id.clone(), error: why },
        Action::Label { id, .. } => Outcome::Labeled { id: id.clone() },
    }
}

/// The outcome of an action that took too long.
fn timed_out(action: &Action, limit: Duration) -> Outcome {
    let why = format!("no answer within {limit:?}");
    match action {
        Action::Provision { intent, .. } => Outcome::ProvisionFailed { intent: *intent, error: why },
        Action::Destroy { id, .. } => Outcome::DestroyFailed { id: id.clone(), error: why },
        Action::Label { id, .. } => Outcome::Labeled { id: id.clone() },
    }
}

/// Sends one action to the plugins.
pub async fn execute(
    action: Action,
    cfg: &GroupConfig,
    instance: &dyn Instance,
    flavor: &dyn Flavor,
    desc: Option<Description>,
) -> Outcome {
    match action {
        Action::Provision { intent, logical_id, attachments } => {
            let mut tags: Tags =
                [(GROUP_TAG.to_string(), cfg.id().0.clone()), (CONFIG_SHA_TAG.to_string(), cfg.hash.clone())].into();
            if let Some(l) = &logical_id {
                tags.insert(LOGICAL_ID_TAG.to_string(), l.0.clone());
            }
            let sequence = match &logical_id {
                Some(l) => cfg.allocation.logical_ids.iter().position(|x| x == l).unwrap_or(0) as u64,
                None => intent,
            };
            let spec = Spec {
                properties: cfg.instance.properties.clone(),
                tags,
                init: String::new(),
                logical_id,
                attachments,
            };
            let index = Index { group: cfg.id().0.clone(), sequence };
            let prepared = flavor.prepare(cfg.flavor.properties.as_ref(), spec, &cfg.allocation_method(), &index).await;
            let result = match prepared {
                Ok(spec) => instance.provision(spec).await,
                Err(e) => Err(Error::failed(format!("flavor {} Prepare: {e}", cfg.flavor.plugin))),
            };
            match result {
                Ok(id) => {
                    tracing::info!(group = %cfg.id(), instance = %id, "provisioned");
                    Outcome::Provisioned { intent, id }
                }
                Err(e) => {
                    tracing::warn!(group = %cfg.id(), error = %e, "provision failed");
                    Outcome::ProvisionFailed { intent, error: e.to_string() }
                }
            }
        }
        Action::Destroy { id, reason } => {
            if let Some(d) = &desc {
                if let Err(e) = flavor.drain(cfg.flavor.properties.as_ref(), d).await {
                    tracing::warn!(group = %cfg.id(), instance = %id, error = %e, "drain failed; destroying anyway");
                }
            }
            match instance.destroy(&id).await {
                Ok(()) => {
                    tracing::info!(group = %cfg.id(), instance = %id, %reason, "destroyed");
                    Outcome::Destroyed { id }
                }
                Err(Error::NotFound(_)) => Outcome::Destroyed { id },
                Err(e) => {
                    tracing::warn!(group = %cfg.id(), instance = %id, error = %e, "destroy failed; will retry");
                    Outcome::DestroyFailed { id, error: e.to_string() }
                }
            }
        }
        Action::Label { id, tags } => {
            if let Err(e) = instance.label(&id, &tags).await {
                tracing::warn!(group = %cfg.id(), instance = %id, error = %e, "label failed");
            }
            Outcome::Labeled { id }
        }
    }
}
