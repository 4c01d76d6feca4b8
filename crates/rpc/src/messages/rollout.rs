//! Bodies of the rollout controls, extension methods of `Group` (their params are a `Group` [`IdRequest`] and
//! most answer a `Group` [`OkResponse`]).
//!
//! [`IdRequest`]: super::group::IdRequest
//! [`OkResponse`]: super::group::OkResponse

use serde::{Deserialize, Serialize};

/// `Group.GroupStatus` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusResponse {
    /// The group's status.
    #[serde(rename = "Status", default)]
    pub status: Option<infrakit_spi::status::GroupStatus>,
}
