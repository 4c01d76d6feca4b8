//! Leadership that is polled: ask a source every interval (and whenever the source says it changed), publish
//! changes.

use infrakit_spi::manager::{LeaderChanges, LeaderStatus, Leadership};
use std::future::Future;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Leadership decided by asking `check` every `interval` (a `check` slower than the interval counts as Unknown).
pub struct PolledLeadership {
    name: String,
    status: watch::Receiver<LeaderStatus>,
}

impl PolledLeadership {
    /// Starts polling; `what` names the source in the reason given when it does not answer.
    pub fn start<F, Fut>(name: &str, what: &'static str, interval: Duration, check: F) -> PolledLeadership
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = LeaderStatus> + Send,
    {
        PolledLeadership::start_woken(name, what, interval, None, check)
    }

    /// Like [`PolledLeadership::start`], also asking at once whenever `wake` says the source changed (a file
    /// watch); once `wake` closes, only the interval is left.
    pub fn start_woken<F, Fut>(
        name: &str,
        what: &'static str,
        interval: Duration,
        mut wake: Option<mpsc::Receiver<()>>,
        mut check: F,
    ) -> PolledLeadership
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
                let woken = async {
                    match wake.as_mut() {
                        Some(w) => w.recv().await.is_some(),
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    _ = tokio::time::sleep(interval) => {}
                    still = woken => if !still { wake = None },
                    _ = tx.closed() => return,
                }
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
