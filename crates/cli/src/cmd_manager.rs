//! `infrakit manager start|commit|inspect|leader|history|rollback`.

use crate::builtins::{self, BuiltinOptions};
use crate::cmd_group::read_specs;
use crate::output::print_json;
use crate::Context;
use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use infrakit_manager::open::Backends;
use infrakit_manager::replica::Replica;
use infrakit_rpc::clients::{GroupClient, ManagerClient};
use infrakit_rpc::services::{GroupControlService, ManagerService};
use infrakit_rpc::ServerBuilder;
use infrakit_spi::group::{self, Group};
use infrakit_spi::manager::Manager;
use infrakit_spi::plugin::Name;
use std::sync::Arc;

/// `infrakit manager ...`
#[derive(Args)]
pub struct ManagerCmd {
    /// The manager replica to talk to (its socket name).
    #[arg(long, global = true, default_value = "group")]
    name: String,
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(Subcommand)]
enum Sub {
    /// Run a manager replica in the foreground: it serves Group, Manager and Metadata under --name, and runs the group
    /// controller only while it leads.
    #[command(after_help = "\
Leadership: file:///path (the file names the leader); swarm:///var/run/docker.sock (the Docker Swarm Raft
leader's node leads); with the etcd feature also
etcd-election://host:port[,host:port]/<election>?ttl=<seconds> and etcd-raft-leader://<local member host:port>.
Stores: file:///dir (specs with history); with the etcd feature also etcd://host:port[,host:port]/<prefix>
(writes fenced by the election key).
Examples (two replicas sharing a leader file and a store):
  infrakit manager start --name m1 --leadership file:///shared/leader --store file:///shared/store
  infrakit manager start --name m2 --leadership file:///shared/leader --store file:///shared/store
  echo m1 > /shared/leader")]
    Start {
        /// Where leadership comes from.
        #[arg(long)]
        leadership: String,
        /// Where specs are stored.
        #[arg(long)]
        store: String,
        /// Built-in plugins to host in this process too (comma-separated), e.g. instance-file,flavor-vanilla.
        #[arg(long, value_delimiter = ',')]
        host: Vec<String>,
        #[command(flatten)]
        opts: BuiltinOptions,
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
    match cmd.cmd {
        Sub::Start { leadership, store, host, opts } => start(ctx, &cmd.name, &leadership, &store, &host, &opts).await,
        Sub::Commit { file, pretend, template } => {
            let g = GroupClient(ctx.registry.remote(&Name::new(&cmd.name))?);
            for (_, spec) in read_specs(&file, &cmd.name, &template, ctx)? {
                let id = spec.id.clone();
                let c = g.commit_group(spec, pretend).await.with_context(|| format!("committing group {id}"))?;
                let verb = if pretend { "would involve" } else { "plan" };
                println!("Group {id} with plugin {} {verb}: {}", cmd.name, c.details);
            }
            Ok(())
        }
        Sub::Inspect => {
            let g = GroupClient(ctx.registry.remote(&Name::new(&cmd.name))?);
            let specs = g.inspect_groups().await?;
            let list: Vec<serde_json::Value> =
                specs.iter().map(|s| serde_json::json!({"Plugin": cmd.name, "Properties": s})).collect();
            print_json(&list)
        }
        Sub::Leader => {
            let m = ManagerClient(ctx.registry.remote(&Name::new(&cmd.name))?);
            print_json(&m.status().await?)
        }
        Sub::History { id } => {
            let m = ManagerClient(ctx.registry.remote(&Name::new(&cmd.name))?);
            print_json(&m.history(&group::Id(id)).await?)
        }
        Sub::Rollback { id, to } => {
            let m = ManagerClient(ctx.registry.remote(&Name::new(&cmd.name))?);
            println!("{}", m.rollback_to(&group::Id(id), to).await?);
            Ok(())
        }
    }
}

async fn start(
    ctx: &Context,
    name: &str,
    leadership: &str,
    store: &str,
    host: &[String],
    opts: &BuiltinOptions,
) -> Result<()> {
    let Backends { leadership, store, rollouts } = infrakit_manager::open::open(name, leadership, store).await?;
    let mut servers = Vec::new();
    for kind in host {
        let server = builtins::server(kind, kind, opts, ctx).await?.serve(ctx.discovery.dir()).await?;
        servers.push(server);
    }
    let guard_source = leadership.clone();
    let guard: infrakit_group::supervisor::ActGuard = Arc::new(move || guard_source.may_act());
    // A rollback (automatic or asked for) becomes a new stored version, so the next leader keeps it.
    let sink_store = store.clone();
    let sink: infrakit_group::supervisor::SpecSink = Arc::new(move |spec| {
        let store = sink_store.clone();
        tokio::spawn(async move {
            if let Err(e) = store.put(&spec).await {
                tracing::error!(group = %spec.id, error = %e, "cannot store the rolled-back spec");
            }
        });
    });
    let controller = builtins::group_plugin_guarded(ctx, opts, rollouts, Some(guard), Some(sink));
    let replica = Replica::start(leadership, store, controller);
    let server = ServerBuilder::new(name)
        .metadata(replica.clone())
        .group(replica.clone())
        .service(Arc::new(ManagerService(replica.clone())))
        .service(Arc::new(GroupControlService(replica.clone())))
        .serve(ctx.discovery.dir())
        .await
        .with_context(|| format!("starting manager {name}"))?;
    eprintln!("manager {name} listening at {}", server.socket().display());
    servers.push(server);
    crate::cmd_plugin::wait_for_signal().await?;
    for s in servers {
        s.shutdown().await;
    }
    Ok(())
}
