//! The plugin's in-memory view of its directory: every instance file, parsed once. It is kept current by the
//! plugin's own writes and by inotify (one file re-read per event naming it), so a listing costs a copy of the
//! matching records instead of reading and parsing every file. It falls back to reading the whole directory when
//! inotify is unavailable, when the kernel's event queue overflowed, and at least every [`RESCAN_EVERY`].

use infrakit_spi::instance::{Id, LogicalId, Spec, Tags};
use infrakit_spi::nullable::{empty_as_null, null_as_default};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The longest a listing trusts the index without reading the whole directory again.
pub const RESCAN_EVERY: Duration = Duration::from_secs(60);

/// The stored record of one instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct InstanceFile {
    #[serde(rename = "ID")]
    pub id: Id,
    #[serde(rename = "LogicalID", default)]
    pub logical_id: Option<LogicalId>,
    #[serde(rename = "Tags", default, deserialize_with = "null_as_default", serialize_with = "empty_as_null")]
    pub tags: Tags,
    #[serde(rename = "Spec", default)]
    pub spec: Spec,
}

#[derive(Default)]
struct State {
    /// By file name (an instance's file is named by its ID).
    records: BTreeMap<String, InstanceFile>,
    /// When the whole directory was last read into `records`; `None`: the records cannot be trusted.
    scanned: Option<Instant>,
    /// True while inotify keeps the records current.
    watched: bool,
}

/// The records, behind one lock: a re-read after an event and the plugin's own update of a record it wrote are
/// serialized, so the index always ends with what the disk holds.
#[derive(Default)]
pub(crate) struct Index(Mutex<State>);

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never waits for the lock (a rebuild may hold it): a busy index says so.
        match self.0.try_lock() {
            Ok(s) => f.debug_struct("Index").field("records", &s.records.len()).field("watched", &s.watched).finish(),
            Err(_) => f.write_str("Index { busy }"),
        }
    }
}

impl Index {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Says inotify now keeps the index current (or no longer does).
    pub fn set_watched(&self, watched: bool) {
        let mut s = self.lock();
        s.watched = watched;
        if !watched {
            s.scanned = None;
        }
    }

    /// Forgets that the records are complete: the next listing reads the whole directory (events were lost).
    pub fn invalidate(&self) {
        self.lock().scanned = None;
    }

    /// What `pick` makes of each record (those it keeps, in file-name order), when the index can be trusted;
    /// `None`: read the directory.
    pub fn listing<T>(&self, pick: impl FnMut(&InstanceFile) -> Option<T>) -> Option<Vec<T>> {
        let s = self.lock();
        let fresh = s.watched && s.scanned.is_some_and(|t| t.elapsed() < RESCAN_EVERY);
        fresh.then(|| s.records.values().filter_map(pick).collect())
    }

    /// Replaces every record with a full read of the directory (`scan`, run under the lock so no event's re-read
    /// interleaves with it).
    pub fn rebuild<E>(
        &self,
        scan: impl FnOnce() -> Result<Vec<(String, InstanceFile)>, E>,
    ) -> Result<Vec<InstanceFile>, E> {
        let mut s = self.lock();
        let started = Instant::now();
        s.records = scan()?.into_iter().collect();
        s.scanned = Some(started);
        let mut records: Vec<InstanceFile> = s.records.values().cloned().collect();
        records.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(records)
    }

    /// Records what the plugin itself just wrote.
    pub fn put(&self, record: &InstanceFile) {
        self.lock().records.insert(record.id.0.clone(), record.clone());
    }

    /// Records that the plugin itself just removed `id`.
    pub fn remove(&self, id: &Id) {
        self.lock().records.remove(&id.0);
    }

    /// Re-reads the file named `name` in `dir` after an event about it: its record is replaced, or dropped when
    /// the file is gone or no longer an instance.
    pub fn reread(&self, dir: &Path, name: &str, read: impl Fn(&Path) -> Option<InstanceFile>) {
        let mut s = self.lock();
        match read(&dir.join(name)) {
            Some(record) => {
                s.records.insert(name.to_string(), record);
            }
            None => {
                s.records.remove(name);
            }
        }
    }
}
