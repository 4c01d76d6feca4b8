//! `flavor-swarm` as a built-in plugin: one socket serving the sub-types `manager` and `worker`.

use crate::{SwarmFlavor, TemplateUrls};
use infrakit_spi::builtin::{BoxFuture, Builtin, Served, StartArgs};
use infrakit_spi::flavor::Flavor;
use infrakit_spi::Result;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The entry a host lists and starts.
pub const BUILTIN: Builtin = Builtin::new(
    "flavor-swarm",
    "Docker Swarm managers (pets, a quorum) and workers (cattle): flavor-swarm/manager, flavor-swarm/worker",
    start,
)
.with_flags(<Flags as clap::Args>::augment_args);

/// flavor-swarm's flags (InfraKit v0.5's).
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "flavor-swarm")]
pub struct Flags {
    /// URL of the init script template for managers (default: the built-in one).
    #[arg(long = "manager-init-template", value_name = "URL")]
    pub manager_init_template: Option<String>,
    /// URL of the init script template for workers (default: the built-in one).
    #[arg(long = "worker-init-template", value_name = "URL")]
    pub worker_init_template: Option<String>,
}

fn start(args: StartArgs<'_>) -> BoxFuture<'_, Result<Served>> {
    Box::pin(async move {
        let flags: Flags = args.parse()?;
        let (manager, worker) = SwarmFlavor::pair(TemplateUrls {
            manager: flags.manager_init_template,
            worker: flags.worker_init_template,
        });
        let flavors: BTreeMap<String, Arc<dyn Flavor>> = [
            (manager.role().name().to_string(), Arc::new(manager) as Arc<dyn Flavor>),
            (worker.role().name().to_string(), Arc::new(worker) as Arc<dyn Flavor>),
        ]
        .into();
        Ok(Served { flavors, ..Served::default() })
    })
}
