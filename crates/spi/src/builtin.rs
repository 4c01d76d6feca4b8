//! Plugins as data: each plugin family exports a [`Builtin`] entry (its name, a line of help, its own command-line
//! flags, how to start it, and which other plugins its properties name). The host (`infrakit-node`) lists the
//! entries, gives each its flags on the verbs that start plugins, starts them and serves what they return; adding a
//! plugin family is adding its entry to the host's catalog, nothing else.

use crate::flavor::Flavor;
use crate::group::{Group, GroupControl};
use crate::instance::Instance;
use crate::lookup::PluginLookup;
use crate::manager::Manager;
use crate::metadata::Metadata;
use crate::plugin::Spec;
use crate::{Any, Error, Result};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future that can be sent between threads (what [`Builtin::start`] returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a started plugin serves: the object answering each interface it implements.
#[derive(Default, Clone)]
pub struct Served {
    /// `Instance`.
    pub instance: Option<Arc<dyn Instance>>,
    /// Typed `Instance` objects by sub-type (InfraKit v0.5's typed plugins): `ec2-instance` is reached as
    /// `<name>/ec2-instance`. Served beside `instance` (the default object), if any.
    pub instances: BTreeMap<String, Arc<dyn Instance>>,
    /// `Flavor`.
    pub flavor: Option<Arc<dyn Flavor>>,
    /// Typed `Flavor` objects by sub-type (InfraKit v0.5's typed plugins): `manager` is reached as
    /// `<name>/manager`. Served beside `flavor` (the default object), if any.
    pub flavors: BTreeMap<String, Arc<dyn Flavor>>,
    /// `Group`.
    pub group: Option<Arc<dyn Group>>,
    /// The rollout controls beside `Group` (pause, resume, rollback, status).
    pub group_control: Option<Arc<dyn GroupControl>>,
    /// `Manager`.
    pub manager: Option<Arc<dyn Manager>>,
    /// `Metadata`.
    pub metadata: Option<Arc<dyn Metadata>>,
}

/// What a plugin is started with.
pub struct StartArgs<'a> {
    /// The name it serves under (its socket's name).
    pub name: &'a str,
    /// The parsed command line of the verb that starts it: its own flags are among them.
    pub flags: &'a clap::ArgMatches,
    /// Other plugins, in this process or behind sockets (flavor-combo reaches its children this way).
    pub lookup: Arc<dyn PluginLookup>,
    /// `$INFRAKIT_HOME` (or `~/.infrakit`): default state directories live below it.
    pub home: &'a Path,
}

impl StartArgs<'_> {
    /// This plugin's flags, parsed from the command line (`T` is the `clap::Args` its entry registered).
    pub fn parse<T: clap::Args>(&self) -> Result<T> {
        parse_flags(self.flags)
    }
}

/// Flags `T` from `matches`; an error (not a panic) when `matches` comes from a command that does not carry them
/// (build the command with the host's catalog).
pub fn parse_flags<T: clap::Args>(matches: &clap::ArgMatches) -> Result<T> {
    let wanted = T::augment_args(clap::Command::new("flags"));
    if let Some(missing) = wanted.get_arguments().find(|a| matches.try_contains_id(a.get_id().as_str()).is_err()) {
        return Err(Error::invalid(
            "flags",
            format!("the command line does not define --{}: add the built-ins' flags to it", missing.get_id()),
        ));
    }
    T::from_arg_matches(matches).map_err(|e| Error::invalid("flags", e.to_string()))
}

/// A built-in plugin family.
#[derive(Clone, Copy)]
pub struct Builtin {
    /// The name it is started by and serves under by default, e.g. `instance-file`.
    pub name: &'static str,
    /// One line of help.
    pub help: &'static str,
    /// Adds its flags to a command (usually `<Flags as clap::Args>::augment_args`).
    pub flags: fn(clap::Command) -> clap::Command,
    /// Starts it.
    pub start: for<'a> fn(StartArgs<'a>) -> BoxFuture<'a, Result<Served>>,
    /// The other plugins that properties given to it name, with the properties each gets (flavor-combo's
    /// children), so a host can start them too.
    pub references: fn(&Any) -> Vec<Spec>,
}

impl Builtin {
    /// An entry with no flags of its own and properties that name no other plugin.
    pub const fn new(
        name: &'static str,
        help: &'static str,
        start: for<'a> fn(StartArgs<'a>) -> BoxFuture<'a, Result<Served>>,
    ) -> Builtin {
        Builtin { name, help, flags: no_flags, start, references: no_references }
    }

    /// The same entry with flags (usually `<Flags as clap::Args>::augment_args`).
    pub const fn with_flags(self, flags: fn(clap::Command) -> clap::Command) -> Builtin {
        Builtin { flags, ..self }
    }

    /// The same entry, saying which plugins its properties name.
    pub const fn with_references(self, references: fn(&Any) -> Vec<Spec>) -> Builtin {
        Builtin { references, ..self }
    }
}

fn no_flags(cmd: clap::Command) -> clap::Command {
    cmd
}

fn no_references(_: &Any) -> Vec<Spec> {
    Vec::new()
}

impl std::fmt::Debug for Builtin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builtin").field("name", &self.name).finish_non_exhaustive()
    }
}
