//! Engine errors as the SPI's: a missing object is `NotFound`, no answer in time is `Unavailable` (the request may
//! have landed), anything else `Failed`, each with what was being done.

use infrakit_docker::DockerError;
use infrakit_spi::Error;

/// `e`, which happened while doing `what`.
pub(crate) fn on(what: &str, e: DockerError) -> Error {
    match e {
        DockerError::NotFound { message } => Error::NotFound(format!("{what}: {message}")),
        e @ DockerError::Timeout { .. } => Error::Unavailable(format!("{what}: {e}")),
        e => Error::Failed(format!("{what}: {e}")),
    }
}
