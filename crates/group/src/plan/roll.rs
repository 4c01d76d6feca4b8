//! The rollout as the planner sees it: started when outdated instances exist and cleared when none are left,
//! tracked for progress and failures, paused for a canary; and its step, the outdated instances rolled this pass.

use super::classify::{spared, Classes};
use super::note::{Canary, Failure, FailureResponse, Failures};
use super::{quorum, roll_order, Ctx, Note, Step};
use crate::config::FailureAction;
use crate::model::{DestroyReason, Member};
use crate::rollout::{Rollout, RolloutState, Start};
use infrakit_spi::instance::{Id, LogicalId};
use std::collections::BTreeSet;

/// The rollout after a pass's judgement, before its step.
#[derive(Debug, Default)]
pub(super) struct Settled {
    /// The rollout (`None`: nothing is outdated).
    pub rollout: Option<Rollout>,
    /// True when its failure action asks to roll back.
    pub rollback: bool,
    /// What a person should know.
    pub notes: Vec<Note>,
}

/// Starts, finishes or judges the rollout. Members `doomed` earlier in the pass no longer count as outdated.
pub(super) fn settle(ctx: &Ctx<'_>, classes: &Classes<'_>, doomed: &BTreeSet<Id>, stored: Option<&Rollout>) -> Settled {
    let mut out = Settled::default();
    let stored = stored.filter(|r| r.to_hash == ctx.hash);
    let outdated_anywhere =
        classes.outdated_listed.iter().any(|m| !doomed.contains(m.id())) || classes.outdated_creating;
    if !outdated_anywhere {
        if let Some(r) = stored {
            out.notes.push(Note::RolloutDone { to_hash: r.to_hash.clone(), replaced: r.replaced });
        }
        return out;
    }
    let mut r = match stored {
        Some(r) => r.clone(),
        None => Rollout::begin(ctx.cfg, Start::Update { previous: None }, ctx.now),
    };
    let view = View {
        ctx,
        current: spared(&classes.current, doomed).collect(),
        outdated: spared(&classes.outdated, doomed).collect(),
        expired: &classes.expired,
    };
    view.track(&mut r, &mut out);
    view.hold_for_canary(&mut r, &mut out);
    out.rollout = Some(r);
    out
}

/// The members a rollout is judged on: those not doomed earlier in the pass.
struct View<'c, 'a> {
    ctx: &'c Ctx<'a>,
    /// Running the config in force.
    current: Vec<&'a Member>,
    /// Running another config.
    outdated: Vec<&'a Member>,
    /// Unhealthy past their timeout, doomed or not (failures are judged on every active member, including those
    /// remediation replaces).
    expired: &'c [&'a Member],
}

impl View<'_, '_> {
    /// Updates the rollout's progress, detects failures and applies the failure action.
    fn track(&self, r: &mut Rollout, out: &mut Settled) {
        let (ctx, cfg, now) = (self.ctx, self.ctx.cfg, self.ctx.now);
        let available_new = self.current.iter().filter(|m| ctx.is_available(m)).count() as u64;
        let left = self.outdated.len() as u64;
        if left < r.outdated_left || available_new > r.available {
            r.last_progress = now;
        }
        r.outdated_left = left;
        r.available = available_new;
        if r.from_hash.is_none() {
            r.from_hash = self.outdated.first().and_then(|m| m.hash().map(str::to_string));
        }
        if let RolloutState::Paused { reason } = &r.state {
            out.notes.push(Note::RolloutPaused { to_hash: r.to_hash.clone(), reason: reason.clone() });
        }
        if !r.is_running() {
            return;
        }
        let timeout = cfg.health.timeout.0;
        let mut failures = Failures::default();
        for m in self.expired.iter().filter(|m| ctx.is_current(m) && !m.is_bootstrap()) {
            if r.failed.insert(m.id().clone()) {
                failures.0.push(Failure::Unhealthy { id: m.id().clone(), timeout });
            }
        }
        let deadline = cfg.updating.deadline.0;
        if deadline > 0 && now.saturating_sub(r.last_progress) > deadline {
            failures.0.push(Failure::Stalled { idle: now - r.last_progress, deadline });
            r.last_progress = now;
        }
        if failures.0.is_empty() {
            return;
        }
        r.last_failure = Some(failures.to_string());
        let ratio = r.failed.len() as f64 / (r.replaced.max(r.failed.len() as u64).max(1)) as f64;
        let response = if ratio <= cfg.updating.max_failure_ratio && !failures.stalled() {
            FailureResponse::WithinRatio
        } else {
            match cfg.updating.failure_action {
                FailureAction::Continue => FailureResponse::Continue,
                FailureAction::Pause => {
                    r.pause(failures.to_string());
                    FailureResponse::Pause
                }
                FailureAction::Rollback => {
                    out.rollback = true;
                    FailureResponse::Rollback
                }
            }
        };
        out.notes.push(Note::RolloutFailed { failures, response });
    }

    /// A canary: once only the kept outdated instances are left and every new one is available, pause for a person.
    fn hold_for_canary(&self, r: &mut Rollout, out: &mut Settled) {
        let Some(keep) = r.keep_outdated.filter(|_| r.is_running()) else { return };
        let ctx = self.ctx;
        let all_available = self.current.iter().all(|m| ctx.is_available(m));
        // The canaries exist (not only their slots freed): the pause names how many run the new config.
        let canaries_up = self.current.len() as u64 >= ctx.cfg.target().saturating_sub(keep).max(1);
        if self.outdated.len() as u64 <= keep && ctx.ledger.creating.is_empty() && all_available && canaries_up {
            let canary = Canary { canaries: self.current.len() as u64 };
            r.pause(canary.to_string());
            out.notes.push(Note::Canary(canary));
        }
    }
}

/// Rolling: destroys outdated instances (in [`roll_order`]) while enough stay available, keeping a canary's
/// outdated ones; their replacements follow as creates. Counts them as replaced.
pub(super) fn step(ctx: &Ctx<'_>, classes: &Classes<'_>, doomed: &BTreeSet<Id>, r: &mut Rollout) -> Step {
    let mut step = Step::default();
    let (max_unavailable, _) = ctx.cfg.rollout_limits();
    let available = spared(&classes.active, doomed).filter(|m| ctx.is_available(m)).count() as u64;
    let mut budget = available.saturating_sub(ctx.target.saturating_sub(max_unavailable));
    let mut order: Vec<&Member> = spared(&classes.outdated, doomed).collect();
    let room = (order.len() as u64).saturating_sub(r.keep_outdated.unwrap_or(0));
    if budget.min(room) > 0 {
        // A quorum group rolls one member at a time, each once the quorum is healthy again.
        match quorum::may_disrupt(ctx, classes, doomed) {
            Ok(limit) => budget = budget.min(limit.unwrap_or(u64::MAX)),
            Err(why) => {
                step.notes.push(Note::QuorumWait(why));
                budget = 0;
            }
        }
    }
    let last: BTreeSet<&LogicalId> = ctx.cfg.updating.last.iter().collect();
    // The member the flavor says leads goes last of all.
    let leader = ctx.quorum.leader();
    order.sort_by_key(|m| (Some(m.id()) == leader, roll_order(&m.desc, m.health, &last)));
    for m in order.into_iter().take(budget.min(room) as usize) {
        step.destroy(m.id(), DestroyReason::Rolling);
    }
    r.replaced += step.destroyed().count() as u64;
    step
}
