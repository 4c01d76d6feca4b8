//! Leadership from etcd's own Raft: the replica beside the member that leads the etcd cluster leads (the seeds'
//! "follow the quorum's leader", with etcd in place of Docker Swarm).

use crate::polled::PolledLeadership;
use etcd_client::Client;
use infrakit_spi::manager::LeaderStatus;
use std::time::Duration;

/// Leadership polled from the local etcd member's status (connect `client` to the local member only).
pub fn raft_leadership(client: Client, name: &str, interval: Duration) -> PolledLeadership {
    PolledLeadership::start(name, "the local etcd member", interval, move || {
        let mut client = client.clone();
        async move {
            match client.status().await {
                Ok(s) => {
                    let me = s.header().map(|h| h.member_id()).unwrap_or(0);
                    if me != 0 && s.leader() == me {
                        LeaderStatus::Leader
                    } else if s.leader() == 0 {
                        LeaderStatus::Unknown { reason: "the etcd cluster has no leader".into() }
                    } else {
                        LeaderStatus::Follower { leader: Some(format!("etcd member {:x}", s.leader())) }
                    }
                }
                Err(e) => LeaderStatus::Unknown { reason: format!("local etcd member: {e}") },
            }
        }
    })
}
