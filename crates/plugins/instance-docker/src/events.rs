//! Changes pushed from the engine's event stream: a container of ours died, was OOM-killed or removed. The stream
//! is re-subscribed whenever it breaks (the engine restarted), from the time of the break (the engine replays what
//! it still holds), and every re-subscription pushes a change too: the controller lists again, which covers
//! whatever the engine did not replay. A change is pushed once the listing no longer shows the container as live.

use crate::deaths::Deaths;
use infrakit_docker::Docker;
use infrakit_spi::instance::Tags;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{oneshot, watch};
use tokio_stream::StreamExt;

/// The events that change the set of live instances.
const EVENTS: [&str; 3] = ["die", "oom", "destroy"];

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn push(changes: &watch::Sender<u64>) {
    changes.send_modify(|n| *n = n.wrapping_add(1));
}

/// Pushes a change once the container `id` no longer shows as live in the listing. The engine sends `die`
/// before its listing catches up (20.10 updates the view the listing reads after it logs the event), so a push
/// at once would make the controller list the dead container as alive, and wait for its next resync.
async fn settle(
    docker: Docker,
    id: String,
    deaths: Arc<Deaths>,
    changes: watch::Sender<u64>,
    pushed: bool,
    removed: bool,
) {
    let mut filters: HashMap<String, Vec<String>> = HashMap::new();
    filters.insert("id".into(), vec![id.clone()]);
    filters.insert("status".into(), crate::describe::LIVE.iter().map(|s| s.to_string()).collect());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while tokio::time::Instant::now() < deadline {
        match docker.list_containers(&filters, false).await {
            Ok(live) if !live.is_empty() => tokio::time::sleep(Duration::from_millis(5)).await,
            _ => break,
        }
    }
    if removed || pushed {
        deaths.removed(&id); // gone, or dead for good
    } else {
        deaths.settled(&id);
    }
    if !pushed {
        tracing::debug!("a container left the listing: change pushed");
        push(&changes);
    }
}

/// Watches until `stop` fires (the plugin was dropped).
pub(crate) async fn watch(
    docker: Docker,
    namespace: Tags,
    deaths: Arc<Deaths>,
    changes: watch::Sender<u64>,
    mut stop: oneshot::Receiver<()>,
) {
    let mut filters: HashMap<String, Vec<String>> = HashMap::new();
    filters.insert("type".into(), vec!["container".into()]);
    filters.insert("event".into(), EVENTS.iter().map(|e| e.to_string()).collect());
    if !namespace.is_empty() {
        filters.insert("label".into(), namespace.iter().map(|(k, v)| format!("{k}={v}")).collect());
    }
    let mut since: Option<i64> = None;
    let mut backoff = Duration::from_millis(100);
    loop {
        // Wait for the engine to answer: subscribing to one that is down would only fail.
        let up = tokio::select! {
            _ = &mut stop => return,
            r = docker.ping() => r,
        };
        let stream = match up {
            Ok(()) => docker.events(&filters, since).await,
            Err(e) => Err(e),
        };
        match stream {
            Ok(mut events) => {
                backoff = Duration::from_millis(100);
                if since.is_some() {
                    tracing::info!(host = docker.host(), "instance-docker: docker events re-subscribed");
                    push(&changes); // a resync: whatever happened while the stream was down
                }
                loop {
                    let next = tokio::select! {
                        _ = &mut stop => return,
                        n = events.next() => n,
                    };
                    match next {
                        Some(Ok(e)) => {
                            tracing::debug!(action = e.action.as_deref().unwrap_or("?"), "docker event");
                            let action = e.action.unwrap_or_default();
                            match e.actor.and_then(|a| a.id) {
                                Some(id) => {
                                    // A final death is pushed at once (listings leave it out already); any other
                                    // once the engine's listing agrees.
                                    let pushed = action == "die" && deaths.died(&id);
                                    if pushed {
                                        push(&changes);
                                    }
                                    let removed = action == "destroy";
                                    let settle =
                                        settle(docker.clone(), id, deaths.clone(), changes.clone(), pushed, removed);
                                    tokio::spawn(settle);
                                }
                                None => push(&changes),
                            }
                        }
                        Some(Err(e)) => {
                            tracing::warn!(error = %e, "instance-docker: docker events broke; re-subscribing");
                            break;
                        }
                        None => {
                            tracing::warn!(
                                host = docker.host(),
                                "instance-docker: docker events ended; re-subscribing"
                            );
                            break;
                        }
                    }
                }
                since = Some(now());
                push(&changes);
            }
            Err(e) => {
                since.get_or_insert_with(now);
                tracing::debug!(error = %e, "instance-docker: the engine does not answer; retrying");
                backoff = (backoff * 2).min(Duration::from_secs(2));
            }
        }
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(backoff) => {}
        }
    }
}
