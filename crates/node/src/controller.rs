//! The group controller, composed once: a [`GroupPlugin`] fronted by a manager [`Replica`] that acts only while its
//! leadership allows. A single controller (`up`, `plugin start group`) is a replica that always leads. The `group`
//! built-in starts it.

use crate::host::Host;
use infrakit_group::clock::SystemClock;
use infrakit_group::persisted::Persisted;
use infrakit_group::plugin::GroupPlugin;
use infrakit_group::supervisor::{ActGuard, Deps, Options, SpecSink};
use infrakit_manager::open::{Backends, ALWAYS, MEMORY};
use infrakit_manager::replica::Replica;
use infrakit_spi::builtin::{parse_flags, BoxFuture, Builtin, Served, StartArgs};
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::manager::{Leadership, SpecStore};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

/// The `group` built-in: the group controller as a manager replica.
pub const BUILTIN: Builtin = Builtin::new(
    "group",
    "the group controller: keeps groups converged, heals, rolls out (Group, Metadata; Manager with --leadership)",
    start,
)
.with_flags(<ControllerFlags as clap::Args>::augment_args);

/// The group controller's flags.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "group controller")]
pub struct ControllerFlags {
    /// Where leadership comes from: `always` (this replica leads), file:///path (the file names the leader); with
    /// the docker feature swarm:///var/run/docker.sock (the Docker Swarm Raft leader's node leads); with the etcd
    /// feature etcd-election://host:port[,host:port]/<election>?ttl=<seconds> and etcd-raft-leader://<member
    /// host:port> [default: always; `manager start` needs it].
    #[arg(long)]
    pub leadership: Option<String>,
    /// Where specs and rollouts are stored: `memory://`, file:///dir (specs with history); with the docker feature
    /// swarm:///var/run/docker.sock (the Docker Swarm's cluster labels, InfraKit v0.5's format); with the etcd
    /// feature etcd://host:port[,host:port]/<prefix> (writes fenced by the election key) [default: memory://; for
    /// `up`: file://$INFRAKIT_HOME/up/store; `manager start` needs it].
    #[arg(long)]
    pub store: Option<String>,
    /// The group controller's safety-net resync interval; pushed changes are handled at once regardless.
    #[arg(long, default_value = "10s", value_parser = infrakit_spi::duration::parse)]
    pub poll_interval: Duration,
    /// At most this many creates and destroys at once per group.
    #[arg(long, default_value_t = 32)]
    pub max_parallel: usize,
    /// The largest group the controller accepts (`Allocation.Size` or the number of `LogicalIDs`): a typo such as
    /// `Size: 100000000` is refused instead of exhausting memory.
    #[arg(long, default_value_t = 100_000)]
    pub max_group_size: u64,
    /// Told what the controller sees, decides and does (`--http`'s metrics and events); not a flag.
    #[arg(skip)]
    pub observer: infrakit_group::observe::Observing,
}

impl ControllerFlags {
    /// The loop's tuning these flags ask for.
    pub fn options(&self) -> Options {
        Options {
            resync: self.poll_interval,
            max_parallel: self.max_parallel,
            max_group_size: self.max_group_size,
            observer: self.observer.clone(),
            ..Options::default()
        }
    }

    /// Opens the leadership and stores these flags name, with the given defaults for what they leave out.
    pub async fn backends(&self, name: &str, leadership: &str, store: &str) -> infrakit_spi::Result<Backends> {
        let leadership = self.leadership.as_deref().unwrap_or(leadership);
        let store = self.store.as_deref().unwrap_or(store);
        infrakit_manager::open::open(name, leadership, store).await
    }
}

/// A running group controller.
#[derive(Clone)]
pub struct Controller {
    /// The replica: what is served, and what commits go through (specs are stored before they run).
    pub replica: Arc<Replica>,
    /// The controller behind it (for views that subscribe to groups).
    pub plugin: Arc<GroupPlugin>,
}

/// A controller built but not started yet: its specs can be checked and stored before its replica takes over.
pub struct Unstarted {
    /// The controller (validates specs; runs nothing until started).
    pub plugin: Arc<GroupPlugin>,
    /// Where its specs are stored.
    pub store: Arc<dyn SpecStore>,
    leadership: Arc<dyn Leadership>,
    replica: Arc<OnceLock<Weak<Replica>>>,
}

impl Unstarted {
    /// Starts the replica: while it leads, it runs every stored spec.
    pub fn start(self) -> Controller {
        let replica = Replica::start(self.leadership, self.store, self.plugin.clone());
        let _ = self.replica.set(Arc::downgrade(&replica));
        Controller { replica, plugin: self.plugin }
    }
}

impl Controller {
    /// Starts a controller on `backends`, reaching plugins through `lookup`.
    pub fn start(backends: Backends, lookup: Arc<dyn PluginLookup>, options: Options) -> Controller {
        Controller::build(backends, lookup, options).start()
    }

    /// Builds a controller on `backends` without starting its replica.
    pub fn build(backends: Backends, lookup: Arc<dyn PluginLookup>, options: Options) -> Unstarted {
        let Backends { leadership, store, state } = backends;
        // With an observer, every plugin call the controller makes is timed.
        let lookup = infrakit_group::observe::observed_lookup(lookup, &options.observer);
        let may_act = leadership.clone();
        let guard: ActGuard = Arc::new(move || may_act.may_act());
        // A rollback (automatic or asked for) becomes a new stored version, so the next leader keeps it; the
        // replica stores it in order with commits.
        let replica: Arc<OnceLock<Weak<Replica>>> = Arc::default();
        let sink_replica = replica.clone();
        let sink: SpecSink = Arc::new(move |rolled| {
            if let Some(replica) = sink_replica.get().and_then(Weak::upgrade) {
                tokio::spawn(async move { replica.record_rollback(rolled).await });
            }
        });
        let deps = Deps {
            spec_sink: Some(sink),
            guard: Some(guard),
            lookup,
            clock: Arc::new(SystemClock),
            persisted: Persisted::new(state),
            options,
        };
        Unstarted { plugin: Arc::new(GroupPlugin::new(deps)), store, leadership, replica }
    }

    /// What a group plugin answers, as Go's does (Group and Metadata), with the rollout controls as extension
    /// methods of Group: v0.5 clients meet no interface they do not know.
    pub fn served(&self) -> Served {
        Served {
            group: Some(self.replica.clone()),
            group_control: Some(self.replica.clone()),
            metadata: Some(self.replica.clone()),
            ..Served::default()
        }
    }

    /// What a manager replica answers: the group plugin's interfaces and `Manager` (who leads, history, rollback).
    pub fn served_as_manager(&self) -> Served {
        Served { manager: Some(self.replica.clone()), ..self.served() }
    }
}

/// Starts the group controller as manager replica `name` on `host`, with the leadership and store its flags name:
/// both are required (a replica alone, which always leads and keeps specs in memory, is `plugin start group`).
pub async fn start_manager<'h>(host: &'h mut Host, name: &str) -> crate::Result<&'h infrakit_rpc::Server> {
    Ok(start_observed_manager(host, name, Default::default()).await?.1)
}

/// [`start_manager`], its controller told to `observer`; returns the controller too (for views of it).
pub async fn start_observed_manager<'h>(
    host: &'h mut Host,
    name: &str,
    observer: infrakit_group::observe::Observing,
) -> crate::Result<(Controller, &'h infrakit_rpc::Server)> {
    let mut flags: ControllerFlags = parse_flags(host.flags())?;
    flags.observer = observer;
    let (Some(leadership), Some(store)) = (flags.leadership.clone(), flags.store.clone()) else {
        return Err(infrakit_spi::Error::invalid(
            "flags",
            "a manager replica needs --leadership and --store (for example --leadership file:///shared/leader \
             --store file:///shared/store); a single controller that always leads is `infrakit plugin start group`",
        )
        .into());
    };
    let backends = infrakit_manager::open::open(name, &leadership, &store).await?;
    let controller = Controller::start(backends, host.registry().clone(), flags.options());
    let server = host.serve(name, controller.served_as_manager(), None).await?;
    Ok((controller, server))
}

/// The `group` built-in: a group plugin; also a manager (with the `Manager` interface) when its leadership is not
/// `always`, since then there are several replicas to tell apart.
fn start(args: StartArgs<'_>) -> BoxFuture<'_, infrakit_spi::Result<Served>> {
    Box::pin(async move {
        let flags: ControllerFlags = args.parse()?;
        let backends = flags.backends(args.name, ALWAYS, MEMORY).await?;
        let controller = Controller::start(backends, args.lookup, flags.options());
        Ok(match flags.leadership.as_deref() {
            None | Some(ALWAYS) => controller.served(),
            Some(_) => controller.served_as_manager(),
        })
    })
}
