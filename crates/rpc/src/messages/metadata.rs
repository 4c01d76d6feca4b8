//! `Metadata.*` bodies.

use infrakit_spi::metadata::Path;
use infrakit_spi::Any;
use serde::{Deserialize, Serialize};

/// `Metadata.List` and `Metadata.Get` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PathRequest {
    /// The path.
    #[serde(rename = "Path", default)]
    pub path: Path,
}

/// `Metadata.List` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListResponse {
    /// Child names, sorted; `null` when the path does not exist.
    #[serde(rename = "Nodes", default)]
    pub nodes: Option<Vec<String>>,
}

/// `Metadata.Get` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetResponse {
    /// The value; `null` when the path does not exist.
    #[serde(rename = "Value", default)]
    pub value: Option<Any>,
}
