//! JSON-RPC 2.0 envelope handling: parse a request body, route `Service.Method`, encode the answer exactly as
//! gorilla/rpc's json2 codec does (all outcomes are HTTP 200; errors use code -32000 with the plugin's message).

use crate::iface::handshake::LEGACY_NAME;
use crate::services::{implemented, CallError, HandshakeService, Service};
use infrakit_spi::plugin::{versions, InterfaceSpec};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Code for errors returned by a plugin, and for unknown services and methods (as in Go).
pub const CODE_SERVER: i64 = -32000;
/// Code for a body that is not JSON.
pub const CODE_PARSE: i64 = -32700;
/// Code for a malformed envelope or params.
pub const CODE_INVALID_REQUEST: i64 = -32600;

#[derive(Deserialize)]
struct RawRequest<'a> {
    #[serde(borrow, default)]
    jsonrpc: Option<&'a RawValue>,
    #[serde(default)]
    method: Option<String>,
    #[serde(borrow, default)]
    params: Option<&'a RawValue>,
    #[serde(borrow, default)]
    id: Option<&'a RawValue>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: i64,
    message: &'a str,
    data: Option<&'a RawValue>,
}

#[derive(Serialize)]
struct Response<'a> {
    jsonrpc: &'static str,
    error: ErrorBody<'a>,
    id: Option<&'a RawValue>,
}

/// Routes requests to mounted services. Several services may serve one interface (an interface and its
/// extensions); a method goes to the most recently mounted one that has it.
pub struct Router {
    services: BTreeMap<String, Vec<Arc<dyn Service>>>,
    handshake: HandshakeService,
    order: Vec<Arc<dyn Service>>,
}

fn encode(resp: &Response<'_>) -> Vec<u8> {
    let mut out = infrakit_spi::gojson::to_vec(resp).unwrap_or_else(|_| {
        br#"{"jsonrpc":"2.0","error":{"code":-32000,"message":"cannot encode response","data":null},"id":null}"#
            .to_vec()
    });
    out.push(b'\n');
    out
}

/// The most of an error's `data` sent back (1 KiB): a request echoed in an error (as Go's json2 codec does for a
/// wrong `jsonrpc`) may be as large as the body limit, and must not come back whole.
pub const MAX_ERROR_DATA: usize = 1024;

/// The most of an error's `message` sent back (8 KiB): messages may quote what the caller sent (a method name, a
/// field), and a plugin's own error stays readable well within it.
pub const MAX_ERROR_MESSAGE: usize = 8 * 1024;

/// Encodes an error answer. `data` longer than [`MAX_ERROR_DATA`] becomes a JSON string holding its first bytes
/// and saying how long it was; a `message` longer than [`MAX_ERROR_MESSAGE`] is cut the same way.
pub fn error_response(code: i64, message: &str, data: Option<&RawValue>, id: Option<&RawValue>) -> Vec<u8> {
    let cut_data = data.filter(|d| d.get().len() > MAX_ERROR_DATA).and_then(|d| {
        let text = format!("{} ... (cut: {} bytes in all)", head(d.get(), MAX_ERROR_DATA), d.get().len());
        serde_json::value::to_raw_value(&text).ok()
    });
    let data = match &cut_data {
        Some(cut) => Some(cut.as_ref()),
        None => data.filter(|d| d.get().len() <= MAX_ERROR_DATA),
    };
    let cut_message;
    let message = if message.len() > MAX_ERROR_MESSAGE {
        cut_message = format!("{} ... (cut: {} bytes in all)", head(message, MAX_ERROR_MESSAGE), message.len());
        &cut_message
    } else {
        message
    };
    encode(&Response { jsonrpc: "2.0", error: ErrorBody { code, message, data }, id })
}

/// At most the first `max` bytes of `text`, ending on a character boundary.
fn head(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

impl Router {
    /// Mounts `services`; the handshake describes them in this order.
    pub fn new(services: Vec<Arc<dyn Service>>) -> Router {
        let handshake = HandshakeService::new(&services);
        let mut map: BTreeMap<String, Vec<Arc<dyn Service>>> = BTreeMap::new();
        for s in &services {
            map.entry(s.interface().name).or_default().push(s.clone());
        }
        Router { services: map, handshake, order: services }
    }

    /// The mounted services, in registration order.
    pub fn services(&self) -> &[Arc<dyn Service>] {
        &self.order
    }

    /// The interfaces implemented, each once, in registration order (extensions are not interfaces of their own).
    pub fn implements(&self) -> Vec<InterfaceSpec> {
        implemented(&self.order)
    }

    /// Every method of the interface `name`, its extensions' included, in registration order.
    pub fn methods_of(&self, name: &str) -> Vec<&'static str> {
        let services = self.services.get(name).map(Vec::as_slice).unwrap_or_default();
        let mut methods: Vec<&'static str> = Vec::new();
        for m in services.iter().flat_map(|s| s.methods().iter().copied()) {
            if !methods.contains(&m) {
                methods.push(m);
            }
        }
        methods
    }

    /// Handles one request body; `None` means a notification (no id), answered with an empty body.
    pub async fn handle(&self, body: &[u8]) -> Option<Vec<u8>> {
        let req: RawRequest<'_> = match serde_json::from_slice(body) {
            Ok(r) => r,
            Err(e) => return Some(error_response(CODE_PARSE, &format!("parse error: {e}"), None, None)),
        };
        let id = req.id.filter(|raw| raw.get() != "null");
        if id.is_some_and(|id| id.get().len() > MAX_ERROR_DATA) {
            let msg = format!("id longer than {MAX_ERROR_DATA} bytes: use a number or a short string");
            return Some(error_response(CODE_INVALID_REQUEST, &msg, None, None));
        }
        if req.jsonrpc.map(RawValue::get) != Some("\"2.0\"") {
            // Echoed raw, as Go's json2 codec does (a long one is cut into a string by `error_response`). A short
            // one serde_json cannot read back as a value (a number beyond f64's range, such as `2E848`: found by
            // fuzzing) is echoed as a string, or the answer would be unreadable to serde_json clients.
            let text = String::from_utf8_lossy(body).into_owned();
            let readable = body.len() > MAX_ERROR_DATA || serde_json::from_slice::<serde_json::Value>(body).is_ok();
            let echo =
                if readable { RawValue::from_string(text).ok() } else { serde_json::value::to_raw_value(&text).ok() };
            return Some(error_response(CODE_INVALID_REQUEST, "jsonrpc must be 2.0", echo.as_deref(), id));
        }
        let method = req.method.unwrap_or_default();
        let outcome = self.call(&method, req.params).await;
        let id = id?;
        Some(match outcome {
            // Completed by hand: the result is already Go JSON, and re-validating a large answer costs more than
            // the call itself.
            Ok(result) => result.into_answer(id.get()),
            Err((code, message, data)) => error_response(code, &message, data, Some(id)),
        })
    }

    async fn call<'a>(
        &self,
        method: &str,
        params: Option<&'a RawValue>,
    ) -> Result<crate::services::Encoded, (i64, String, Option<&'a RawValue>)> {
        let (service, name) = match method.split_once('.') {
            Some((s, m)) if !s.is_empty() && !m.is_empty() && !m.contains('.') => (s, m),
            _ => return Err((CODE_SERVER, format!("rpc: service/method request ill-formed: {method:?}"), None)),
        };
        let original = params;
        let params = unwrap_params(params);
        let params: &RawValue = match &params {
            Some(p) => p,
            None => empty_object(),
        };
        let outcome = if service == versions::HANDSHAKE_API.name || service == LEGACY_NAME {
            self.handshake.answer(name)
        } else {
            let Some(candidates) = self.services.get(service) else {
                return Err((CODE_SERVER, format!("rpc: can't find service {method:?}"), None));
            };
            match candidates.iter().rev().find(|s| s.methods().contains(&name)) {
                Some(svc) => svc.call(name, params).await,
                None => Err(CallError::MethodNotFound),
            }
        };
        outcome.map_err(|e| match e {
            CallError::MethodNotFound => (CODE_SERVER, format!("rpc: can't find method {method:?}"), None),
            CallError::InvalidParams(m) => (CODE_INVALID_REQUEST, m, original),
            CallError::Plugin(err) => (CODE_SERVER, err.to_string(), kind_data(&err)),
        })
    }
}

/// The JSON-RPC error's `data` for an error whose kind the other side must see (InfraKit v0.5 sends `null` and
/// ignores it): `{"Kind":"NotFound"}`, `{"Kind":"Unavailable"}` or `{"Kind":"Failed"}`, so "not found" means the
/// same remotely as in process, and a failure is never mistaken for one by its words.
fn kind_data(err: &infrakit_spi::Error) -> Option<&'static RawValue> {
    static NOT_FOUND: std::sync::OnceLock<Box<RawValue>> = std::sync::OnceLock::new();
    static UNAVAILABLE: std::sync::OnceLock<Box<RawValue>> = std::sync::OnceLock::new();
    static FAILED: std::sync::OnceLock<Box<RawValue>> = std::sync::OnceLock::new();
    let (cell, text) = match err {
        infrakit_spi::Error::NotFound(_) => (&NOT_FOUND, r#"{"Kind":"NotFound"}"#),
        infrakit_spi::Error::Unavailable(_) => (&UNAVAILABLE, r#"{"Kind":"Unavailable"}"#),
        infrakit_spi::Error::Failed(_) => (&FAILED, r#"{"Kind":"Failed"}"#),
        _ => return None,
    };
    Some(cell.get_or_init(|| RawValue::from_string(text.to_string()).unwrap_or_default()))
}

/// `params` may be absent, an object, or a one-element array holding the object.
fn unwrap_params(params: Option<&RawValue>) -> Option<Box<RawValue>> {
    let p = params?;
    if p.get() == "null" {
        return None;
    }
    if p.get().trim_start().starts_with('[') {
        let items: Vec<Box<RawValue>> = serde_json::from_str(p.get()).ok()?;
        return items.into_iter().next();
    }
    Some(p.to_owned())
}

fn empty_object() -> &'static RawValue {
    static EMPTY: std::sync::OnceLock<Box<RawValue>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| RawValue::from_string("{}".to_string()).unwrap_or_default())
}
