//! Accepting connections (UNIX socket, or TCP with mutual TLS) and serving HTTP/1.1 on each until the server stops.

use super::handle::{handle, Ctx};
use super::DRAIN;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

/// A listening socket.
pub(super) trait Listener: Send + 'static {
    /// A connection.
    type Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    /// The next connection.
    fn next(&self) -> impl Future<Output = std::io::Result<Self::Stream>> + Send;
}

impl Listener for UnixListener {
    type Stream = UnixStream;

    async fn next(&self) -> std::io::Result<UnixStream> {
        self.accept().await.map(|(stream, _)| stream)
    }
}

impl Listener for TcpListener {
    type Stream = TcpStream;

    async fn next(&self) -> std::io::Result<TcpStream> {
        let (stream, _) = self.accept().await?;
        let _ = stream.set_nodelay(true);
        Ok(stream)
    }
}

/// Serves every connection `listener` accepts until `stop`, then waits (at most [`DRAIN`]) for them to finish.
/// With `tls`, each connection must first complete a TLS handshake (with a client certificate the acceptor's
/// verifier trusts) within the header timeout; one that does not is closed without an answer.
pub(super) async fn accept<L: Listener>(
    listener: L,
    ctx: Arc<Ctx>,
    mut stop: watch::Receiver<bool>,
    tls: Option<TlsAcceptor>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.next() => match accepted {
                Ok(stream) => match &tls {
                    None => { conns.spawn(serve_conn(stream, ctx.clone(), stop.clone())); }
                    Some(acceptor) => { conns.spawn(serve_tls(acceptor.clone(), stream, ctx.clone(), stop.clone())); }
                },
                Err(e) => { tracing::warn!(error = %e, "accept failed"); tokio::time::sleep(Duration::from_millis(50)).await; }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = stop.changed() => break,
        }
    }
    let all = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN, all).await.is_err() {
        tracing::warn!("requests still running after {DRAIN:?}; closing their connections");
    }
}

/// The TLS handshake (done in the connection's own task, so a slow client holds up no one), then HTTP.
async fn serve_tls<S>(acceptor: TlsAcceptor, stream: S, ctx: Arc<Ctx>, stop: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    match tokio::time::timeout(ctx.limits.header_timeout, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => serve_conn(tls, ctx, stop).await,
        Ok(Err(e)) => tracing::info!(error = %e, "TLS connection refused"),
        Err(_) => tracing::info!("TLS handshake not completed within {:?}", ctx.limits.header_timeout),
    }
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
