//! `/events` as Server-Sent Events: `id: <seq>` and `data: <event JSON>` per event, a keep-alive comment every
//! 15 s; a subscriber that comes back with `Last-Event-ID` (or `?after=`) first gets the kept events it missed.

use crate::bus::Bus;
use crate::event::Event;
use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

const KEEPALIVE: Duration = Duration::from_secs(15);

struct Feed {
    backlog: VecDeque<Arc<Event>>,
    rx: broadcast::Receiver<Arc<Event>>,
    group: Option<String>,
    stop: watch::Receiver<bool>,
    hello: bool,
}

type Item = Result<Frame<Bytes>, Infallible>;

fn frame(text: String) -> Item {
    Ok(Frame::data(Bytes::from(text)))
}

/// Whether a subscriber filtering on `group` wants `event` (events of no group, such as leadership, go to all).
fn wanted(event: &Event, group: Option<&str>) -> bool {
    match (group, event.group.as_deref()) {
        (Some(want), Some(has)) => want == has,
        _ => true,
    }
}

impl Feed {
    async fn next(&mut self) -> Option<Item> {
        if std::mem::take(&mut self.hello) {
            return Some(frame(": infrakit events\nretry: 1000\n\n".to_string()));
        }
        loop {
            let event = match self.backlog.pop_front() {
                Some(e) => e,
                None => tokio::select! {
                    got = self.rx.recv() => match got {
                        Ok(e) => e,
                        Err(broadcast::error::RecvError::Lagged(n)) => {
                            return Some(frame(format!(": {n} events were dropped: this subscriber read too slowly\n\n")));
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = stopped(&mut self.stop) => return None,
                    _ = tokio::time::sleep(KEEPALIVE) => return Some(frame(": keep-alive\n\n".to_string())),
                },
            };
            if !wanted(&event, self.group.as_deref()) {
                continue;
            }
            let json = serde_json::to_string(event.as_ref()).unwrap_or_default();
            return Some(frame(format!("id: {}\ndata: {json}\n\n", event.seq)));
        }
    }
}

/// Returns once the server stops (or is gone).
pub(crate) async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await.map(|_| ());
}

/// The body of an `/events` answer: events after `after`, of `group` only when given, until the server stops.
pub(crate) fn body(
    bus: &Bus,
    after: u64,
    group: Option<String>,
    stop: watch::Receiver<bool>,
) -> UnsyncBoxBody<Bytes, Infallible> {
    let sub = bus.subscribe(after);
    let feed = Feed { backlog: sub.backlog.into(), rx: sub.rx, group, stop, hello: true };
    let stream = futures::stream::unfold(feed, |mut feed| async move { feed.next().await.map(|item| (item, feed)) });
    StreamBody::new(stream).boxed_unsync()
}
