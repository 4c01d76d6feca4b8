//! Engine errors as the SPI's: a missing object is `NotFound`, an engine that cannot be reached or gives no answer in
//! time is `Unavailable` (after a time-out the request may have landed), anything else `Failed`, each with what was
//! being done.

use infrakit_docker::DockerError;
use infrakit_spi::Error;

/// `e`, which happened while doing `what`.
pub(crate) fn on(what: &str, e: DockerError) -> Error {
    match e {
        DockerError::NotFound { message } => Error::NotFound(format!("{what}: {message}")),
        DockerError::Unreachable { host, reason } => Error::Unavailable(unreachable(what, &host, &reason)),
        e @ DockerError::Timeout { .. } => Error::Unavailable(format!("{what}: {e}")),
        e => Error::Failed(format!("{what}: {e}")),
    }
}

/// The text for an engine that cannot be reached. The connection's own words are left out when they read like a
/// missing object ("No such file or directory" for a missing socket): callers that only see the text (InfraKit v0.5's
/// group) take those for "the instance is already gone".
fn unreachable(what: &str, host: &str, reason: &str) -> String {
    let r = reason.to_ascii_lowercase();
    let reason = if r.contains("no such") || r.contains("not found") { "no socket there" } else { reason };
    format!(
        "{what}: the docker engine at {host} is unreachable ({reason}); is dockerd running and is --docker-host its \
         socket?"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_engine_is_unavailable_and_never_reads_like_a_missing_object() {
        for reason in ["No such file or directory (os error 2)", "no socket at /var/run/docker.sock: not found"] {
            let e = DockerError::Unreachable { host: "unix:///var/run/docker.sock".into(), reason: reason.into() };
            let err = on("remove container c1", e);
            let Error::Unavailable(m) = &err else { panic!("{err:?}") };
            let lower = m.to_ascii_lowercase();
            assert!(!lower.contains("no such") && !lower.contains("not found"), "{m}");
            assert!(m.contains("unix:///var/run/docker.sock") && m.contains("--docker-host"), "{m}");
        }
        let refused = DockerError::Unreachable { host: "tcp://h:2375".into(), reason: "Connection refused".into() };
        let err = on("list containers", refused);
        assert!(matches!(&err, Error::Unavailable(m) if m.contains("Connection refused")), "{err:?}");
    }
}
