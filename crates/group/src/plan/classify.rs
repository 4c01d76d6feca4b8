//! The first step of a pass: the members sorted once into named sets, and the counts every concern reads.

use super::{Ctx, Note};
use crate::model::{DestroyReason, DestroyState, Member};
use infrakit_spi::flavor::Health;
use infrakit_spi::instance::{Id, LogicalId};
use std::collections::{BTreeMap, BTreeSet};

/// The members of a pass, classified. Every list keeps the listing's order (by ID).
#[derive(Debug)]
pub(super) struct Classes<'a> {
    /// Listed and not being destroyed (for pets: with a logical ID; the others are not ours to judge). Rollout
    /// failures are judged on all of these, including what remediation is about to replace.
    pub active: Vec<&'a Member>,
    /// Active members running the config in force.
    pub current: Vec<&'a Member>,
    /// Active members running another config.
    pub outdated: Vec<&'a Member>,
    /// Every listed member running another config, whether being destroyed or not.
    pub outdated_listed: Vec<&'a Member>,
    /// True when a create in flight makes another config.
    pub outdated_creating: bool,
    /// Active members unhealthy past both their start-up grace and their timeout: to be replaced.
    pub expired: Vec<&'a Member>,
    /// Set when more instances are unhealthy than `Health.MaxUnhealthy` allows: an outage, nothing is destroyed.
    pub outage: Option<Note>,
    /// Active pets by logical ID (empty for cattle).
    pub pets: BTreeMap<&'a LogicalId, Vec<&'a Member>>,
    /// Pets group: listed instances with the group tag but no logical ID.
    pub strays: u64,
    /// Slots taken: listed instances whose destroy is not confirmed, creates in flight, and unlisted instances
    /// still to be destroyed.
    pub occupied: u64,
}

/// Members of `list` not in `doomed` (destroyed by an earlier concern of the pass).
pub(super) fn spared<'a, 'b>(
    list: &'b [&'a Member],
    doomed: &'b BTreeSet<Id>,
) -> impl Iterator<Item = &'a Member> + 'b {
    list.iter().copied().filter(move |m| !doomed.contains(m.id()))
}

/// Sorts the members of a pass into [`Classes`].
pub(super) fn classify<'a>(ctx: &Ctx<'a>) -> Classes<'a> {
    let (cfg, ledger, members) = (ctx.cfg, ctx.ledger, ctx.members);
    let confirmed = |state: Option<DestroyState>| matches!(state, Some(DestroyState::Done { .. }));
    let active: Vec<&Member> = members
        .iter()
        .filter(|m| !ledger.destroying.contains_key(m.id()))
        .filter(|m| !cfg.is_pets() || m.logical_id().is_some())
        .collect();
    let (current, outdated): (Vec<&Member>, Vec<&Member>) = active.iter().partition(|m| ctx.is_current(m));
    let occupied = members.iter().filter(|m| !confirmed(ledger.destroying.get(m.id()).map(|d| d.state))).count() as u64
        + ledger.creating.len() as u64
        + ledger.destroying.values().filter(|d| d.is_unlisted() && !confirmed(Some(d.state))).count() as u64;

    // Health: what has been unhealthy past its timeout is replaced, unless so many are sick that it is an outage.
    let unhealthy: Vec<&Member> =
        active.iter().copied().filter(|m| m.health == Health::Unhealthy && ctx.past_grace(m)).collect();
    // Replacements of unhealthy instances already under way count too, so waves of remediation cannot add up to
    // the whole fleet.
    let remediating = ledger
        .destroying
        .values()
        .filter(|d| d.reason == DestroyReason::Unhealthy && !confirmed(Some(d.state)))
        .count() as u64;
    let max_unhealthy = cfg.max_unhealthy();
    let outage = (unhealthy.len() as u64 + remediating > max_unhealthy).then_some(Note::Outage {
        unhealthy: unhealthy.len() as u64,
        remediating,
        max_unhealthy,
    });
    let expired = unhealthy.into_iter().filter(|m| ctx.past_timeout(m)).collect();

    let mut pets: BTreeMap<&LogicalId, Vec<&Member>> = BTreeMap::new();
    let mut strays = 0;
    if cfg.is_pets() {
        for m in &active {
            if let Some(lid) = m.logical_id() {
                pets.entry(lid).or_default().push(m);
            }
        }
        strays = members.iter().filter(|m| m.logical_id().is_none()).count() as u64;
    }
    Classes {
        current,
        outdated,
        outdated_listed: members.iter().filter(|m| !ctx.is_current(m)).collect(),
        outdated_creating: ledger.creating.values().any(|c| c.hash != ctx.hash),
        active,
        expired,
        outage,
        pets,
        strays,
        occupied,
    }
}
