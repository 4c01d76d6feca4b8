//! `Flavor.*` bodies.

use infrakit_spi::flavor::{AllocationMethod, Health, Index};
use infrakit_spi::instance::{Description, Spec};
use serde::{Deserialize, Serialize};

super::properties_request! {
    /// `Flavor.Validate` params.
    ValidateRequest {
        /// The group's allocation.
        #[serde(rename = "Allocation", default)]
        allocation: AllocationMethod,
    }
}

super::properties_request! {
    /// `Flavor.Prepare` params.
    PrepareRequest {
        /// The spec to rewrite.
        #[serde(rename = "Spec", default)]
        spec: Spec,
        /// The group's allocation.
        #[serde(rename = "Allocation", default)]
        allocation: AllocationMethod,
        /// Where the instance sits in the group.
        #[serde(rename = "Index", default)]
        index: Index,
    }
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

super::properties_request! {
    /// `Flavor.Healthy` and `Flavor.Drain` params.
    InstanceRequest {
        /// The instance.
        #[serde(rename = "Instance", default)]
        instance: Description,
    }
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

super::properties_request! {
    /// `Flavor.Quorum` params (an extension method: InfraKit v0.5 has no such method).
    QuorumRequest {
        /// The group's instances.
        #[serde(rename = "Instances", default)]
        instances: Vec<Description>,
    }
}

/// `Flavor.Quorum` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuorumResponse {
    /// Sub-type, echoed.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// The quorum (`null`: the flavor keeps none).
    #[serde(rename = "Quorum", default)]
    pub quorum: Option<infrakit_spi::flavor::Quorum>,
}
