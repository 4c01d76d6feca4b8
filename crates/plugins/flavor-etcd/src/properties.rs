//! The flavor's `Properties` and the checks of a group's allocation: an etcd ensemble is a pets group whose
//! logical IDs are the members' IP addresses, an odd number of them.

use crate::error::EtcdFlavorError;
use infrakit_spi::flavor::AllocationMethod;
use infrakit_spi::instance::LogicalId;
use infrakit_spi::Any;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};

/// The default client port.
pub const CLIENT_PORT: u16 = 2379;
/// The default peer port.
pub const PEER_PORT: u16 = 2380;

/// `Properties` of flavor-etcd.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EtcdProperties {
    /// The port clients reach each member on (default 2379).
    #[serde(rename = "ClientPort", default = "client_port")]
    pub client_port: u16,
    /// The port members reach each other on (default 2380).
    #[serde(rename = "PeerPort", default = "peer_port")]
    pub peer_port: u16,
    /// The member's data directory (default `$INFRAKIT_VOLUME/etcd`: on the member's first attachment, so it
    /// survives the instance).
    #[serde(rename = "DataDir", default)]
    pub data_dir: Option<String>,
    /// The `etcd` binary (default `etcd`).
    #[serde(rename = "Etcd", default = "etcd")]
    pub etcd: String,
    /// The `etcdctl` binary the member runs at boot (default `etcdctl`).
    #[serde(rename = "Etcdctl", default = "etcdctl")]
    pub etcdctl: String,
    /// `--initial-cluster-token` (default `infrakit-etcd`).
    #[serde(rename = "Token", default = "token")]
    pub token: String,
    /// More `etcd` flags, each one word (e.g. `--heartbeat-interval=50`).
    #[serde(rename = "Options", default)]
    pub options: Vec<String>,
}

fn client_port() -> u16 {
    CLIENT_PORT
}
fn peer_port() -> u16 {
    PEER_PORT
}
fn etcd() -> String {
    "etcd".into()
}
fn etcdctl() -> String {
    "etcdctl".into()
}
fn token() -> String {
    "infrakit-etcd".into()
}

impl Default for EtcdProperties {
    fn default() -> EtcdProperties {
        EtcdProperties {
            client_port: CLIENT_PORT,
            peer_port: PEER_PORT,
            data_dir: None,
            etcd: etcd(),
            etcdctl: etcdctl(),
            token: token(),
            options: Vec::new(),
        }
    }
}

impl EtcdProperties {
    /// Parses and checks `properties` (`null` or absent: every default).
    pub fn parse(properties: Option<&Any>) -> Result<EtcdProperties, EtcdFlavorError> {
        let props: EtcdProperties = match properties {
            Some(p) if !p.is_null() => p.decode().map_err(|e| match e {
                infrakit_spi::Error::Invalid { field, message } => EtcdFlavorError::Invalid { field, message },
                other => EtcdFlavorError::invalid("Properties", other),
            })?,
            _ => EtcdProperties::default(),
        };
        if props.client_port == 0 {
            return Err(EtcdFlavorError::invalid("Properties.ClientPort", "must be a port number (1-65535)"));
        }
        if props.peer_port == 0 {
            return Err(EtcdFlavorError::invalid("Properties.PeerPort", "must be a port number (1-65535)"));
        }
        if props.client_port == props.peer_port {
            return Err(EtcdFlavorError::invalid("Properties.PeerPort", "must differ from Properties.ClientPort"));
        }
        for (field, value) in [("Properties.Etcd", &props.etcd), ("Properties.Etcdctl", &props.etcdctl)] {
            if value.trim().is_empty() {
                return Err(EtcdFlavorError::invalid(field, "must name a program"));
            }
        }
        if props.token.trim().is_empty() {
            return Err(EtcdFlavorError::invalid("Properties.Token", "must not be blank"));
        }
        if props.data_dir.as_deref().is_some_and(|d| d.trim().is_empty()) {
            return Err(EtcdFlavorError::invalid(
                "Properties.DataDir",
                "must not be blank (leave it out for the default)",
            ));
        }
        for (i, o) in props.options.iter().enumerate() {
            if !o.starts_with("--") || o.chars().any(|c| c.is_whitespace() || "'\"\\$`;&|<>()".contains(c)) {
                return Err(EtcdFlavorError::invalid(
                    format!("Properties.Options[{i}]"),
                    format!("{o:?} is not one flag word (like --heartbeat-interval=50)"),
                ));
            }
        }
        Ok(props)
    }

    /// The client URL of the member at `address`.
    pub fn client_url(&self, address: IpAddr) -> String {
        format!("http://{}", SocketAddr::new(address, self.client_port))
    }

    /// The peer URL of the member at `address`.
    pub fn peer_url(&self, address: IpAddr) -> String {
        format!("http://{}", SocketAddr::new(address, self.peer_port))
    }
}

/// The address a logical ID stands for.
pub fn address(lid: &LogicalId) -> Option<IpAddr> {
    lid.0.trim().parse().ok()
}

/// Checks that `allocation` is an ensemble: logical IDs (no size), each an IP address, distinct, an odd number.
/// Returns the addresses in order.
pub fn ensemble(allocation: &AllocationMethod) -> Result<Vec<IpAddr>, EtcdFlavorError> {
    if allocation.size > 0 || allocation.logical_ids.is_empty() {
        return Err(EtcdFlavorError::invalid(
            "Allocation.LogicalIDs",
            "an etcd ensemble is a pets group: list the members' IP addresses in Allocation.LogicalIDs (not Size)",
        ));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, lid) in allocation.logical_ids.iter().enumerate() {
        let field = format!("Allocation.LogicalIDs[{i}]");
        let ip = address(lid).ok_or_else(|| {
            EtcdFlavorError::invalid(
                &field,
                format!("{:?} is not an IP address (a member is named by its address)", lid.0),
            )
        })?;
        if ip.is_unspecified() {
            return Err(EtcdFlavorError::invalid(&field, format!("{ip} cannot be a member's address")));
        }
        if !seen.insert(ip) {
            return Err(EtcdFlavorError::invalid(&field, format!("duplicate address {ip}")));
        }
        out.push(ip);
    }
    if out.len() % 2 == 0 {
        return Err(EtcdFlavorError::invalid(
            "Allocation.LogicalIDs",
            format!("must have odd number for quorum (got {})", out.len()),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alloc(ids: &[&str]) -> AllocationMethod {
        AllocationMethod { size: 0, logical_ids: ids.iter().map(|i| LogicalId(i.to_string())).collect() }
    }

    fn err(r: Result<impl std::fmt::Debug, EtcdFlavorError>) -> String {
        r.err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn the_allocation_is_an_odd_list_of_addresses() {
        assert_eq!(ensemble(&alloc(&["127.0.0.21", "127.0.0.22", "127.0.0.23"])).map(|v| v.len()).ok(), Some(3));
        let e = err(ensemble(&alloc(&["127.0.0.21", "127.0.0.22"])));
        assert!(e.contains("Allocation.LogicalIDs") && e.contains("must have odd number for quorum (got 2)"), "{e}");
        let e = err(ensemble(&alloc(&["127.0.0.21", "db-1", "127.0.0.23"])));
        assert!(e.contains("Allocation.LogicalIDs[1]") && e.contains("\"db-1\" is not an IP address"), "{e}");
        let e = err(ensemble(&alloc(&["127.0.0.21", "127.0.0.21", "127.0.0.23"])));
        assert!(e.contains("Allocation.LogicalIDs[1]") && e.contains("duplicate"), "{e}");
        let e = err(ensemble(&AllocationMethod { size: 3, logical_ids: vec![] }));
        assert!(e.contains("pets group"), "{e}");
    }

    #[test]
    fn properties_have_defaults_and_name_what_is_wrong() {
        let p = EtcdProperties::parse(None).expect("defaults");
        assert_eq!((p.client_port, p.peer_port), (2379, 2380));
        assert_eq!(p.client_url("127.0.0.21".parse().expect("ip")), "http://127.0.0.21:2379");
        assert_eq!(p.peer_url("::1".parse().expect("ip")), "http://[::1]:2380");
        let any = |s: &str| Any::from_json(s).expect("json");
        let e = err(EtcdProperties::parse(Some(&any(r#"{"ClientPort":2380}"#))));
        assert!(e.contains("Properties.PeerPort") && e.contains("differ"), "{e}");
        let e = err(EtcdProperties::parse(Some(&any(r#"{"ClientPort":"x"}"#))));
        assert!(e.contains("Properties.ClientPort") && e.contains("invalid type"), "{e}");
        let e = err(EtcdProperties::parse(Some(&any(r#"{"Port":1}"#))));
        assert!(e.contains("unknown field `Port`"), "{e}");
        let e = err(EtcdProperties::parse(Some(&any(r#"{"Options":["-x"]}"#))));
        assert!(e.contains("Properties.Options[0]"), "{e}");
    }
}
