//! `Properties` of a Docker instance: InfraKit v0.5's `CreateInstanceRequest` (`Tags`, `Config`, `HostConfig`,
//! `NetworkAttachments`, with the Engine API's own field names), plus `VolumeMount`. Checked without side effects:
//! every field the Engine API does not know is named, and Go's own errors are kept.

use infrakit_docker::models::{ContainerCreateBody, HostConfig};
use infrakit_spi::{Any, Error, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// Where volume attachments are mounted when `VolumeMount` is not given.
pub const DEFAULT_VOLUME_MOUNT: &str = "/data";

/// The top-level fields; anything else is named as unknown.
const FIELDS: [&str; 5] = ["Tags", "Config", "HostConfig", "NetworkAttachments", "VolumeMount"];

/// Parsed `Properties`.
#[derive(Debug, Clone, Default)]
pub struct Properties {
    /// Labels for every container (they win over the spec's tags, as in v0.5).
    pub tags: BTreeMap<String, String>,
    /// The container's `Config` (Engine API `container.Config`); its `Image` is set.
    pub config: ContainerCreateBody,
    /// The container's `HostConfig`.
    pub host_config: Option<HostConfig>,
    /// The networks to connect the container to, in order; the first may give a pet its fixed address.
    pub networks: Vec<NetworkAttachment>,
    /// Where an attachment of Type `volume` is mounted (with several, each at `<VolumeMount>/<ID>`).
    pub volume_mount: String,
}

/// A network to connect to: Engine API `NetworkResource` (v0.5 used `Name` and `Driver`; `IPAM`, `Internal`,
/// `Attachable`, `EnableIPv6`, `Options` and `Labels` are used when the network is created).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAttachment {
    /// The network's name.
    #[serde(rename = "Name", default)]
    pub name: String,
    /// Ignored (what an inspected network carries).
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    /// Ignored.
    #[serde(rename = "Created", default)]
    pub created: Option<serde_json::Value>,
    /// The network's scope, for a new network.
    #[serde(rename = "Scope", default)]
    pub scope: Option<String>,
    /// The driver (`bridge` by default); a network is looked up by name and driver.
    #[serde(rename = "Driver", default)]
    pub driver: Option<String>,
    /// IPv6, for a new network.
    #[serde(rename = "EnableIPv6", default)]
    pub enable_ipv6: Option<bool>,
    /// Address management, for a new network; `Config[0].Subnet` also makes a pet's IPv4 logical ID its address.
    #[serde(rename = "IPAM", default)]
    pub ipam: Option<Ipam>,
    /// An internal network, for a new network.
    #[serde(rename = "Internal", default)]
    pub internal: Option<bool>,
    /// Attachable (true by default, as in v0.5), for a new network.
    #[serde(rename = "Attachable", default)]
    pub attachable: Option<bool>,
    /// Ignored.
    #[serde(rename = "Ingress", default)]
    pub ingress: Option<bool>,
    /// Ignored (what an inspected network carries).
    #[serde(rename = "Containers", default)]
    pub containers: Option<serde_json::Value>,
    /// Driver options, for a new network.
    #[serde(rename = "Options", default)]
    pub options: Option<HashMap<String, String>>,
    /// Labels, for a new network.
    #[serde(rename = "Labels", default)]
    pub labels: Option<HashMap<String, String>>,
    /// Ignored.
    #[serde(rename = "Peers", default)]
    pub peers: Option<serde_json::Value>,
}

/// `IPAM` of a network.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ipam {
    /// The IPAM driver.
    #[serde(rename = "Driver", default)]
    pub driver: Option<String>,
    /// Its options.
    #[serde(rename = "Options", default)]
    pub options: Option<HashMap<String, String>>,
    /// The address pools.
    #[serde(rename = "Config", default)]
    pub config: Option<Vec<IpamConfig>>,
}

/// One address pool of a network.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpamConfig {
    /// e.g. `198.18.0.0/24`.
    #[serde(rename = "Subnet", default)]
    pub subnet: Option<String>,
    /// A part of the subnet to allocate from.
    #[serde(rename = "IPRange", default)]
    pub ip_range: Option<String>,
    /// The gateway.
    #[serde(rename = "Gateway", default)]
    pub gateway: Option<String>,
    /// Reserved addresses.
    #[serde(rename = "AuxiliaryAddresses", default)]
    pub auxiliary_addresses: Option<HashMap<String, String>>,
}

impl NetworkAttachment {
    /// `IPAM.Config[0].Subnet`, if given.
    pub fn subnet(&self) -> Option<&str> {
        let first = self.ipam.as_ref()?.config.as_ref()?.first()?;
        first.subnet.as_deref().filter(|s| !s.is_empty())
    }
}

impl Properties {
    /// Parses and checks `properties`.
    pub fn parse(properties: Option<&Any>) -> Result<Properties> {
        let value = match properties {
            Some(p) if !p.is_null() => p.to_value(),
            _ => return Err(Error::invalid("Properties", "Properties must be set")),
        };
        let serde_json::Value::Object(mut fields) = value else {
            return Err(Error::invalid(
                "Properties",
                "must be an object with Config (and Tags, HostConfig, NetworkAttachments)",
            ));
        };
        if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(Error::invalid(
                format!("Properties.{unknown}"),
                format!("unknown field; instance-docker knows {}", FIELDS.join(", ")),
            ));
        }
        let mut config = match fields.remove("Config") {
            Some(c) if !c.is_null() => c,
            _ => return Err(Error::invalid("Properties.Config", "Config should be set")),
        };
        for nested in ["HostConfig", "NetworkingConfig"] {
            if config.get(nested).is_some() {
                return Err(Error::invalid(
                    format!("Properties.Config.{nested}"),
                    "not a field of Config: HostConfig sits beside Config, networks are NetworkAttachments",
                ));
            }
        }
        go_string_lists(&mut config);
        let config: ContainerCreateBody = strict(config, "Properties.Config")?;
        if config.image.as_deref().is_none_or(str::is_empty) {
            return Err(Error::invalid("Properties.Config.Image", "A Docker image should be specified"));
        }
        let host_config = match fields.remove("HostConfig") {
            Some(h) if !h.is_null() => Some(strict::<HostConfig>(h, "Properties.HostConfig")?),
            _ => None,
        };
        let tags = match fields.remove("Tags") {
            Some(t) if !t.is_null() => strict(t, "Properties.Tags")?,
            _ => BTreeMap::new(),
        };
        let networks: Vec<Option<NetworkAttachment>> = match fields.remove("NetworkAttachments") {
            Some(n) if !n.is_null() => strict(n, "Properties.NetworkAttachments")?,
            _ => Vec::new(),
        };
        let mut checked = Vec::new();
        for (i, n) in networks.into_iter().enumerate() {
            let field = format!("Properties.NetworkAttachments[{i}]");
            let n = n.ok_or_else(|| Error::invalid(&field, "null: give {\"Name\": ...}"))?;
            if n.name.is_empty() {
                return Err(Error::invalid(format!("{field}.Name"), "NetworkAttachment should have a name"));
            }
            if let Some(subnet) = n.subnet() {
                crate::address::Subnet::parse(subnet)
                    .map_err(|e| Error::invalid(format!("{field}.IPAM.Config[0].Subnet"), e))?;
            }
            checked.push(n);
        }
        let volume_mount = match fields.remove("VolumeMount") {
            Some(serde_json::Value::String(p)) if p.starts_with('/') && p.len() > 1 => {
                p.trim_end_matches('/').to_string()
            }
            None | Some(serde_json::Value::Null) => DEFAULT_VOLUME_MOUNT.to_string(),
            Some(other) => {
                return Err(Error::invalid("Properties.VolumeMount", format!("{other} is not an absolute path")))
            }
        };
        Ok(Properties { tags, config, host_config, networks: checked, volume_mount })
    }
}

/// Go's `strslice.StrSlice` fields (`Cmd`, `Entrypoint`, `Shell`) accept one string as well as a list.
fn go_string_lists(config: &mut serde_json::Value) {
    for key in ["Cmd", "Entrypoint", "Shell"] {
        if let Some(v) = config.get_mut(key) {
            if let serde_json::Value::String(s) = v {
                *v = serde_json::Value::Array(vec![serde_json::Value::String(std::mem::take(s))]);
            }
        }
    }
}

/// Decodes `value` as `T`, naming the first field the type does not know (`what.Path.To.Field`) or the field
/// whose value does not fit.
fn strict<T: serde::de::DeserializeOwned>(value: serde_json::Value, what: &str) -> Result<T> {
    let (v, unknown) = infrakit_spi::unknown_fields::decode_noting_unknown(&value, what)?;
    match unknown.first() {
        Some(path) => Err(Error::invalid(
            format!("{what}.{path}"),
            "unknown field: not in the Engine API (API 1.41 and later) for this object",
        )),
        None => Ok(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Properties> {
        Properties::parse(Some(&Any::from_json(json).expect("json")))
    }

    fn err(json: &str) -> String {
        parse(json).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn v0_5_shape() {
        let p = parse(
            r#"{"Tags":{"Name":"x"},"Config":{"Image":"alpine:3.5","Env":["a=1"],"Cmd":"sleep 100","ExposedPorts":{"80/tcp":{}}},
                "HostConfig":{"AutoRemove":true,"RestartPolicy":{"Name":"","MaximumRetryCount":0},"Binds":[],"Memory":0},
                "NetworkAttachments":[{"Name":"net","Driver":"bridge","IPAM":{"Config":[{"Subnet":"198.18.0.0/24"}]}}]}"#,
        )
        .expect("valid");
        assert_eq!(p.config.image.as_deref(), Some("alpine:3.5"));
        assert_eq!(p.config.cmd, Some(vec!["sleep 100".to_string()]));
        assert_eq!(p.config.exposed_ports, Some(vec!["80/tcp".to_string()]));
        assert_eq!(p.host_config.and_then(|h| h.auto_remove), Some(true));
        assert_eq!(p.networks[0].subnet(), Some("198.18.0.0/24"));
        assert_eq!(p.tags.get("Name").map(String::as_str), Some("x"));
        assert_eq!(p.volume_mount, "/data");
    }

    #[test]
    fn go_errors() {
        assert!(Properties::parse(None).is_err_and(|e| e.to_string().contains("Properties must be set")));
        assert!(err(r#"{"Tags":{}}"#).contains("Config should be set"));
        assert!(err(r#"{"Config":{"Env":[]}}"#).contains("A Docker image should be specified"));
        assert!(err(r#"{"Config":{"Image":"x"},"NetworkAttachments":[{"Driver":"bridge"}]}"#)
            .contains("NetworkAttachments[0].Name: NetworkAttachment should have a name"));
    }

    #[test]
    fn unknown_fields_are_named() {
        assert!(err(r#"{"Config":{"Image":"x"},"Hostconfig":{}}"#).contains("Properties.Hostconfig: unknown field"));
        assert!(err(r#"{"Config":{"Image":"x","Imgae":"y"}}"#).contains("Properties.Config.Imgae: unknown field"));
        let e = err(r#"{"Config":{"Image":"x"},"HostConfig":{"RestartPolicy":{"Nmae":"always"}}}"#);
        assert!(e.contains("Properties.HostConfig.RestartPolicy.Nmae: unknown field"), "{e}");
        let e = err(r#"{"Config":{"Image":"x"},"HostConfig":{"Mounts":[{"Target":"/a"},{"Tagret":"/b"}]}}"#);
        assert!(e.contains("Properties.HostConfig.Mounts[1].Tagret: unknown field"), "{e}");
        let e = err(
            r#"{"Config":{"Image":"x"},"NetworkAttachments":[{"Name":"n","IPAM":{"Config":[{"Subnet":"198.18.0.0/24","Gw":"1"}]}}]}"#,
        );
        assert!(e.contains("Properties.NetworkAttachments") && e.contains("Gw"), "{e}");
        let e = err(r#"{"Config":{"Image":"x","Env":"a=1"}}"#);
        assert!(e.contains("Properties.Config.Env"), "{e}");
        assert!(err(r#"{"Config":{"Image":"x","HostConfig":{}}}"#).contains("HostConfig sits beside Config"));
        assert!(err(r#"{"Config":{"Image":"x"},"VolumeMount":"data"}"#).contains("not an absolute path"));
        let e = err(
            r#"{"Config":{"Image":"x"},"NetworkAttachments":[{"Name":"n","IPAM":{"Config":[{"Subnet":"198.18.0/24"}]}}]}"#,
        );
        assert!(e.contains("Subnet"), "{e}");
    }
}
