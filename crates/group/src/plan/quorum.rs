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
    /// The flavor keeps a quorum. The verdict is for the members listed now; `None` while there is none (asked,
    /// failed or timed out, or given for other members).
    Quorum(Option<Quorum>),
}

impl QuorumState {
    /// True when the flavor keeps a quorum.
    pub fn is_quorum(&self) -> bool {
        matches!(self, QuorumState::Quorum(_))
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

/// Whether a remediation destroy may start this pass: always for groups without a quorum; for a quorum group,
/// only when nothing else is being replaced (the member is down already, so the quorum's health is not waited for).
pub(super) fn may_remediate(ctx: &Ctx<'_>) -> bool {
    !ctx.quorum.is_quorum() || !replacing(ctx, &BTreeSet::new())
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
        QuorumState::Quorum(v) => v,
    };
    let mut active = spared(&classes.active, doomed).peekable();
    let all_healthy = active.peek().is_some() && active.all(|m| m.health == Health::Healthy);
    let missing = ctx.cfg.allocation.logical_ids.iter().any(|l| !classes.pets.contains_key(l));
    let short = (classes.active.len() as u64) < ctx.target;
    if replacing(ctx, doomed) || !all_healthy || missing || short {
        return Err(QuorumWait::Busy);
    }
    match verdict {
        None => Err(QuorumWait::NoVerdict),
        Some(q) if !q.healthy => Err(QuorumWait::Unhealthy),
        Some(_) => Ok(Some(1)),
    }
}
