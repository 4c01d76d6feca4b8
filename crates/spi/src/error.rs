//! The error type shared by every SPI trait.

use std::fmt::Display;

/// What can go wrong when a plugin is asked to do something. Its `Display` text is what travels over the wire as the
/// JSON-RPC error message, so it is written for a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Input was rejected; `field` names what was wrong (for example `Properties.Init[1]`).
    #[error("invalid {field}: {message}")]
    Invalid {
        /// The field, as a path inside the input.
        field: String,
        /// Why it was rejected.
        message: String,
    },
    /// The named thing (instance, group, plugin, type) does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A remote plugin answered with an error; the text is its message, verbatim.
    #[error("{0}")]
    Remote(String),
    /// The plugin could not be reached or did not answer in the expected form.
    #[error("{0}")]
    Unavailable(String),
    /// The plugin tried and failed (a provider or disk error).
    #[error("{0}")]
    Failed(String),
}

impl Error {
    /// An `Invalid` error for `field`.
    pub fn invalid(field: impl Into<String>, message: impl Display) -> Error {
        Error::Invalid { field: field.into(), message: message.to_string() }
    }

    /// A `Failed` error from anything displayable.
    pub fn failed(message: impl Display) -> Error {
        Error::Failed(message.to_string())
    }
}

/// Result alias used throughout the SPI.
pub type Result<T, E = Error> = std::result::Result<T, E>;
