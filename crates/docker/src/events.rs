//! The engine's event stream.

use crate::models::EventMessage;
use crate::query::EventsOptionsBuilder;
use crate::{Docker, Result};
use futures::stream::{BoxStream, StreamExt};
use std::collections::HashMap;

impl Docker {
    /// `GET /events` with `filters` (e.g. `type` → `["container"]`, `event` → `["die"]`), from `since` (Unix
    /// seconds; the engine replays what it still holds) on. The stream ends, or yields an error, when the
    /// connection breaks (the engine stopped): subscribe again.
    pub async fn events(
        &self,
        filters: &HashMap<String, Vec<String>>,
        since: Option<i64>,
    ) -> Result<BoxStream<'static, Result<EventMessage>>> {
        let api = self.api().await?;
        let mut options = EventsOptionsBuilder::new().filters(filters);
        let since_text = since.map(|s| s.to_string());
        if let Some(s) = &since_text {
            options = options.since(s);
        }
        let me = self.clone();
        Ok(api.events(Some(options.build())).map(move |item| item.map_err(|e| me.error(e))).boxed())
    }
}
