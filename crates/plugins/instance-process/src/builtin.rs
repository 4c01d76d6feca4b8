//! `instance-process` as a built-in plugin: its flags and how it starts.

use crate::{Network, ProcessInstance};
use infrakit_spi::builtin::{BoxFuture, Builtin, Served, StartArgs};
use infrakit_spi::Result;
use std::path::PathBuf;
use std::sync::Arc;

/// The entry a host lists and starts.
pub const BUILTIN: Builtin = Builtin::new(
    "instance-process",
    "instances are supervised local processes; logical IDs are loopback addresses, attachments volumes",
    start,
)
.with_flags(<ProcessFlags as clap::Args>::augment_args);

/// instance-process's flags.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "instance-process")]
pub struct ProcessFlags {
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
}

fn start(args: StartArgs<'_>) -> BoxFuture<'_, Result<Served>> {
    Box::pin(async move {
        let flags: ProcessFlags = args.parse()?;
        let dir = flags.state.unwrap_or_else(|| args.home.join("instance-process"));
        let network = match flags.network.as_str() {
            "netns" => Network::Netns { bridge: flags.bridge, prefix: flags.prefix },
            _ => Network::Loopback,
        };
        let plugin = Arc::new(ProcessInstance::open_with(&dir, network).await?);
        Ok(Served { instance: Some(plugin.clone()), metadata: Some(plugin), ..Served::default() })
    })
}
