//! Cattle: creates up to the size (plus the surge while rolling), within the free slots and a batch at a time; and
//! the surplus beyond it destroyed, the least useful first.

use super::classify::{spared, Classes};
use super::{quorum, Ctx, Note, Step};
use crate::model::{Action, DestroyReason, Keys, Member};
use crate::rollout::Rollout;
use infrakit_spi::flavor::Health;
use infrakit_spi::instance::Id;
use std::collections::BTreeSet;

/// Creates what is missing: current instances, the outdated ones a running rollout keeps (a canary's), and creates
/// in flight count; what the rollout will replace does not. Backs off after failures, saying so.
pub(super) fn up(
    ctx: &Ctx<'_>,
    classes: &Classes<'_>,
    doomed: &BTreeSet<Id>,
    rollout: Option<&Rollout>,
    keys: &mut Keys,
) -> Step {
    let mut step = Step::default();
    let running = rollout.filter(|r| r.is_running());
    let keep = running.map_or(u64::MAX, |r| r.keep_outdated.unwrap_or(0));
    let current = spared(&classes.current, doomed).count() as u64;
    let outdated_kept = (spared(&classes.outdated, doomed).count() as u64).min(keep);
    let live = current + outdated_kept + ctx.ledger.creating.len() as u64;
    let want = ctx.target.saturating_sub(live);
    let room = (ctx.target + ctx.surge(running.is_some())).saturating_sub(classes.occupied);
    let creates = want.min(room).min(ctx.batch());
    if creates > 0 && ctx.backing_off() {
        step.notes.push(ctx.backoff_note(None));
        return step;
    }
    step.held_back = want.min(room) > creates;
    for _ in 0..creates {
        step.actions.push(Action::Provision { intent: keys.take(), logical_id: None, attachments: Vec::new() });
    }
    step
}

/// Scale down: beyond size (plus surge while rolling), the least useful go first: unhealthy, outdated, not healthy,
/// then the youngest. Only instances the listing shows are counted: a create still in flight may already be listed
/// (counting it twice would destroy a good instance), and one answered but not listed may be lost; either way a
/// surplus is destroyed once it is seen. Nothing during an outage; a quorum group loses one member at a time, as it
/// rolls.
pub(super) fn down(ctx: &Ctx<'_>, classes: &Classes<'_>, doomed: &BTreeSet<Id>, rolling: bool) -> Step {
    let mut step = Step::default();
    let mut live: Vec<&Member> = spared(&classes.active, doomed).collect();
    let mut surplus = (live.len() as u64).saturating_sub(ctx.target + ctx.surge(rolling));
    if surplus == 0 || classes.outage.is_some() {
        return step;
    }
    match quorum::may_disrupt(ctx, classes, doomed) {
        Ok(limit) => surplus = surplus.min(limit.unwrap_or(u64::MAX)),
        Err(why) => {
            step.notes.push(Note::QuorumWait(why));
            return step;
        }
    }
    live.sort_by_key(|m| {
        (
            m.health != Health::Unhealthy,
            ctx.is_current(m),
            m.health == Health::Healthy,
            std::cmp::Reverse(m.first_seen),
            std::cmp::Reverse(m.id().clone()),
        )
    });
    for m in live.into_iter().take(surplus as usize) {
        step.destroy(m.id(), DestroyReason::ScaleDown);
    }
    step
}
