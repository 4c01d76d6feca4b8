//! Leadership from an etcd v3 election.

use super::Fence;
use etcd_client::Client;
use infrakit_spi::manager::{LeaderChanges, LeaderStatus, Leadership};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The election key held while leading, with its creation revision.
type HeldKey = Arc<Mutex<Option<(Vec<u8>, i64)>>>;
/// The last confirmed lease renewal, and how long after it the replica may still act.
type Renewal = Arc<Mutex<Option<(Instant, Duration)>>>;

/// A replica campaigning in an etcd election.
pub struct EtcdElection {
    name: String,
    status: watch::Receiver<LeaderStatus>,
    key: HeldKey,
    /// The last confirmed lease renewal, and how long after it this replica may still act.
    renewed: Renewal,
}

impl EtcdElection {
    /// Campaigns in `election` as `name` with a lease of `ttl` seconds (at least 1), for as long as it lives.
    /// `client` serves short calls (leases); `waiting` (no per-request timeout) serves the campaign and observation,
    /// which wait by design.
    pub fn start(client: Client, waiting: Client, election: &str, name: &str, ttl: i64) -> Arc<EtcdElection> {
        let (tx, status) = watch::channel(LeaderStatus::Unknown { reason: "campaign not started".into() });
        let key = Arc::new(Mutex::new(None));
        let renewed = Arc::new(Mutex::new(None));
        let me = Arc::new(EtcdElection { name: name.to_string(), status, key: key.clone(), renewed: renewed.clone() });
        let (election, name) = (election.to_string(), name.to_string());
        tokio::spawn(async move {
            while !tx.is_closed() {
                let clients = (client.clone(), waiting.clone());
                let c = Campaign {
                    election: &election,
                    name: &name,
                    ttl: ttl.max(1),
                    tx: &tx,
                    key: &key,
                    renewed: &renewed,
                };
                let reason = campaign_once(clients, &c).await;
                if let Ok(mut r) = renewed.lock() {
                    *r = None;
                }
                if let Ok(mut k) = key.lock() {
                    *k = None;
                }
                tracing::warn!(replica = %name, %reason, "leadership lost or not reachable; campaigning again");
                tx.send_replace(LeaderStatus::Unknown { reason });
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        });
        me
    }
}

/// What one campaign works with: the election, this replica's name, the lease TTL, and where it reports.
struct Campaign<'a> {
    election: &'a str,
    name: &'a str,
    ttl: i64,
    tx: &'a watch::Sender<LeaderStatus>,
    key: &'a Mutex<Option<(Vec<u8>, i64)>>,
    renewed: &'a Mutex<Option<(Instant, Duration)>>,
}

/// One lease, one campaign: returns why it ended. The lease is revoked on the way out (best effort: etcd may be
/// unreachable), so neither the next campaign of this replica nor another replica waits for it to expire.
async fn campaign_once(clients: (Client, Client), c: &Campaign<'_>) -> String {
    let mut client = clients.0.clone();
    let mut lease = None;
    let reason = campaign_with_lease(clients, c, &mut lease).await;
    if let Some(lease) = lease {
        let _ = tokio::time::timeout(Duration::from_millis(500), client.lease_revoke(lease)).await;
    }
    reason
}

/// The campaign of [`campaign_once`]; `granted` is set as soon as a lease is granted.
async fn campaign_with_lease(
    (mut client, waiting): (Client, Client),
    c: &Campaign<'_>,
    granted: &mut Option<i64>,
) -> String {
    let Campaign { election, name, ttl, tx, key, renewed } = *c;
    // A lease is valid on the server for at least its TTL from when the request that granted or renewed it was
    // sent: freshness counts from the request, never from when its answer was read (an answer read late, after this
    // process was stopped or starved, says nothing about now).
    let asked = Instant::now();
    let lease = match client.lease_grant(ttl, None).await {
        Ok(l) => l.id(),
        Err(e) => return format!("cannot get a lease from etcd: {e}"),
    };
    *granted = Some(lease);
    // The send times of the keep-alive requests not yet answered, oldest first (etcd answers them in order). The
    // first request, sent when the stream opens, is answered inside `lease_keep_alive` itself: it is not in here.
    let mut pending = std::collections::VecDeque::new();
    let (mut keeper, mut renewals) = match client.lease_keep_alive(lease).await {
        Ok(k) => k,
        Err(e) => return format!("cannot keep the lease alive: {e}"),
    };
    let ttl_d = Duration::from_secs(ttl as u64);
    // Step down well before the server can expire the lease: no two replicas ever act at once.
    let safe = ttl_d.mul_f64(0.7);
    let mut last_ok = asked;
    let mut campaigner = waiting.clone();
    let (el, nm) = (election.to_string(), name.to_string());
    let mut campaign = Box::pin(async move { campaigner.campaign(el, nm, lease).await });
    // Observing runs beside the campaign: opening the stream may wait for a first leader, which may be us. A stream
    // that fails or ends (an etcd member restarts) is opened again, for as long as the campaign lasts.
    let (seen_tx, mut seen) = tokio::sync::mpsc::channel::<String>(4);
    let (obs_client, obs_election) = (waiting, election.to_string());
    let observer = tokio::spawn(async move {
        while !seen_tx.is_closed() {
            if let Ok(mut stream) = obs_client.clone().observe(obs_election.clone()).await {
                while let Ok(Some(resp)) = stream.message().await {
                    if let Some(v) = resp.kv().and_then(|kv| kv.value_str().ok()) {
                        if seen_tx.send(v.to_string()).await.is_err() {
                            return;
                        }
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    });
    let _stop_observer = AbortOnDrop(observer);
    let mut leading = false;
    let mut renew = tokio::time::interval(ttl_d / 4);
    // A ticker, not a sleep made anew each turn: however busy the other branches are, the check runs.
    let mut check = tokio::time::interval(Duration::from_millis(100));
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if last_ok.elapsed() > safe {
            return format!("no lease renewal for {:?} (lease {ttl}s)", last_ok.elapsed());
        }
        tokio::select! {
            r = &mut campaign, if !leading => match r {
                Ok(resp) => match resp.leader() {
                    Some(k) => {
                        if let Ok(mut slot) = key.lock() {
                            *slot = Some((k.key().to_vec(), k.rev()));
                        }
                        leading = true;
                        tx.send_replace(LeaderStatus::Leader);
                    }
                    None => return "the campaign ended without a leader key".into(),
                },
                Err(e) => return format!("campaign failed: {e}"),
            },
            _ = renew.tick() => {
                pending.push_back(Instant::now());
                // The request queue is bounded: a stalled stream must not hold this loop (and its checks) up.
                match tokio::time::timeout(ttl_d / 4, keeper.keep_alive()).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => return format!("cannot renew the lease: {e}"),
                    Err(_) => return "cannot renew the lease: the keep-alive stream is stalled".into(),
                }
            }
            m = renewals.message() => match m {
                Ok(Some(resp)) if resp.ttl() > 0 => {
                    let sent = pending.pop_front().unwrap_or(asked);
                    if sent > last_ok {
                        last_ok = sent;
                        if let Ok(mut r) = renewed.lock() {
                            *r = Some((last_ok, safe));
                        }
                    }
                }
                Ok(Some(_)) => return "the lease expired".into(),
                Ok(None) => return "etcd closed the lease stream".into(),
                Err(e) => return format!("lease stream failed: {e}"),
            },
            Some(leader) = seen.recv(), if !leading => {
                if leader != name {
                    tx.send_if_modified(|s| {
                        let next = LeaderStatus::Follower { leader: Some(leader.clone()) };
                        if *s != next { *s = next; true } else { false }
                    });
                }
            }
            _ = check.tick() => {}
        }
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Leadership for EtcdElection {
    fn name(&self) -> &str {
        &self.name
    }

    fn watch(&self) -> LeaderChanges {
        Box::pin(tokio_stream::wrappers::WatchStream::new(self.status.clone()))
    }

    fn may_act(&self) -> bool {
        let fresh = self.renewed.lock().ok().and_then(|r| *r).is_some_and(|(at, safe)| at.elapsed() < safe);
        fresh && self.status.borrow().is_leader()
    }
}

impl Fence for EtcdElection {
    fn current(&self) -> Option<(Vec<u8>, i64)> {
        if !self.status.borrow().is_leader() {
            return None;
        }
        self.key.lock().ok().and_then(|k| k.clone())
    }
}
