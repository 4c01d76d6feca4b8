//! `flavor-vanilla`: adds Init lines, tags and attachments to a spec; every instance is healthy.

use async_trait::async_trait;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Index};
use infrakit_spi::instance::{Attachment, Description, Spec, Tags};
use infrakit_spi::nullable::null_as_default;
use infrakit_spi::{Any, Result};
use serde::Deserialize;

/// The vanilla flavor's properties: `{"Init":[..],"Tags":{..},"Attachments":[..]}`. Unknown fields are rejected,
/// so a misspelt key is reported instead of silently ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VanillaProperties {
    /// Lines of the boot script.
    #[serde(rename = "Init", default, deserialize_with = "null_as_default")]
    pub init: Vec<String>,
    /// Tags to add.
    #[serde(rename = "Tags", default, deserialize_with = "null_as_default")]
    pub tags: Tags,
    /// Attachments to add.
    #[serde(rename = "Attachments", default, deserialize_with = "null_as_default")]
    pub attachments: Vec<Attachment>,
}

impl VanillaProperties {
    fn parse(properties: Option<&Any>) -> Result<VanillaProperties> {
        match properties {
            Some(p) if !p.is_null() => p.decode(),
            _ => Ok(VanillaProperties::default()),
        }
    }
}

/// Renders an Init script that is a template, with the instance's context: the dot holds `LogicalID`, `Index`
/// (`Group`, `Sequence`), `Attachments`, `Tags` and `Allocation`, and the functions `INSTANCE_LOGICAL_ID`, `INDEX`,
/// `ALLOCATIONS` and `ATTACHMENTS` return the same (as InfraKit's swarm flavor offers them).
pub fn render_init(spec: &Spec, allocation: &AllocationMethod, index: &Index) -> Result<String> {
    use infrakit_template::{Options, Template, Value};
    let lid = Value::String(spec.logical_id.as_ref().map(|l| l.0.clone()).unwrap_or_default());
    let idx = serde_json::to_value(index).unwrap_or_default();
    let alloc = serde_json::to_value(allocation).unwrap_or_default();
    let atts = serde_json::to_value(&spec.attachments).unwrap_or_default();
    let dot = serde_json::json!({
        "LogicalID": lid, "Index": idx, "Attachments": atts, "Tags": spec.tags, "Allocation": alloc,
    });
    let (l, i, a, t) = (lid.clone(), idx.clone(), alloc.clone(), atts.clone());
    let opts = Options::default()
        .func("INSTANCE_LOGICAL_ID", move |_| Ok(l.clone()))
        .func("INDEX", move |_| Ok(i.clone()))
        .func("ALLOCATIONS", move |_| Ok(a.clone()))
        .func("ATTACHMENTS", move |_| Ok(t.clone()));
    let template = Template::from_text("str://flavor-vanilla/Init", &spec.init, &opts)
        .map_err(|e| infrakit_spi::Error::invalid("Properties.Init", e))?;
    template.render(&dot).map_err(|e| infrakit_spi::Error::invalid("Properties.Init", e))
}

/// The vanilla flavor.
#[derive(Debug, Clone, Default)]
pub struct VanillaFlavor;

#[async_trait]
impl Flavor for VanillaFlavor {
    async fn validate(&self, properties: Option<&Any>, _allocation: &AllocationMethod) -> Result<()> {
        VanillaProperties::parse(properties).map(|_| ())
    }

    async fn prepare(
        &self,
        properties: Option<&Any>,
        mut spec: Spec,
        allocation: &AllocationMethod,
        index: &Index,
    ) -> Result<Spec> {
        let props = VanillaProperties::parse(properties)?;
        let mut lines = Vec::with_capacity(props.init.len() + 1);
        if !spec.init.is_empty() {
            lines.push(std::mem::take(&mut spec.init));
        }
        lines.extend(props.init);
        spec.init = lines.join("\n");
        spec.tags.extend(props.tags);
        spec.attachments.extend(props.attachments);
        if spec.init.contains("{{") {
            spec.init = render_init(&spec, allocation, index)?;
        }
        Ok(spec)
    }

    async fn healthy(&self, _properties: Option<&Any>, _instance: &Description) -> Result<Health> {
        Ok(Health::Healthy)
    }

    async fn drain(&self, _properties: Option<&Any>, _instance: &Description) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn prepare_adds_init_tags_attachments() {
        let props = Any::from_json(
            r#"{"Init":["a","b"],"Tags":{"tier":"web","x":"flavor"},"Attachments":[{"ID":"v1","Type":"vol"}]}"#,
        )
        .unwrap();
        let spec = Spec {
            init: "first".into(),
            tags: [("x".to_string(), "spec".to_string()), ("y".to_string(), "1".to_string())].into(),
            ..Spec::default()
        };
        let out =
            VanillaFlavor.prepare(Some(&props), spec, &AllocationMethod::default(), &Index::default()).await.unwrap();
        assert_eq!(out.init, "first\na\nb");
        assert_eq!(out.tags.get("x").map(String::as_str), Some("flavor"));
        assert_eq!(out.tags.get("y").map(String::as_str), Some("1"));
        assert_eq!(out.attachments, vec![Attachment { id: "v1".into(), kind: "vol".into() }]);
    }

    #[tokio::test]
    async fn init_templates_see_the_instance() {
        let props = Any::from_json(
            r#"{"Init":["echo {{ INSTANCE_LOGICAL_ID }} {{ .Index.Group }}/{{ INDEX.Sequence }} {{ range ATTACHMENTS }}{{ .ID }}{{ end }}"]}"#,
        )
        .unwrap();
        let spec = Spec {
            logical_id: Some(infrakit_spi::instance::LogicalId("10.0.0.7".into())),
            attachments: vec![Attachment { id: "vol-7".into(), kind: "volume".into() }],
            ..Spec::default()
        };
        let index = Index { group: "db".into(), sequence: 2 };
        let out = VanillaFlavor.prepare(Some(&props), spec, &AllocationMethod::default(), &index).await.unwrap();
        assert_eq!(out.init, "echo 10.0.0.7 db/2 vol-7");
        let bad = Any::from_json(r#"{"Init":["{{ nope }}"]}"#).unwrap();
        let err = VanillaFlavor.prepare(Some(&bad), Spec::default(), &AllocationMethod::default(), &index).await;
        let err = err.unwrap_err().to_string();
        assert!(err.contains("Properties.Init") && err.contains("nope") && err.contains("1:4"), "{err}");
    }

    #[tokio::test]
    async fn validate_names_the_bad_field() {
        let alloc = AllocationMethod::default();
        let bad = Any::from_json(r#"{"Init":"not a list"}"#).unwrap();
        let err = VanillaFlavor.validate(Some(&bad), &alloc).await.unwrap_err().to_string();
        assert!(err.contains("Properties.Init"), "{err}");
        let typo = Any::from_json(r#"{"Tgas":{}}"#).unwrap();
        let err = VanillaFlavor.validate(Some(&typo), &alloc).await.unwrap_err().to_string();
        assert!(err.contains("Tgas"), "{err}");
        assert!(VanillaFlavor.validate(None, &alloc).await.is_ok());
    }
}
