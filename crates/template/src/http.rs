//! A minimal blocking HTTP/1.1 GET client over `std::net`, enough to fetch templates; `https://` with the cargo
//! feature `https` (rustls, the system's root certificates, `SSL_CERT_FILE` honoured).

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::url::Url;

const TIMEOUT: Duration = Duration::from_secs(30);
const MAX_BODY: u64 = 64 << 20;
const MAX_REDIRECTS: usize = 10;

/// GETs `url`, following redirects; any final status but 200 is an error.
pub(crate) fn get(url: &Url, headers: &[(String, String)]) -> Result<String, String> {
    let mut url = url.clone();
    for _ in 0..=MAX_REDIRECTS {
        if url.scheme() == "https" && !cfg!(feature = "https") {
            return Err(
                "https is not supported in this build (build with --features https); use http:// or file://".into()
            );
        }
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(format!("unsupported url:{url}"));
        }
        let resp = request(&url, headers)?;
        match resp.status {
            200 => return Ok(String::from_utf8_lossy(&resp.body).into_owned()),
            301 | 302 | 303 | 307 | 308 => {
                let loc = resp.location.ok_or_else(|| format!("HTTP {} without Location", resp.status))?;
                url = url.resolve(&loc)?;
            }
            _ => return Err(format!("HTTP status {} {}", resp.status, resp.reason)),
        }
    }
    Err(format!("more than {MAX_REDIRECTS} redirects"))
}

struct Response {
    status: u16,
    reason: String,
    location: Option<String>,
    body: Vec<u8>,
}

fn request(url: &Url, headers: &[(String, String)]) -> Result<Response, String> {
    let authority = url.authority();
    let hostport = authority.rsplit('@').next().unwrap_or(authority);
    let default_port = if url.scheme() == "https" { 443 } else { 80 };
    let (host, port) = split_host_port(hostport, default_port)?;
    let addrs = (host, port).to_socket_addrs().map_err(|e| format!("cannot resolve {host}: {e}"))?;
    let mut last_err = format!("no address for {host}");
    let mut stream = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last_err = e.to_string(),
        }
    }
    let tcp = stream.ok_or(last_err)?;
    tcp.set_read_timeout(Some(TIMEOUT)).map_err(|e| e.to_string())?;
    tcp.set_write_timeout(Some(TIMEOUT)).map_err(|e| e.to_string())?;
    let mut stream: Box<dyn ReadWrite> = if url.scheme() == "https" { tls(host, tcp)? } else { Box::new(tcp) };
    let mut req = format!(
        "GET {} HTTP/1.1\r\nHost: {hostport}\r\nUser-Agent: infrakit-template\r\nAccept: */*\r\nConnection: close\r\n",
        url.request_target()
    );
    for (k, v) in headers {
        if k.contains(['\r', '\n', ':']) || v.contains(['\r', '\n']) {
            return Err(format!("invalid header {k:?}"));
        }
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    match stream.take(MAX_BODY + 65536).read_to_end(&mut raw) {
        Ok(_) => {}
        // Many servers close a TLS connection without close_notify; the response's own length (or its chunked
        // end) still tells whether it is complete.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !raw.is_empty() => {}
        Err(e) => return Err(e.to_string()),
    }
    parse_response(&raw)
}

/// A byte stream both ways (plain TCP or TLS over it).
trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

#[cfg(feature = "https")]
fn tls(host: &str, tcp: TcpStream) -> Result<Box<dyn ReadWrite>, String> {
    use std::sync::Arc;
    let mut roots = rustls::RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    for cert in found.certs {
        let _ = roots.add(cert);
    }
    if roots.is_empty() {
        return Err("no trusted root certificates found (install ca-certificates, or set SSL_CERT_FILE)".into());
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_string()).map_err(|e| format!("{host}: {e}"))?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    Ok(Box::new(rustls::StreamOwned::new(conn, tcp)))
}

#[cfg(not(feature = "https"))]
fn tls(_host: &str, _tcp: TcpStream) -> Result<Box<dyn ReadWrite>, String> {
    Err("https is not supported in this build (build with --features https)".into())
}

fn split_host_port(hostport: &str, default_port: u16) -> Result<(&str, u16), String> {
    if let Some(rest) = hostport.strip_prefix('[') {
        let end = rest.find(']').ok_or_else(|| format!("bad host {hostport}"))?;
        let port = match rest[end + 1..].strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| format!("bad port in {hostport}"))?,
            None => default_port,
        };
        return Ok((&rest[..end], port));
    }
    match hostport.rsplit_once(':') {
        Some((h, p)) => Ok((h, p.parse().map_err(|_| format!("bad port in {hostport}"))?)),
        None if hostport.is_empty() => Err("no host in url".into()),
        None => Ok((hostport, default_port)),
    }
}

fn parse_response(raw: &[u8]) -> Result<Response, String> {
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("malformed HTTP response")?;
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/") {
        return Err(format!("malformed status line {status_line:?}"));
    }
    let status: u16 = parts.next().and_then(|s| s.parse().ok()).ok_or("malformed status line")?;
    let reason = parts.next().unwrap_or("").to_string();
    let (mut chunked, mut length, mut location) = (false, None, None);
    for line in lines {
        let Some((k, v)) = line.split_once(':') else { continue };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        match k.as_str() {
            "transfer-encoding" => chunked = v.to_ascii_lowercase().contains("chunked"),
            "content-length" => length = v.parse::<usize>().ok(),
            "location" => location = Some(v.to_string()),
            _ => {}
        }
    }
    let rest = &raw[head_end + 4..];
    let body = if chunked {
        dechunk(rest)?
    } else if let Some(n) = length {
        rest.get(..n).ok_or("truncated HTTP body")?.to_vec()
    } else {
        rest.to_vec()
    };
    Ok(Response { status, reason, location, body })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = data.windows(2).position(|w| w == b"\r\n").ok_or("malformed chunked body")?;
        let size_line = String::from_utf8_lossy(&data[..eol]);
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| "malformed chunk size")?;
        data = &data[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = data.get(..size).ok_or("truncated chunk")?;
        out.extend_from_slice(chunk);
        data = data.get(size + 2..).ok_or("truncated chunk")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked_responses() {
        let r = parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello world").unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, &b"hello"[..]));
        let r =
            parse_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x\r\nde\r\n0\r\n\r\n")
                .unwrap();
        assert_eq!(r.body, b"abcde");
        let r = parse_response(b"HTTP/1.0 404 Not Found\r\n\r\n").unwrap();
        assert_eq!((r.status, r.reason.as_str()), (404, "Not Found"));
        assert!(parse_response(b"garbage").is_err());
        assert_eq!(split_host_port("[::1]:81", 80).unwrap(), ("::1", 81));
        assert_eq!(split_host_port("h", 80).unwrap(), ("h", 80));
    }
}
