//! The JSON-RPC client: posts `{"jsonrpc","method","params","id"}` to `/` over a UNIX socket, TCP with mutual TLS
//! (`tls://` in a `.listen` file), or plain TCP (`tcp://`, only for InfraKit v0.5 plugins), reusing connections
//! (HTTP/1.1 keep-alive).

use crate::discovery::Endpoint;
use bytes::Bytes;
use http::{header, Request};
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use infrakit_spi::Error;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The largest response accepted (256 MiB).
pub const MAX_RESPONSE_BYTES: usize = 256 << 20;

/// Where the client connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A UNIX socket path.
    Unix(std::path::PathBuf),
    /// A plain TCP `host:port` (InfraKit v0.5's `tcp://`): unauthenticated, for Go plugins only; ours serve TCP
    /// with TLS alone.
    Tcp(String),
    /// A TCP `host:port` spoken with mutual TLS (`tls://`): the client presents its certificate and trusts only a
    /// server certificate for that host from the cluster CA ([`crate::tls`]).
    Tls(String),
}

impl Target {
    /// The target of a discovered endpoint.
    pub fn from_endpoint(e: &Endpoint) -> Result<Target, Error> {
        match e.protocol.as_str() {
            "unix" => Ok(Target::Unix(e.address.clone().into())),
            "tcp" => Ok(Target::Tcp(e.address.clone())),
            "tls" => Ok(Target::Tls(e.address.clone())),
            other => Err(Error::Unavailable(format!("plugin {}: unsupported protocol {other}", e.name))),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Unix(p) => write!(f, "unix://{}", p.display()),
            Target::Tcp(a) => write!(f, "tcp://{a}"),
            Target::Tls(a) => write!(f, "tls://{a}"),
        }
    }
}

#[derive(Serialize)]
struct Envelope<'a, P> {
    jsonrpc: &'static str,
    method: &'a str,
    params: &'a P,
    id: u64,
}

/// An answer decoded straight into the result's type, in one pass over the bytes: the common case, a result and no
/// error. Anything else (an error, a null result, a result that does not decode) goes through [`Answer`].
#[derive(Deserialize)]
struct TypedAnswer<'a, R> {
    /// Missing or `null`: `None` (serde's rule for `Option` fields).
    result: Option<R>,
    /// Likewise; a present error is never `Some("null")`.
    #[serde(borrow)]
    error: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    result: Option<Box<RawValue>>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

/// A JSON-RPC client for one plugin. Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct RpcClient {
    inner: Arc<Inner>,
}

struct Inner {
    name: String,
    target: Target,
    timeout: Duration,
    tls: Option<Arc<rustls::ClientConfig>>,
    pool: Mutex<Vec<SendRequest<Full<Bytes>>>>,
}

impl RpcClient {
    /// A client for the plugin `name` at `target`, with a 5-minute call timeout.
    pub fn new(name: impl Into<String>, target: Target) -> RpcClient {
        RpcClient::with_timeout(name, target, Duration::from_secs(300))
    }

    /// A client whose calls fail after `timeout`. A [`Target::Tls`] uses this node's identity
    /// ([`crate::tls::default_client_config`]).
    pub fn with_timeout(name: impl Into<String>, target: Target, timeout: Duration) -> RpcClient {
        RpcClient::build(name.into(), target, timeout, None)
    }

    /// A client of a [`Target::Tls`] plugin that uses `tls` (its certificate and trusted CA) rather than this
    /// node's default identity.
    pub fn with_tls(name: impl Into<String>, target: Target, tls: Arc<rustls::ClientConfig>) -> RpcClient {
        RpcClient::build(name.into(), target, Duration::from_secs(300), Some(tls))
    }

    fn build(name: String, target: Target, timeout: Duration, tls: Option<Arc<rustls::ClientConfig>>) -> RpcClient {
        RpcClient { inner: Arc::new(Inner { name, target, timeout, tls, pool: Mutex::new(Vec::new()) }) }
    }

    /// The plugin's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Where it connects.
    pub fn target(&self) -> &Target {
        &self.inner.target
    }

    fn unavailable(&self, what: impl std::fmt::Display) -> Error {
        Error::Unavailable(format!("plugin {} at {}: {what}", self.inner.name, self.inner.target))
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, Error> {
        // The connection task runs until the server or the last sender closes it.
        match &self.inner.target {
            Target::Unix(path) => {
                let stream = tokio::net::UnixStream::connect(path).await.map_err(|e| self.unavailable(e))?;
                let (sender, conn) = http1::handshake(TokioIo::new(stream)).await.map_err(|e| self.unavailable(e))?;
                tokio::spawn(conn);
                Ok(sender)
            }
            Target::Tcp(addr) => {
                let stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| self.unavailable(e))?;
                let _ = stream.set_nodelay(true);
                let (sender, conn) = http1::handshake(TokioIo::new(stream)).await.map_err(|e| self.unavailable(e))?;
                tokio::spawn(conn);
                Ok(sender)
            }
            Target::Tls(addr) => {
                let config = match &self.inner.tls {
                    Some(c) => c.clone(),
                    None => crate::tls::default_client_config()
                        .await
                        .map_err(|e| self.unavailable(format!("no TLS client identity: {e}")))?,
                };
                let name = crate::tls::server_name(addr).map_err(|e| self.unavailable(e))?;
                let stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| self.unavailable(e))?;
                let _ = stream.set_nodelay(true);
                let stream = tokio_rustls::TlsConnector::from(config)
                    .connect(name, stream)
                    .await
                    .map_err(|e| self.unavailable(format!("TLS handshake: {e}")))?;
                let (sender, conn) = http1::handshake(TokioIo::new(stream)).await.map_err(|e| self.unavailable(e))?;
                tokio::spawn(conn);
                Ok(sender)
            }
        }
    }

    fn pooled(&self) -> Option<SendRequest<Full<Bytes>>> {
        let mut pool = self.inner.pool.lock().ok()?;
        while let Some(s) = pool.pop() {
            if !s.is_closed() && s.is_ready() {
                return Some(s);
            }
        }
        None
    }

    fn give_back(&self, sender: SendRequest<Full<Bytes>>) {
        if let Ok(mut pool) = self.inner.pool.lock() {
            if pool.len() < 16 {
                pool.push(sender);
            }
        }
    }

    /// Opens a long-lived `GET` on its own connection (for `/events`); the caller reads the streaming body.
    pub async fn get_stream(&self, path_and_query: &str) -> Result<http::Response<hyper::body::Incoming>, Error> {
        let mut sender = self.connect().await?;
        let req = Request::get(path_and_query)
            .header(header::HOST, "infrakit")
            .header(header::ACCEPT, "text/event-stream")
            .body(Full::new(Bytes::new()))
            .map_err(|e| self.unavailable(e))?;
        sender.send_request(req).await.map_err(|e| self.unavailable(e))
    }

    /// Calls `method` with `params` and decodes the result.
    pub async fn call<P: Serialize, R: DeserializeOwned>(&self, method: &str, params: &P) -> Result<R, Error> {
        let id = rand::random::<u64>() >> 1;
        let body = infrakit_spi::gojson::to_vec(&Envelope { jsonrpc: "2.0", method, params, id })
            .map_err(|e| Error::invalid("params", e))?;
        let fut = self.round_trip(Bytes::from(body));
        let raw = match tokio::time::timeout(self.inner.timeout, fut).await {
            Ok(r) => r?,
            Err(_) => return Err(self.unavailable(format!("{method} timed out after {:?}", self.inner.timeout))),
        };
        // UTF-8 is checked once for the whole answer, not string by string.
        let typed = std::str::from_utf8(&raw).ok().and_then(|t| serde_json::from_str::<TypedAnswer<R>>(t).ok());
        if let Some(TypedAnswer { result: Some(result), error: None }) = typed {
            return Ok(result);
        }
        let answer: Answer = serde_json::from_slice(&raw)
            .map_err(|e| self.unavailable(format!("{method}: answer is not JSON-RPC: {e}")))?;
        if let Some(err) = answer.error.filter(|e| !e.is_null()) {
            let message = err.get("message").and_then(|m| m.as_str()).map(str::to_string).unwrap_or(err.to_string());
            // The kind travels in `data` between our plugins; InfraKit v0.5's carry only the message.
            return Err(match err.pointer("/data/Kind").and_then(|k| k.as_str()) {
                Some("NotFound") => Error::NotFound(message),
                Some("Unavailable") => Error::Unavailable(message),
                Some("Failed") => Error::Failed(message),
                _ => Error::Remote(message),
            });
        }
        let result =
            answer.result.filter(|r| r.get() != "null").ok_or_else(|| Error::Remote("result is null".into()))?;
        infrakit_spi::any::decode_named(result.get(), &format!("{method} result"))
    }

    async fn round_trip(&self, body: Bytes) -> Result<Bytes, Error> {
        // A pooled connection may have been closed by the server meanwhile: retry once on a fresh one.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let reused = self.pooled();
            let was_reused = reused.is_some();
            let mut sender = match reused {
                Some(s) => s,
                None => self.connect().await?,
            };
            let req = Request::post("/")
                .header(header::HOST, "infrakit")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Full::new(body.clone()))
                .map_err(|e| self.unavailable(e))?;
            let resp = match sender.try_send_request(req).await {
                Ok(r) => r,
                // Only a request that never left (the pooled connection had closed) is safe to send again:
                // a Provision that reached the plugin must not be repeated.
                Err(e) if was_reused && attempt == 1 && (e.message().is_some() || never_written(e.error())) => continue,
                Err(e) => return Err(self.unavailable(e.into_error())),
            };
            let status = resp.status();
            let collected = Limited::new(resp.into_body(), MAX_RESPONSE_BYTES)
                .collect()
                .await
                .map_err(|e| self.unavailable(format!("reading answer: {e}")))?
                .to_bytes();
            self.give_back(sender);
            if !status.is_success() {
                let text = String::from_utf8_lossy(&collected);
                return Err(self.unavailable(format!("HTTP {status}: {}", text.trim())));
            }
            return Ok(collected);
        }
    }
}

/// True when the request could not be written because the peer had already gone (a pooled connection to a plugin
/// that restarted): such a request was never processed, so sending it again cannot repeat it.
fn never_written(e: &hyper::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return matches!(io.kind(), std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::NotConnected);
        }
        source = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::TypedAnswer;

    fn typed(text: &str) -> Option<(Option<u32>, bool)> {
        serde_json::from_str::<TypedAnswer<u32>>(text).ok().map(|a| (a.result, a.error.is_some()))
    }

    /// The one-pass decode takes only a result with no error; everything else falls through to the full path.
    #[test]
    fn the_typed_answer_sees_missing_and_null_as_none() {
        assert_eq!(typed(r#"{"jsonrpc":"2.0","result":7,"id":1}"#), Some((Some(7), false)));
        assert_eq!(typed(r#"{"jsonrpc":"2.0","result":7,"error":null,"id":1}"#), Some((Some(7), false)));
        assert_eq!(typed(r#"{"jsonrpc":"2.0","result":null,"id":1}"#), Some((None, false)));
        assert_eq!(typed(r#"{"jsonrpc":"2.0","error":{"code":-32000,"message":"x"},"id":1}"#), Some((None, true)));
        assert_eq!(typed(r#"{"jsonrpc":"2.0","result":"seven","id":1}"#), None);
    }
}
