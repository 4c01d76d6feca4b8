//! `infrakit manager start|commit|inspect|leader|history|rollback`.

use crate::builtins::{self, BuiltinOptions};
use crate::cmd_group::read_specs;
use crate::output::print_json;
use crate::Context;
use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand};
use infrakit_group::rollout::FileRolloutStore;
use infrakit_manager::leader_file::FileLeadership;
use infrakit_manager::replica::Replica;
use infrakit_manager::store_file::FileStore;
use infrakit_rpc::clients::{GroupClient, ManagerClient};
use infrakit_rpc::services::{GroupControlService, ManagerService};
use infrakit_rpc::ServerBuilder;
use infrakit_spi::group::{self, Group};
use infrakit_spi::manager::Manager;
use infrakit_spi::plugin::Name;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

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

fn file_url(url: &str, what: &str) -> Result<PathBuf> {
    match url.strip_prefix("file://") {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ if cfg!(feature = "etcd") => bail!(
            "{what} {url:?}: use file:///path, etcd-election://host:port,.../<election>?ttl=<s>, \
             etcd-raft-leader://host:port (leadership) or etcd://host:port,.../<prefix> (store)"
        ),
        _ => bail!(
            "{what} {url:?} is not supported by this build: use file:///path (build with --features etcd for etcd)"
        ),
    }
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

/// Parses `scheme://host:port[,host:port]/path?ttl=N` into (endpoints, path, ttl).
#[cfg_attr(not(feature = "etcd"), allow(dead_code))]
fn etcd_url(url: &str, scheme: &str) -> Result<(String, String, i64)> {
    let rest = url.strip_prefix(scheme).and_then(|r| r.strip_prefix("://")).with_context(|| format!("{url:?}"))?;
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (endpoints, path) = rest.split_once('/').unwrap_or((rest, ""));
    if endpoints.is_empty() {
        bail!("{url:?} names no etcd endpoint (write {scheme}://host:port[,host:port]/...)");
    }
    let mut ttl = 5;
    for kv in query.split('&').filter(|s| !s.is_empty()) {
        match kv.split_once('=') {
            Some(("ttl", v)) => {
                ttl = v.parse().with_context(|| format!("{url:?}: ttl {v:?} is not a number of seconds"))?
            }
            _ => bail!("{url:?}: unknown option {kv:?} (only ttl=<seconds>)"),
        }
    }
    Ok((endpoints.to_string(), path.trim_matches('/').to_string(), ttl))
}

/// Leadership sources that need no extra build feature: a file, or the Docker Swarm leader.
fn basic_leadership(leadership: &str, name: &str) -> Result<Arc<dyn infrakit_spi::manager::Leadership>> {
    Ok(match leadership.strip_prefix("swarm://") {
        Some(socket) => {
            let socket = if socket.is_empty() { "/var/run/docker.sock" } else { socket };
            Arc::new(infrakit_manager::leader_swarm::swarm_leadership(socket, name, Duration::from_secs(1)))
        }
        None => Arc::new(FileLeadership::new(file_url(leadership, "leadership")?, name, Duration::from_secs(1))),
    })
}

type Backends = (
    Arc<dyn infrakit_spi::manager::Leadership>,
    Arc<dyn infrakit_spi::manager::Store>,
    Arc<dyn infrakit_group::rollout::RolloutStore>,
);

async fn backends(name: &str, leadership: &str, store: &str) -> Result<Backends> {
    #[cfg(feature = "etcd")]
    {
        use infrakit_manager::etcd::{self, election::EtcdElection, raft::raft_leadership, store::EtcdStore, Fence};
        let mut fence: Option<Arc<dyn Fence>> = None;
        let lead: Option<Arc<dyn infrakit_spi::manager::Leadership>> = if leadership.starts_with("etcd-election://") {
            let (endpoints, election, ttl) = etcd_url(leadership, "etcd-election")?;
            let client = etcd::connect(&endpoints).await?;
            let waiting = etcd::connect_waiting(&endpoints).await?;
            let election = if election.is_empty() { "infrakit/leader".to_string() } else { election };
            let e = EtcdElection::start(client, waiting, &election, name, ttl);
            fence = Some(e.clone());
            Some(e)
        } else if leadership.starts_with("etcd-raft-leader://") {
            let (endpoints, _, _) = etcd_url(leadership, "etcd-raft-leader")?;
            let client = etcd::connect(&endpoints).await?;
            Some(Arc::new(raft_leadership(client, name, Duration::from_millis(500))))
        } else {
            None
        };
        if store.starts_with("etcd://") {
            let (endpoints, prefix, _) = etcd_url(store, "etcd")?;
            let client = etcd::connect(&endpoints).await?;
            let prefix = if prefix.is_empty() { "infrakit".to_string() } else { prefix };
            if fence.is_none() {
                eprintln!(
                    "warning: the etcd store is not fenced (fencing needs etcd-election leadership): a deposed leader \
                     could still write to it"
                );
            }
            let s = Arc::new(EtcdStore::new(client, &prefix, fence));
            let lead = match lead {
                Some(l) => l,
                None => {
                    Arc::new(FileLeadership::new(file_url(leadership, "leadership")?, name, Duration::from_secs(1)))
                }
            };
            return Ok((lead, s.clone(), s));
        }
        if let Some(l) = lead {
            let dir = file_url(store, "store")?;
            return Ok((l, Arc::new(FileStore::new(&dir)?), Arc::new(FileRolloutStore::new(dir.join(".rollouts"))?)));
        }
    }
    let store_dir = file_url(store, "store")?;
    Ok((
        basic_leadership(leadership, name)?,
        Arc::new(FileStore::new(&store_dir)?),
        Arc::new(FileRolloutStore::new(store_dir.join(".rollouts"))?),
    ))
}

async fn start(
    ctx: &Context,
    name: &str,
    leadership: &str,
    store: &str,
    host: &[String],
    opts: &BuiltinOptions,
) -> Result<()> {
    let (leadership, store, rollouts) = backends(name, leadership, store).await?;
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
