//! Event topics, served on `GET /events?topic=<t>` as Server-Sent Events (InfraKit v0.5's event API): each topic
//! has a [`Source`] that gives every subscriber its own stream of [`Event`]s; a [`Publisher`] is a source that
//! whoever holds it publishes to.

mod follow;
mod publisher;
mod sse;

pub use publisher::Publisher;

pub(crate) use follow::ticks;
pub(crate) use sse::{stream_response, Topics};

use infrakit_spi::Any;
use std::pin::Pin;
use tokio_stream::Stream;

/// The type of the events that say "something may have changed" (the `instance/changes` topic's only type).
pub const CHANGE: &str = "change";

/// The type of the event that tells a subscriber it missed events (it read too slowly), as Go's `TypeError`.
pub const ERROR: &str = "error";

/// One event. On the wire the server adds the topic and a sequence number counted per subscriber:
/// `{"ID":"<n>","Topic":"<topic>","Type":"<kind>"}`, with `"Data"` when there is a payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event's type (`Type`), a hint to what `data` holds.
    pub kind: String,
    /// The payload (`Data`), if any.
    pub data: Option<Any>,
}

impl Event {
    /// A [`CHANGE`] event with no payload.
    pub fn change() -> Event {
        Event { kind: CHANGE.to_string(), data: None }
    }
}

/// One subscriber's events.
pub type EventStream = Pin<Box<dyn Stream<Item = Event> + Send>>;

/// Where a topic's events come from.
pub trait Source: Send + Sync {
    /// A new subscriber's stream; `None` when this source has no events to give (the subscriber gets a 404).
    fn subscribe(&self) -> Option<EventStream>;
}
