//! The planner: a pure function from (spec, observed members, intent ledger, rollout, now) to actions. No I/O, no
//! clock of its own, so it is tested in milliseconds with properties and scenarios.
//!
//! It reads like Nomad's reconciler: `classify` sorts the members once into named sets, then one function per
//! concern decides, each returning its actions and typed [`Note`]s, in this order: retries of failed destroys and
//! adoption (`upkeep`), replacement of unhealthy instances (`heal`), pets' culling (`pets`), the rollout's lifecycle
//! and its step (`roll`), creates and scale-down (`pets`, `scale`), and when to plan again (`wake`). What one
//! concern destroys, the concerns after it no longer count. Creates are numbered with keys the ledger hands out.
//!
//! Slot accounting keeps the group within `size + maxSurge` at all times: an instance occupies a slot from the moment
//! its create is recorded until its destroy is confirmed, whether or not the listing shows it yet.

mod classify;
mod heal;
mod note;
mod pets;
mod quorum;
mod roll;
mod scale;
mod upkeep;
mod wake;

pub use note::{Canary, Failure, FailureResponse, Failures, Note, QuorumWait};
pub use quorum::QuorumState;

use crate::clock::Millis;
use crate::config::GroupConfig;
use crate::model::{Action, DestroyReason, Ledger, Member};
use crate::rollout::Rollout;
use classify::classify;
use infrakit_spi::flavor::Health;
use infrakit_spi::instance::{Description, Id, LogicalId};
use std::collections::BTreeSet;

/// Everything the planner looks at.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The spec.
    pub config: &'a GroupConfig,
    /// The group's instances as last listed: sorted by ID, one entry per ID.
    pub members: &'a [Member],
    /// Creates and destroys in flight; it also hands out the keys of new creates.
    pub ledger: &'a Ledger,
    /// The rollout in progress, if any.
    pub rollout: Option<&'a Rollout>,
    /// Now.
    pub now: Millis,
    /// How long a create that answered may stay unlisted before it is destroyed by ID and replaced.
    pub listing_grace: Millis,
    /// At most this many creates are in flight at once: a huge shortfall is met in batches, never allocated at once.
    pub max_creates: u64,
    /// How often instances are health-checked (0: unknown); a rollout waiting for `Updating.Count` checks plans
    /// again after each.
    pub check_interval: Millis,
    /// What the flavor says about the group's quorum.
    pub quorum: &'a QuorumState,
}

/// What the planner decided.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// Actions to send, in order; each create carries the intent key the ledger handed out for it.
    pub actions: Vec<Action>,
    /// The rollout after this pass (`None`: no rollout).
    pub rollout: Option<Rollout>,
    /// True when the rollout's failure action asks to roll back.
    pub rollback: bool,
    /// True when more instances are unhealthy than `Health.MaxUnhealthy` allows: nothing is destroyed.
    pub outage: bool,
    /// What a person should know (back-off, outage, failures).
    pub notes: Vec<Note>,
    /// When something deferred (a backed-off create, a failed destroy's retry) becomes due: plan again then.
    pub wake_at: Option<Millis>,
    /// True when creates were held back for the limit on creates in flight (`max_creates`): a pass once answers
    /// come in sends more.
    pub held_back: bool,
}

/// What one concern decided: actions in the order they are sent, and what a person should know.
#[derive(Debug, Default)]
struct Step {
    actions: Vec<Action>,
    notes: Vec<Note>,
    /// Creates left out for the limit on creates in flight.
    held_back: bool,
}

impl Step {
    fn destroy(&mut self, id: &Id, reason: DestroyReason) {
        self.actions.push(Action::Destroy { id: id.clone(), reason });
    }

    /// The instances this step destroys.
    fn destroyed(&self) -> impl Iterator<Item = &Id> {
        self.actions.iter().filter_map(|a| match a {
            Action::Destroy { id, .. } => Some(id),
            _ => None,
        })
    }
}

impl Plan {
    fn add(&mut self, step: Step) {
        self.actions.extend(step.actions);
        self.notes.extend(step.notes);
        self.held_back |= step.held_back;
    }

    /// Adds a step whose destroys later concerns no longer count.
    fn cull(&mut self, step: Step, doomed: &mut BTreeSet<Id>) {
        doomed.extend(step.destroyed().cloned());
        self.add(step);
    }
}

/// What every concern reads: the input and what follows from the spec alone.
#[derive(Debug, Clone, Copy)]
struct Ctx<'a> {
    cfg: &'a GroupConfig,
    members: &'a [Member],
    ledger: &'a Ledger,
    now: Millis,
    listing_grace: Millis,
    max_creates: u64,
    check_interval: Millis,
    quorum: &'a QuorumState,
    /// The config hash in force.
    hash: &'a str,
    /// The number of instances wanted.
    target: u64,
}

impl Ctx<'_> {
    /// True when `m` runs the config in force (an instance waiting to be adopted does too).
    fn is_current(&self, m: &Member) -> bool {
        m.is_bootstrap() || m.hash() == Some(self.hash)
    }

    /// True once `m`'s start-up grace (`Health.Grace`) is over.
    fn past_grace(&self, m: &Member) -> bool {
        self.now >= m.first_seen.saturating_add(self.cfg.health.grace.0)
    }

    /// True when `m` has been unhealthy for longer than `Health.Timeout`.
    fn past_timeout(&self, m: &Member) -> bool {
        m.unhealthy_since.is_some_and(|t| self.now >= t.saturating_add(self.cfg.health.timeout.0))
    }

    /// True when `m` counts as available during a rollout: a new instance once it has been healthy for the monitor
    /// period and `Updating.Count` checks, an outdated one unless it is unhealthy.
    fn is_available(&self, m: &Member) -> bool {
        if self.is_current(m) {
            m.health == Health::Healthy
                && m.healthy_since.is_some_and(|t| self.now >= t.saturating_add(self.cfg.updating.monitor_ms()))
                && m.healthy_count >= self.cfg.updating.count
        } else {
            m.health != Health::Unhealthy
        }
    }

    /// True while creates wait for the back-off after failures.
    fn backing_off(&self) -> bool {
        self.now < self.ledger.create_not_before
    }

    /// A back-off note for a create (of the pet `logical_id`, or of cattle).
    fn backoff_note(&self, logical_id: Option<&LogicalId>) -> Note {
        Note::Backoff {
            logical_id: logical_id.cloned(),
            failures: self.ledger.failures(),
            error: self.ledger.last_create_error.clone(),
        }
    }

    /// How many more creates may be sent now: a huge shortfall is met in batches.
    fn batch(&self) -> u64 {
        self.max_creates.max(1).saturating_sub(self.ledger.creating.len() as u64)
    }

    /// How many instances beyond the size may exist: `Updating.MaxSurge` while rolling, none otherwise.
    fn surge(&self, rolling: bool) -> u64 {
        if rolling {
            self.cfg.rollout_limits().1
        } else {
            0
        }
    }
}

/// The order outdated instances are rolled in (sort by this key): those of `Updating.Last` (or marked the leader)
/// last, unhealthy ones first, then by ID. The dry run extrapolates a plan too large for its budget in this order.
pub fn roll_order(desc: &Description, health: Health, last: &BTreeSet<&LogicalId>) -> (bool, bool, Id) {
    let is_last = desc.logical_id.as_ref().is_some_and(|l| last.contains(l))
        || desc.tags.get("infrakit.leader").is_some_and(|v| v == "true");
    (is_last, health != Health::Unhealthy, desc.id.clone())
}

/// Plans one reconcile pass.
pub fn plan(input: Input<'_>) -> Plan {
    let cfg = input.config;
    let ctx = Ctx {
        cfg,
        members: input.members,
        ledger: input.ledger,
        now: input.now,
        listing_grace: input.listing_grace,
        max_creates: input.max_creates,
        check_interval: input.check_interval,
        quorum: input.quorum,
        hash: cfg.hash.as_str(),
        target: cfg.target(),
    };
    let classes = classify(&ctx);
    let mut out = Plan { outage: classes.outage.is_some(), ..Plan::default() };
    let mut keys = input.ledger.keys();

    // What is under way or not quite a member: failed destroys are retried, `bootstrap` instances adopted.
    let retries = upkeep::retry_destroys(&ctx);
    let retried: BTreeSet<Id> = retries.destroyed().cloned().collect();
    out.add(retries);
    out.add(upkeep::adopt(&ctx, &classes));

    // Members this pass destroys: the concerns after the one that dooms them no longer count them.
    let mut doomed: BTreeSet<Id> = BTreeSet::new();
    out.cull(heal::replace_unhealthy(&ctx, &classes), &mut doomed);
    if cfg.is_pets() && classes.outage.is_none() {
        out.cull(pets::cull(&ctx, &classes, &doomed), &mut doomed);
    }

    let settled = roll::settle(&ctx, &classes, &doomed, input.rollout);
    out.notes.extend(settled.notes);
    out.rollback = settled.rollback;
    let mut rollout = settled.rollout;
    let rolling = rollout.as_ref().is_some_and(Rollout::is_running);
    if let Some(r) = rollout.as_mut().filter(|_| rolling && classes.outage.is_none()) {
        out.cull(roll::step(&ctx, &classes, &doomed, r), &mut doomed);
    }

    if cfg.is_pets() {
        out.add(pets::create(&ctx, &classes, &doomed, &retried, &mut keys));
    } else {
        out.add(scale::up(&ctx, &classes, &doomed, rollout.as_ref(), &mut keys));
        out.add(scale::down(&ctx, &classes, &doomed, rolling));
    }
    out.wake_at = wake::at(&ctx, rolling, rollout.as_ref());
    out.rollout = rollout;
    out
}
