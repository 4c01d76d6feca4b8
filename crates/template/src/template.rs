//! The public entry point: load a template from a URL or text, add functions, render.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::exec::{render_frame, Engine, Frame};
use crate::funcs::{func_map, FuncImpl, FuncMap};
use crate::options::Options;
use crate::scope::Scope;
use crate::unit::Unit;
use crate::url::Url;

/// A parsed template, ready to render any number of times (it is `Send + Sync` and cheap to clone).
#[derive(Clone)]
pub struct Template {
    unit: Arc<Unit>,
    options: Options,
    funcs: Arc<FuncMap>,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template").field("url", &self.unit.url.to_string()).field("options", &self.options).finish()
    }
}

impl Template {
    /// Loads and parses the template at `url`: `file://`, `http://`, `str://<text>`, or a plain path (relative
    /// to the current directory). The fetcher in `options` does the loading. The URL itself is the caller's
    /// choice (check one from untrusted input with [`SourcePolicy::check`](crate::SourcePolicy::check)); what
    /// the template includes, sources and fetches is bounded by `options.policy`.
    pub fn from_url(url: &str, options: &Options) -> Result<Template> {
        let parsed = Url::from_input(url).map_err(|reason| Error::Load { url: url.to_string(), reason })?;
        let loaded = crate::source::load(options.fetcher.as_ref(), &parsed, &[])
            .map_err(|reason| Error::Load { url: parsed.to_string(), reason })?;
        Template::build(parsed, loaded.base, loaded.text, options)
    }

    /// Parses `text` as if it had been loaded from `url` (which names it in errors and is the base of
    /// relative `include`s; a plain path is relative to the current directory). `url` may be just `str://`
    /// for text with no file behind it (relative includes then resolve against the current directory, and the
    /// source policy lets it read only the allowed directories: text has no directory tree of its own).
    pub fn from_text(url: &str, text: &str, options: &Options) -> Result<Template> {
        let mut parsed = Url::from_input(url).map_err(|reason| Error::Load { url: url.to_string(), reason })?;
        let base = if parsed.scheme() == "str" { Url::cwd_base() } else { parsed.clone() };
        if parsed.scheme() == "str" && parsed.rest().is_empty() {
            // A `str://` template's URL is its text; errors show its first line.
            parsed = Url::parse(&format!("str://{text}")).map_err(|reason| Error::Load { url: url.into(), reason })?;
        }
        Template::build(parsed, base, text.to_string(), options)
    }

    fn build(url: Url, base: Url, text: String, options: &Options) -> Result<Template> {
        let unit = Unit::parse(url, base, text, options.left(), options.right())?;
        Ok(Template { unit: Arc::new(unit), options: options.clone(), funcs: Arc::new(func_map(options)) })
    }

    /// The URL the template was loaded from.
    pub fn url(&self) -> &Url {
        &self.unit.url
    }

    /// The template's text.
    pub fn text(&self) -> &str {
        &self.unit.src
    }

    /// The options the template was loaded with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Adds (or replaces) a function; it takes precedence over every other function of the same name and is
    /// inherited by included and sourced templates.
    pub fn add_func<F>(&mut self, name: &str, f: F)
    where
        F: Fn(&[Value]) -> std::result::Result<Value, String> + Send + Sync + 'static,
    {
        Arc::make_mut(&mut self.funcs).insert(name.to_string(), FuncImpl::User(Arc::new(f)));
    }

    /// Whether a function of that name is available.
    pub fn has_func(&self, name: &str) -> bool {
        self.funcs.contains_key(name)
    }

    /// Renders with `dot` as `.` and `$`. Every render starts from the options' `vars` and `globals`;
    /// globals set while rendering do not outlive it.
    pub fn render(&self, dot: &Value) -> Result<String> {
        // `str://` text has no file behind it, so no directory tree of its own.
        let tree = (self.unit.url.scheme() != "str").then(|| self.unit.base.clone());
        let root = (self.unit.url.to_string(), self.unit.name.clone());
        let engine = Engine::new(&self.options, &self.funcs, root, tree);
        let frame =
            Frame { unit: self.unit.clone(), scope: Scope::root(self.options.initial_globals()), root: dot.clone() };
        render_frame(&engine, &frame, 0)
    }
}
