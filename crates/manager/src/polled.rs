//! Leadership that is polled: ask a source every interval, publish changes.

use infrakit_spi::manager::{LeaderChanges, LeaderStatus, Leadership};
use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;

/// Leadership decided by asking `check` every `interval` (a `check` slower than the interval counts as Unknown).
pub struct PolledLeadership {
    name: String,
    status: watch::Receiver<LeaderStatus>,
}

impl PolledLeadership {
    /// Starts polling; `what` names the source in the reason given when it does not answer.
    pub fn start<F, Fut>(name: &str, what: &'static str, interval: Duration, mut check: F) -> PolledLeadership
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = LeaderStatus> + Send,
    {
        let (tx, status) = watch::channel(LeaderStatus::Unknown { reason: "not observed yet".into() });
        let limit = interval.max(Duration::from_millis(200)).max(Duration::from_secs(2));
        tokio::spawn(async move {
            while !tx.is_closed() {
                let next = match tokio::time::timeout(limit, check()).await {
                    Ok(s) => s,
                    Err(_) => LeaderStatus::Unknown { reason: format!("{what} did not answer") },
                };
                tx.send_if_modified(|s| {
                    if *s != next {
                        *s = next;
                        true
                    } else {
                        false
                    }
                });
                tokio::time::sleep(interval).await;
            }
        });
        PolledLeadership { name: name.to_string(), status }
    }
}

impl Leadership for PolledLeadership {
    fn name(&self) -> &str {
        &self.name
    }

    fn watch(&self) -> LeaderChanges {
        Box::pin(tokio_stream::wrappers::WatchStream::new(self.status.clone()))
    }

    fn may_act(&self) -> bool {
        self.status.borrow().is_leader()
    }
}
