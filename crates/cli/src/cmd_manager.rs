//! `infrakit manager start|commit|inspect|leader|history|rollback`.

use crate::cmd_group::Route;
use crate::output::{print_json, Format};
use crate::Context;
use anyhow::Result;
use clap::{Args, Subcommand};
use infrakit_rpc::clients::{GroupClient, ManagerClient};
use infrakit_spi::group::{self, Group};
use infrakit_spi::manager::Manager;
use infrakit_spi::plugin::Name;

/// `infrakit manager ...`
#[derive(Args)]
pub struct ManagerCmd {
    #[command(flatten)]
    target: crate::cmd_group::Target,
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(Subcommand)]
enum Sub {
    /// Run a manager replica in the foreground: it serves Group, Manager and Metadata under --name, and runs the group
    /// controller only while it leads (the same controller as `plugin start group`).
    #[command(after_help = "\
--leadership and --store (see the group controller's flags above, both required) say where leadership comes from
and where specs are kept; a single controller that always leads is `infrakit plugin start group`.
Examples (two replicas sharing a leader file and a store):
  infrakit manager start --name m1 --leadership file:///shared/leader --store file:///shared/store
  infrakit manager start --name m2 --leadership file:///shared/leader --store file:///shared/store
  echo m1 > /shared/leader")]
    Start {
        /// Built-in plugins to host in this process too (comma-separated), e.g. instance-file,flavor-vanilla.
        #[arg(long, value_delimiter = ',')]
        host: Vec<String>,
    },
    /// Commit group specs through the leader (a follower answers with the leader's name).
    #[command(after_help = "Example:\n  infrakit manager commit examples/cattle.json")]
    Commit {
        /// The spec file (JSON or YAML), or -.
        file: String,
        /// Only say what would happen.
        #[arg(short, long)]
        pretend: bool,
        #[command(flatten)]
        template: crate::cmd_template::TemplateFlags,
    },
    /// Print the stored specs as a list of {"Plugin","Properties"} (re-committable).
    #[command(after_help = "Example:\n  infrakit manager inspect > groups.json")]
    Inspect,
    /// Who leads.
    #[command(after_help = "Example:\n  infrakit manager leader")]
    Leader,
    /// Every stored version of a group's spec.
    #[command(after_help = "Example:\n  infrakit manager history cattle")]
    History {
        /// The group ID.
        id: String,
    },
    /// Commit an earlier stored version of a group's spec (the previous one by default).
    #[command(after_help = "Example:\n  infrakit manager rollback cattle --to 2")]
    Rollback {
        /// The group ID.
        id: String,
        /// The version to go back to.
        #[arg(long)]
        to: Option<u64>,
    },
}

/// Runs a `manager` subcommand.
pub async fn run(cmd: ManagerCmd, ctx: &Context) -> Result<()> {
    let name = cmd.target.name.as_str();
    match cmd.cmd {
        Sub::Start { host } => start(ctx, name, &host).await,
        Sub::Commit { file, pretend, template } => {
            crate::cmd_group::commit(ctx, name, &file, pretend, Format::Table, &template, Route::AllToName).await
        }
        Sub::Inspect => {
            let g = GroupClient(ctx.registry.remote(&Name::new(name))?);
            let specs = g.inspect_groups().await?;
            let list: Vec<serde_json::Value> =
                specs.iter().map(|s| serde_json::json!({"Plugin": name, "Properties": s})).collect();
            print_json(&list)
        }
        Sub::Leader => {
            let m = ManagerClient(ctx.registry.remote(&Name::new(name))?);
            print_json(&m.status().await?)
        }
        Sub::History { id } => {
            let m = ManagerClient(ctx.registry.remote(&Name::new(name))?);
            print_json(&m.history(&group::Id(id)).await?)
        }
        Sub::Rollback { id, to } => {
            let m = ManagerClient(ctx.registry.remote(&Name::new(name))?);
            println!("{}", m.rollback_to(&group::Id(id), to).await?);
            Ok(())
        }
    }
}

async fn start(ctx: &Context, name: &str, hosted: &[String]) -> Result<()> {
    let mut host = ctx.host();
    for kind in hosted {
        host.start(kind, kind, None).await?;
    }
    let server = infrakit_node::controller::start_manager(&mut host, name).await?;
    eprintln!("manager {name} listening at {}", server.socket().display());
    crate::cmd_plugin::wait_for_signal().await?;
    host.shutdown().await;
    Ok(())
}
