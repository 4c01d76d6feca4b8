//! The client side of `/events`, for `infrakit events`: follows the stream, reconnecting (with `Last-Event-ID`, so
//! nothing kept is missed) when the connection drops.

use crate::event::Event;
use crate::WebError;
use bytes::Bytes;
use http::{header, Request};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use std::time::Duration;
use tokio::net::TcpStream;

/// How long to wait before reconnecting.
const RECONNECT: Duration = Duration::from_secs(1);

/// Follows `http://<addr>/events` (of `group` only, when given), calling `each` per event, until the server cannot
/// be reached: at first that is an error; after a connection, the follower reconnects until `each` says stop
/// (returns false). It starts with the events after number `after` that the server still keeps (`Some(0)`: all of
/// them); with `None`, with what comes next.
pub async fn follow(
    addr: &str,
    group: Option<&str>,
    after: Option<u64>,
    mut each: impl FnMut(Event) -> bool,
) -> Result<(), WebError> {
    let fail = |why: String| WebError::Follow { addr: addr.to_string(), why };
    let mut last: Option<u64> = after;
    let mut connected = false;
    loop {
        match stream(addr, group, last, &mut each, &mut last, &mut connected).await {
            Ok(Flow::Stop) => return Ok(()),
            Ok(Flow::Ended) => {}
            Err(why) if !connected => return Err(fail(why)),
            Err(why) => tracing::debug!(%why, "the event stream broke; reconnecting"),
        }
        tokio::time::sleep(RECONNECT).await;
    }
}

enum Flow {
    Stop,
    Ended,
}

async fn stream(
    addr: &str,
    group: Option<&str>,
    after: Option<u64>,
    each: &mut impl FnMut(Event) -> bool,
    last: &mut Option<u64>,
    connected: &mut bool,
) -> Result<Flow, String> {
    let tcp = TcpStream::connect(addr).await.map_err(|e| format!("cannot connect: {e}"))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await.map_err(|e| format!("HTTP: {e}"))?;
    tokio::spawn(conn);
    let path = match group {
        Some(g) => format!("/events?group={}", encode(g)),
        None => "/events".to_string(),
    };
    let mut req = Request::get(path)
        .header(header::HOST, addr)
        .header(header::ACCEPT, "text/event-stream")
        .body(Empty::<Bytes>::new())
        .map_err(|e| e.to_string())?;
    if let Some(seq) = after {
        if let Ok(v) = header::HeaderValue::from_str(&seq.to_string()) {
            req.headers_mut().insert("last-event-id", v);
        }
    }
    let resp = sender.send_request(req).await.map_err(|e| format!("HTTP: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!("answered {}", resp.status()));
    }
    *connected = true;
    let mut body = resp.into_body();
    let mut partial = String::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("reading: {e}"))?;
        let Ok(data) = frame.into_data() else { continue };
        partial.push_str(&String::from_utf8_lossy(&data));
        while let Some(end) = partial.find("\n\n") {
            let block: String = partial.drain(..end + 2).collect();
            let Some(event) = parse(&block) else { continue };
            *last = Some(event.seq);
            if !each(event) {
                return Ok(Flow::Stop);
            }
        }
    }
    Ok(Flow::Ended)
}

/// The event in one SSE block (`data:` lines joined), if it holds one.
pub fn parse(block: &str) -> Option<Event> {
    let data: Vec<&str> =
        block.lines().filter_map(|l| l.strip_prefix("data:")).map(|d| d.strip_prefix(' ').unwrap_or(d)).collect();
    if data.is_empty() {
        return None;
    }
    serde_json::from_str(&data.join("\n")).ok()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_parse_into_events() {
        let block = "id: 7\ndata: {\"seq\":7,\"time\":\"t\",\"kind\":\"lost\",\"group\":\"g\",\"reason\":\"r\"}\n\n";
        let event = parse(block).map(|e| (e.seq, e.kind, e.group));
        assert_eq!(event, Some((7, crate::event::Kind::Lost, Some("g".to_string()))));
        assert!(parse(": keep-alive\n\n").is_none());
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
    }
}
