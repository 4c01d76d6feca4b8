//! The plugins built into the `infrakit` binary, and how to start them.

use crate::Context;
use anyhow::{bail, Result};
use infrakit_group::clock::SystemClock;
use infrakit_group::plugin::GroupPlugin;
use infrakit_group::rollout::{MemoryRolloutStore, RolloutStore};
use infrakit_group::supervisor::{Deps, Options};
use infrakit_plugins::flavor_combo::ComboFlavor;
use infrakit_plugins::flavor_vanilla::VanillaFlavor;
use infrakit_plugins::instance_file::FileInstance;
use infrakit_plugins::instance_process::{Network, ProcessInstance};
use infrakit_rpc::services::GroupControlService;
use infrakit_rpc::ServerBuilder;
use std::path::PathBuf;
use std::sync::Arc;

/// Built-in plugin kinds, with a line of help each.
pub const KINDS: &[(&str, &str)] = &[
    ("group", "the group controller: keeps groups converged, heals, rolls out (Group/0.1.0, GroupControl, Metadata)"),
    ("instance-file", "instances are JSON files in --dir (InfraKit's example plugin, same file format)"),
    (
        "instance-process",
        "instances are supervised local processes; logical IDs are loopback addresses, attachments volumes",
    ),
    ("flavor-vanilla", "adds Init lines, Tags and Attachments from its properties; always healthy"),
    ("flavor-combo", "runs the flavors listed in its properties and merges their results"),
];

/// Options that built-in plugins read.
#[derive(Debug, Clone, clap::Args)]
pub struct BuiltinOptions {
    /// Directory of instance-file's instances [default: $INFRAKIT_HOME/instance-file or ~/.infrakit/instance-file].
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// State directory of instance-process [default: $INFRAKIT_HOME/instance-process or ~/.infrakit/instance-process].
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// instance-process networking: `loopback` (logical IDs are 127.x addresses) or `netns` (root: each pet gets a
    /// network namespace with its logical ID as its address, on a bridge).
    #[arg(long, default_value = "loopback", value_parser = ["loopback", "netns"])]
    pub network: String,
    /// The bridge of `--network netns`.
    #[arg(long, default_value = "ik0")]
    pub bridge: String,
    /// The prefix length of pet addresses with `--network netns`.
    #[arg(long, default_value_t = 24)]
    pub prefix: u8,
    /// The group controller's safety-net resync interval; pushed changes are handled at once regardless.
    #[arg(long, default_value = "10s", value_parser = infrakit_spi::duration::parse)]
    pub poll_interval: std::time::Duration,
    /// At most this many creates and destroys at once per group.
    #[arg(long, default_value_t = 32)]
    pub max_parallel: usize,
    /// The largest group the controller accepts (`Allocation.Size` or the number of `LogicalIDs`): a typo such as
    /// `Size: 100000000` is refused instead of exhausting memory.
    #[arg(long, default_value_t = 100_000)]
    pub max_group_size: u64,
}

/// `$INFRAKIT_HOME`, else `~/.infrakit`.
pub fn default_home() -> PathBuf {
    match std::env::var_os("INFRAKIT_HOME").filter(|v| !v.is_empty()) {
        Some(h) => PathBuf::from(h),
        None => std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(".")).join(".infrakit"),
    }
}

/// A server for the built-in plugin `kind`, listening as `name`; in-process plugins are registered so that others in
/// this process (such as flavor-combo's children) are reached directly.
pub async fn server(kind: &str, name: &str, opts: &BuiltinOptions, ctx: &Context) -> Result<ServerBuilder> {
    let builder = ServerBuilder::new(name);
    Ok(match kind {
        "instance-process" => {
            let dir = opts.state.clone().unwrap_or_else(|| default_home().join("instance-process"));
            let network = match opts.network.as_str() {
                "netns" => Network::Netns { bridge: opts.bridge.clone(), prefix: opts.prefix },
                _ => Network::Loopback,
            };
            let plugin = Arc::new(ProcessInstance::open_with(&dir, network).await?);
            ctx.registry.add_instance(name, plugin.clone());
            builder.instance(plugin.clone()).metadata(plugin)
        }
        "group" => {
            let plugin = group_plugin(ctx, opts, Arc::new(MemoryRolloutStore::default()));
            ctx.registry.add_group(name, plugin.clone());
            builder.metadata(plugin.clone()).group(plugin.clone()).service(Arc::new(GroupControlService(plugin)))
        }
        "instance-file" => {
            let dir = opts.dir.clone().unwrap_or_else(|| default_home().join("instance-file"));
            let plugin = Arc::new(FileInstance::new(&dir)?);
            ctx.registry.add_instance(name, plugin.clone());
            builder.instance(plugin)
        }
        "flavor-vanilla" => {
            let plugin = Arc::new(VanillaFlavor::default());
            ctx.registry.add_flavor(name, plugin.clone());
            builder.flavor(plugin)
        }
        "flavor-combo" => {
            let plugin = Arc::new(ComboFlavor::new(ctx.registry.clone()));
            ctx.registry.add_flavor(name, plugin.clone());
            builder.flavor(plugin)
        }
        other => {
            let known: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
            bail!("unknown plugin {other:?}; built-in plugins are: {}", known.join(", "))
        }
    })
}

/// A group controller using this process's registry.
pub fn group_plugin(ctx: &Context, opts: &BuiltinOptions, store: Arc<dyn RolloutStore>) -> Arc<GroupPlugin> {
    group_plugin_guarded(ctx, opts, store, None, None)
}

/// A group controller that acts only while `guard` allows (a manager replica's leadership).
pub fn group_plugin_guarded(
    ctx: &Context,
    opts: &BuiltinOptions,
    store: Arc<dyn RolloutStore>,
    guard: Option<infrakit_group::supervisor::ActGuard>,
    spec_sink: Option<infrakit_group::supervisor::SpecSink>,
) -> Arc<GroupPlugin> {
    let deps = Deps {
        spec_sink,
        guard,
        lookup: ctx.registry.clone(),
        clock: Arc::new(SystemClock),
        store,
        options: Options {
            resync: opts.poll_interval,
            max_parallel: opts.max_parallel,
            max_group_size: opts.max_group_size,
            ..Options::default()
        },
    };
    Arc::new(GroupPlugin::new(deps))
}
