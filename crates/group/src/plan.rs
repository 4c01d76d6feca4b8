//! The planner: a pure function from (spec, observed members, intent ledger, rollout, now) to actions. No I/O, no
//! clock of its own, so it is tested in milliseconds with properties and scenarios.
//!
//! Slot accounting keeps the group within `size + maxSurge` at all times: an instance occupies a slot from the moment
//! its create is recorded until its destroy is confirmed, whether or not the listing shows it yet.

use crate::clock::Millis;
use crate::config::{FailureAction, GroupConfig};
use crate::model::{Action, DestroyReason, DestroyState, Ledger, Member};
use crate::rollout::{Rollout, RolloutState};
use infrakit_spi::flavor::Health;
use infrakit_spi::hash::{CONFIG_SHA_TAG, GROUP_TAG};
use infrakit_spi::instance::{Id, LogicalId};
use std::collections::{BTreeMap, BTreeSet};

/// Everything the planner looks at.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The spec.
    pub config: &'a GroupConfig,
    /// The group's instances as last listed: sorted by ID, one entry per ID.
    pub members: &'a [Member],
    /// Creates and destroys in flight.
    pub ledger: &'a Ledger,
    /// The rollout in progress, if any.
    pub rollout: Option<&'a Rollout>,
    /// Now.
    pub now: Millis,
    /// How long a create that answered may stay unlisted before it is destroyed by ID and replaced.
    pub listing_grace: Millis,
    /// At most this many creates are in flight at once: a huge shortfall is met in batches, never allocated at once.
    pub max_creates: u64,
}

/// What the planner decided.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// Actions to send (Provision intents are numbered by the caller).
    pub actions: Vec<Action>,
    /// The rollout after this pass (`None`: no rollout).
    pub rollout: Option<Rollout>,
    /// True when the rollout's failure action asks to roll back.
    pub rollback: bool,
    /// True when more instances are unhealthy than `Health.MaxUnhealthy` allows: nothing is destroyed.
    pub outage: bool,
    /// What a person should know (back-off, outage, failures).
    pub notes: Vec<String>,
    /// When something deferred (a backed-off create, a failed destroy's retry) becomes due: plan again then.
    pub wake_at: Option<Millis>,
}

impl Plan {
    fn destroy(&mut self, id: &Id, reason: DestroyReason) {
        self.actions.push(Action::Destroy { id: id.clone(), reason });
    }
}

fn is_current(m: &Member, hash: &str) -> bool {
    m.is_bootstrap() || m.hash() == Some(hash)
}

/// Plans one reconcile pass.
pub fn plan(input: Input<'_>) -> Plan {
    let Input { config: cfg, members, ledger, now, .. } = input;
    let mut out = Plan::default();
    let n = cfg.target();
    let hash = cfg.hash.as_str();

    // Destroys that failed earlier are retried once their back-off has passed: never forgotten. A create that was
    // never listed is destroyed by ID the same way (it is not a member, but it may well exist).
    for (id, d) in &ledger.destroying {
        let due = matches!(d.state, DestroyState::Failed { retry_at } if now >= retry_at);
        if due && (d.is_unlisted() || members.binary_search_by(|m| m.id().cmp(id)).is_ok()) {
            out.destroy(id, d.reason);
        }
    }

    // Instances created outside InfraKit (`bootstrap`) are adopted: tagged as members of the current config.
    for m in members.iter().filter(|m| m.is_bootstrap() && !ledger.labeling.contains_key(m.id())) {
        let tags = [(GROUP_TAG.to_string(), cfg.id().0.clone()), (CONFIG_SHA_TAG.to_string(), hash.to_string())];
        out.actions.push(Action::Label { id: m.id().clone(), tags: tags.into() });
    }

    // Active members: listed and not being destroyed. Pets without a logical ID are not ours to judge.
    let mut active: Vec<&Member> = members
        .iter()
        .filter(|m| !ledger.destroying.contains_key(m.id()))
        .filter(|m| !cfg.is_pets() || m.logical_id().is_some())
        .collect();
    if cfg.is_pets() {
        let strays = members.iter().filter(|m| m.logical_id().is_none()).count();
        if strays > 0 {
            out.notes.push(format!("{strays} instance(s) carry the group tag but no logical ID; left alone"));
        }
    }
    let occupied = members
        .iter()
        .filter(|m| !matches!(ledger.destroying.get(m.id()).map(|d| d.state), Some(DestroyState::Done { .. })))
        .count() as u64
        + ledger.creating.len() as u64
        + ledger
            .destroying
            .values()
            .filter(|d| d.is_unlisted() && !matches!(d.state, DestroyState::Done { .. }))
            .count() as u64;

    // Health: replace what has been unhealthy past its timeout, unless so many are sick that it is an outage.
    let grace = cfg.health.grace.0;
    let timeout = cfg.health.timeout.0;
    let past_grace = |m: &Member| now >= m.first_seen.saturating_add(grace);
    let unhealthy: Vec<&Member> =
        active.iter().copied().filter(|m| m.health == Health::Unhealthy && past_grace(m)).collect();
    let max_unhealthy = cfg.max_unhealthy();
    // Replacements of unhealthy instances already under way count too, so waves of remediation cannot add up to
    // the whole fleet.
    let remediating = ledger
        .destroying
        .values()
        .filter(|d| d.reason == DestroyReason::Unhealthy && !matches!(d.state, DestroyState::Done { .. }))
        .count() as u64;
    if unhealthy.len() as u64 + remediating > max_unhealthy {
        out.outage = true;
        out.notes.push(format!(
            "outage: {} instances unhealthy ({remediating} being replaced), more than Health.MaxUnhealthy \
             ({max_unhealthy}); nothing is destroyed",
            unhealthy.len()
        ));
    }
    // Rollout failures are judged on everything listed, including what remediation is about to replace.
    let judged: Vec<&Member> = active.clone();
    let mut doomed: BTreeSet<Id> = BTreeSet::new();
    if !out.outage {
        for m in &unhealthy {
            if m.unhealthy_since.is_some_and(|t| now >= t.saturating_add(timeout)) {
                out.destroy(m.id(), DestroyReason::Unhealthy);
                doomed.insert(m.id().clone());
            }
        }
    }
    active.retain(|m| !doomed.contains(m.id()));

    // Pets: one instance per logical ID; instances of other logical IDs go; duplicates go.
    if cfg.is_pets() && !out.outage {
        let wanted: BTreeSet<&LogicalId> = cfg.allocation.logical_ids.iter().collect();
        let mut by_lid: BTreeMap<&LogicalId, Vec<&Member>> = BTreeMap::new();
        for m in &active {
            if let Some(lid) = m.logical_id() {
                by_lid.entry(lid).or_default().push(m);
            }
        }
        for (lid, mut list) in by_lid {
            if !wanted.contains(lid) {
                for m in list {
                    out.destroy(m.id(), DestroyReason::NotInSpec);
                    doomed.insert(m.id().clone());
                }
                continue;
            }
            list.sort_by_key(|m| (!is_current(m, hash), m.health != Health::Healthy, m.first_seen, m.id().clone()));
            for m in list.iter().skip(1) {
                out.destroy(m.id(), DestroyReason::Duplicate);
                doomed.insert(m.id().clone());
            }
        }
        active.retain(|m| !doomed.contains(m.id()));
    }

    // The rollout: created when outdated instances exist, cleared when none are left.
    let outdated: Vec<&Member> = active.iter().copied().filter(|m| !is_current(m, hash)).collect();
    let outdated_anywhere = members.iter().any(|m| !is_current(m, hash) && !doomed.contains(m.id()))
        || ledger.creating.values().any(|c| c.hash != hash);
    let monitor = cfg.updating.monitor_ms();
    let is_available = |m: &Member| {
        if is_current(m, hash) {
            m.health == Health::Healthy
                && m.healthy_since.is_some_and(|t| now >= t.saturating_add(monitor))
                && m.healthy_count >= cfg.updating.count
        } else {
            m.health != Health::Unhealthy
        }
    };
    let mut rollout = input.rollout.filter(|r| r.to_hash == hash).cloned();
    if !outdated_anywhere {
        if let Some(r) = &rollout {
            out.notes.push(format!("rollout to {} done: {} instance(s) replaced", r.to_hash, r.replaced));
        }
        rollout = None;
    } else if rollout.is_none() {
        let mut r = Rollout::new(cfg.id().clone(), hash.to_string(), None, now);
        if let Some(c) = cfg.updating.canary {
            r.keep_outdated = Some(n.saturating_sub(c));
        }
        rollout = Some(r);
    }
    if let Some(r) = rollout.as_mut() {
        track_rollout(r, cfg, &active, &judged, &outdated, &is_available, past_grace, now, &mut out);
    }
    // A canary: once only the kept outdated instances are left and every new one is available, pause for a person.
    if let Some(r) = rollout.as_mut().filter(|r| r.is_running()) {
        if let Some(keep) = r.keep_outdated {
            let new_ones: Vec<&&Member> = active.iter().filter(|m| is_current(m, hash)).collect();
            if outdated.len() as u64 <= keep && ledger.creating.is_empty() && new_ones.iter().all(|m| is_available(m)) {
                let reason = format!(
                    "canary: {} instance(s) run the new config; `group resume` rolls the rest, `group rollback` goes back",
                    new_ones.len()
                );
                out.notes.push(format!("rollout paused, {reason}"));
                r.state = RolloutState::Paused { reason };
            }
        }
    }
    let rolling = rollout.as_ref().is_some_and(|r| r.is_running());
    let (max_unavailable, max_surge) = cfg.rollout_limits();
    let surge = if rolling { max_surge } else { 0 };

    // Rolling: destroy outdated instances while enough stay available.
    if rolling && !out.outage {
        let keep = rollout.as_ref().and_then(|r| r.keep_outdated).unwrap_or(0);
        let available = active.iter().filter(|m| is_available(m)).count() as u64;
        let budget = available.saturating_sub(n.saturating_sub(max_unavailable));
        let room = (outdated.len() as u64).saturating_sub(keep);
        let mut order = outdated.clone();
        let last: BTreeSet<&LogicalId> = cfg.updating.last.iter().collect();
        order.sort_by_key(|m| {
            let is_last = m.logical_id().is_some_and(|l| last.contains(l))
                || m.desc.tags.get("infrakit.leader").is_some_and(|v| v == "true");
            (is_last, m.health != Health::Unhealthy, m.id().clone())
        });
        for m in order.into_iter().take(budget.min(room) as usize) {
            out.destroy(m.id(), DestroyReason::Rolling);
            doomed.insert(m.id().clone());
        }
        if let Some(r) = rollout.as_mut() {
            r.replaced += doomed.iter().filter(|id| outdated.iter().any(|m| m.id() == *id)).count() as u64;
        }
        active.retain(|m| !doomed.contains(m.id()));
    }

    let backing_off = now < ledger.create_not_before;
    // Creates in flight are bounded: a huge shortfall is met in batches.
    let batch = input.max_creates.max(1).saturating_sub(ledger.creating.len() as u64);
    if cfg.is_pets() {
        plan_pet_creates(cfg, members, &active, ledger, backing_off, batch, &mut out);
    } else {
        let keep = match &rollout {
            Some(r) if r.is_running() => r.keep_outdated.unwrap_or(0),
            _ => u64::MAX,
        };
        let current = active.iter().filter(|m| is_current(m, hash)).count() as u64;
        let outdated_kept = (active.len() as u64 - current).min(keep);
        let live_for_create = current + outdated_kept + ledger.creating.len() as u64;
        let want = n.saturating_sub(live_for_create);
        let room = (n + surge).saturating_sub(occupied);
        let creates = want.min(room).min(batch);
        if creates > 0 && backing_off {
            out.notes.push(format!(
                "backing off creates after {} failure(s): {}",
                ledger.failures(),
                ledger.last_create_error.as_deref().unwrap_or("unknown error")
            ));
        } else {
            for _ in 0..creates {
                out.actions.push(Action::Provision { intent: 0, logical_id: None, attachments: Vec::new() });
            }
        }

        // Scale down: beyond size (plus surge while rolling), the least useful go first. Only instances the listing
        // shows are counted: a create still in flight may already be listed (counting it twice would destroy a good
        // instance), and one answered but not listed may be lost; either way a surplus is destroyed once it is seen.
        let live = active.len() as u64;
        let surplus = live.saturating_sub(n + surge);
        if surplus > 0 && !out.outage {
            let mut order = active.clone();
            order.sort_by_key(|m| {
                (
                    m.health != Health::Unhealthy,
                    is_current(m, hash),
                    m.health == Health::Healthy,
                    std::cmp::Reverse(m.first_seen),
                    std::cmp::Reverse(m.id().clone()),
                )
            });
            for m in order.into_iter().take(surplus as usize) {
                out.destroy(m.id(), DestroyReason::ScaleDown);
            }
        }
    }
    out.rollout = rollout;
    let mut due: Vec<Millis> = ledger
        .destroying
        .values()
        .filter_map(|d| match d.state {
            DestroyState::Failed { retry_at } if retry_at > now => Some(retry_at),
            _ => None,
        })
        .collect();
    if backing_off {
        due.push(ledger.create_not_before);
    }
    due.extend(ledger.next_expiry(input.listing_grace));
    // Time-based decisions are due at their time, not at the next resync: an unhealthy instance's timeout, the end
    // of a start-up grace period, a new instance's monitor period, a rollout's deadline.
    for m in members.iter().filter(|m| !ledger.destroying.contains_key(m.id())) {
        if m.health == Health::Unhealthy {
            due.push(m.first_seen.saturating_add(grace));
            if let Some(t) = m.unhealthy_since {
                due.push(t.saturating_add(timeout));
            }
        }
        if rolling && m.health == Health::Healthy && is_current(m, hash) {
            if let Some(t) = m.healthy_since {
                due.push(t.saturating_add(monitor));
            }
        }
    }
    if let Some(r) = out.rollout.as_ref().filter(|r| r.is_running() && cfg.updating.deadline.0 > 0) {
        due.push(r.last_progress.saturating_add(cfg.updating.deadline.0).saturating_add(1));
    }
    out.wake_at = due.into_iter().filter(|t| *t > now).min();
    out
}

fn plan_pet_creates(
    cfg: &GroupConfig,
    members: &[Member],
    active: &[&Member],
    ledger: &Ledger,
    backing_off: bool,
    batch: u64,
    out: &mut Plan,
) {
    let mut left = batch;
    for lid in &cfg.allocation.logical_ids {
        if left == 0 {
            break;
        }
        let present = active.iter().any(|m| m.logical_id() == Some(lid));
        let pending = ledger.creating.values().any(|c| c.logical_id.as_ref() == Some(lid));
        // The old holder of the logical ID must be gone (its destroy confirmed) before a new one may take it.
        let held = ledger
            .destroying
            .values()
            .any(|d| d.logical_id.as_ref() == Some(lid) && !matches!(d.state, DestroyState::Done { .. }));
        // ... and one being destroyed in this very pass is not gone yet either.
        let doomed_holder = out.actions.iter().any(|a| match a {
            Action::Destroy { id, .. } => members.iter().any(|m| m.id() == id && m.logical_id() == Some(lid)),
            _ => false,
        });
        if present || pending || held || doomed_holder {
            continue;
        }
        if backing_off {
            out.notes.push(format!(
                "backing off creating {lid} after {} failure(s): {}",
                ledger.failures(),
                ledger.last_create_error.as_deref().unwrap_or("unknown error")
            ));
            continue;
        }
        out.actions.push(Action::Provision {
            intent: 0,
            logical_id: Some(lid.clone()),
            attachments: cfg.attachments_of(lid),
        });
        left -= 1;
    }
}

/// Updates a rollout's progress, detects failures and applies the failure action.
#[allow(clippy::too_many_arguments)]
fn track_rollout(
    r: &mut Rollout,
    cfg: &GroupConfig,
    active: &[&Member],
    judged: &[&Member],
    outdated: &[&Member],
    is_available: &dyn Fn(&Member) -> bool,
    past_grace: impl Fn(&Member) -> bool,
    now: Millis,
    out: &mut Plan,
) {
    let hash = cfg.hash.as_str();
    let available_new = active.iter().filter(|m| is_current(m, hash) && is_available(m)).count() as u64;
    let left = outdated.len() as u64;
    if left < r.outdated_left || available_new > r.available {
        r.last_progress = now;
    }
    r.outdated_left = left;
    r.available = available_new;
    if r.from_hash.is_none() {
        r.from_hash = outdated.first().and_then(|m| m.hash().map(str::to_string));
    }
    if !r.is_running() {
        if let RolloutState::Paused { reason } = &r.state {
            out.notes.push(format!("rollout to {} paused: {reason}", r.to_hash));
        }
        return;
    }
    let mut failures = Vec::new();
    let timeout = cfg.health.timeout.0;
    for m in judged.iter().filter(|m| is_current(m, hash) && !m.is_bootstrap()) {
        let sick = m.health == Health::Unhealthy
            && past_grace(m)
            && m.unhealthy_since.is_some_and(|t| now >= t.saturating_add(timeout));
        if sick && r.failed.insert(m.id().clone()) {
            failures.push(format!("instance {} unhealthy for more than {timeout} ms", m.id()));
        }
    }
    let deadline = cfg.updating.deadline.0;
    if deadline > 0 && now.saturating_sub(r.last_progress) > deadline {
        failures.push(format!("no progress for {} ms (deadline {deadline} ms)", now - r.last_progress));
        r.last_progress = now;
    }
    if failures.is_empty() {
        return;
    }
    let reason = failures.join("; ");
    r.last_failure = Some(reason.clone());
    let ratio = r.failed.len() as f64 / (r.replaced.max(r.failed.len() as u64).max(1)) as f64;
    let deadline_hit = reason.contains("no progress");
    if ratio <= cfg.updating.max_failure_ratio && !deadline_hit {
        out.notes.push(format!("rollout failure within MaxFailureRatio, going on: {reason}"));
        return;
    }
    match cfg.updating.failure_action {
        FailureAction::Continue => {
            out.notes.push(format!("rollout failure ignored (FailureAction continue): {reason}"))
        }
        FailureAction::Pause => {
            out.notes.push(format!("rollout paused: {reason}"));
            r.state = RolloutState::Paused { reason };
        }
        FailureAction::Rollback => {
            out.notes.push(format!("rolling back: {reason}"));
            out.rollback = true;
        }
    }
}
