//! One HTTP request: `POST /` is JSON-RPC, `GET /info/api.json` describes the plugin, `GET /events` streams a
//! topic; any other path goes to the added routes. Before any of that, a request with an untrusted `Origin` is
//! refused (403), and JSON-RPC needs `Content-Type: application/json` (415 otherwise, a missing header included):
//! together they keep a web page from driving a plugin through a browser, which can send neither without the
//! server's consent.

use super::Limits;
use crate::dispatch::{error_response, Router, CODE_INVALID_REQUEST};
use crate::events::{stream_response, Topics};
use crate::routes::{full, text, Body, Found, Routes};
use bytes::Bytes;
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use tokio::sync::watch;

/// What every connection of a server shares.
pub(super) struct Ctx {
    pub stop: watch::Receiver<bool>,
    pub topics: Topics,
    pub routes: Routes,
    pub router: Router,
    pub info: Bytes,
    pub limits: Limits,
    /// The `Origin` values answered (all others are refused).
    pub origins: Vec<String>,
}

/// Answers one request.
pub(super) async fn handle(req: Request<Incoming>, ctx: &Ctx) -> Response<Body> {
    if let Some(origin) = untrusted_origin(&req, &ctx.origins) {
        return text(
            StatusCode::FORBIDDEN,
            format!(
                "request refused: Origin {origin:?} is not trusted (a plugin answers requests without an Origin \
                 header, as every InfraKit client sends them, and only from origins it was told to trust)\n"
            ),
        );
    }
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/info/api.json") => json(ctx.info.clone(), false),
        (&Method::GET, "/events") => stream_response(req.uri().query().unwrap_or(""), &ctx.topics, ctx.stop.clone()),
        (_, "/") => rpc(req, ctx).await,
        (method, path) => match ctx.routes.find(method, path) {
            Found::Handler(h) => {
                let h = h.clone();
                let (parts, body) = req.into_parts();
                match read_body(body, &ctx.limits).await {
                    Ok(body) => h.handle(Request::from_parts(parts, body)).await,
                    Err(msg) => text(StatusCode::BAD_REQUEST, format!("{msg}\n")),
                }
            }
            Found::OtherMethod => text(StatusCode::METHOD_NOT_ALLOWED, format!("method {method} not allowed\n")),
            Found::Nothing => text(StatusCode::NOT_FOUND, "404 page not found\n".to_string()),
        },
    }
}

/// `POST /`: a JSON-RPC request, answered as gorilla/rpc's json2 codec does.
async fn rpc(req: Request<Incoming>, ctx: &Ctx) -> Response<Body> {
    if req.method() != Method::POST {
        return text(StatusCode::METHOD_NOT_ALLOWED, format!("rpc: POST method required, received {}", req.method()));
    }
    match content_type(&req) {
        ContentType::Json => {}
        ContentType::Missing => {
            return text(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "rpc: Content-Type: application/json required, and the request had no Content-Type".to_string(),
            )
        }
        ContentType::Other(ct) => {
            return text(StatusCode::UNSUPPORTED_MEDIA_TYPE, format!("rpc: unrecognized Content-Type: {ct}"))
        }
    }
    let body = match read_body(req.into_body(), &ctx.limits).await {
        Ok(body) => body,
        Err(msg) => return json(Bytes::from(error_response(CODE_INVALID_REQUEST, &msg, None, None)), true),
    };
    match ctx.router.handle(&body).await {
        Some(answer) => json(Bytes::from(answer), false),
        None => json(Bytes::new(), false),
    }
}

/// Reads a whole body within the limits; the error says which limit was hit.
async fn read_body(body: Incoming, limits: &Limits) -> Result<Bytes, String> {
    let limited = Limited::new(body, limits.max_body);
    match tokio::time::timeout(limits.body_timeout, limited.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            Err(format!("request body larger than {} bytes", limits.max_body))
        }
        Ok(Err(e)) => Err(format!("cannot read request body: {e}")),
        Err(_) => Err(format!("request body not received within {:?}", limits.body_timeout)),
    }
}

fn json(body: Bytes, close: bool) -> Response<Body> {
    let mut resp = Response::new(full(body));
    resp.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    if close {
        resp.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    }
    resp
}

/// What a request's `Content-Type` says.
enum ContentType {
    /// `application/json` (any case, parameters after `;` ignored), as Go's `http.Post(url, "application/json", ..)`.
    Json,
    /// No header.
    Missing,
    /// Anything else, as sent.
    Other(String),
}

fn content_type(req: &Request<Incoming>) -> ContentType {
    let Some(v) = req.headers().get(header::CONTENT_TYPE) else { return ContentType::Missing };
    let text = String::from_utf8_lossy(v.as_bytes());
    let media = text.split(';').next().unwrap_or("").trim();
    if media.eq_ignore_ascii_case("application/json") {
        ContentType::Json
    } else {
        ContentType::Other(text.chars().take(200).collect())
    }
}

/// The first `Origin` header of `req` that is not in `trusted`, if any (cut to 200 characters).
fn untrusted_origin(req: &Request<Incoming>, trusted: &[String]) -> Option<String> {
    req.headers()
        .get_all(header::ORIGIN)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()))
        .find(|o| !trusted.iter().any(|t| t == o))
        .map(|o| o.chars().take(200).collect())
}
