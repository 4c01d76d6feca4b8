//! Where events go: numbered in order, the latest kept for late subscribers and reconnections, and broadcast to
//! every subscriber.

use crate::event::{rfc3339, Event, Kind};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// How many of the latest events are kept (for the page's first view and for subscribers that reconnect).
pub const KEPT: usize = 1000;

/// What an event is about, before it is numbered and timed.
#[derive(Debug, Clone, Default)]
pub struct About {
    /// The group.
    pub group: Option<String>,
    /// The instance.
    pub instance: Option<String>,
    /// Its logical ID.
    pub logical_id: Option<String>,
}

/// The event bus.
pub struct Bus {
    inner: Mutex<Inner>,
    tx: broadcast::Sender<Arc<Event>>,
}

struct Inner {
    seq: u64,
    kept: VecDeque<Arc<Event>>,
}

impl Default for Bus {
    fn default() -> Bus {
        Bus { inner: Mutex::new(Inner { seq: 0, kept: VecDeque::new() }), tx: broadcast::channel(4096).0 }
    }
}

/// A subscription: what was kept after the sequence number asked for, then every new event.
pub struct Subscription {
    /// Kept events after the one asked for, oldest first.
    pub backlog: Vec<Arc<Event>>,
    /// New events.
    pub rx: broadcast::Receiver<Arc<Event>>,
}

impl Bus {
    /// Numbers, times, keeps and broadcasts an event.
    pub fn publish(&self, kind: Kind, about: About, reason: String) {
        let Ok(mut inner) = self.inner.lock() else { return };
        inner.seq += 1;
        let now = infrakit_group::clock::Clock::now(&infrakit_group::clock::SystemClock);
        let event = Arc::new(Event {
            seq: inner.seq,
            time: rfc3339(now),
            kind,
            group: about.group,
            instance: about.instance,
            logical_id: about.logical_id,
            reason,
        });
        tracing::debug!(event = %event.line(), "event");
        if inner.kept.len() >= KEPT {
            inner.kept.pop_front();
        }
        inner.kept.push_back(event.clone());
        // Sent under the lock, so subscribers see the order of the numbers. Nobody listening is fine.
        let _ = self.tx.send(event);
    }

    /// Subscribes, with the kept events numbered after `after` (0: every kept event).
    pub fn subscribe(&self, after: u64) -> Subscription {
        match self.inner.lock() {
            Ok(inner) => Subscription {
                backlog: inner.kept.iter().filter(|e| e.seq > after).cloned().collect(),
                rx: self.tx.subscribe(),
            },
            Err(_) => Subscription { backlog: Vec::new(), rx: self.tx.subscribe() },
        }
    }

    /// The latest `n` events, oldest first, and the number of the last event published.
    pub fn latest(&self, n: usize) -> (Vec<Arc<Event>>, u64) {
        match self.inner.lock() {
            Ok(inner) => {
                let skip = inner.kept.len().saturating_sub(n);
                (inner.kept.iter().skip(skip).cloned().collect(), inner.seq)
            }
            Err(_) => (Vec::new(), 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn subscribers_get_what_they_missed_then_what_comes() {
        let bus = Bus::default();
        let about = || About { group: Some("g".into()), ..About::default() };
        bus.publish(Kind::Created, about(), "one".into());
        bus.publish(Kind::Destroyed, about(), "two".into());
        let mut sub = bus.subscribe(1);
        assert_eq!(sub.backlog.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2]);
        bus.publish(Kind::Lost, about(), "three".into());
        let next = sub.rx.recv().await.ok().map(|e| (e.seq, e.kind));
        assert_eq!(next, Some((3, Kind::Lost)));
        let (latest, last) = bus.latest(2);
        assert_eq!((latest.len(), last, latest[0].reason.as_str()), (2, 3, "two"));
    }
}
