//! `Instance.*` bodies.

use infrakit_spi::instance::{Description, Id, Spec, Tags};
use infrakit_spi::nullable::{empty_as_null, null_as_default};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

super::properties_request! {
    /// `Instance.Validate` params.
    ValidateRequest {}
}

/// Result of the methods that only say OK.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OkResponse {
    /// Sub-type, echoed.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// Always true on success.
    #[serde(rename = "OK", default)]
    pub ok: bool,
}

/// `Instance.Provision` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProvisionRequest {
    /// Sub-type.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// What to create.
    #[serde(rename = "Spec", default)]
    pub spec: Spec,
}

/// `Instance.Provision` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProvisionResponse {
    /// Sub-type, echoed.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// The new instance's ID.
    #[serde(rename = "ID", default)]
    pub id: Option<Id>,
}

/// `Instance.Label` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LabelRequest {
    /// Sub-type.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// The instance.
    #[serde(rename = "Instance", default)]
    pub instance: Id,
    /// Tags to merge.
    #[serde(rename = "Labels", default, deserialize_with = "null_as_default", serialize_with = "empty_as_null")]
    pub labels: Tags,
}

/// `Instance.Destroy` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DestroyRequest {
    /// Sub-type.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// The instance.
    #[serde(rename = "Instance", default)]
    pub instance: Id,
}

/// `Instance.DescribeInstances` params.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DescribeRequest {
    /// Sub-type.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// Tags every listed instance must carry.
    #[serde(rename = "Tags", default, deserialize_with = "null_as_default", serialize_with = "empty_as_null")]
    pub tags: Tags,
    /// Include plugin-specific state.
    #[serde(rename = "Properties", default)]
    pub properties: bool,
}

/// `Instance.DescribeInstances` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DescribeResponse {
    /// Sub-type, echoed.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// The matching instances.
    #[serde(rename = "Descriptions", default, deserialize_with = "null_as_default", serialize_with = "empty_as_null")]
    pub descriptions: Vec<Description>,
}

/// `Instance.DescribeInstances` result as a server writes it: the JSON of [`DescribeResponse`], written from the
/// descriptions a plugin shares (see `Instance::describe_shared`) instead of copies of them.
#[derive(Debug, Serialize)]
pub struct DescribeAnswer<'a> {
    /// Sub-type, echoed.
    #[serde(rename = "Type")]
    pub kind: &'a str,
    /// The matching instances (`null` when none, as Go writes a nil slice).
    #[serde(rename = "Descriptions", serialize_with = "shared_or_null")]
    pub descriptions: &'a [Arc<Description>],
}

fn shared_or_null<S: serde::Serializer>(d: &&[Arc<Description>], s: S) -> Result<S::Ok, S::Error> {
    match d.is_empty() {
        true => s.serialize_none(),
        false => s.collect_seq(d.iter().map(|a| &**a)),
    }
}

/// `Instance.ValidateSpec` params (an extension): a spec as a flavor prepared it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ValidateSpecRequest {
    /// Sub-type.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// The prepared spec.
    #[serde(rename = "Spec", default)]
    pub spec: Spec,
}

/// `Instance.ListingLag` params (an extension: InfraKit v0.5's plugins do not have it, and the caller then assumes
/// its default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListingLagRequest {
    /// Sub-type.
    #[serde(rename = "Type", default)]
    pub kind: String,
}

/// `Instance.ListingLag` result: how long a new instance may be missing from listings, when the plugin knows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListingLagResponse {
    /// Sub-type, echoed.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// Milliseconds; `null` when not known.
    #[serde(rename = "LagMs", default)]
    pub lag_ms: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_from_shared_descriptions_is_the_same_json() {
        let d = Description {
            id: Id("i-1".into()),
            logical_id: None,
            tags: [("a".to_string(), "<b>".to_string())].into(),
            properties: None,
        };
        for descriptions in [vec![], vec![d.clone(), d]] {
            let shared: Vec<Arc<Description>> = descriptions.iter().cloned().map(Arc::new).collect();
            let kind = "x".to_string();
            let copied = infrakit_spi::gojson::to_vec(&DescribeResponse { kind: kind.clone(), descriptions });
            let answer = infrakit_spi::gojson::to_vec(&DescribeAnswer { kind: &kind, descriptions: &shared });
            assert_eq!(answer.expect("encodes"), copied.expect("encodes"));
        }
        let none = infrakit_spi::gojson::to_vec(&DescribeAnswer { kind: "x", descriptions: &[] }).expect("encodes");
        assert_eq!(String::from_utf8_lossy(&none), r#"{"Type":"x","Descriptions":null}"#);
    }
}
