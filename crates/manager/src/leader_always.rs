//! A leadership that always leads: a single replica (`infrakit up`, `plugin start group`) acts at once and never
//! steps down.

use infrakit_spi::manager::{LeaderChanges, LeaderStatus, Leadership};
use tokio_stream::StreamExt;

/// This replica leads, from the start and for good.
pub struct AlwaysLeader {
    name: String,
}

impl AlwaysLeader {
    /// A leadership for the single replica `name`.
    pub fn new(name: impl Into<String>) -> AlwaysLeader {
        AlwaysLeader { name: name.into() }
    }
}

impl Leadership for AlwaysLeader {
    fn name(&self) -> &str {
        &self.name
    }

    fn watch(&self) -> LeaderChanges {
        Box::pin(tokio_stream::once(LeaderStatus::Leader).chain(tokio_stream::pending()))
    }

    fn may_act(&self) -> bool {
        true
    }
}
