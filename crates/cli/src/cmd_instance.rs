//! `infrakit instance validate|provision|destroy|describe --name <plugin>`.

use crate::input::{parse_tags, read_json};
use crate::output::{emit, print_table, OutputFlag};
use crate::Context;
use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use infrakit_spi::instance::{Id, Spec};
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::plugin::Name;
use infrakit_spi::Any;

/// `infrakit instance ...`
#[derive(Args)]
pub struct InstanceCmd {
    /// The instance plugin, as `name` or `name/type`.
    #[arg(long, global = true, default_value = "instance-file")]
    name: String,
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(Subcommand)]
enum Sub {
    /// Check instance properties (a JSON file, or - for standard input) without creating anything.
    #[command(after_help = "Example:\n  echo '{\"Note\":\"hi\"}' | infrakit instance validate --name instance-file -")]
    Validate {
        /// File holding the plugin's Properties.
        file: String,
    },
    /// Create an instance from an instance spec ({"Properties","Tags","Init","LogicalID","Attachments"}); prints its ID.
    #[command(after_help = "Example:\n  infrakit instance provision --name instance-file examples/instance.json")]
    Provision {
        /// File holding the instance spec, or - for standard input.
        file: String,
    },
    /// Destroy instances by ID.
    #[command(after_help = "Example:\n  infrakit instance destroy --name instance-file instance-1234")]
    Destroy {
        /// Instance IDs.
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// List instances, optionally only those carrying all the given tags.
    #[command(after_help = "Examples:\n  infrakit instance describe --name instance-file\n  \
                            infrakit instance describe --tags infrakit.group=cattle -o table")]
    Describe {
        /// Tags to match, as k=v (comma-separated or repeated).
        #[arg(long)]
        tags: Vec<String>,
        /// Include the plugin's view of each instance (Properties).
        #[arg(short, long)]
        properties: bool,
        /// Print only the IDs.
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        output: OutputFlag,
    },
}

/// Runs an `instance` subcommand.
pub async fn run(cmd: InstanceCmd, ctx: &Context) -> Result<()> {
    let name = Name::new(cmd.name);
    let plugin = ctx.registry.instance(&name).await?;
    match cmd.cmd {
        Sub::Validate { file } => {
            let props: Any = read_json(&file)?;
            plugin.validate(Some(&props)).await.with_context(|| format!("{name} rejected {file}"))?;
            println!("validate:ok");
        }
        Sub::Provision { file } => {
            let spec: Spec = read_json(&file)?;
            let id = plugin.provision(spec).await.with_context(|| format!("{name} could not provision {file}"))?;
            println!("{id}");
        }
        Sub::Destroy { ids } => {
            for id in ids {
                plugin.destroy(&Id(id.clone())).await.with_context(|| format!("destroying {id}"))?;
                println!("destroyed {id}");
            }
        }
        Sub::Describe { tags, properties, quiet, output } => {
            let tags = parse_tags(&tags)?;
            let list = plugin.describe_instances(&tags, properties).await.with_context(|| format!("plugin {name}"))?;
            if quiet {
                list.iter().for_each(|d| println!("{}", d.id));
                return Ok(());
            }
            emit(&list, output.format(), |wide| {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|d| {
                        let logical = d.logical_id.as_ref().map(|l| l.0.clone()).unwrap_or_else(|| "-".into());
                        let tags: Vec<String> = d.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        let mut row = vec![d.id.0.clone(), logical, tags.join(",")];
                        if wide {
                            row.push(d.properties.as_ref().map(|p| p.to_string()).unwrap_or_else(|| "-".into()));
                        }
                        row
                    })
                    .collect();
                match wide {
                    true => print_table(&["ID", "LOGICAL", "TAGS", "PROPERTIES"], &rows),
                    false => print_table(&["ID", "LOGICAL", "TAGS"], &rows),
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}
