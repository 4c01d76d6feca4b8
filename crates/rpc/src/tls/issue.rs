//! A small certificate authority for a cluster (rcgen, ECDSA P-256): it issues node certificates valid for both
//! server and client use, and writes TLS directories ([`super::TlsFiles::in_dir`]) with keys readable by their
//! owner only.
//!
//! The CA's subject is derived from its key, so a CA reloaded from `ca.pem` and `ca-key.pem` signs certificates
//! that chain to the very `ca.pem` already handed out: adding a node later needs no new CA.

use super::{TlsError, CA_FILE, CERT_FILE, KEY_FILE};
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SerialNumber,
};
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;
use time::{Duration, OffsetDateTime};

/// The CA's key file beside its certificate ([`CA_FILE`]) in the CA directory.
pub const CA_KEY_FILE: &str = "ca-key.pem";

/// A cluster CA that can issue node certificates.
pub struct Ca {
    cert: Certificate,
    key: KeyPair,
    pem: String,
}

/// A node certificate and its key, PEM-encoded.
pub struct Issued {
    /// The certificate.
    pub cert_pem: String,
    /// Its private key (PKCS#8).
    pub key_pem: String,
}

fn err(e: rcgen::Error) -> TlsError {
    TlsError::Issue(e.to_string())
}

/// Validity from an hour ago (for clocks a little behind) to `days` from now.
fn validity(params: &mut CertificateParams, days: u32) {
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::hours(1);
    params.not_after = now + Duration::days(i64::from(days));
}

fn random_serial(params: &mut CertificateParams) {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] &= 0x7f;
    params.serial_number = Some(SerialNumber::from_slice(&bytes));
}

/// The CA's parameters: the subject names the key (its key identifier), so it can be rebuilt from the key alone.
fn ca_params(key: &KeyPair, days: u32) -> Result<CertificateParams, TlsError> {
    let probe = CertificateParams::default().self_signed(key).map_err(err)?;
    let id: String = probe.key_identifier().iter().take(8).map(|b| format!("{b:02x}")).collect();
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "InfraKit");
    dn.push(DnType::CommonName, format!("InfraKit cluster CA {id}"));
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    validity(&mut params, days);
    Ok(params)
}

impl Ca {
    /// A new CA valid for `days`.
    pub fn generate(days: u32) -> Result<Ca, TlsError> {
        let key = KeyPair::generate().map_err(err)?;
        let mut params = ca_params(&key, days)?;
        random_serial(&mut params);
        let cert = params.self_signed(&key).map_err(err)?;
        let pem = cert.pem();
        Ok(Ca { cert, key, pem })
    }

    /// The CA whose certificate and key are `cert_pem` and `key_pem` (as [`Ca::cert_pem`] and [`Ca::key_pem`]
    /// wrote them); fails when the key is not the certificate's.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Ca, TlsError> {
        let key = KeyPair::from_pem(key_pem).map_err(err)?;
        let cert = ca_params(&key, 1)?.self_signed(&key).map_err(err)?;
        let original = rustls::pki_types::pem::PemObject::from_pem_slice(cert_pem.as_bytes())
            .map(|der: rustls::pki_types::CertificateDer<'_>| der.to_vec())
            .map_err(|_| TlsError::Issue("the CA file holds no certificate".into()))?;
        let spki = key.public_key_der();
        if !original.windows(spki.len()).any(|w| w == spki.as_slice()) {
            return Err(TlsError::Issue("the CA key does not belong to the CA certificate".into()));
        }
        Ok(Ca { cert, key, pem: cert_pem.to_string() })
    }

    /// The CA certificate (PEM), to hand to every node.
    pub fn cert_pem(&self) -> &str {
        &self.pem
    }

    /// The CA key (PEM): whoever holds it can issue certificates the cluster trusts.
    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }

    /// Issues a certificate for the node `name`, valid for `days`, for server and client use, with `sans` (IP
    /// addresses or DNS names) as its subject alternative names.
    pub fn issue(&self, name: &str, sans: &[String], days: u32) -> Result<Issued, TlsError> {
        let key = KeyPair::generate().map_err(err)?;
        let mut params = CertificateParams::new(sans.to_vec()).map_err(err)?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, "InfraKit");
        dn.push(DnType::CommonName, name);
        params.distinguished_name = dn;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
        params.use_authority_key_identifier_extension = true;
        validity(&mut params, days);
        random_serial(&mut params);
        let cert = params.signed_by(&key, &self.cert, &self.key).map_err(err)?;
        Ok(Issued { cert_pem: cert.pem(), key_pem: key.serialize_pem() })
    }

    /// Writes the CA into `dir` ([`CA_FILE`], and [`CA_KEY_FILE`] with mode 0600). Blocking.
    pub fn write(&self, dir: &Path, force: bool) -> Result<(), TlsError> {
        make_dir(dir)?;
        write_file(&dir.join(CA_FILE), self.pem.as_bytes(), 0o644, force)?;
        write_file(&dir.join(CA_KEY_FILE), self.key_pem().as_bytes(), 0o600, force)
    }

    /// Writes a node's TLS directory `dir`: [`CA_FILE`], [`CERT_FILE`], and [`KEY_FILE`] with mode 0600. Refuses
    /// to replace existing files unless `force`. Blocking.
    pub fn write_node(&self, dir: &Path, issued: &Issued, force: bool) -> Result<(), TlsError> {
        make_dir(dir)?;
        for file in [KEY_FILE, CERT_FILE, CA_FILE] {
            let path = dir.join(file);
            if !force && std::fs::symlink_metadata(&path).is_ok() {
                return Err(TlsError::Io {
                    path,
                    source: std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        "already exists (give --force to replace it)",
                    ),
                });
            }
        }
        write_file(&dir.join(KEY_FILE), issued.key_pem.as_bytes(), 0o600, force)?;
        write_file(&dir.join(CERT_FILE), issued.cert_pem.as_bytes(), 0o644, force)?;
        write_file(&dir.join(CA_FILE), self.pem.as_bytes(), 0o644, force)
    }
}

/// Creates `dir` with mode 0700 when absent.
fn make_dir(dir: &Path) -> Result<(), TlsError> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|source| TlsError::Io { path: dir.to_path_buf(), source })
}

/// Writes `path` with `mode` durably and never through a link ([`infrakit_spi::fsutil::write_durable_mode`]); an
/// existing `path` is an error unless `force`.
fn write_file(path: &Path, bytes: &[u8], mode: u32, force: bool) -> Result<(), TlsError> {
    let io = |source| TlsError::Io { path: path.to_path_buf(), source };
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "already exists (give --force to replace it)",
        )));
    }
    infrakit_spi::fsutil::write_durable_mode(path, bytes, mode).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reloaded_ca_is_the_same_issuer() {
        let ca = Ca::generate(10).unwrap();
        let again = Ca::from_pem(ca.cert_pem(), &ca.key_pem()).unwrap();
        assert_eq!(again.cert.params().distinguished_name, ca.cert.params().distinguished_name);
        let other = Ca::generate(10).unwrap();
        assert!(Ca::from_pem(ca.cert_pem(), &other.key_pem()).is_err());
    }

    #[test]
    fn keys_are_private_and_files_are_not_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ca = Ca::generate(10).unwrap();
        let node = ca.issue("n1", &["127.0.0.1".into(), "n1.example".into()], 1).unwrap();
        ca.write_node(dir.path(), &node, false).unwrap();
        let mode = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(ca.write_node(dir.path(), &node, false).unwrap_err().to_string().contains("--force"));
        ca.write_node(dir.path(), &node, true).unwrap();
    }
}
