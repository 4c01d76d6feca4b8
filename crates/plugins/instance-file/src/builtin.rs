//! `instance-file` as a built-in plugin: its flags and how it starts.

use crate::FileInstance;
use infrakit_spi::builtin::{BoxFuture, Builtin, Served, StartArgs};
use infrakit_spi::Result;
use std::path::PathBuf;
use std::sync::Arc;

/// The entry a host lists and starts.
pub const BUILTIN: Builtin = Builtin::new(
    "instance-file",
    "instances are JSON files in --dir (InfraKit's example plugin, same file format)",
    start,
)
.with_flags(<FileFlags as clap::Args>::augment_args);

/// instance-file's flags.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "instance-file")]
pub struct FileFlags {
    /// Directory of instance-file's instances [default: $INFRAKIT_HOME/instance-file or ~/.infrakit/instance-file].
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Write instance files atomically but without fsync, as InfraKit v0.5's plugin does: much faster where fsync
    /// is slow; a crash may lose the newest instances (the group then creates them again).
    #[arg(long = "file-no-sync")]
    pub no_sync: bool,
}

fn start(args: StartArgs<'_>) -> BoxFuture<'_, Result<Served>> {
    Box::pin(async move {
        let flags: FileFlags = args.parse()?;
        let dir = flags.dir.unwrap_or_else(|| args.home.join("instance-file"));
        let plugin = Arc::new(FileInstance::new(&dir)?.with_sync(!flags.no_sync));
        Ok(Served { instance: Some(plugin), ..Served::default() })
    })
}
