//! Beside JSON-RPC: added routes answer, the server's own paths cannot be taken, and event topics stream, the
//! instance plugin's `instance/changes` in its InfraKit v0.5 form.

mod fakes;

use bytes::Bytes;
use fakes::Recorder;
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use infrakit_rpc::events::Event;
use infrakit_rpc::routes::{full, text, Body};
use infrakit_rpc::server::ServeError;
use infrakit_rpc::{RpcClient, Server, ServerBuilder, Target};
use infrakit_spi::Any;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn rpc(server: &Server) -> RpcClient {
    RpcClient::new(server.name(), Target::Unix(server.socket().into()))
}

/// Sends one request and returns the status line and the body.
async fn send(server: &Server, method: &str, path: &str, body: &str) -> (String, String) {
    let mut s = tokio::net::UnixStream::connect(server.socket()).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: h\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = String::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_string(&mut out)).await.unwrap().unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    (head.lines().next().unwrap_or("").to_string(), body.to_string())
}

async fn metrics(_: Request<Bytes>) -> http::Response<Body> {
    text(StatusCode::OK, "infrakit_up 1\n".to_string())
}

#[tokio::test]
async fn an_added_route_answers() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerBuilder::new("web")
        .group(Arc::new(Recorder::default()))
        .route(Method::GET, "/metrics", metrics)
        .route(Method::POST, "/echo", |req: Request<Bytes>| async move { http::Response::new(full(req.into_body())) })
        .serve(dir.path())
        .await
        .unwrap();
    assert_eq!(send(&server, "GET", "/metrics", "").await, ("HTTP/1.1 200 OK".into(), "infrakit_up 1\n".into()));
    assert_eq!(send(&server, "POST", "/echo", "hello").await, ("HTTP/1.1 200 OK".into(), "hello".into()));
    assert_eq!(send(&server, "POST", "/metrics", "").await.0, "HTTP/1.1 405 Method Not Allowed");
    assert_eq!(
        send(&server, "GET", "/nope", "").await,
        ("HTTP/1.1 404 Not Found".into(), "404 page not found\n".into())
    );
    // The server's own paths are untouched.
    let (status, body) = send(&server, "GET", "/info/api.json", "").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains(r#""Implements":[{"Name":"Group","Version":"0.1.0"}]"#), "{body}");
    let (status, body) = send(&server, "GET", "/", "").await;
    assert_eq!(
        (status.as_str(), body.as_str()),
        ("HTTP/1.1 405 Method Not Allowed", "rpc: POST method required, received GET")
    );
    server.shutdown().await;

    for reserved in ["/", "/info/api.json", "/events"] {
        let taken = ServerBuilder::new("taken").route(Method::GET, reserved, metrics).serve(dir.path()).await;
        assert!(matches!(&taken, Err(ServeError::ReservedRoute(p)) if p == reserved), "{reserved}");
    }
    assert!(!dir.path().join("taken").exists());
}

/// Reads SSE frames until `n` events (`data:` lines) have come; returns the comments and events seen.
async fn read_events(body: &mut hyper::body::Incoming, n: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut partial = String::new();
    while seen.iter().filter(|l: &&String| l.starts_with("data: ")).count() < n {
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame()).await.unwrap().unwrap().unwrap();
        partial.push_str(std::str::from_utf8(&frame.into_data().unwrap()).unwrap());
        while let Some(end) = partial.find("\n\n") {
            seen.push(partial.drain(..end + 2).collect::<String>().trim_end().to_string());
        }
    }
    seen
}

fn event_json(line: &str) -> serde_json::Value {
    serde_json::from_str(line.strip_prefix("data: ").unwrap()).unwrap()
}

#[tokio::test]
async fn an_added_topic_streams_what_is_published() {
    let dir = tempfile::tempdir().unwrap();
    let mut builder = ServerBuilder::new("publisher");
    let publisher = builder.topic("group/events");
    let server = builder.group(Arc::new(Recorder::default())).serve(dir.path()).await.unwrap();

    let resp = rpc(&server).get_stream("/events?topic=group/events").await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let mut body = resp.into_body();
    // The subscription is open once the first frame (a comment) arrived.
    let hello = tokio::time::timeout(Duration::from_secs(5), body.frame()).await.unwrap().unwrap().unwrap();
    assert_eq!(hello.into_data().unwrap(), ": subscribed to group/events\n\n");
    assert_eq!(publisher.subscribers(), 1);

    let data = Any::from_json(r#"{"Size":3}"#).unwrap();
    publisher.publish(Event { kind: "scaled".into(), data: Some(data) });
    publisher.publish(Event::change());
    let events = read_events(&mut body, 2).await;
    assert_eq!(
        event_json(&events[0]),
        serde_json::json!({"Topic": "group/events", "Type": "scaled", "ID": "1", "Data": {"Size": 3}})
    );
    assert_eq!(event_json(&events[1]), serde_json::json!({"Topic": "group/events", "Type": "change", "ID": "2"}));

    let other = rpc(&server).get_stream("/events?topic=group/nope").await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    drop(body);
    server.shutdown().await;
}

#[tokio::test]
async fn the_instance_changes_topic_keeps_its_form() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = Arc::new(Recorder::with_changes(2));
    let server = ServerBuilder::new("instance-fake").instance(plugin).serve(dir.path()).await.unwrap();
    // Each subscriber gets the plugin's own stream, numbered from 1; a trailing `/` is ignored.
    for path in ["/events?topic=instance/changes", "/events?topic=instance/changes/"] {
        let resp = rpc(&server).get_stream(path).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let mut body = resp.into_body();
        let seen = read_events(&mut body, 2).await;
        assert_eq!(seen[0], ": subscribed to instance/changes");
        for (i, line) in seen[1..].iter().enumerate() {
            let id = (i + 1).to_string();
            assert_eq!(event_json(line), serde_json::json!({"Topic": "instance/changes", "Type": "change", "ID": id}));
        }
    }
    server.shutdown().await;
}
