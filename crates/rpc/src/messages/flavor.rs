//! `Flavor.*` bodies.

use infrakit_spi::flavor::{AllocationMethod, Health, Index};
use infrakit_spi::instance::{Description, Spec};
use infrakit_spi::Any;
use serde::{Deserialize, Serialize};

/// `Flavor.Validate` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidateRequest {
    /// Sub-type.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// Flavor properties.
    #[serde(rename = "Properties", default)]
    pub properties: Option<Any>,
    /// The group's allocation.
    #[serde(rename = "Allocation", default)]
    pub allocation: AllocationMethod,
}

/// `Flavor.Prepare` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrepareRequest {
    /// Sub-type.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// Flavor properties.
    #[serde(rename = "Properties", default)]
    pub properties: Option<Any>,
    /// The spec to rewrite.
    #[serde(rename = "Spec", default)]
    pub spec: Spec,
    /// The group's allocation.
    #[serde(rename = "Allocation", default)]
    pub allocation: AllocationMethod,
    /// Where the instance sits in the group.
    #[serde(rename = "Index", default)]
    pub index: Index,
}

/// `Flavor.Prepare` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrepareResponse {
    /// Sub-type, echoed.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// The rewritten spec.
    #[serde(rename = "Spec", default)]
    pub spec: Spec,
}

/// `Flavor.Healthy` and `Flavor.Drain` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstanceRequest {
    /// Sub-type.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// Flavor properties.
    #[serde(rename = "Properties", default)]
    pub properties: Option<Any>,
    /// The instance.
    #[serde(rename = "Instance", default)]
    pub instance: Description,
}

/// `Flavor.Healthy` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HealthyResponse {
    /// Sub-type, echoed.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// The verdict.
    #[serde(rename = "Health", default)]
    pub health: Health,
}
