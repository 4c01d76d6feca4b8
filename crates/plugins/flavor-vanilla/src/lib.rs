//! `flavor-vanilla`: adds Init lines, tags and attachments to a spec; every instance is healthy.
//!
//! An Init that is a template is rendered on tokio's blocking pool, within a [`RenderBudget`] (evaluation steps and
//! wall-clock time), so a runaway template fails its Prepare with an error naming the budget while the plugin keeps
//! answering, and is stopped when whoever waits for it goes away (a dropped Prepare, a runtime shutting down).

mod builtin;
pub use builtin::BUILTIN;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Index, Prepare};
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

/// How much work rendering one Init template may do: the template engine's step budget and time limit
/// (`infrakit_template::Options::max_steps` and `time_limit`). A render that exceeds either fails with an error
/// naming it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderBudget {
    /// The most evaluation steps (nodes, range iterations, function calls); `u64::MAX` for no budget.
    pub max_steps: u64,
    /// The longest a render may take; `None` for no limit.
    pub time_limit: Option<Duration>,
}

impl Default for RenderBudget {
    /// The template engine's defaults.
    fn default() -> RenderBudget {
        RenderBudget {
            max_steps: infrakit_template::Options::DEFAULT_MAX_STEPS,
            time_limit: Some(infrakit_template::Options::DEFAULT_TIME_LIMIT),
        }
    }
}

/// Renders an Init script that is a template, with the instance's context: the dot holds `LogicalID`, `Index`
/// (`Group`, `Sequence`), `Attachments`, `Tags` and `Allocation`, and the functions `INSTANCE_LOGICAL_ID`, `INDEX`,
/// `ALLOCATIONS` and `ATTACHMENTS` return the same (as InfraKit's swarm flavor offers them). This renders on the
/// calling thread, within the default [`RenderBudget`]; async code uses [`render_init_blocking`].
pub fn render_init(spec: &Spec, allocation: &AllocationMethod, index: &Index) -> Result<String> {
    render_init_with(spec, allocation, index, &RenderBudget::default(), None)
}

/// [`render_init`] on tokio's blocking pool (so the runtime keeps serving other calls meanwhile), within `budget`.
/// Dropping the returned future stops the render soon after (within a few thousand template steps). Outside a
/// tokio runtime it renders on the calling thread.
pub async fn render_init_blocking(
    spec: &Spec,
    allocation: &AllocationMethod,
    index: &Index,
    budget: &RenderBudget,
) -> Result<String> {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return render_init_with(spec, allocation, index, budget, None);
    };
    let cancel = CancelOnDrop(Arc::new(AtomicBool::new(false)));
    let flag = cancel.0.clone();
    let (spec, allocation, index, budget) = (spec.clone(), allocation.clone(), index.clone(), *budget);
    let render = runtime.spawn_blocking(move || render_init_with(&spec, &allocation, &index, &budget, Some(flag)));
    let rendered = render.await.map_err(|e| infrakit_spi::Error::failed(format!("rendering Properties.Init: {e}")))?;
    drop(cancel);
    rendered
}

/// Raises its flag when dropped: a render whose caller went away stops.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn render_init_with(
    spec: &Spec,
    allocation: &AllocationMethod,
    index: &Index,
    budget: &RenderBudget,
    cancel: Option<Arc<AtomicBool>>,
) -> Result<String> {
    use infrakit_template::{Options, Template, Value};
    let lid = Value::String(spec.logical_id.as_ref().map(|l| l.0.clone()).unwrap_or_default());
    let idx = serde_json::to_value(index).unwrap_or_default();
    let alloc = serde_json::to_value(allocation).unwrap_or_default();
    let atts = serde_json::to_value(&spec.attachments).unwrap_or_default();
    let dot = serde_json::json!({
        "LogicalID": lid, "Index": idx, "Attachments": atts, "Tags": spec.tags, "Allocation": alloc,
    });
    let (l, i, a, t) = (lid.clone(), idx.clone(), alloc.clone(), atts.clone());
    let opts = Options { max_steps: budget.max_steps, time_limit: budget.time_limit, cancel, ..Options::default() }
        .func("INSTANCE_LOGICAL_ID", move |_| Ok(l.clone()))
        .func("INDEX", move |_| Ok(i.clone()))
        .func("ALLOCATIONS", move |_| Ok(a.clone()))
        .func("ATTACHMENTS", move |_| Ok(t.clone()));
    let template = Template::from_text("str://flavor-vanilla/Init", &spec.init, &opts)
        .map_err(|e| infrakit_spi::Error::invalid("Properties.Init", e))?;
    template.render(&dot).map_err(|e| infrakit_spi::Error::invalid("Properties.Init", e))
}

/// The vanilla flavor; Init templates render within its [`RenderBudget`] (the default one unless set).
#[derive(Debug, Clone, Default)]
pub struct VanillaFlavor {
    /// The budget of each Init template render.
    pub budget: RenderBudget,
}

impl VanillaFlavor {
    /// The vanilla flavor with another budget for rendering Init templates.
    pub fn with_budget(budget: RenderBudget) -> VanillaFlavor {
        VanillaFlavor { budget }
    }
}

async fn prepare(budget: &RenderBudget, request: Prepare<'_>) -> Result<Spec> {
    let Prepare { properties, mut spec, allocation, index } = request;
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
        spec.init = render_init_blocking(&spec, allocation, index, budget).await?;
    }
    Ok(spec)
}

#[async_trait]
impl Flavor for VanillaFlavor {
    async fn validate(&self, properties: Option<&Any>, _allocation: &AllocationMethod) -> Result<()> {
        VanillaProperties::parse(properties).map(|_| ())
    }

    async fn prepare(&self, request: Prepare<'_>) -> Result<Spec> {
        prepare(&self.budget, request).await
    }

    async fn healthy(&self, _properties: Option<&Any>, _instance: &Description) -> Result<Health> {
        Ok(Health::Healthy)
    }

    fn constant_health(&self) -> Option<Health> {
        Some(Health::Healthy)
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
        let out = VanillaFlavor::default().prepare(Prepare::lone(Some(&props), spec)).await.unwrap();
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
        let out = VanillaFlavor::default()
            .prepare(Prepare {
                properties: Some(&props),
                spec,
                allocation: &AllocationMethod::default(),
                index: &index,
            })
            .await
            .unwrap();
        assert_eq!(out.init, "echo 10.0.0.7 db/2 vol-7");
        let bad = Any::from_json(r#"{"Init":["{{ nope }}"]}"#).unwrap();
        let err = VanillaFlavor::default()
            .prepare(Prepare {
                properties: Some(&bad),
                spec: Spec::default(),
                allocation: &AllocationMethod::default(),
                index: &index,
            })
            .await;
        let err = err.unwrap_err().to_string();
        assert!(err.contains("Properties.Init") && err.contains("nope") && err.contains("1:4"), "{err}");
    }

    #[tokio::test]
    async fn validate_names_the_bad_field() {
        let alloc = AllocationMethod::default();
        let bad = Any::from_json(r#"{"Init":"not a list"}"#).unwrap();
        let err = VanillaFlavor::default().validate(Some(&bad), &alloc).await.unwrap_err().to_string();
        assert!(err.contains("Properties.Init"), "{err}");
        let typo = Any::from_json(r#"{"Tgas":{}}"#).unwrap();
        let err = VanillaFlavor::default().validate(Some(&typo), &alloc).await.unwrap_err().to_string();
        assert!(err.contains("Tgas"), "{err}");
        assert!(VanillaFlavor::default().validate(None, &alloc).await.is_ok());
    }
}
