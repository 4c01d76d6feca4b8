//! A topic that whoever holds its [`Publisher`] publishes to; every subscriber sees every event published after it
//! subscribed.

use super::{Event, EventStream, Source, ERROR};
use infrakit_spi::Any;
use tokio::sync::broadcast;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

/// How many events a subscriber may fall behind before it misses some (and is told so).
pub const BACKLOG: usize = 256;

/// The publishing end of a topic. Cheap to clone; clones publish to the same subscribers.
#[derive(Clone)]
pub struct Publisher {
    tx: broadcast::Sender<Event>,
}

impl Default for Publisher {
    fn default() -> Publisher {
        Publisher::new()
    }
}

impl Publisher {
    /// A topic with no subscribers yet.
    pub fn new() -> Publisher {
        Publisher { tx: broadcast::channel(BACKLOG).0 }
    }

    /// Sends `event` to every current subscriber; returns how many there are (none is not an error).
    pub fn publish(&self, event: Event) -> usize {
        self.tx.send(event).unwrap_or(0)
    }

    /// How many subscribers are listening.
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }
}

impl Source for Publisher {
    fn subscribe(&self) -> Option<EventStream> {
        let events = BroadcastStream::new(self.tx.subscribe()).map(|received| match received {
            Ok(event) => event,
            Err(BroadcastStreamRecvError::Lagged(missed)) => {
                Event { kind: ERROR.to_string(), data: Any::from_value(&serde_json::json!({ "Missed": missed })).ok() }
            }
        });
        Some(Box::pin(events))
    }
}
