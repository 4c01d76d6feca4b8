//! The HTTP server of `--http`: `/` (the web view, its assets embedded), `/metrics`, `/events`, `/api/state` and
//! `POST /api/groups/<ID>/{pause,resume,rollback}` (with the page's CSRF token).
//!
//! On a loopback address it answers only requests whose `Host` is a loopback name, so a page of another site
//! cannot reach it by rebinding a name of its own to 127.0.0.1. A control needs the token only the page can read
//! (`X-CSRF-Token`), and an `Origin`, when sent, must be the server's own.

use crate::{addr, sse, view, Recorder, WebError};
use bytes::Bytes;
use http::{header, HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use infrakit_node::controller::Controller;
use infrakit_spi::group::{GroupControl, Id};
use infrakit_spi::manager::Manager;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

type Body = UnsyncBoxBody<Bytes, Infallible>;

const INDEX: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const ICON: &str = include_str!("../assets/icon.svg");

/// What the page may load and run: only what this server serves.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
                   base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A request's headers must arrive within this long.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// How often this replica's leadership is looked at (a change becomes an event).
const LEADERSHIP_POLL: Duration = Duration::from_millis(250);

/// A listening socket, before the controller it shows exists (so a bad `--http` fails before anything starts).
pub struct Bound {
    listener: TcpListener,
    addr: SocketAddr,
}

impl Bound {
    /// Listens on `given` (see [`addr::parse`]: loopback unless `allow_remote`).
    pub async fn bind(given: &str, allow_remote: bool) -> Result<Bound, WebError> {
        let wanted = addr::parse(given, allow_remote)?;
        let listener = TcpListener::bind(wanted).await.map_err(|source| WebError::Bind { addr: wanted, source })?;
        let addr = listener.local_addr().map_err(|source| WebError::Bind { addr: wanted, source })?;
        Ok(Bound { listener, addr })
    }

    /// The address listened on (with the port chosen when `:0` was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves `controller`, observed by `recorder`, until [`WebServer::stop`].
    pub fn serve(self, controller: Controller, recorder: Arc<Recorder>) -> WebServer {
        let (stop_tx, stop) = watch::channel(false);
        let app = Arc::new(App {
            controller,
            recorder,
            csrf: token(),
            loopback: self.addr.ip().is_loopback(),
            stop: stop.clone(),
        });
        let task = tokio::spawn(run(self.listener, app, stop));
        WebServer { addr: self.addr, stop: stop_tx, task }
    }
}

/// A running server.
pub struct WebServer {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl WebServer {
    /// The address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving: open connections (event streams too) are closed.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

struct App {
    controller: Controller,
    recorder: Arc<Recorder>,
    csrf: String,
    loopback: bool,
    stop: watch::Receiver<bool>,
}

/// A random token (128 bits, hex) for this server's lifetime.
fn token() -> String {
    (0..2).map(|_| format!("{:016x}", rand::random::<u64>())).collect()
}

async fn run(listener: TcpListener, app: Arc<App>, mut stop: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    connections.spawn(follow_leadership(app.clone()));
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let app = app.clone();
                    connections.spawn(async move {
                        let svc = service_fn(move |req| {
                            let app = app.clone();
                            async move { Ok::<_, Infallible>(handle(req, &app).await) }
                        });
                        let conn = http1::Builder::new()
                            .timer(TokioTimer::new())
                            .header_read_timeout(HEADER_TIMEOUT)
                            .serve_connection(TokioIo::new(stream), svc);
                        if let Err(e) = conn.await {
                            tracing::debug!(error = %e, "web connection ended");
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "web server cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            _ = crate::sse::stopped(&mut stop) => break,
        }
        while connections.try_join_next().is_some() {}
    }
    connections.shutdown().await;
}

/// Turns this replica's leadership changes into events and the `infrakit_leader` gauge.
async fn follow_leadership(app: Arc<App>) {
    let replica = &app.controller.replica;
    let name = match Manager::status(replica.as_ref()).await {
        Ok(s) => s.name,
        Err(_) => "this replica".to_string(),
    };
    loop {
        app.recorder.leadership(&name, &replica.leader_status());
        tokio::time::sleep(LEADERSHIP_POLL).await;
    }
}

fn reply(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response<Body> {
    let mut resp = Response::new(Full::new(body.into()).boxed_unsync());
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn text(status: StatusCode, body: String) -> Response<Body> {
    reply(status, "text/plain; charset=utf-8", body)
}

fn json(status: StatusCode, value: &serde_json::Value) -> Response<Body> {
    reply(status, "application/json", value.to_string())
}

fn page(content_type: &'static str, body: &'static str) -> Response<Body> {
    let mut resp = reply(StatusCode::OK, content_type, body);
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    resp
}

/// The value of `key` in a query string, percent-decoded.
fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == key).map(|(_, v)| percent_decode(v))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn handle(req: Request<Incoming>, app: &App) -> Response<Body> {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_string();
    if app.loopback && !addr::is_loopback_host(&host) {
        let why = format!(
            "this server listens on a loopback address and answers only loopback names (localhost, 127.0.0.1, \
             [::1]), not Host {host:?}"
        );
        return text(StatusCode::MISDIRECTED_REQUEST, why);
    }
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().to_string();
    match (req.method().clone(), path.as_str()) {
        (Method::GET, "/") | (Method::GET, "/index.html") => page("text/html; charset=utf-8", INDEX),
        (Method::GET, "/app.js") => page("text/javascript; charset=utf-8", APP_JS),
        (Method::GET, "/app.css") => page("text/css; charset=utf-8", APP_CSS),
        (Method::GET, "/icon.svg") | (Method::GET, "/favicon.ico") => page("image/svg+xml", ICON),
        (Method::GET, "/metrics") => {
            app.recorder.keep_groups(&app.controller.plugin.group_ids().await);
            reply(StatusCode::OK, crate::metrics::CONTENT_TYPE, app.recorder.metrics.encode())
        }
        (Method::GET, "/events") => {
            let last = req.headers().get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
            let after = last.or_else(|| query_value(&query, "after").and_then(|v| v.parse().ok()));
            // Without a position, a subscriber starts with what comes next.
            let after = after.unwrap_or_else(|| app.recorder.bus.latest(0).1);
            let group = query_value(&query, "group").filter(|g| !g.is_empty());
            let mut resp = Response::new(sse::body(&app.recorder.bus, after, group, app.stop.clone()));
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        (Method::GET, "/api/state") => {
            json(StatusCode::OK, &view::state(&app.controller, &app.recorder, &app.csrf).await)
        }
        (Method::POST, p) if p.starts_with("/api/groups/") => control(&req, p, &host, app).await,
        (_, "/" | "/index.html" | "/app.js" | "/app.css" | "/metrics" | "/events" | "/api/state") => {
            text(StatusCode::METHOD_NOT_ALLOWED, format!("{path} answers GET only\n"))
        }
        _ => text(StatusCode::NOT_FOUND, format!("no such page: {path}\n")),
    }
}

/// `POST /api/groups/<ID>/<pause|resume|rollback>`.
async fn control(req: &Request<Incoming>, path: &str, host: &str, app: &App) -> Response<Body> {
    let error = |status, message: String| json(status, &serde_json::json!({ "error": message }));
    let token = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !same(token.as_bytes(), app.csrf.as_bytes()) {
        return error(
            StatusCode::FORBIDDEN,
            "missing or wrong X-CSRF-Token: controls are sent from the web view (reload it for a new token)".into(),
        );
    }
    if let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        if origin != format!("http://{host}") {
            return error(StatusCode::FORBIDDEN, format!("Origin {origin} is not this server (http://{host})"));
        }
    }
    let rest = path.trim_start_matches("/api/groups/");
    let Some((id, verb)) = rest.rsplit_once('/') else {
        return error(StatusCode::NOT_FOUND, format!("no such control: {path}"));
    };
    let id = Id(percent_decode(id));
    let replica = app.controller.replica.as_ref();
    let done = match verb {
        "pause" => GroupControl::pause(replica, &id).await.map(|()| "paused"),
        "resume" => GroupControl::resume(replica, &id).await.map(|()| "resumed"),
        "rollback" => GroupControl::rollback(replica, &id).await.map(|()| "rolling back"),
        _ => return error(StatusCode::NOT_FOUND, format!("no such control {verb:?}: pause, resume or rollback")),
    };
    match done {
        Ok(what) => json(StatusCode::OK, &serde_json::json!({ "ok": format!("group {id}: {what}") })),
        Err(e) => error(StatusCode::CONFLICT, format!("group {id}: {e}")),
    }
}

/// Compares in time independent of where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_decoded() {
        assert_eq!(query_value("group=a%20b&after=3", "group").as_deref(), Some("a b"));
        assert_eq!(query_value("group=a%2", "group").as_deref(), Some("a%2"));
        assert_eq!(query_value("after=3", "group"), None);
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"ab", b"abc"));
    }
}
