//! Quorum groups (an etcd ensemble, Swarm managers): when the flavor says it keeps a quorum, members are replaced
//! one at a time. A rolling or culling destroy starts only when no member is down, missing, unhealthy or being
//! replaced, and the flavor reports the quorum healthy for the members listed now; remediation replaces one
//! unhealthy member at a time; the leader's member is rolled last.

use super::classify::{spared, Classes};
use super::{Ctx, QuorumWait};
use infrakit_spi::flavor::{Health, Quorum};
use infrakit_spi::instance::Id;
use std::collections::BTreeSet;

/// What the flavor says about the group's quorum, as the planner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum QuorumState {
    /// The flavor keeps no quorum (its `Flavor.Quorum` said so, or it does not know the method): no limits.
    #[default]
    None,
    /// The flavor has not answered yet: whether it keeps a quorum is not known, so rolling waits for its answer.
    Unknown,
    /// The flavor has never answered and its quorum check fails: whether it keeps a quorum is not known. As with
    /// `Unknown`, rolling and shrinking wait (a quorum must never be risked on a guess), remediation keeps the
    /// quorum limits, and a note says why, so a person can fix the flavor.
    Failing,
    /// The flavor keeps a quorum. The verdict is for the members listed now; `None` while there is none (asked,
    /// failed or timed out, or given for other members).
    Quorum(Option<Quorum>),
}

impl QuorumState {
    /// True when the flavor keeps a quorum.
    pub fn is_quorum(&self) -> bool {
        matches!(self, QuorumState::Quorum(_))
    }

    /// True unless the flavor said it keeps no quorum: remediation then replaces one member at a time.
    pub fn may_keep(&self) -> bool {
        !matches!(self, QuorumState::None)
    }

    /// The instance whose member leads, if the flavor said.
    pub fn leader(&self) -> Option<&Id> {
        match self {
            QuorumState::Quorum(Some(q)) => q.leader.as_ref(),
            _ => None,
        }
    }
}

/// True when a replacement of any kind is under way: a create or destroy in flight, or one sent this pass.
fn replacing(ctx: &Ctx<'_>, doomed: &BTreeSet<Id>) -> bool {
    !doomed.is_empty() || !ctx.ledger.creating.is_empty() || !ctx.ledger.destroying.is_empty()
}

/// True when no logical ID lacks a member and the group is not short of its target.
fn complete(ctx: &Ctx<'_>, classes: &Classes<'_>) -> bool {
    let missing = ctx.cfg.allocation.logical_ids.iter().any(|l| !classes.pets.contains_key(l));
    let short = (classes.active.len() as u64) < ctx.target;
    !missing && !short
}

/// Whether the remediation destroy of `member` may start this pass: always for groups without a quorum; otherwise
/// (a quorum, or not known yet) only when nothing else is being replaced, no member is missing, and every other
/// member is healthy or itself to be replaced (the member is down already, so the quorum's verdict is not waited for).
pub(super) fn may_remediate(ctx: &Ctx<'_>, classes: &Classes<'_>, member: &Id) -> bool {
    if !ctx.quorum.may_keep() {
        return true;
    }
    let expired: BTreeSet<&Id> = classes.expired.iter().map(|m| m.id()).collect();
    let others_fine = classes
        .active
        .iter()
        .filter(|m| m.id() != member)
        .all(|m| m.health == Health::Healthy || expired.contains(m.id()));
    !replacing(ctx, &BTreeSet::new()) && complete(ctx, classes) && others_fine
}

/// Whether a voluntary disruption (a rolling or culling destroy) may start this pass, after the destroys `doomed`
/// earlier in it: `Ok(None)` without limits (no quorum), `Ok(Some(1))` for one destroy of a quorum group, or why it
/// waits.
pub(super) fn may_disrupt(
    ctx: &Ctx<'_>,
    classes: &Classes<'_>,
    doomed: &BTreeSet<Id>,
) -> Result<Option<u64>, QuorumWait> {
    let verdict = match ctx.quorum {
        QuorumState::None => return Ok(None),
        QuorumState::Unknown => return Err(QuorumWait::Unknown),
        QuorumState::Failing => return Err(QuorumWait::CheckFails),
        QuorumState::Quorum(v) => v,
    };
    let mut active = spared(&classes.active, doomed).peekable();
    let all_healthy = active.peek().is_some() && active.all(|m| m.health == Health::Healthy);
    if replacing(ctx, doomed) || !all_healthy || !complete(ctx, classes) {
        return Err(QuorumWait::Busy);
    }
    match verdict {
        None => Err(QuorumWait::NoVerdict),
        Some(q) if !q.healthy => Err(QuorumWait::Unhealthy),
        Some(_) => Ok(Some(1)),
    }
}
