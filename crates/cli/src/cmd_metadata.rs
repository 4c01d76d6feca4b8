//! `infrakit metadata ls|cat`: the read-only namespace that plugins export, addressed as `<plugin>/<path>`.

use crate::Context;
use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use infrakit_rpc::clients::{MetadataClient, PluginClient};
use infrakit_spi::metadata::{Metadata, Path};
use infrakit_spi::plugin::{versions, Name};
use std::time::Duration;

/// `infrakit metadata ...`
#[derive(Args)]
pub struct MetadataCmd {
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(Subcommand)]
enum Sub {
    /// List paths: with no path, the plugins that export metadata; `<plugin>/<path>` lists the children there.
    #[command(
        after_help = "Examples:\n  infrakit metadata ls\n  infrakit metadata ls group/groups\n  infrakit metadata ls -a group"
    )]
    Ls {
        /// Paths to list.
        paths: Vec<String>,
        /// Print full paths, with a total.
        #[arg(short, long)]
        long: bool,
        /// List every leaf below the path, recursively (implies --long).
        #[arg(short, long)]
        all: bool,
    },
    /// Print values: `<plugin>` alone prints true or false (is it running); strings print without quotes.
    #[command(
        after_help = "Examples:\n  infrakit metadata cat group/groups/cattle/Size\n  infrakit metadata cat group/leader"
    )]
    Cat {
        /// Paths to print.
        #[arg(required = true)]
        paths: Vec<String>,
    },
}

/// Resolves `<plugin>/<path>` against running plugins: `Ok(None)` when the plugin is not running or exports nothing.
pub async fn resolve(ctx: &Context, path: &str) -> Result<Option<serde_json::Value>> {
    resolve_in(&ctx.registry, path).await
}

/// [`resolve`] with only the registry.
pub async fn resolve_in(registry: &infrakit_rpc::Registry, path: &str) -> Result<Option<serde_json::Value>> {
    let p = Path::parse(path);
    let Some((plugin, rest)) = p.split_first() else { bail!("{path:?}: give a path like <plugin>/<path>") };
    let client = registry.remote(&Name::new(plugin)).ok();
    if rest.is_root() {
        // The plugin alone: is it running?
        let alive = match &client {
            Some(c) => tokio::time::timeout(Duration::from_secs(3), c.implements()).await.is_ok_and(|r| r.is_ok()),
            None => false,
        };
        return Ok(Some(serde_json::Value::Bool(alive)));
    }
    let Some(client) = client else { return Ok(None) };
    let value = MetadataClient(client).get(&rest).await?;
    Ok(value.map(|v| v.to_value()))
}

async fn exporters(ctx: &Context) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for e in ctx.discovery.list()? {
        let Ok(client) = ctx.registry.remote(&Name::new(&e.name)) else { continue };
        let ok = tokio::time::timeout(Duration::from_secs(3), client.require("Metadata", versions::METADATA)).await;
        if ok.is_ok_and(|r| r.is_ok()) {
            out.push(e.name);
        }
    }
    Ok(out)
}

async fn leaves(client: &MetadataClient, path: Path, out: &mut Vec<String>, depth: usize) -> Result<()> {
    let children = client.list(&path).await?.unwrap_or_default();
    if children.is_empty() || depth > 32 {
        out.push(path.to_string());
        return Ok(());
    }
    for c in children {
        let mut next = path.0.clone();
        next.push(c);
        Box::pin(leaves(client, Path(next), out, depth + 1)).await?;
    }
    Ok(())
}

/// Runs a `metadata` subcommand.
pub async fn run(cmd: MetadataCmd, ctx: &Context) -> Result<()> {
    match cmd.cmd {
        Sub::Ls { paths, long, all } => {
            if paths.is_empty() {
                exporters(ctx).await?.iter().for_each(|n| println!("{n}"));
                return Ok(());
            }
            for path in paths {
                if path.starts_with('/') {
                    bail!("{path:?}: no absolute paths; start with the plugin's name");
                }
                let p = Path::parse(&path);
                let Some((plugin, rest)) = p.split_first() else { continue };
                let client =
                    MetadataClient(PluginClient::new(ctx.registry.remote(&Name::new(plugin))?.rpc().clone(), ""));
                let mut names = Vec::new();
                if all {
                    leaves(&client, rest.clone(), &mut names, 0).await?;
                    names = names
                        .into_iter()
                        .map(|n| if n == "." { plugin.to_string() } else { format!("{plugin}/{n}") })
                        .collect();
                } else {
                    let children = client.list(&rest).await?;
                    let Some(children) = children else { bail!("{path}: no such path") };
                    names = children
                        .into_iter()
                        .map(|c| if long { format!("{}/{c}", path.trim_end_matches('/')) } else { c })
                        .collect();
                }
                if long || all {
                    println!("total {}:", names.len());
                }
                names.iter().for_each(|n| println!("{n}"));
            }
            Ok(())
        }
        Sub::Cat { paths } => {
            for path in paths {
                match resolve(ctx, &path).await? {
                    Some(serde_json::Value::String(s)) => println!("{s}"),
                    Some(v) => println!("{}", serde_json::to_string_pretty(&v)?),
                    None => bail!("{path}: no such path"),
                }
            }
            Ok(())
        }
    }
}

/// The template engine's `metadata` function, answered by the running plugins.
pub struct PluginMetadata(pub std::sync::Arc<infrakit_rpc::Registry>);

impl infrakit_template::MetadataResolver for PluginMetadata {
    fn resolve(&self, path: &str) -> Result<Option<serde_json::Value>, String> {
        let registry = self.0.clone();
        let path = path.to_string();
        // Templates render synchronously; the lookup is a short RPC on this runtime.
        let found = tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(async move { resolve_in(&registry, &path).await })
        });
        match found {
            Ok(Some(serde_json::Value::Bool(false))) => Ok(None),
            Ok(v) => Ok(v),
            Err(e) => Err(e.to_string()),
        }
    }
}
