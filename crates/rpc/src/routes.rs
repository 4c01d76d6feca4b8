//! Routes beside JSON-RPC: a handler per method and path (for `/metrics`, a web view…), added with
//! [`ServerBuilder::route`](crate::ServerBuilder::route). The server's own paths (`/`, `/info/api.json`,
//! `/events`) cannot be taken.

use bytes::Bytes;
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A response body, whole or streamed.
pub type Body = UnsyncBoxBody<Bytes, Infallible>;

/// What a handler answers, eventually.
pub type Reply = Pin<Box<dyn Future<Output = Response<Body>> + Send>>;

/// The paths the server answers itself.
pub const RESERVED: &[&str] = &["/", "/info/api.json", "/events"];

/// Answers the requests of one route. Any `Fn(Request<Bytes>) -> impl Future<Output = Response<Body>>` is one.
pub trait Handler: Send + Sync + 'static {
    /// Answers `request`, whose body has been read whole (within the server's limits).
    fn handle(&self, request: Request<Bytes>) -> Reply;
}

impl<F, Fut> Handler for F
where
    F: Fn(Request<Bytes>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<Body>> + Send + 'static,
{
    fn handle(&self, request: Request<Bytes>) -> Reply {
        Box::pin(self(request))
    }
}

/// A whole body.
pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed_unsync()
}

/// A `text/plain` response.
pub fn text(status: StatusCode, body: String) -> Response<Body> {
    let mut resp = Response::new(full(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/plain; charset=utf-8"));
    resp
}

/// What a lookup of a method and path found.
pub(crate) enum Found<'a> {
    /// The route's handler.
    Handler(&'a Arc<dyn Handler>),
    /// The path is routed, for other methods.
    OtherMethod,
    /// No route has the path.
    Nothing,
}

/// The added routes.
#[derive(Default, Clone)]
pub(crate) struct Routes(Vec<(Method, String, Arc<dyn Handler>)>);

impl Routes {
    /// Adds (or replaces) the handler of `method` on `path`.
    pub fn add(&mut self, method: Method, path: String, handler: Arc<dyn Handler>) {
        self.0.retain(|(m, p, _)| !(*m == method && *p == path));
        self.0.push((method, path, handler));
    }

    /// The first path taken by the server itself, if any.
    pub fn reserved(&self) -> Option<&str> {
        self.0.iter().map(|(_, p, _)| p.as_str()).find(|p| RESERVED.contains(p))
    }

    /// The handler of `method` on `path`.
    pub fn find(&self, method: &Method, path: &str) -> Found<'_> {
        let mut on_path = self.0.iter().filter(|(_, p, _)| p == path).peekable();
        if on_path.peek().is_none() {
            return Found::Nothing;
        }
        match on_path.find(|(m, _, _)| m == method) {
            Some((_, _, h)) => Found::Handler(h),
            None => Found::OtherMethod,
        }
    }
}
