//! Leadership from a file (the seeds' "poll a file on a shared file system"): the replica whose name is the file's
//! content (spaces and newlines trimmed) leads. The file is watched with inotify, with a periodic re-read as a safety
//! net; a missing or unreadable file means leadership is unknown, and nobody acts.

use infrakit_spi::manager::{LeaderChanges, LeaderStatus, Leadership};
use inotify::{Inotify, WatchMask};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::watch;

/// Leadership read from a file.
pub struct FileLeadership {
    name: String,
    status: watch::Receiver<LeaderStatus>,
}

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

impl FileLeadership {
    /// Watches `path` for replica `name`; re-reads it at least every `recheck`.
    pub fn new(path: impl Into<PathBuf>, name: impl Into<String>, recheck: Duration) -> FileLeadership {
        let (path, name) = (path.into(), name.into());
        let (tx, status) = watch::channel(read_status(&path, &name));
        let (wpath, wname) = (path.clone(), name.clone());
        // inotify on the directory: editors and `mv` replace the file, which a watch on the file itself would miss.
        let (notify_tx, mut notify_rx) = tokio::sync::mpsc::channel::<()>(1);
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let _ = std::thread::Builder::new().name("leader-file-watch".into()).spawn(move || {
            let Ok(mut inotify) = Inotify::init() else { return };
            let mask = WatchMask::CLOSE_WRITE
                | WatchMask::MOVED_TO
                | WatchMask::CREATE
                | WatchMask::DELETE
                | WatchMask::MODIFY;
            if inotify.watches().add(&dir, mask).is_err() {
                return;
            }
            let mut buf = [0u8; 4096];
            while inotify.read_events_blocking(&mut buf).is_ok() {
                if notify_tx.blocking_send(()).is_err() {
                    return;
                }
            }
        });
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = notify_rx.recv() => {}
                    _ = tokio::time::sleep(recheck) => {}
                    _ = tx.closed() => return,
                }
                let now = read_status(&wpath, &wname);
                tx.send_if_modified(|s| {
                    if *s != now {
                        *s = now.clone();
                        true
                    } else {
                        false
                    }
                });
            }
        });
        FileLeadership { name, status }
    }
}

impl Leadership for FileLeadership {
    fn name(&self) -> &str {
        &self.name
    }

    fn watch(&self) -> LeaderChanges {
        let rx = self.status.clone();
        Box::pin(tokio_stream::wrappers::WatchStream::new(rx))
    }

    fn may_act(&self) -> bool {
        self.status.borrow().is_leader()
    }
}
