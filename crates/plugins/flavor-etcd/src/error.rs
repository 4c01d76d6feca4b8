//! What can go wrong in flavor-etcd, and how it reaches the controller.

use infrakit_spi::Error;

/// A flavor-etcd error.
#[derive(Debug, thiserror::Error)]
pub enum EtcdFlavorError {
    /// A property or the allocation was rejected; `field` names it as the user wrote it.
    #[error("invalid {field}: {message}")]
    Invalid {
        /// The field, e.g. `Properties.ClientPort` or `Allocation.LogicalIDs[1]`.
        field: String,
        /// Why.
        message: String,
    },
    /// The ensemble (or one member) could not be reached or refused a call.
    #[error("etcd at {endpoints}: {source}")]
    Etcd {
        /// The endpoints called.
        endpoints: String,
        /// The client's error.
        #[source]
        source: etcd_client::Error,
    },
    /// A call to the ensemble took too long.
    #[error("etcd at {endpoints}: no answer within {seconds} s")]
    Timeout {
        /// The endpoints called.
        endpoints: String,
        /// The limit.
        seconds: u64,
    },
}

impl EtcdFlavorError {
    /// An `Invalid` error for `field`.
    pub fn invalid(field: impl Into<String>, message: impl std::fmt::Display) -> EtcdFlavorError {
        EtcdFlavorError::Invalid { field: field.into(), message: message.to_string() }
    }
}

impl From<EtcdFlavorError> for Error {
    fn from(e: EtcdFlavorError) -> Error {
        match e {
            EtcdFlavorError::Invalid { field, message } => Error::Invalid { field, message },
            other @ (EtcdFlavorError::Etcd { .. } | EtcdFlavorError::Timeout { .. }) => {
                Error::Unavailable(other.to_string())
            }
        }
    }
}
