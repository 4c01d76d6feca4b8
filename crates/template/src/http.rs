//! Fetching `http://` (and, with the cargo feature `https`, `https://`) template sources: a blocking GET through
//! `ureq` (a render blocks; flavors render Init templates on tokio's blocking pool), redirects followed, the body
//! size and the time bounded.
//! `https://` trusts the system's root certificates (`SSL_CERT_FILE` and `SSL_CERT_DIR` honoured), with rustls.

use std::sync::OnceLock;
use std::time::Duration;

use crate::url::Url;

const TIMEOUT: Duration = Duration::from_secs(30);
const MAX_BODY: u64 = 64 << 20;
const MAX_REDIRECTS: u32 = 10;

/// GETs `url`, following redirects; any final status but 200 is an error.
pub(crate) fn get(url: &Url, headers: &[(String, String)]) -> Result<String, String> {
    if url.scheme() == "https" && !cfg!(feature = "https") {
        return Err("https is not supported in this build (build with --features https); use http:// or file://".into());
    }
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(format!("unsupported url:{url}"));
    }
    let mut request = agent().get(url.to_string());
    for (k, v) in headers {
        if k.contains(['\r', '\n', ':']) || v.contains(['\r', '\n']) {
            return Err(format!("invalid header {k:?}"));
        }
        request = request.header(k.as_str(), v.as_str());
    }
    let mut response = request.call().map_err(|e| match e {
        ureq::Error::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
        other => other.to_string(),
    })?;
    let status = response.status();
    if status != ureq::http::StatusCode::OK {
        return Err(format!("HTTP status {} {}", status.as_u16(), status.canonical_reason().unwrap_or("")));
    }
    let body = response.body_mut().with_config().limit(MAX_BODY).read_to_vec().map_err(|e| e.to_string())?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// One agent for the process: connections are reused between fetches.
fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .max_redirects(MAX_REDIRECTS)
            .http_status_as_error(false);
        #[cfg(feature = "https")]
        let config = config.tls_config(tls());
        config.build().into()
    })
}

/// TLS that trusts the system's root certificates, with ring.
#[cfg(feature = "https")]
fn tls() -> ureq::tls::TlsConfig {
    use std::sync::Arc;
    use ureq::tls::{Certificate, RootCerts, TlsConfig};
    let roots = rustls_native_certs::load_native_certs()
        .certs
        .iter()
        .map(|der| Certificate::from_der(der).to_owned())
        .collect();
    TlsConfig::builder()
        .root_certs(RootCerts::Specific(Arc::new(roots)))
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build()
}
