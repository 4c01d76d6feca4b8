//! Leadership from etcd's own Raft: the replica beside the member that leads the etcd cluster leads (the seeds'
//! "follow the quorum's leader", with etcd in place of Docker Swarm).

use etcd_client::Client;
use infrakit_spi::manager::{LeaderChanges, LeaderStatus, Leadership};
use std::time::Duration;
use tokio::sync::watch;

/// Leadership polled from the local etcd member's status.
pub struct EtcdRaftLeader {
    name: String,
    status: watch::Receiver<LeaderStatus>,
}

impl EtcdRaftLeader {
    /// Watches the member behind `client` (connect it to the local member only) every `interval`.
    pub fn start(mut client: Client, name: &str, interval: Duration) -> EtcdRaftLeader {
        let (tx, status) = watch::channel(LeaderStatus::Unknown { reason: "not observed yet".into() });
        tokio::spawn(async move {
            while !tx.is_closed() {
                let next = match tokio::time::timeout(interval.max(Duration::from_millis(200)), client.status()).await {
                    Ok(Ok(s)) => {
                        let me = s.header().map(|h| h.member_id()).unwrap_or(0);
                        if me != 0 && s.leader() == me {
                            LeaderStatus::Leader
                        } else if s.leader() == 0 {
                            LeaderStatus::Unknown { reason: "the etcd cluster has no leader".into() }
                        } else {
                            LeaderStatus::Follower { leader: Some(format!("etcd member {:x}", s.leader())) }
                        }
                    }
                    Ok(Err(e)) => LeaderStatus::Unknown { reason: format!("local etcd member: {e}") },
                    Err(_) => LeaderStatus::Unknown { reason: "local etcd member did not answer".into() },
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
        EtcdRaftLeader { name: name.to_string(), status }
    }
}

impl Leadership for EtcdRaftLeader {
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
