//! Leadership from a file (the seeds' "poll a file on a shared file system"): the replica whose name is the file's
//! content (spaces and newlines trimmed) leads. The file is watched with inotify, with a periodic re-read as a safety
//! net; a missing or unreadable file means leadership is unknown, and nobody acts.

use crate::polled::PolledLeadership;
use infrakit_spi::manager::LeaderStatus;
use inotify::{Inotify, WatchMask};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Reads the leader file.
pub fn read_status(path: &Path, name: &str) -> LeaderStatus {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let leader = text.trim();
            if leader.is_empty() {
                LeaderStatus::Unknown { reason: format!("leader file {} is empty", path.display()) }
            } else if leader == name {
                LeaderStatus::Leader
            } else {
                LeaderStatus::Follower { leader: Some(leader.to_string()) }
            }
        }
        Err(e) => LeaderStatus::Unknown { reason: format!("leader file {}: {e}", path.display()) },
    }
}

/// Leadership from the file at `path` for replica `name`: re-read whenever the file's directory changes, and at
/// least every `recheck`.
pub fn file_leadership(path: impl Into<PathBuf>, name: &str, recheck: Duration) -> PolledLeadership {
    let path = path.into();
    // inotify on the directory: editors and `mv` replace the file, which a watch on the file itself would miss.
    let (notify_tx, notify_rx) = tokio::sync::mpsc::channel::<()>(1);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let _ = std::thread::Builder::new().name("leader-file-watch".into()).spawn(move || {
        let Ok(mut inotify) = Inotify::init() else { return };
        let mask =
            WatchMask::CLOSE_WRITE | WatchMask::MOVED_TO | WatchMask::CREATE | WatchMask::DELETE | WatchMask::MODIFY;
        if inotify.watches().add(&dir, mask).is_err() {
            return;
        }
        // A change made before the watch was in place is caught by one more read now.
        let _ = notify_tx.try_send(());
        let mut buf = [0u8; 4096];
        while inotify.read_events_blocking(&mut buf).is_ok() {
            // A full channel already holds a wake-up: nothing is lost by dropping this one.
            if let Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) = notify_tx.try_send(()) {
                return;
            }
        }
    });
    let me = name.to_string();
    PolledLeadership::start_woken(name, "the leader file", recheck, Some(notify_rx), move || {
        let (path, me) = (path.clone(), me.clone());
        async move {
            let read = tokio::task::spawn_blocking(move || read_status(&path, &me)).await;
            read.unwrap_or_else(|e| LeaderStatus::Unknown { reason: format!("reading the leader file failed: {e}") })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrakit_spi::manager::Leadership;
    use tokio_stream::StreamExt;

    async fn until(changes: &mut infrakit_spi::manager::LeaderChanges, want: LeaderStatus) -> bool {
        tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(s) = changes.next().await {
                if s == want {
                    return;
                }
            }
        })
        .await
        .is_ok()
    }

    /// A change of the file is seen through inotify, long before the (here one-hour) re-read.
    #[tokio::test]
    async fn a_rewritten_file_is_seen_at_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("leader");
        std::fs::write(&path, "m1\n").expect("write");
        let leadership = file_leadership(&path, "m1", Duration::from_secs(3600));
        let mut changes = leadership.watch();
        assert!(until(&mut changes, LeaderStatus::Leader).await, "m1 leads");
        assert!(leadership.may_act());
        std::fs::write(&path, "m2\n").expect("write");
        assert!(until(&mut changes, LeaderStatus::Follower { leader: Some("m2".into()) }).await, "m2 leads now");
        assert!(!leadership.may_act());
    }
}
