//! The plugin server: HTTP/1.1 on a UNIX socket (and optionally TCP, with mutual TLS only): `POST /` for JSON-RPC,
//! `GET /info/api.json`, `GET /events?topic=<t>` for event topics, and any routes added with
//! [`ServerBuilder::route`].
//!
//! Every listener answers JSON-RPC only as a `POST` with `Content-Type: application/json` (what InfraKit v0.5's Go
//! client sends), and refuses any request carrying an `Origin` header that was not trusted with
//! [`ServerBuilder::trust_origin`]: a web page cannot drive a plugin through a browser.
//!
//! Start-up writes `<dir>/<name>` (the socket, mode 0600) and `<dir>/<name>.pid`; a socket left behind by a crashed
//! plugin is detected (nobody answers on it) and replaced; shutting down removes both files.

mod accept;
mod error;
mod handle;
mod socket;

pub use crate::iface::instance::CHANGES_TOPIC as INSTANCE_CHANGES_TOPIC;
pub use error::ServeError;

use crate::discovery;
use crate::dispatch::Router;
use crate::events::{Publisher, Source, Topics};
use crate::iface::instance::ChangesSource;
use crate::info;
use crate::routes::{Handler, Routes};
use crate::services::{
    FlavorQuorumService, FlavorService, GroupService, InstanceService, MetadataService, Objects, Service,
};
use error::io_err;
use socket::Files;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long a stopping server waits for requests in flight.
pub const DRAIN: Duration = Duration::from_secs(10);

/// The largest request body accepted (16 MiB).
pub const MAX_REQUEST_BYTES: usize = 16 << 20;

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

/// A TCP listener: where it binds, and the mutual-TLS configuration it requires of every client (for example
/// from [`crate::tls::TlsFiles::server_config`]).
#[derive(Clone)]
pub struct TcpListen {
    /// `host:port` to bind, such as `127.0.0.1:24864`, `10.0.0.1:24864` or `0.0.0.0:24864`.
    pub addr: String,
    /// The server's certificate and the CA its clients' certificates must chain to.
    pub tls: Arc<rustls::ServerConfig>,
}

/// A plugin server being configured.
pub struct ServerBuilder {
    name: String,
    services: Vec<Arc<dyn Service>>,
    topics: Topics,
    routes: Routes,
    limits: Limits,
    tcp: Option<TcpListen>,
    origins: Vec<String>,
}

impl ServerBuilder {
    /// A server for the plugin called `name` (the socket's file name).
    pub fn new(name: impl Into<String>) -> ServerBuilder {
        ServerBuilder {
            name: name.into(),
            services: Vec::new(),
            topics: Topics::default(),
            routes: Routes::default(),
            limits: Limits::default(),
            tcp: None,
            origins: Vec::new(),
        }
    }

    /// Mounts a service; the handshake lists services in mount order.
    pub fn service(mut self, service: Arc<dyn Service>) -> ServerBuilder {
        self.services.push(service);
        self
    }

    /// Mounts an instance plugin as the default (untyped) object; its pushed changes are the
    /// [`INSTANCE_CHANGES_TOPIC`] topic.
    pub fn instance(self, plugin: Arc<dyn infrakit_spi::instance::Instance>) -> ServerBuilder {
        self.events(INSTANCE_CHANGES_TOPIC, Arc::new(ChangesSource(plugin.clone())))
            .service(Arc::new(InstanceService::new([(String::new(), plugin)].into())))
    }

    /// Mounts instance plugins keyed by sub-type (`""` for the default object; InfraKit v0.5's typed plugins, e.g.
    /// `instance-aws/ec2-instance`); the default object's pushed changes (else the first's) are the
    /// [`INSTANCE_CHANGES_TOPIC`] topic.
    pub fn instances(
        self,
        objects: std::collections::BTreeMap<String, Arc<dyn infrakit_spi::instance::Instance>>,
    ) -> ServerBuilder {
        let Some(first) = objects.get("").or_else(|| objects.values().next()).cloned() else { return self };
        self.events(INSTANCE_CHANGES_TOPIC, Arc::new(ChangesSource(first)))
            .service(Arc::new(InstanceService::new(objects)))
    }

    /// Mounts a flavor plugin as the default (untyped) object, with its extension method `Flavor.Quorum`.
    pub fn flavor(self, plugin: Arc<dyn infrakit_spi::flavor::Flavor>) -> ServerBuilder {
        self.service(Arc::new(FlavorService::new([(String::new(), plugin.clone())].into())))
            .service(Arc::new(FlavorQuorumService(Objects::new([(String::new(), plugin)].into()))))
    }

    /// Mounts a group plugin.
    pub fn group(self, plugin: Arc<dyn infrakit_spi::group::Group>) -> ServerBuilder {
        self.service(Arc::new(GroupService(plugin)))
    }

    /// Mounts a metadata plugin as the default (untyped) object.
    pub fn metadata(self, plugin: Arc<dyn infrakit_spi::metadata::Metadata>) -> ServerBuilder {
        self.service(Arc::new(MetadataService::new([(String::new(), plugin)].into())))
    }

    /// Serves the event topic `topic` (without a trailing `/`) from `source`, replacing any earlier source of it.
    pub fn events(mut self, topic: impl Into<String>, source: Arc<dyn Source>) -> ServerBuilder {
        self.topics.add(topic.into(), source);
        self
    }

    /// Serves the event topic `topic` and returns its publishing end: what is published reaches every subscriber
    /// of `/events?topic=<topic>`.
    pub fn topic(&mut self, topic: impl Into<String>) -> Publisher {
        let publisher = Publisher::new();
        self.topics.add(topic.into(), Arc::new(publisher.clone()));
        publisher
    }

    /// Answers `method` on `path` with `handler` (for `/metrics`, a web view…). The server's own paths (`/`,
    /// `/info/api.json`, `/events`) cannot be routed: [`serve`](Self::serve) then fails.
    pub fn route(mut self, method: http::Method, path: impl Into<String>, handler: impl Handler) -> ServerBuilder {
        self.routes.add(method, path.into(), Arc::new(handler));
        self
    }

    /// Overrides the limits (they apply to routed requests too).
    pub fn limits(mut self, limits: Limits) -> ServerBuilder {
        self.limits = limits;
        self
    }

    /// Also listens on TCP with mutual TLS, announced as `tls://<host:port>` in `<name>.listen` (a wildcard address
    /// announced as loopback). A client without a certificate from the configured CA gets no answer at all.
    pub fn listen_tls(mut self, listen: TcpListen) -> ServerBuilder {
        self.tcp = Some(listen);
        self
    }

    /// Answers requests whose `Origin` header is exactly `origin` (such as `https://console.example:8443`);
    /// requests with any other `Origin` are refused with HTTP 403, and requests without one are answered.
    pub fn trust_origin(mut self, origin: impl Into<String>) -> ServerBuilder {
        self.origins.push(origin.into());
        self
    }

    /// Binds `<dir>/<name>` and starts serving in the background.
    pub async fn serve(self, dir: &Path) -> Result<Server, ServeError> {
        if self.name.is_empty() || self.name.contains('/') {
            return Err(ServeError::BadName(self.name));
        }
        if let Some(path) = self.routes.reserved() {
            return Err(ServeError::ReservedRoute(path.to_string()));
        }
        discovery::ensure_dir(dir).map_err(io_err(dir))?;
        let files = Files::new(dir, &self.name);
        let listener = socket::bind(dir, &self.name, &files).await?;
        let cleanup = |e: ServeError| {
            files.remove();
            e
        };

        let router = Router::new(self.services);
        let info = info::api_json(&router).into();
        let (stop_tx, stop_rx) = watch::channel(false);
        let ctx = Arc::new(handle::Ctx {
            stop: stop_rx.clone(),
            topics: self.topics,
            routes: self.routes,
            router,
            info,
            limits: self.limits,
            origins: self.origins,
        });
        let mut tasks = Vec::new();
        let mut tcp_addr = None;
        if let Some(TcpListen { addr, tls }) = self.tcp {
            let tcp = TcpListener::bind(&addr).await.map_err(io_err(Path::new(&addr))).map_err(cleanup)?;
            let local = tcp.local_addr().map_err(io_err(Path::new(&addr))).map_err(cleanup)?;
            if !local.ip().is_loopback() {
                tracing::warn!(plugin = %self.name, address = %local,
                    "listening on a non-loopback address: every host that reaches it and holds a certificate \
                     from the cluster CA can drive this plugin");
            }
            files.write_listen(&format!("tls://{}", announced(local))).map_err(cleanup)?;
            tcp_addr = Some(local);
            let acceptor = tokio_rustls::TlsAcceptor::from(tls);
            tasks.push(tokio::spawn(accept::accept(tcp, ctx.clone(), stop_rx.clone(), Some(acceptor))));
        }
        tasks.push(tokio::spawn(accept::accept(listener, ctx, stop_rx, None)));
        tracing::info!(plugin = %self.name, socket = %files.socket.display(), "plugin listening");
        Ok(Server { name: self.name, files, tcp_addr, stop: stop_tx, tasks })
    }
}

/// The address a `.listen` file announces for a listener bound at `local`: a wildcard address is reached locally
/// through loopback.
fn announced(local: std::net::SocketAddr) -> std::net::SocketAddr {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    match local.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, local.port()).into(),
        IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, local.port()).into(),
        _ => local,
    }
}

/// A running plugin server. Dropping it stops accepting and removes its files.
pub struct Server {
    name: String,
    files: Files,
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
        &self.files.socket
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
        self.files.remove();
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
