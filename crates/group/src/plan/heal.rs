//! Health: instances unhealthy past their timeout are replaced, unless so many are sick that it is an outage. A
//! quorum group replaces one at a time, and none while another replacement is under way.

use super::classify::Classes;
use super::{quorum, Ctx, Step};
use crate::model::DestroyReason;

/// Destroys the members unhealthy past their timeout (their replacements follow as creates); during an outage,
/// destroys nothing and says so.
pub(super) fn replace_unhealthy(ctx: &Ctx<'_>, classes: &Classes<'_>) -> Step {
    let mut step = Step::default();
    match &classes.outage {
        Some(note) => step.notes.push(note.clone()),
        // Unless the flavor said it keeps no quorum (it may not have answered yet), one at a time.
        None if ctx.quorum.may_keep() => {
            if let Some(m) = classes.expired.first().filter(|m| quorum::may_remediate(ctx, classes, m.id())) {
                step.destroy(m.id(), DestroyReason::Unhealthy);
            }
        }
        None => {
            for m in &classes.expired {
                step.destroy(m.id(), DestroyReason::Unhealthy);
            }
        }
    }
    step
}
