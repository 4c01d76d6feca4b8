//! The address `--http` serves on: loopback unless explicitly allowed otherwise.

use crate::WebError;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Parses `given` (`host:port`, the host an IP address or `localhost`) and refuses an address other hosts can
/// reach unless `allow_remote`.
pub fn parse(given: &str, allow_remote: bool) -> Result<SocketAddr, WebError> {
    let bad = || WebError::BadAddress { given: given.to_string() };
    let addr = match given.parse::<SocketAddr>() {
        Ok(addr) => addr,
        Err(_) => {
            let (host, port) = given.rsplit_once(':').ok_or_else(bad)?;
            let port: u16 = port.parse().map_err(|_| bad())?;
            if !host.eq_ignore_ascii_case("localhost") {
                return Err(bad());
            }
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)
        }
    };
    if !addr.ip().is_loopback() && !allow_remote {
        return Err(WebError::NotLoopback { addr, port: addr.port() });
    }
    Ok(addr)
}

/// True when `host` (a request's `Host` header, with or without a port) names a loopback address: `localhost`,
/// `127.x.x.x` or `[::1]`. A loopback server answers only those, so a page of another site cannot reach it under a
/// name of its own (DNS rebinding).
pub fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        host.rsplit_once(':').map(|(h, p)| if p.chars().all(|c| c.is_ascii_digit()) { h } else { host }).unwrap_or(host)
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_the_default_and_the_network_needs_the_flag() {
        assert_eq!(parse("127.0.0.1:8080", false).ok(), "127.0.0.1:8080".parse().ok());
        assert_eq!(parse("localhost:9", false).ok(), "127.0.0.1:9".parse().ok());
        assert!(parse("[::1]:80", false).is_ok());
        let refused = parse("0.0.0.0:8080", false).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains("--http-allow-remote") && refused.contains("127.0.0.1:8080"), "{refused}");
        assert!(parse("0.0.0.0:8080", true).is_ok());
        assert!(matches!(parse("example.com:80", true), Err(WebError::BadAddress { .. })));
        assert!(matches!(parse("8080", false), Err(WebError::BadAddress { .. })));
    }

    #[test]
    fn only_loopback_names_are_answered_on_loopback() {
        for host in ["localhost", "localhost:8080", "127.0.0.1:1", "127.1.2.3", "[::1]:80", "[::1]"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["evil.example:8080", "10.0.0.1:80", "localhost.evil.example", ""] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
