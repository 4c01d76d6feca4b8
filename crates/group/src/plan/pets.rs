//! Pets: one instance per logical ID. Instances of logical IDs no longer in the spec go, duplicates go, and a
//! missing logical ID gets an instance with its attachments once its old holder is gone.

use super::classify::{spared, Classes};
use super::{quorum, Ctx, Note, Step};
use crate::model::{Action, DestroyReason, DestroyState, Keys};
use infrakit_spi::flavor::Health;
use infrakit_spi::instance::{Id, LogicalId};
use std::collections::BTreeSet;

/// Destroys the instances of logical IDs that left the spec, and all but the best instance of each logical ID
/// (current config first, then healthy, then the oldest).
pub(super) fn cull(ctx: &Ctx<'_>, classes: &Classes<'_>, doomed: &BTreeSet<Id>) -> Step {
    let mut step = Step::default();
    let wanted: BTreeSet<&LogicalId> = ctx.cfg.allocation.logical_ids.iter().collect();
    for (lid, holders) in &classes.pets {
        let mut holders: Vec<_> = spared(holders, doomed).collect();
        if !wanted.contains(lid) {
            // A quorum group loses one member at a time, once the quorum is healthy without it leaving.
            let gone: BTreeSet<Id> = doomed.iter().chain(step.destroyed()).cloned().collect();
            let limit = match quorum::may_disrupt(ctx, classes, &gone) {
                Ok(limit) => limit.map_or(usize::MAX, |n| n as usize),
                Err(why) => {
                    step.notes.push(Note::QuorumWait(why));
                    0
                }
            };
            for m in holders.into_iter().take(limit) {
                step.destroy(m.id(), DestroyReason::NotInSpec);
            }
            continue;
        }
        holders.sort_by_key(|m| (!ctx.is_current(m), m.health != Health::Healthy, m.first_seen, m.id().clone()));
        for m in holders.iter().skip(1) {
            step.destroy(m.id(), DestroyReason::Duplicate);
        }
    }
    step
}

/// Creates the logical IDs that have no instance, in the spec's order and at most a batch at a time. A logical ID
/// waits while a create of it is in flight, or its old holder is not gone: its destroy unconfirmed, or sent in this
/// very pass (`doomed`, or `retried`).
pub(super) fn create(
    ctx: &Ctx<'_>,
    classes: &Classes<'_>,
    doomed: &BTreeSet<Id>,
    retried: &BTreeSet<Id>,
    keys: &mut Keys,
) -> Step {
    let (cfg, ledger) = (ctx.cfg, ctx.ledger);
    let mut step = Step::default();
    let mut left = ctx.batch();
    for lid in &cfg.allocation.logical_ids {
        let present = classes.pets.get(lid).is_some_and(|holders| spared(holders, doomed).next().is_some());
        let pending = ledger.creating.values().any(|c| c.logical_id.as_ref() == Some(lid));
        let held = ledger
            .destroying
            .values()
            .any(|d| d.logical_id.as_ref() == Some(lid) && !matches!(d.state, DestroyState::Done { .. }));
        let leaving = ctx
            .members
            .iter()
            .any(|m| m.logical_id() == Some(lid) && (doomed.contains(m.id()) || retried.contains(m.id())));
        if present || pending || held || leaving {
            continue;
        }
        if left == 0 {
            // One more is missing than the batch may send.
            step.held_back = true;
            break;
        }
        if ctx.backing_off() {
            step.notes.push(ctx.backoff_note(Some(lid)));
            continue;
        }
        step.actions.push(Action::Provision {
            intent: keys.take(),
            logical_id: Some(lid.clone()),
            attachments: cfg.attachments_of(lid),
        });
        left -= 1;
    }
    step
}
