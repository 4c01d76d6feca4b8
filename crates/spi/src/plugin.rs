//! Plugin names (`lookup/type`), the universal `{"Plugin","Properties"}` pair, and interface versions.

use crate::Any;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A plugin name `lookup[/type]`: the lookup selects the socket, the type is sent as `Type` in every request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Name(pub String);

impl Name {
    /// Makes a name from any string.
    pub fn new(s: impl Into<String>) -> Name {
        Name(s.into())
    }

    /// Splits at the first `/`: `flavor-swarm/manager` → (`flavor-swarm`, `manager`); no slash → type `""`.
    pub fn lookup_and_type(&self) -> (&str, &str) {
        self.0.split_once('/').unwrap_or((self.0.as_str(), ""))
    }

    /// The socket part of the name.
    pub fn lookup(&self) -> &str {
        self.lookup_and_type().0
    }

    /// The name as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name(s.to_string())
    }
}

/// `{"Plugin": <name>, "Properties": <any>}`: which plugin, with its opaque config.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Spec {
    /// The plugin that interprets `Properties`.
    #[serde(rename = "Plugin", default)]
    pub plugin: Name,
    /// The plugin's configuration, kept as raw JSON.
    #[serde(rename = "Properties", default)]
    pub properties: Option<Any>,
}

/// An RPC interface and its version, as exchanged in the handshake.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InterfaceSpec {
    /// Interface name, e.g. `Instance`.
    #[serde(rename = "Name")]
    pub name: String,
    /// Interface version, e.g. `0.5.0`.
    #[serde(rename = "Version")]
    pub version: String,
}

impl InterfaceSpec {
    /// Builds an interface spec.
    pub fn new(name: &str, version: &str) -> InterfaceSpec {
        InterfaceSpec { name: name.to_string(), version: version.to_string() }
    }

    /// `Name/Version`, the key used by `Handshake.Types`.
    pub fn encode(&self) -> String {
        format!("{}/{}", self.name, self.version)
    }
}

/// The interfaces this implementation speaks (InfraKit v0.5): each name and version is written here and only here.
pub mod versions {
    use super::InterfaceSpec;

    /// `Instance/0.5.0`.
    pub const INSTANCE: &str = "0.5.0";
    /// `Flavor/0.1.0`.
    pub const FLAVOR: &str = "0.1.0";
    /// `Group/0.1.0`.
    pub const GROUP: &str = "0.1.0";
    /// `Metadata/0.1.0`.
    pub const METADATA: &str = "0.1.0";
    /// `Manager/0.1.0`.
    pub const MANAGER: &str = "0.1.0";
    /// `Handshake/0.1.0`.
    pub const HANDSHAKE: &str = "0.1.0";

    /// An interface's name and version, known when compiling.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct Interface {
        /// Interface name, e.g. `Instance`: the part of a method name before the dot.
        pub name: &'static str,
        /// Interface version, e.g. `0.5.0`.
        pub version: &'static str,
    }

    impl Interface {
        /// The handshake's form of it.
        pub fn spec(self) -> InterfaceSpec {
            InterfaceSpec::new(self.name, self.version)
        }
    }

    /// `Instance/0.5.0`.
    pub const INSTANCE_API: Interface = Interface { name: "Instance", version: INSTANCE };
    /// `Flavor/0.1.0`.
    pub const FLAVOR_API: Interface = Interface { name: "Flavor", version: FLAVOR };
    /// `Group/0.1.0`.
    pub const GROUP_API: Interface = Interface { name: "Group", version: GROUP };
    /// `Metadata/0.1.0`.
    pub const METADATA_API: Interface = Interface { name: "Metadata", version: METADATA };
    /// `Manager/0.1.0`.
    pub const MANAGER_API: Interface = Interface { name: "Manager", version: MANAGER };
    /// `Handshake/0.1.0`, the discovery of the others.
    pub const HANDSHAKE_API: Interface = Interface { name: "Handshake", version: HANDSHAKE };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lookup_and_type() {
        assert_eq!(Name::from("flavor-swarm/manager").lookup_and_type(), ("flavor-swarm", "manager"));
        assert_eq!(Name::from("a/b/c").lookup_and_type(), ("a", "b/c"));
        assert_eq!(Name::from("group").lookup_and_type(), ("group", ""));
    }
}
