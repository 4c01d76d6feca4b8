//! Mutual TLS for plugins reached over TCP: a TCP listener authenticates every client by a certificate issued by
//! the cluster's CA, and a client authenticates the plugin the same way (rustls with ring).
//!
//! A node's identity is a directory of three PEM files, as [`issue`] (and `infrakit certs`) write them:
//! [`CA_FILE`] (the cluster CA's certificate, the only one trusted), [`CERT_FILE`] (this node's certificate, valid
//! for both server and client use) and [`KEY_FILE`] (its private key, mode 0600). The directory is
//! `$INFRAKIT_TLS_DIR`, else `$INFRAKIT_HOME/tls`, else `~/.infrakit/tls` ([`default_dir`]).

pub mod issue;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The cluster CA's certificate in a TLS directory.
pub const CA_FILE: &str = "ca.pem";
/// The node's certificate (chain) in a TLS directory.
pub const CERT_FILE: &str = "cert.pem";
/// The node's private key in a TLS directory.
pub const KEY_FILE: &str = "key.pem";
/// The variable naming this node's TLS directory.
pub const TLS_DIR_ENV: &str = "INFRAKIT_TLS_DIR";

/// Why a TLS identity cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file holds no usable PEM item of the kind needed.
    #[error("{path}: no {what} found in it (PEM expected, as `infrakit certs` writes)")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What was looked for.
        what: &'static str,
    },
    /// rustls refused the certificates or key.
    #[error("TLS configuration ({files}): {reason}")]
    Config {
        /// The files concerned.
        files: String,
        /// rustls's reason.
        reason: String,
    },
    /// An address is not `host:port` or its host is no valid server name.
    #[error("{0:?} is not host:port with a DNS name or IP address as host")]
    BadAddress(String),
    /// Issuing a certificate failed.
    #[error("issuing a certificate: {0}")]
    Issue(String),
    /// No directory can be named.
    #[error("cannot find the TLS directory: set {TLS_DIR_ENV}, INFRAKIT_HOME or HOME")]
    NoHome,
}

/// The directory of this node's TLS identity: `$INFRAKIT_TLS_DIR`, else `$INFRAKIT_HOME/tls`, else
/// `~/.infrakit/tls`.
pub fn default_dir() -> Result<PathBuf, TlsError> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(d) = var(TLS_DIR_ENV) {
        return Ok(d);
    }
    if let Some(h) = var("INFRAKIT_HOME") {
        return Ok(h.join("tls"));
    }
    var("HOME").map(|h| h.join(".infrakit").join("tls")).ok_or(TlsError::NoHome)
}

/// The three files of a TLS identity: a certificate, its key, and the CA that peers' certificates must chain to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// This node's certificate chain (PEM).
    pub cert: PathBuf,
    /// Its private key (PEM, PKCS#8, SEC1 or PKCS#1).
    pub key: PathBuf,
    /// The CA certificate(s) trusted for peers (PEM).
    pub ca: PathBuf,
}

/// PEM contents of a TLS identity, read.
struct Loaded {
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    roots: RootCertStore,
}

impl TlsFiles {
    /// The files in `dir`: [`CERT_FILE`], [`KEY_FILE`] and [`CA_FILE`].
    pub fn in_dir(dir: &Path) -> TlsFiles {
        TlsFiles { cert: dir.join(CERT_FILE), key: dir.join(KEY_FILE), ca: dir.join(CA_FILE) }
    }

    /// The files in [`default_dir`].
    pub fn from_env() -> Result<TlsFiles, TlsError> {
        Ok(TlsFiles::in_dir(&default_dir()?))
    }

    fn describe(&self) -> String {
        format!("cert {}, key {}, CA {}", self.cert.display(), self.key.display(), self.ca.display())
    }

    fn config_err(&self) -> impl FnOnce(rustls::Error) -> TlsError + '_ {
        move |e| TlsError::Config { files: self.describe(), reason: e.to_string() }
    }

    async fn load(&self) -> Result<Loaded, TlsError> {
        let cert_pem = read(&self.cert).await?;
        let key_pem = read(&self.key).await?;
        let ca_pem = read(&self.ca).await?;
        let certs = pem_certs(&self.cert, &cert_pem)?;
        let key = PrivateKeyDer::from_pem_slice(&key_pem)
            .map_err(|_| TlsError::Pem { path: self.key.clone(), what: "private key" })?;
        let mut roots = RootCertStore::empty();
        for ca in pem_certs(&self.ca, &ca_pem)? {
            roots.add(ca).map_err(self.config_err())?;
        }
        Ok(Loaded { certs, key, roots })
    }

    /// A server configuration that requires a client certificate chaining to the CA (HTTP/1.1 only).
    pub async fn server_config(&self) -> Result<Arc<ServerConfig>, TlsError> {
        let loaded = self.load().await?;
        let provider = provider();
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(loaded.roots), provider.clone())
            .build()
            .map_err(|e| TlsError::Config { files: self.describe(), reason: e.to_string() })?;
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(self.config_err())?
            .with_client_cert_verifier(verifier)
            .with_single_cert(loaded.certs, loaded.key)
            .map_err(self.config_err())?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }

    /// A client configuration that presents this certificate and trusts only servers chaining to the CA.
    pub async fn client_config(&self) -> Result<Arc<ClientConfig>, TlsError> {
        let loaded = self.load().await?;
        let mut config = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(self.config_err())?
            .with_root_certificates(loaded.roots)
            .with_client_auth_cert(loaded.certs, loaded.key)
            .map_err(self.config_err())?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The client configuration of this node, from [`TlsFiles::from_env`], loaded once per process (a failure is not
/// remembered: the next call tries again).
pub async fn default_client_config() -> Result<Arc<ClientConfig>, TlsError> {
    static DEFAULT: tokio::sync::OnceCell<Arc<ClientConfig>> = tokio::sync::OnceCell::const_new();
    DEFAULT.get_or_try_init(|| async { TlsFiles::from_env()?.client_config().await }).await.cloned()
}

/// The name a server at `addr` (`host:port`, `[v6]:port`) must hold a certificate for.
pub fn server_name(addr: &str) -> Result<ServerName<'static>, TlsError> {
    let bad = || TlsError::BadAddress(addr.to_string());
    let (host, port) = addr.rsplit_once(':').ok_or_else(bad)?;
    port.parse::<u16>().map_err(|_| bad())?;
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    ServerName::try_from(host.to_string()).map_err(|_| bad())
}

/// What a host in a certificate or an address is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    /// An IPv4 or IPv6 address.
    Ip,
    /// A DNS name.
    Dns,
}

/// Whether `host` is an IP address, a DNS name, or (`None`) neither.
pub fn host_kind(host: &str) -> Option<HostKind> {
    match ServerName::try_from(host) {
        Ok(ServerName::IpAddress(_)) => Some(HostKind::Ip),
        Ok(ServerName::DnsName(_)) => Some(HostKind::Dns),
        _ => None,
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

async fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    tokio::fs::read(path).await.map_err(|source| TlsError::Io { path: path.to_path_buf(), source })
}

fn pem_certs(path: &Path, pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs: Vec<_> = CertificateDer::pem_slice_iter(pem).filter_map(Result::ok).collect();
    if certs.is_empty() {
        return Err(TlsError::Pem { path: path.to_path_buf(), what: "certificate" });
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_names_from_addresses() {
        assert!(matches!(server_name("127.0.0.1:24864"), Ok(ServerName::IpAddress(_))));
        assert!(matches!(server_name("[::1]:1"), Ok(ServerName::IpAddress(_))));
        assert!(matches!(server_name("node-1.example:443"), Ok(ServerName::DnsName(_))));
        assert!(server_name("node-1.example").is_err());
        assert!(server_name("bad name:1").is_err());
    }
}
