//! The built-in plugin families this build carries, as data: each family's crate exports a `Builtin` entry, and
//! this list is the only place that names them. Verbs that start plugins get every entry's flags, each under a
//! heading of its own; no other verb gets any.

use crate::{NodeError, Result};
use infrakit_spi::builtin::Builtin;

/// Every built-in plugin family, the group controller first.
pub fn catalog() -> Vec<Builtin> {
    #[allow(unused_mut)]
    let mut all = vec![
        crate::controller::BUILTIN,
        infrakit_instance_file::BUILTIN,
        infrakit_instance_process::BUILTIN,
        infrakit_flavor_vanilla::BUILTIN,
        infrakit_flavor_combo::BUILTIN,
    ];
    #[cfg(feature = "docker")]
    all.push(infrakit_instance_docker::BUILTIN);
    #[cfg(feature = "docker")]
    all.push(infrakit_flavor_swarm::BUILTIN);
    #[cfg(feature = "etcd")]
    all.push(infrakit_flavor_etcd::BUILTIN);
    #[cfg(feature = "aws")]
    all.push(infrakit_instance_aws::BUILTIN);
    all
}

/// The built-in called `name`.
pub fn find(name: &str) -> Result<Builtin> {
    catalog().into_iter().find(|b| b.name == name).ok_or_else(|| NodeError::Unknown {
        name: name.to_string(),
        known: catalog().iter().map(|b| b.name).collect::<Vec<_>>().join(", "),
    })
}

/// True when a built-in is called `name`.
pub fn is_builtin(name: &str) -> bool {
    catalog().iter().any(|b| b.name == name)
}

/// `cmd` with the flags of every built-in (its own about texts kept: a flags struct's doc would replace them).
pub fn with_flags(cmd: clap::Command) -> clap::Command {
    let (about, long_about) = (cmd.get_about().cloned(), cmd.get_long_about().cloned());
    let cmd = catalog().iter().fold(cmd, |cmd, b| (b.flags)(cmd));
    let cmd = match about {
        Some(text) => cmd.about(text),
        None => cmd.about(None::<&str>),
    };
    match long_about {
        Some(text) => cmd.long_about(text),
        None => cmd.long_about(None::<&str>),
    }
}

/// One line per built-in: its name and its help, aligned (for `--help` texts).
pub fn listing() -> String {
    let all = catalog();
    let width = all.iter().map(|b| b.name.len()).max().unwrap_or(0);
    all.iter().map(|b| format!("  {:width$}  {}\n", b.name, b.help)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_flags_do_not_collide() {
        let mut names: Vec<&str> = catalog().iter().map(|b| b.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), catalog().len());
        // clap checks a command's arguments for clashing names and ids.
        with_flags(clap::Command::new("t")).debug_assert();
    }

    #[test]
    fn a_verb_keeps_its_own_help() {
        let verb = with_flags(clap::Command::new("start").about("Run plugins"));
        assert_eq!(verb.get_about().map(|a| a.to_string()).as_deref(), Some("Run plugins"));
        assert!(verb.get_arguments().any(|a| a.get_id() == "dir"), "instance-file's --dir is there");
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let err = find("instance-flie").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("instance-flie") && err.contains("instance-file, instance-process"), "{err}");
        assert!(find("flavor-combo").is_ok());
    }
}
