//! `infrakit manager start|commit|inspect|leader|history|rollback`.

use crate::cmd_group::Route;
use crate::output::{emit, print_fields, print_json, print_table, OutputFlag};
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
        #[command(flatten)]
        http: crate::http::HttpFlags,
    },
    /// Commit group specs through the leader (a follower answers with the leader's name).
    #[command(after_help = "Example:\n  infrakit manager commit examples/cattle.json")]
    Commit {
        /// The spec file (JSON or YAML), or -.
        file: String,
        #[command(flatten)]
        flags: crate::cmd_group::CommitFlags,
        #[command(flatten)]
        template: crate::cmd_template::TemplateFlags,
    },
    /// Print the stored specs as a list of {"Plugin","Properties"} (re-committable).
    #[command(after_help = "Example:\n  infrakit manager inspect > groups.json")]
    Inspect {
        #[command(flatten)]
        output: OutputFlag,
    },
    /// Who leads.
    #[command(after_help = "Example:\n  infrakit manager leader -o json")]
    Leader {
        #[command(flatten)]
        output: OutputFlag,
    },
    /// Every stored version of a group's spec.
    #[command(after_help = "Example:\n  infrakit manager history cattle")]
    History {
        /// The group ID.
        id: String,
        #[command(flatten)]
        output: OutputFlag,
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
        Sub::Start { host, http } => start(ctx, name, &host, &http).await,
        Sub::Commit { file, flags, template } => {
            crate::cmd_group::commit(ctx, name, &file, flags, &template, Route::AllToName).await
        }
        Sub::Inspect { output } => {
            let g = GroupClient(ctx.registry.remote(&Name::new(name))?);
            let specs = g.inspect_groups().await?;
            let list: Vec<serde_json::Value> =
                specs.iter().map(|s| serde_json::json!({"Plugin": name, "Properties": s})).collect();
            // The document is its own human form: indented JSON, ready to edit and commit again.
            emit(&list, output.format(), |_| print_json(&list))
        }
        Sub::Leader { output } => {
            let m = ManagerClient(ctx.registry.remote(&Name::new(name))?);
            let status = m.status().await?;
            emit(&status, output.format(), |_| {
                let leader = match (&status.leader, &status.leader_name, &status.unknown) {
                    (true, _, _) => format!("{} (this replica)", status.name),
                    (false, Some(l), _) => l.clone(),
                    (false, None, Some(why)) => format!("unknown: {why}"),
                    (false, None, None) => "unknown".into(),
                };
                let mut fields = vec![("replica", status.name.clone()), ("leader", leader)];
                if let Some(t) = &status.taking_over {
                    fields.push(("taking over", t.clone()));
                }
                print_fields(&fields);
                Ok(())
            })
        }
        Sub::History { id, output } => {
            let m = ManagerClient(ctx.registry.remote(&Name::new(name))?);
            let versions = m.history(&group::Id(id)).await?;
            let format = output.format();
            if format.is_human() {
                let rows: Vec<Vec<String>> = versions
                    .iter()
                    .map(|v| {
                        let what = match &v.spec {
                            Some(spec) => infrakit_group::config::GroupConfig::parse(spec)
                                .map(|c| {
                                    format!("config {}, {} instance(s)", &c.hash[..8.min(c.hash.len())], c.target())
                                })
                                .unwrap_or_else(|_| "a spec".into()),
                            None => "removed".into(),
                        };
                        vec![v.version.to_string(), crate::output::human_time(v.time), what]
                    })
                    .collect();
                print_table(&["VERSION", "STORED", "SPEC"], &rows);
                return Ok(());
            }
            // Machines get the wire form plus the time as RFC 3339.
            let list: Vec<serde_json::Value> = versions
                .iter()
                .map(|v| {
                    serde_json::json!({"Version": v.version, "Time": v.time,
                        "Stored": crate::output::rfc3339(v.time), "Spec": v.spec})
                })
                .collect();
            emit(&list, format, |_| Ok(()))
        }
        Sub::Rollback { id, to } => {
            let m = ManagerClient(ctx.registry.remote(&Name::new(name))?);
            println!("{}", m.rollback_to(&group::Id(id), to).await?);
            Ok(())
        }
    }
}

async fn start(ctx: &Context, name: &str, hosted: &[String], http: &crate::http::HttpFlags) -> Result<()> {
    let web = http.bind().await?;
    let mut host = ctx.host();
    for kind in hosted {
        host.start(kind, kind, None).await?;
    }
    let observer = crate::http::observer(&web);
    let (controller, server) = infrakit_node::controller::start_observed_manager(&mut host, name, observer).await?;
    eprintln!("manager {name} listening at {}", server.socket().display());
    let web = web.map(|w| w.serve(&controller));
    let outcome = crate::cmd_plugin::wait_for_signal().await;
    if let Some(web) = web {
        web.stop().await;
    }
    host.shutdown().await;
    outcome
}
