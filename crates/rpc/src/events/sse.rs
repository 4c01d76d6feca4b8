//! `GET /events?topic=<t>`: one `data: <event JSON>` per event, as InfraKit v0.5's event API; the stream ends when
//! the server stops.

use super::{EventStream, Source};
use crate::routes::{text, Body};
use bytes::Bytes;
use http::{header, Response, StatusCode};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::watch;
use tokio_stream::{Stream, StreamExt};

/// The topics a server serves, by exact name.
#[derive(Default, Clone)]
pub(crate) struct Topics(Vec<(String, Arc<dyn Source>)>);

impl Topics {
    /// Adds (or replaces) the source of `topic`.
    pub fn add(&mut self, topic: String, source: Arc<dyn Source>) {
        self.0.retain(|(t, _)| *t != topic);
        self.0.push((topic, source));
    }

    fn get(&self, topic: &str) -> Option<&Arc<dyn Source>> {
        self.0.iter().find(|(t, _)| t == topic).map(|(_, s)| s)
    }
}

/// The answer to `GET /events?<query>`: the topic's stream, or 404 when there is no such topic or it has nothing
/// to give.
pub(crate) fn stream_response(query: &str, topics: &Topics, stop: watch::Receiver<bool>) -> Response<Body> {
    let topic = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "topic")
        .map(|(_, v)| v.trim_end_matches('/').to_string())
        .unwrap_or_default();
    let Some(source) = topics.get(&topic) else {
        return text(StatusCode::NOT_FOUND, format!("no event topic {topic:?}\n"));
    };
    let Some(events) = source.subscribe() else {
        return text(StatusCode::NOT_FOUND, format!("this plugin publishes no {topic:?} events\n"));
    };
    // A first comment line tells the client the stream is open.
    let hello = tokio_stream::once(Ok(Frame::data(Bytes::from(format!(": subscribed to {topic}\n\n")))));
    let frames = UntilStopped { inner: Box::pin(hello.chain(frames(topic, events))), stop: Box::pin(stopped(stop)) };
    let mut resp = Response::new(BodyExt::boxed_unsync(StreamBody::new(frames)));
    resp.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/event-stream"));
    resp.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
    resp
}

/// Each event as a `data:` frame, numbered from 1 for this subscriber.
fn frames(topic: String, events: EventStream) -> impl Stream<Item = Result<Frame<Bytes>, Infallible>> + Send {
    let mut seq = 0u64;
    events.map(move |event| {
        seq += 1;
        let mut json = serde_json::json!({"Topic": topic, "Type": event.kind, "ID": seq.to_string()});
        if let (Some(data), Some(fields)) = (event.data, json.as_object_mut()) {
            fields.insert("Data".to_string(), data.to_value());
        }
        Ok(Frame::data(Bytes::from(format!("data: {json}\n\n"))))
    })
}

async fn stopped(mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        if stop.changed().await.is_err() {
            return;
        }
    }
}

type FrameStream = Pin<Box<dyn Stream<Item = Result<Frame<Bytes>, Infallible>> + Send>>;

/// An event stream that ends when the server stops, so a stopping server is not held open by subscribers.
struct UntilStopped {
    inner: FrameStream,
    stop: Pin<Box<dyn Future<Output = ()> + Send>>,
}

impl Stream for UntilStopped {
    type Item = Result<Frame<Bytes>, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.stop.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        self.inner.as_mut().poll_next(cx)
    }
}
