//! An instance plugin's pushed changes as the events of [`CHANGES_TOPIC`](super::CHANGES_TOPIC).

use crate::events::{Event, EventStream, Source};
use infrakit_spi::instance::Instance;
use std::sync::Arc;
use tokio_stream::StreamExt;

/// Gives each subscriber the plugin's own stream of changes, one `change` event each.
pub(crate) struct ChangesSource(pub Arc<dyn Instance>);

impl Source for ChangesSource {
    fn subscribe(&self) -> Option<EventStream> {
        let changes = self.0.changes()?;
        Some(Box::pin(changes.map(|()| Event::change())))
    }
}
