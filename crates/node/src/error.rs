//! What can go wrong while composing a node.

use thiserror::Error;

/// A node's error.
#[derive(Debug, Error)]
pub enum NodeError {
    /// A plugin, store or leadership refused to start or answered with an error.
    #[error(transparent)]
    Plugin(#[from] infrakit_spi::Error),
    /// A server could not listen.
    #[error("starting plugin {name}: {source}")]
    Serve {
        /// The plugin's name.
        name: String,
        /// Why.
        source: infrakit_rpc::server::ServeError,
    },
    /// No built-in plugin has this name.
    #[error("unknown plugin {name:?}; built-in plugins are: {known}")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The built-in names, comma-separated.
        known: String,
    },
    /// A spec names a plugin that does not run and is not built in.
    #[error(
        "group {group} names plugin {plugin}, which is not running and is not built in: start it (or build infrakit \
         with the feature that carries it), or forget the group with `infrakit down --forget`"
    )]
    NotProvided {
        /// The group.
        group: String,
        /// The plugin it names.
        plugin: String,
    },
    /// A group controller already serves at this socket.
    #[error(
        "a group controller already runs (socket {}): stop it first, or commit to it with `infrakit group commit`",
        socket.display()
    )]
    AlreadyRunning {
        /// Its socket.
        socket: std::path::PathBuf,
    },
    /// A group's spec was refused.
    #[error("group {group}: {source}")]
    Group {
        /// The group.
        group: String,
        /// Why.
        source: infrakit_spi::Error,
    },
}

/// A node's result.
pub type Result<T> = std::result::Result<T, NodeError>;
