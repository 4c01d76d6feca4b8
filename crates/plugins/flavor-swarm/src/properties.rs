//! The flavor's `Properties` (InfraKit v0.5's `Spec` of the swarm flavor, field for field) and v0.5's checks of them
//! and of the group's allocation.

use crate::error::SwarmFlavorError;
use crate::role::Role;
use infrakit_spi::flavor::AllocationMethod;
use infrakit_spi::instance::Attachment;
use infrakit_spi::nullable::null_as_default;
use infrakit_spi::Any;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The key of [`SwarmProperties::attachments`] that gives attachments to every instance.
pub const ALL_INSTANCES: &str = "*";

/// `Properties` of flavor-swarm (v0.5's `Spec`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwarmProperties {
    /// Devices to attach, by logical ID; the key `*` ([`ALL_INSTANCES`]) gives them to every instance.
    #[serde(rename = "Attachments", default, deserialize_with = "null_as_default")]
    pub attachments: BTreeMap<String, Vec<Attachment>>,
    /// Overrides the role's init script template: a `file://`, `http://`, `str://` URL or a path.
    #[serde(rename = "InitScriptTemplateURL", default)]
    pub init_script_template_url: String,
    /// The address of the manager that initialises the swarm (and that managers and workers join).
    #[serde(rename = "SwarmJoinIP", default)]
    pub swarm_join_ip: String,
    /// Labels for the Docker engine of each instance (with the link labels: `INFRAKIT_LABELS`).
    #[serde(rename = "EngineLabels", default, deserialize_with = "null_as_default")]
    pub engine_labels: BTreeMap<String, String>,
    /// How to reach a manager's Docker engine, for the join tokens and the nodes.
    #[serde(rename = "Docker", default)]
    pub docker: ConnectInfo,
}

/// `Properties.Docker`: where a manager's engine listens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectInfo {
    /// `unix:///var/run/docker.sock`, `tcp://host:port`.
    #[serde(rename = "Host", default)]
    pub host: String,
    /// TLS client options (go-connections' `tlsconfig.Options`).
    #[serde(rename = "TLS", default)]
    pub tls: Option<TlsOptions>,
}

/// `Properties.Docker.TLS` (other fields of go-connections' options are accepted and ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsOptions {
    /// The CA certificate.
    #[serde(rename = "CAFile", default)]
    pub ca_file: String,
    /// The client certificate.
    #[serde(rename = "CertFile", default)]
    pub cert_file: String,
    /// The client key.
    #[serde(rename = "KeyFile", default)]
    pub key_file: String,
    /// Skips verifying the engine's certificate.
    #[serde(rename = "InsecureSkipVerify", default)]
    pub insecure_skip_verify: bool,
}

impl TlsOptions {
    /// True when InfraKit v0.5 would connect with TLS: only when the CA, certificate and key are all given (with
    /// any of them missing it connects in the clear).
    pub fn is_used(&self) -> bool {
        !self.ca_file.is_empty() && !self.cert_file.is_empty() && !self.key_file.is_empty()
    }
}

impl SwarmProperties {
    /// Decodes `properties`; absent or `null` is v0.5's "missing config". Errors name the field.
    pub fn parse(properties: Option<&Any>) -> Result<SwarmProperties, SwarmFlavorError> {
        match properties {
            Some(p) if !p.is_null() => p.decode().map_err(|e| match e {
                infrakit_spi::Error::Invalid { field, message } => SwarmFlavorError::Invalid { field, message },
                other => SwarmFlavorError::invalid("Properties", other),
            }),
            _ => Err(SwarmFlavorError::invalid("Properties", "missing config")),
        }
    }

    /// The engine address to call, once the connection info was checked ([`SwarmProperties::check_docker`]).
    pub fn host(&self) -> &str {
        &self.docker.host
    }

    /// v0.5's "no docker connect info", and what this build cannot do: TLS (the Docker client speaks to unix
    /// sockets and plain tcp only).
    pub fn check_docker(&self) -> Result<(), SwarmFlavorError> {
        if self.docker.host.is_empty() && self.docker.tls.is_none() {
            return Err(SwarmFlavorError::invalid("Properties.Docker", "no docker connect info"));
        }
        if self.docker.tls.as_ref().is_some_and(TlsOptions::is_used) {
            return Err(SwarmFlavorError::invalid(
                "Properties.Docker.TLS",
                "TLS connections to the Docker engine are not supported by this build: reach a manager's engine \
                 on a unix socket or on tcp:// without TLS",
            ));
        }
        if self.docker.host.is_empty() {
            return Err(SwarmFlavorError::invalid("Properties.Docker.Host", "no docker host given"));
        }
        infrakit_docker::Host::parse(&self.docker.host)
            .map(|_| ())
            .map_err(|e| SwarmFlavorError::invalid("Properties.Docker.Host", e))
    }

    /// The attachments of the instance with `logical_id`: its own, then those for every instance.
    pub fn attachments_for(&self, logical_id: Option<&str>) -> Vec<Attachment> {
        let own = logical_id.and_then(|l| self.attachments.get(l)).into_iter().flatten();
        let shared = self.attachments.get(ALL_INSTANCES).into_iter().flatten();
        own.chain(shared).cloned().collect()
    }
}

/// v0.5's `validateIDsAndAttachments`: logical IDs unique, attachment keys logical IDs (or `*`), every attachment
/// typed, no attachment used twice; then, for managers, an odd number of logical IDs.
pub fn check_allocation(
    props: &SwarmProperties,
    allocation: &AllocationMethod,
    role: Role,
) -> Result<(), SwarmFlavorError> {
    let mut ids = BTreeSet::new();
    for (i, id) in allocation.logical_ids.iter().enumerate() {
        if !ids.insert(id.0.as_str()) {
            return Err(SwarmFlavorError::invalid(
                format!("Allocation.LogicalIDs[{i}]"),
                format!("LogicalID {id} specified more than once"),
            ));
        }
    }
    for key in props.attachments.keys() {
        if key != ALL_INSTANCES && !ids.contains(key.as_str()) {
            return Err(SwarmFlavorError::invalid(
                format!("Properties.Attachments.{key}"),
                format!("LogicalID {key} used for an attachment but is not in group LogicalIDs"),
            ));
        }
    }
    for (key, atts) in &props.attachments {
        if let Some(i) = atts.iter().position(|a| a.kind.is_empty()) {
            return Err(SwarmFlavorError::invalid(
                format!("Properties.Attachments.{key}[{i}].Type"),
                "no attachment type",
            ));
        }
    }
    let mut used = BTreeSet::new();
    for (key, atts) in &props.attachments {
        for (i, a) in atts.iter().enumerate() {
            if !used.insert(a.id.as_str()) {
                return Err(SwarmFlavorError::invalid(
                    format!("Properties.Attachments.{key}[{i}].ID"),
                    format!("Attachment {} specified more than once", a.id),
                ));
            }
        }
    }
    if role == Role::Manager {
        if allocation.logical_ids.len().is_multiple_of(2) {
            return Err(SwarmFlavorError::invalid("Allocation.LogicalIDs", "must have odd number for quorum"));
        }
        for id in &allocation.logical_ids {
            // v0.5 warned here; a debug line now, since the group's own `Allocation.Attachments` (not sent to
            // flavors) usually hold a manager's volume, and Validate runs on every pass.
            if props.attachments.get(&id.0).is_none_or(Vec::is_empty) {
                tracing::debug!(logical_id = %id, "LogicalID has no attachments, which is needed for durability");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrakit_spi::instance::LogicalId;

    fn props(json: &str) -> SwarmProperties {
        SwarmProperties::parse(Some(&Any::from_json(json).unwrap())).unwrap()
    }

    fn ids(list: &[&str]) -> AllocationMethod {
        AllocationMethod { size: 0, logical_ids: list.iter().map(|l| LogicalId(l.to_string())).collect() }
    }

    #[test]
    fn connect_info() {
        assert_eq!(SwarmProperties::parse(None).unwrap_err().to_string(), "invalid Properties: missing config");
        let err = props("{}").check_docker().unwrap_err().to_string();
        assert!(err.ends_with("no docker connect info"), "{err}");
        assert!(props(r#"{"Docker":{"Host":"tcp://192.168.2.200:4243"}}"#).check_docker().is_ok());
        // Incomplete TLS options: v0.5 connects in the clear, and so does this flavor.
        assert!(props(r#"{"Docker":{"Host":"tcp://h:1","TLS":{"CAFile":"ca"}}}"#).check_docker().is_ok());
        let tls = r#"{"Docker":{"Host":"tcp://h:1","TLS":{"CAFile":"c","CertFile":"c","KeyFile":"k"}}}"#;
        let err = props(tls).check_docker().unwrap_err().to_string();
        assert!(err.contains("Properties.Docker.TLS") && err.contains("not supported"), "{err}");
        let err = props(r#"{"Docker":{"Host":"nowhere"}}"#).check_docker().unwrap_err().to_string();
        assert!(err.contains("Properties.Docker.Host"), "{err}");
        let err = SwarmProperties::parse(Some(&Any::from_json(r#"{"Dokcer":{}}"#).unwrap())).unwrap_err();
        assert!(err.to_string().contains("Dokcer"), "{err}");
    }

    #[test]
    fn v05_allocation_rules() {
        let p = props(r#"{"Attachments":{"a":[{"ID":"x","Type":"ebs"}],"*":[{"ID":"y","Type":"nfs"}]}}"#);
        assert!(check_allocation(&p, &ids(&["a"]), Role::Manager).is_ok());
        assert_eq!(p.attachments_for(Some("a")).iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(p.attachments_for(None).len(), 1);
        let err = check_allocation(&p, &ids(&["a", "b"]), Role::Manager).unwrap_err().to_string();
        assert!(err.ends_with("must have odd number for quorum"), "{err}");
        assert!(check_allocation(&p, &ids(&["a", "b"]), Role::Worker).is_ok());
        let none = AllocationMethod { size: 3, logical_ids: vec![] };
        assert!(check_allocation(&SwarmProperties::default(), &none, Role::Manager).is_err(), "zero is even");
        let untyped = props(r#"{"Attachments":{"a":[{"ID":"x"}]}}"#);
        let err = check_allocation(&untyped, &ids(&["a"]), Role::Worker).unwrap_err().to_string();
        assert_eq!(err, "invalid Properties.Attachments.a[0].Type: no attachment type");
    }
}
