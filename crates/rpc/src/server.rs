//! The plugin server: HTTP/1.1 on a UNIX socket (and optionally TCP), `POST /` for JSON-RPC, `GET /info/api.json`.
//!
//! Start-up writes `<dir>/<name>` (the socket, mode 0600) and `<dir>/<name>.pid`; a socket left behind by a crashed
//! plugin is detected (nobody answers on it) and replaced; shutting down removes both files.

use crate::discovery;
use crate::dispatch::{error_response, Router, CODE_INVALID_REQUEST};
use crate::info;
use crate::services::{FlavorService, GroupService, InstanceService, MetadataService, Service};
use bytes::Bytes;
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::Frame;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The event topic on which an instance plugin pushes "instances may have changed".
pub const INSTANCE_CHANGES_TOPIC: &str = "instance/changes";

/// How long a stopping server waits for requests in flight.
pub const DRAIN: Duration = Duration::from_secs(10);

/// The largest request body accepted (16 MiB).
pub const MAX_REQUEST_BYTES: usize = 16 << 20;

/// Errors when starting a server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Another live plugin already answers on the socket.
    #[error("plugin {name} is already running: {path} answers connections")]
    AlreadyRunning {
        /// The plugin name.
        name: String,
        /// The socket path.
        path: PathBuf,
    },
    /// The plugins directory or a file in it could not be used.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The plugin name cannot be used as a file name.
    #[error("invalid plugin name {0:?}: it must be non-empty and contain no '/'")]
    BadName(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ServeError + '_ {
    move |source| ServeError::Io { path: path.to_path_buf(), source }
}

/// Limits that protect a server from slow or hostile clients.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body.
    pub max_body: usize,
    /// How long a client may take to send its headers.
    pub header_timeout: Duration,
    /// How long a client may take to send its body.
    pub body_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: MAX_REQUEST_BYTES,
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
        }
    }
}

/// A plugin server being configured.
pub struct ServerBuilder {
    events: Vec<(String, Arc<dyn infrakit_spi::instance::Instance>)>,
    name: String,
    services: Vec<Arc<dyn Service>>,
    limits: Limits,
    tcp: Option<String>,
}

impl ServerBuilder {
    /// A server for the plugin called `name` (the socket's file name).
    pub fn new(name: impl Into<String>) -> ServerBuilder {
        ServerBuilder {
            events: Vec::new(),
            name: name.into(),
            services: Vec::new(),
            limits: Limits::default(),
            tcp: None,
        }
    }

    /// Mounts a service; the handshake lists services in mount order.
    pub fn service(mut self, service: Arc<dyn Service>) -> ServerBuilder {
        self.services.push(service);
        self
    }

    /// Mounts an instance plugin as the default (untyped) object.
    pub fn instance(mut self, plugin: Arc<dyn infrakit_spi::instance::Instance>) -> ServerBuilder {
        self.events.push((INSTANCE_CHANGES_TOPIC.to_string(), plugin.clone()));
        self.service(Arc::new(InstanceService::new([(String::new(), plugin)].into())))
    }

    /// Mounts a flavor plugin as the default (untyped) object.
    pub fn flavor(self, plugin: Arc<dyn infrakit_spi::flavor::Flavor>) -> ServerBuilder {
        self.service(Arc::new(FlavorService::new([(String::new(), plugin)].into())))
    }

    /// Mounts a group plugin.
    pub fn group(self, plugin: Arc<dyn infrakit_spi::group::Group>) -> ServerBuilder {
        self.service(Arc::new(GroupService(plugin)))
    }

    /// Mounts a metadata plugin as the default (untyped) object.
    pub fn metadata(self, plugin: Arc<dyn infrakit_spi::metadata::Metadata>) -> ServerBuilder {
        self.service(Arc::new(MetadataService::new([(String::new(), plugin)].into())))
    }

    /// Overrides the limits.
    pub fn limits(mut self, limits: Limits) -> ServerBuilder {
        self.limits = limits;
        self
    }

    /// Also listens on TCP at `addr` (for example `127.0.0.1:24864`), announced in `<name>.listen`.
    pub fn listen_tcp(mut self, addr: impl Into<String>) -> ServerBuilder {
        self.tcp = Some(addr.into());
        self
    }

    /// Binds `<dir>/<name>` and starts serving in the background.
    pub async fn serve(self, dir: &Path) -> Result<Server, ServeError> {
        if self.name.is_empty() || self.name.contains('/') {
            return Err(ServeError::BadName(self.name));
        }
        discovery::ensure_dir(dir).map_err(io_err(dir))?;
        let socket = dir.join(&self.name);
        let pid_file = dir.join(format!("{}.pid", self.name));
        let listen_file = dir.join(format!("{}.listen", self.name));
        remove_stale_socket(&self.name, &socket).await?;
        // Files a crashed run left beside its socket would make discovery list a dead endpoint.
        let _ = std::fs::remove_file(&listen_file);
        // Bind under a private name, restrict it to the owner, then move it into place: the socket is never
        // reachable with wider permissions, whatever the umask.
        let tmp = dir.join(format!(".{}.{}.sock", self.name, std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let listener = UnixListener::bind(&tmp).map_err(io_err(&tmp))?;
        let placed = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
            .and_then(|()| std::fs::rename(&tmp, &socket))
            .and_then(|()| std::fs::write(&pid_file, std::process::id().to_string()));
        if let Err(e) = placed {
            for f in [&tmp, &socket, &pid_file] {
                let _ = std::fs::remove_file(f);
            }
            return Err(io_err(&socket)(e));
        }
        let cleanup = |e: ServeError| {
            for f in [&socket, &pid_file, &listen_file] {
                let _ = std::fs::remove_file(f);
            }
            e
        };

        let router = Arc::new(Router::new(self.services));
        let info = Arc::new(info::api_json(&router));
        let (stop_tx, stop_rx) = watch::channel(false);
        let ctx = Arc::new(Ctx { stop: stop_rx.clone(), events: self.events, router, info, limits: self.limits });
        let mut tasks = Vec::new();
        let mut tcp_addr = None;
        if let Some(addr) = self.tcp {
            let tcp = TcpListener::bind(&addr).await.map_err(io_err(Path::new(&addr))).map_err(cleanup)?;
            let local = tcp.local_addr().map_err(io_err(Path::new(&addr))).map_err(cleanup)?;
            std::fs::write(&listen_file, format!("tcp://{local}")).map_err(io_err(&listen_file)).map_err(cleanup)?;
            tcp_addr = Some(local);
            tasks.push(tokio::spawn(accept_tcp(tcp, ctx.clone(), stop_rx.clone())));
        }
        tasks.push(tokio::spawn(accept_unix(listener, ctx, stop_rx)));
        tracing::info!(plugin = %self.name, socket = %socket.display(), "plugin listening");
        Ok(Server { name: self.name, socket, pid_file, listen_file, tcp_addr, stop: stop_tx, tasks })
    }
}

/// A running plugin server. Dropping it stops accepting and removes its files.
pub struct Server {
    name: String,
    socket: PathBuf,
    pid_file: PathBuf,
    listen_file: PathBuf,
    tcp_addr: Option<std::net::SocketAddr>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Server {
    /// The plugin's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The socket path.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The TCP address, when listening on TCP.
    pub fn tcp_addr(&self) -> Option<std::net::SocketAddr> {
        self.tcp_addr
    }

    /// Stops accepting connections and removes the socket, PID and listen files.
    pub async fn shutdown(mut self) {
        self.stop_now();
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
    }

    fn stop_now(&mut self) {
        let _ = self.stop.send(true);
        for f in [&self.socket, &self.pid_file, &self.listen_file] {
            let _ = std::fs::remove_file(f);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !*self.stop.borrow() {
            self.stop_now();
        }
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// A socket file that nobody answers on was left by a crash: remove it. One that answers belongs to a live plugin.
async fn remove_stale_socket(name: &str, socket: &Path) -> Result<(), ServeError> {
    let meta = match std::fs::symlink_metadata(socket) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(socket)(e)),
    };
    use std::os::unix::fs::FileTypeExt;
    if !meta.file_type().is_socket() {
        return Err(io_err(socket)(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "exists and is not a socket; refusing to replace it",
        )));
    }
    // Only a refused connection proves nobody listens; a slow or busy listener is a live plugin.
    match tokio::time::timeout(Duration::from_secs(2), tokio::net::UnixStream::connect(socket)).await {
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
        Ok(Err(e)) => return Err(io_err(socket)(e)),
        _ => return Err(ServeError::AlreadyRunning { name: name.to_string(), path: socket.to_path_buf() }),
    }
    tracing::warn!(socket = %socket.display(), "removing stale socket left by a previous run");
    std::fs::remove_file(socket).map_err(io_err(socket))
}

struct Ctx {
    stop: watch::Receiver<bool>,
    events: Vec<(String, Arc<dyn infrakit_spi::instance::Instance>)>,
    router: Arc<Router>,
    info: Arc<Vec<u8>>,
    limits: Limits,
}

async fn accept_unix(listener: UnixListener, ctx: Arc<Ctx>, mut stop: watch::Receiver<bool>) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => { conns.spawn(serve_conn(stream, ctx.clone(), stop.clone())); }
                Err(e) => { tracing::warn!(error = %e, "accept failed"); tokio::time::sleep(Duration::from_millis(50)).await; }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = stop.changed() => break,
        }
    }
    drain(conns).await;
}

/// Waits (at most [`DRAIN`]) for connections to finish their requests.
async fn drain(mut conns: tokio::task::JoinSet<()>) {
    let all = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN, all).await.is_err() {
        tracing::warn!("requests still running after {DRAIN:?}; closing their connections");
    }
}

async fn accept_tcp(listener: TcpListener, ctx: Arc<Ctx>, mut stop: watch::Receiver<bool>) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => { let _ = stream.set_nodelay(true); conns.spawn(serve_conn(stream, ctx.clone(), stop.clone())); }
                Err(e) => { tracing::warn!(error = %e, "accept failed"); tokio::time::sleep(Duration::from_millis(50)).await; }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = stop.changed() => break,
        }
    }
    drain(conns).await;
}

async fn serve_conn<S>(stream: S, ctx: Arc<Ctx>, mut stop: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let header_timeout = ctx.limits.header_timeout;
    let svc = service_fn(move |req| {
        let ctx = ctx.clone();
        async move { Ok::<_, std::convert::Infallible>(handle(req, &ctx).await) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(stream), svc);
    tokio::pin!(conn);
    tokio::select! {
        res = conn.as_mut() => if let Err(e) = res { tracing::debug!(error = %e, "connection ended") },
        _ = stop.changed() => {
            // Finish the request in flight (idle keep-alive connections close at once), then close.
            conn.as_mut().graceful_shutdown();
            if let Err(e) = conn.as_mut().await {
                tracing::debug!(error = %e, "connection ended during shutdown");
            }
        }
    }
}

type Body = UnsyncBoxBody<Bytes, std::convert::Infallible>;

fn plain(status: StatusCode, text: String) -> Response<Body> {
    let mut resp = Response::new(Full::new(Bytes::from(text)).boxed_unsync());
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/plain; charset=utf-8"));
    resp
}

fn json(body: Vec<u8>, close: bool) -> Response<Body> {
    let mut resp = Response::new(Full::new(Bytes::from(body)).boxed_unsync());
    resp.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    if close {
        resp.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    }
    resp
}

fn content_type_ok(req: &Request<Incoming>) -> Result<(), String> {
    match req.headers().get(header::CONTENT_TYPE) {
        None => Ok(()),
        Some(v) => {
            let text = v.to_str().unwrap_or("");
            let media = text.split(';').next().unwrap_or("").trim();
            if media.eq_ignore_ascii_case("application/json") {
                Ok(())
            } else {
                Err(text.to_string())
            }
        }
    }
}

async fn handle(req: Request<Incoming>, ctx: &Ctx) -> Response<Body> {
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/info/api.json") => return json(ctx.info.as_ref().clone(), false),
        (&Method::GET, "/events") => return events(req.uri().query().unwrap_or(""), ctx, ctx.stop.clone()),
        (_, "/") => {}
        _ => return plain(StatusCode::NOT_FOUND, "404 page not found\n".to_string()),
    }
    if req.method() != Method::POST {
        return plain(StatusCode::METHOD_NOT_ALLOWED, format!("rpc: POST method required, received {}", req.method()));
    }
    if let Err(ct) = content_type_ok(&req) {
        return plain(StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("rpc: unrecognized Content-Type: {ct}"));
    }
    let limited = Limited::new(req.into_body(), ctx.limits.max_body);
    let body = match tokio::time::timeout(ctx.limits.body_timeout, limited.collect()).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) => {
            let msg = if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                format!("request body larger than {} bytes", ctx.limits.max_body)
            } else {
                format!("cannot read request body: {e}")
            };
            return json(error_response(CODE_INVALID_REQUEST, &msg, None, None), true);
        }
        Err(_) => {
            let msg = format!("request body not received within {:?}", ctx.limits.body_timeout);
            return json(error_response(CODE_INVALID_REQUEST, &msg, None, None), true);
        }
    };
    match ctx.router.handle(&body).await {
        Some(answer) => json(answer, false),
        None => json(Vec::new(), false),
    }
}

/// `GET /events?topic=<t>`: Server-Sent Events, one `data: <event JSON>` per change, as InfraKit v0.5's event API.
fn events(query: &str, ctx: &Ctx, stop: watch::Receiver<bool>) -> Response<Body> {
    let topic = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "topic")
        .map(|(_, v)| v.trim_end_matches('/').to_string())
        .unwrap_or_default();
    let Some((_, plugin)) = ctx.events.iter().find(|(t, _)| *t == topic) else {
        return plain(StatusCode::NOT_FOUND, format!("no event topic {topic:?}\n"));
    };
    let Some(changes) = plugin.changes() else {
        return plain(StatusCode::NOT_FOUND, format!("this plugin publishes no {topic:?} events\n"));
    };
    let mut seq = 0u64;
    let topic_for_stream = topic.clone();
    let frames = tokio_stream::StreamExt::map(changes, move |()| {
        seq += 1;
        let event = serde_json::json!({"Topic": topic_for_stream, "Type": "change", "ID": seq.to_string()});
        Ok::<_, std::convert::Infallible>(Frame::data(Bytes::from(format!("data: {event}\n\n"))))
    });
    // A first comment line tells the client the stream is open.
    let hello = tokio_stream::once(Ok(Frame::data(Bytes::from(format!(": subscribed to {topic}\n\n")))));
    let frames =
        UntilStopped { inner: Box::pin(tokio_stream::StreamExt::chain(hello, frames)), stop: Box::pin(stopped(stop)) };
    let body = StreamBody::new(frames);
    let mut resp = Response::new(BodyExt::boxed_unsync(body));
    resp.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/event-stream"));
    resp.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
    resp
}

async fn stopped(mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        if stop.changed().await.is_err() {
            return;
        }
    }
}

type FrameStream =
    std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<Frame<Bytes>, std::convert::Infallible>> + Send>>;

/// An event stream that ends when the server stops, so a stopping server is not held open by subscribers.
struct UntilStopped {
    inner: FrameStream,
    stop: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
}

impl tokio_stream::Stream for UntilStopped {
    type Item = Result<Frame<Bytes>, std::convert::Infallible>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if self.stop.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(None);
        }
        self.inner.as_mut().poll_next(cx)
    }
}
