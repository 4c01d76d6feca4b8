//! The subscribing end: follows a plugin's topic over `GET /events`, reconnecting when the connection drops.

use crate::client::RpcClient;
use http_body_util::BodyExt;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_stream::Stream;

/// How long to wait before reconnecting to a topic.
const RECONNECT: Duration = Duration::from_secs(1);

/// A tick for every event on `topic`, and one after each reconnection (something may have been missed meanwhile).
/// The stream ends when the plugin does not serve the topic (or cannot be reached at first): callers then poll.
pub(crate) fn ticks(rpc: RpcClient, topic: &str) -> Pin<Box<dyn Stream<Item = ()> + Send>> {
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(follow(rpc, format!("/events?topic={topic}"), tx));
    Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx))
}

async fn follow(rpc: RpcClient, path: String, tx: mpsc::Sender<()>) {
    let mut connected_once = false;
    while !tx.is_closed() {
        match rpc.get_stream(&path).await {
            Ok(resp) if resp.status().is_success() => {
                if connected_once {
                    let _ = tx.try_send(()); // we may have missed something while away
                }
                connected_once = true;
                if read_events(resp.into_body(), &tx).await.is_err() {
                    return;
                }
            }
            Ok(_) => return, // the plugin serves no such topic: callers fall back to polling
            Err(_) if !connected_once => return,
            Err(_) => {}
        }
        tokio::time::sleep(RECONNECT).await;
    }
}

/// Nobody listens any more.
struct Closed;

/// Sends a tick per `data:` event until the stream ends (`Ok`) or nobody listens (`Err`).
async fn read_events(mut body: hyper::body::Incoming, tx: &mpsc::Sender<()>) -> Result<(), Closed> {
    let mut partial = String::new();
    loop {
        let frame = tokio::select! {
            f = body.frame() => f,
            _ = tx.closed() => return Err(Closed), // close the connection
        };
        let Some(Ok(frame)) = frame else { return Ok(()) };
        let Ok(data) = frame.into_data() else { continue };
        partial.push_str(&String::from_utf8_lossy(&data));
        while let Some(end) = partial.find("\n\n") {
            let event: String = partial.drain(..end + 2).collect();
            if event.lines().any(|l| l.starts_with("data:")) && tx.try_send(()).is_err() && tx.is_closed() {
                return Err(Closed);
            }
        }
    }
}
