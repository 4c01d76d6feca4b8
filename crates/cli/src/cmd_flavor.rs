//! `infrakit flavor validate|prepare|healthy --name <plugin>`.

use crate::input::{parse_tags, read_json};
use crate::output::print_json;
use crate::Context;
use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use infrakit_spi::flavor::{AllocationMethod, Index, Prepare};
use infrakit_spi::instance::{Description, Id, LogicalId, Spec};
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::plugin::Name;
use infrakit_spi::Any;

/// `infrakit flavor ...`
#[derive(Args)]
pub struct FlavorCmd {
    /// The flavor plugin, as `name` or `name/type`.
    #[arg(long, global = true, default_value = "flavor-vanilla")]
    name: String,
    #[command(subcommand)]
    cmd: Sub,
}

/// The group allocation the flavor is asked about.
#[derive(Args)]
struct Allocation {
    /// Group size (cattle).
    #[arg(long, conflicts_with = "logical_ids")]
    size: Option<u64>,
    /// Logical IDs, comma-separated (pets).
    #[arg(long, value_delimiter = ',')]
    logical_ids: Vec<String>,
}

impl Allocation {
    fn method(&self) -> AllocationMethod {
        AllocationMethod {
            size: self.size.unwrap_or(if self.logical_ids.is_empty() { 1 } else { 0 }),
            logical_ids: self.logical_ids.iter().map(|s| LogicalId(s.clone())).collect(),
        }
    }
}

#[derive(Subcommand)]
enum Sub {
    /// Check flavor properties (a JSON file, or -) for a group of --size N or --logical-ids a,b.
    #[command(
        after_help = "Example:\n  infrakit flavor validate --name flavor-vanilla examples/vanilla.json --size 3"
    )]
    Validate {
        /// File holding the flavor's Properties.
        file: String,
        #[command(flatten)]
        allocation: Allocation,
    },
    /// Rewrite an instance spec with the flavor; prints the prepared spec.
    #[command(
        after_help = "Example:\n  infrakit flavor prepare examples/vanilla.json examples/instance.json --size 1 \\\n    \
                            | infrakit instance provision -"
    )]
    Prepare {
        /// File holding the flavor's Properties.
        flavor_file: String,
        /// File holding the instance spec.
        spec_file: String,
        #[command(flatten)]
        allocation: Allocation,
        /// Group ID sent in the Index.
        #[arg(long, default_value = "")]
        group: String,
        /// Sequence number sent in the Index.
        #[arg(long, default_value_t = 0)]
        sequence: u64,
    },
    /// Ask whether an instance is healthy; prints 0 (unknown), 1 (healthy) or 2 (unhealthy).
    #[command(after_help = "Example:\n  infrakit flavor healthy examples/vanilla.json --id instance-1234")]
    Healthy {
        /// File holding the flavor's Properties.
        flavor_file: String,
        /// The instance ID.
        #[arg(long, default_value = "")]
        id: String,
        /// The instance's logical ID.
        #[arg(long)]
        logical_id: Option<String>,
        /// The instance's tags, k=v.
        #[arg(long)]
        tags: Vec<String>,
    },
}

/// Runs a `flavor` subcommand.
pub async fn run(cmd: FlavorCmd, ctx: &Context) -> Result<()> {
    let name = Name::new(cmd.name);
    let plugin = ctx.registry.flavor(&name).await?;
    match cmd.cmd {
        Sub::Validate { file, allocation } => {
            let props: Any = read_json(&file)?;
            plugin
                .validate(Some(&props), &allocation.method())
                .await
                .with_context(|| format!("{name} rejected {file}"))?;
            println!("validate:ok");
        }
        Sub::Prepare { flavor_file, spec_file, allocation, group, sequence } => {
            let props: Any = read_json(&flavor_file)?;
            let spec: Spec = read_json(&spec_file)?;
            let index = Index { group, sequence };
            let out = plugin
                .prepare(Prepare { properties: Some(&props), spec, allocation: &allocation.method(), index: &index })
                .await
                .with_context(|| format!("{name} could not prepare {spec_file} with {flavor_file}"))?;
            print_json(&out)?;
        }
        Sub::Healthy { flavor_file, id, logical_id, tags } => {
            let props: Any = read_json(&flavor_file)?;
            let desc = Description {
                id: Id(id),
                logical_id: logical_id.map(LogicalId),
                tags: parse_tags(&tags)?,
                properties: None,
            };
            let health = plugin.healthy(Some(&props), &desc).await.with_context(|| format!("plugin {name}"))?;
            println!("{}", health.code());
        }
    }
    Ok(())
}
