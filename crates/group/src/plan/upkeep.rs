//! What is under way or not quite a member: failed destroys are retried, `bootstrap` instances adopted, and pets
//! without a logical ID left alone.

use super::classify::Classes;
use super::{Ctx, Note, Step};
use crate::model::{Action, DestroyState};
use infrakit_spi::hash::{CONFIG_SHA_TAG, GROUP_TAG};

/// Destroys that failed earlier are retried once their back-off has passed: never forgotten. A create that was
/// never listed is destroyed by ID the same way (it is not a member, but it may well exist).
pub(super) fn retry_destroys(ctx: &Ctx<'_>) -> Step {
    let mut step = Step::default();
    for (id, d) in &ctx.ledger.destroying {
        let due = matches!(d.state, DestroyState::Failed { retry_at } if ctx.now >= retry_at);
        if due && (d.is_unlisted() || ctx.members.binary_search_by(|m| m.id().cmp(id)).is_ok()) {
            step.destroy(id, d.reason);
        }
    }
    step
}

/// Instances created outside InfraKit (`bootstrap`) are adopted: tagged as members of the current config. Pets
/// without a logical ID are not ours to judge: said, and left alone.
pub(super) fn adopt(ctx: &Ctx<'_>, classes: &Classes<'_>) -> Step {
    let mut step = Step::default();
    for m in ctx.members.iter().filter(|m| m.is_bootstrap() && !ctx.ledger.labeling.contains_key(m.id())) {
        let tags =
            [(GROUP_TAG.to_string(), ctx.cfg.id().0.clone()), (CONFIG_SHA_TAG.to_string(), ctx.hash.to_string())];
        step.actions.push(Action::Label { id: m.id().clone(), tags: tags.into() });
    }
    if classes.strays > 0 {
        step.notes.push(Note::Strays { count: classes.strays });
    }
    step
}
