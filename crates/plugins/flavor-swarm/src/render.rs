//! Rendering the init script: the template (the role's default, a `--*-init-template` flag's, or
//! `Properties.InitScriptTemplateURL`'s) with v0.5's functions, on tokio's blocking pool (loading may read a file
//! or fetch a URL, and rendering runs within the template engine's step and time budget).

use crate::error::SwarmFlavorError;
use crate::link::Link;
use crate::properties::SwarmProperties;
use crate::role::Role;
use crate::state::SwarmState;
use crate::templates::REJOIN_GUARD;
use infrakit_spi::flavor::{AllocationMethod, Index};
use infrakit_spi::instance::Spec;
use infrakit_template::{Options, Template, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Where the template comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The role's built-in default.
    Default(Role),
    /// A URL (`file://`, `http://`, `str://`) or a path the operator gave (the plugin's `--*-init-template` flags).
    Url(String),
    /// `Properties.InitScriptTemplateURL`: from the spec, so untrusted; read only where the template source policy
    /// allows (`--template-allow-dir`, `--template-allow-http`).
    Spec(String),
}

/// Everything the template functions answer from.
#[derive(Debug, Clone)]
pub struct Context {
    /// The flavor's properties (`SPEC`).
    pub props: SwarmProperties,
    /// The instance spec being prepared (`INSTANCE_LOGICAL_ID`).
    pub spec: Spec,
    /// The group's allocation (`ALLOCATIONS`).
    pub allocation: AllocationMethod,
    /// The instance's place in the group (`INDEX`).
    pub index: Index,
    /// The swarm as read (`SWARM_*`).
    pub state: SwarmState,
    /// The instance's new link (`INFRAKIT_LABELS`).
    pub link: Link,
}

impl Context {
    /// `INFRAKIT_LABELS`: the engine labels of the properties, then the link's, as `key=value`.
    pub fn engine_labels(&self) -> Vec<String> {
        let engine = self.props.engine_labels.iter().map(|(k, v)| format!("{k}={v}"));
        engine.chain(self.link.tags().iter().map(|(k, v)| format!("{k}={v}"))).collect()
    }

    /// The template options with every function of the flavor.
    fn options(&self, cancel: Arc<AtomicBool>) -> Options {
        let spec = serde_json::to_value(&self.props).unwrap_or_default();
        let lid = Value::String(self.spec.logical_id.as_ref().map(|l| l.0.clone()).unwrap_or_default());
        let allocation = serde_json::to_value(&self.allocation).unwrap_or_default();
        let index = serde_json::to_value(&self.index).unwrap_or_default();
        let labels = Value::from(self.engine_labels());
        let (initialized, addr) = (self.state.initialized(), self.state.manager_addr());
        let (tokens, cluster) = (self.state.join_tokens(), self.state.cluster_id());
        Options { multi_pass: true, cancel: Some(cancel), ..Options::default() }
            .func("SPEC", move |_| Ok(spec.clone()))
            .func("INSTANCE_LOGICAL_ID", move |_| Ok(lid.clone()))
            .func("ALLOCATIONS", move |_| Ok(allocation.clone()))
            .func("INDEX", move |_| Ok(index.clone()))
            .func("INFRAKIT_LABELS", move |_| Ok(labels.clone()))
            .func("SWARM_MANAGER_ADDR", move |_| addr.clone().map(Value::String))
            .func("SWARM_INITIALIZED", move |_| Ok(Value::Bool(initialized)))
            .func("SWARM_JOIN_TOKENS", move |_| tokens.clone())
            .func("SWARM_CLUSTER_ID", move |_| cluster.clone().map(Value::String))
            .func("SWARM_REJOIN_GUARD", |_| Ok(Value::String(REJOIN_GUARD.to_string())))
    }
}

/// Raises its flag when dropped: a render whose caller went away stops.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn load(source: &Source, options: &Options) -> Result<Template, SwarmFlavorError> {
    let loaded = match source {
        Source::Default(role) => Template::from_text(role.default_template_url(), role.default_template(), options),
        Source::Url(url) => Template::from_url(url, options),
        Source::Spec(url) => {
            let parsed = infrakit_template::Url::from_input(url)
                .map_err(|e| SwarmFlavorError::Template { url: url.clone(), message: e })?;
            options
                .policy
                .check(None, &parsed)
                .map_err(|e| SwarmFlavorError::Template { url: url.clone(), message: e.to_string() })?;
            Template::from_url(url, options)
        }
    };
    loaded.map_err(|e| SwarmFlavorError::Template { url: source.to_string(), message: e.to_string() })
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default(role) => f.write_str(role.default_template_url()),
            Source::Url(url) | Source::Spec(url) => f.write_str(url),
        }
    }
}

/// Runs `work` on tokio's blocking pool (on this thread outside a runtime); it sees a flag raised when the
/// returned future is dropped.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce(Arc<AtomicBool>) -> Result<T, SwarmFlavorError> + Send + 'static,
) -> Result<T, SwarmFlavorError> {
    let cancel = CancelOnDrop(Arc::new(AtomicBool::new(false)));
    let flag = cancel.0.clone();
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return work(flag) };
    let out = runtime.spawn_blocking(move || work(flag)).await.map_err(|e| SwarmFlavorError::Task(e.to_string()))?;
    drop(cancel);
    out
}

/// Loads and parses the template at `url` (what v0.5's Validate does with `InitScriptTemplateURL`).
pub async fn check(url: String) -> Result<(), SwarmFlavorError> {
    blocking(move |cancel| {
        load(&Source::Spec(url), &Options { cancel: Some(cancel), ..Options::default() }).map(|_| ())
    })
    .await
}

/// Renders the init script from `source` with `context`.
pub async fn render(source: Source, context: Context) -> Result<String, SwarmFlavorError> {
    blocking(move |cancel| {
        let template = load(&source, &context.options(cancel))?;
        template
            .render(&Value::Null)
            .map_err(|e| SwarmFlavorError::Template { url: source.to_string(), message: e.to_string() })
    })
    .await
}
