//! `infrakit template`: render an InfraKit template (Go text/template syntax with InfraKit's functions), and the
//! template flags shared by the commands that read specs (`group commit`, `manager commit`, `up`).

use crate::cmd_metadata::PluginMetadata;
use crate::input::read_source;
use crate::Context;
use anyhow::{Context as _, Result};
use clap::Args;
use infrakit_template::{Options, Template};
use std::sync::Arc;

/// Flags that feed templates.
#[derive(Args, Debug, Clone, Default)]
pub struct TemplateFlags {
    /// A template variable, key=value (an integer or a bool when it parses as one); read with {{ var "key" }}.
    #[arg(long = "var", short = 'v', value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
    /// A v0.4.1 global, key=value (a string); read with {{ ref "key" }}.
    #[arg(long = "global", value_name = "KEY=VALUE")]
    pub globals: Vec<String>,
    /// Render in one pass: an unset {{ var }} renders as <no value> instead of being kept for a later pass.
    #[arg(long = "final", short = 'f')]
    pub final_pass: bool,
}

/// `infrakit template`
#[derive(Args)]
#[command(after_help = "\
URLs: file:///path, http://..., str://<template text>, a plain path, or - for standard input. Relative includes
resolve against the including template's location.

Examples:
  infrakit template examples/boot/boot.sh --var cluster=demo --var size=3 | sh
  infrakit template 'str://{{ var \"x\" | upper }}' --var x=hello --final")]
pub struct TemplateCmd {
    /// The template's URL or path.
    url: Option<String>,
    /// The template's URL (InfraKit v0.4.1's form).
    #[arg(long = "url", conflicts_with = "url")]
    url_flag: Option<String>,
    #[command(flatten)]
    flags: TemplateFlags,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    output: Option<String>,
}

/// The options for `flags`, with `metadata` answered by the running plugins.
pub fn options(flags: &TemplateFlags, ctx: &Context) -> Result<Options> {
    let mut opts = Options { multi_pass: !flags.final_pass, ..Options::default() };
    for kv in &flags.vars {
        opts = opts.var(kv).map_err(anyhow::Error::msg)?;
    }
    for kv in &flags.globals {
        let (k, v) = Options::parse_global(kv).with_context(|| format!("bad --global {kv:?}: want key=value"))?;
        opts.globals.insert(k, v);
    }
    opts.metadata = Some(Arc::new(PluginMetadata(ctx.registry.clone())));
    Ok(opts)
}

/// A path or URL as a template URL (plain paths become file:// URLs, relative to the current directory).
fn to_url(path: &str) -> Result<String> {
    if path.contains("://") {
        return Ok(path.to_string());
    }
    let abs = std::env::current_dir().context("current directory")?.join(path);
    Ok(format!("file://{}", abs.display()))
}

/// Renders the template at `path` (or `-`).
pub fn render(path: &str, flags: &TemplateFlags, ctx: &Context) -> Result<String> {
    let opts = options(flags, ctx)?;
    let template = if path == "-" {
        let text = read_source("-")?;
        Template::from_text(&to_url("<stdin>")?, &text, &opts)?
    } else {
        Template::from_url(&to_url(path)?, &opts)?
    };
    Ok(template.render(&serde_json::Value::Null)?)
}

/// The text `raw` read from `path`, rendered first when it is a template (it holds `{{`).
pub fn render_if_template(path: &str, raw: &str, flags: &TemplateFlags, ctx: &Context) -> Result<String> {
    if !raw.contains("{{") {
        return Ok(raw.to_string());
    }
    let opts = options(flags, ctx)?;
    let url = to_url(if path == "-" { "<stdin>" } else { path })?;
    let template = Template::from_text(&url, raw, &opts)?;
    Ok(template.render(&serde_json::Value::Null)?)
}

/// Runs `infrakit template`.
pub fn run(cmd: TemplateCmd, ctx: &Context) -> Result<()> {
    let url = cmd.url.or(cmd.url_flag).context("give the template's URL or path (or - for standard input)")?;
    let text = render(&url, &cmd.flags, ctx)?;
    match cmd.output {
        Some(file) => std::fs::write(&file, text).with_context(|| format!("writing {file}"))?,
        None => print!("{text}"),
    }
    Ok(())
}
