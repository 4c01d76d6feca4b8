//! The plugin's in-memory view of its directory: every instance file, parsed once. It is kept current by the
//! plugin's own writes and by inotify (one file re-read per event naming it), so a listing hands out the matching
//! records' descriptions (shared, see `Instance::describe_shared`) instead of reading and parsing every file. It
//! falls back to reading the whole directory when inotify is unavailable, when the kernel's event queue overflowed,
//! and at least every [`RESCAN_EVERY`].

use infrakit_spi::hash::GROUP_TAG;
use infrakit_spi::instance::{tags_match, Description, Id, LogicalId, Spec, Tags};
use infrakit_spi::nullable::{empty_as_null, null_as_default};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
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

/// One record as the index keeps it: the description a listing without properties hands out as it is, and the
/// spec the properties are made of.
#[derive(Debug)]
pub(crate) struct Kept {
    pub desc: Arc<Description>,
    pub spec: Spec,
    /// Its `infrakit.group` tag, shared by the records of a group (see [`Groups`]).
    group: Option<Arc<str>>,
}

impl Kept {
    /// Whether its tags hold every pair of `filter`. A filter of the group tag alone (a group controller's
    /// listing) is answered from the kept group name, without walking the tag map of each record: that walk
    /// (three heap blocks a record) was the largest cost of listing 10,000 records.
    pub fn matches(&self, filter: &Tags) -> bool {
        match (filter.len(), filter.get(GROUP_TAG)) {
            (1, Some(group)) => {
                let found = self.group.as_deref() == Some(group.as_str());
                debug_assert_eq!(found, tags_match(&self.desc.tags, filter), "the kept group is the tag's");
                found
            }
            _ => tags_match(&self.desc.tags, filter),
        }
    }
}

/// The group names of the records, one allocation per name (at most [`Groups::MOST`]; names beyond are not shared).
#[derive(Default)]
struct Groups(HashSet<Arc<str>>);

impl Groups {
    const MOST: usize = 4096;

    fn kept(&mut self, r: InstanceFile) -> Kept {
        let group = r.tags.get(GROUP_TAG).map(|g| match self.0.get(g.as_str()) {
            Some(shared) => shared.clone(),
            None => {
                let name: Arc<str> = g.as_str().into();
                if self.0.len() < Self::MOST {
                    self.0.insert(name.clone());
                }
                name
            }
        });
        let desc = Description { id: r.id, logical_id: r.logical_id, tags: r.tags, properties: None };
        Kept { desc: Arc::new(desc), spec: r.spec, group }
    }
}

#[derive(Default)]
struct State {
    /// By file name (an instance's file is named by its ID).
    records: BTreeMap<String, Kept>,
    /// When the whole directory was last read into `records`; `None`: the records cannot be trusted.
    scanned: Option<Instant>,
    /// True while inotify keeps the records current.
    watched: bool,
    /// Per file name, the plugin's own renames onto it whose event has not arrived yet, and the description its
    /// latest write announced: that event is skipped while the record is still the one announced (the
    /// record already holds what was written), so the plugin does not read back every file it writes.
    own: HashMap<String, (u32, Arc<Description>)>,
    groups: Groups,
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
            s.own.clear();
        }
    }

    /// Forgets that the records are complete: the next listing reads the whole directory (events were lost).
    pub fn invalidate(&self) {
        let mut s = self.lock();
        s.scanned = None;
        s.own.clear();
    }

    /// What `pick` makes of each record (those it keeps, in file-name order), when the index can be trusted;
    /// `None`: read the directory.
    pub fn listing<T>(&self, pick: impl FnMut(&Kept) -> Option<T>) -> Option<Vec<T>> {
        Self::current(&self.lock(), pick)
    }

    /// Like [`Index::listing`], without waiting for the lock: `None` also while another thread holds it (a full
    /// read of the directory may take long), so it can be asked on the async runtime.
    pub fn listing_now<T>(&self, pick: impl FnMut(&Kept) -> Option<T>) -> Option<Vec<T>> {
        match self.0.try_lock() {
            Ok(s) => Self::current(&s, pick),
            Err(std::sync::TryLockError::Poisoned(p)) => Self::current(&p.into_inner(), pick),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }

    fn current<T>(s: &State, pick: impl FnMut(&Kept) -> Option<T>) -> Option<Vec<T>> {
        let fresh = s.watched && s.scanned.is_some_and(|t| t.elapsed() < RESCAN_EVERY);
        fresh.then(|| s.records.values().filter_map(pick).collect())
    }

    /// Replaces every record with a full read of the directory (`scan`, run under the lock so no event's re-read
    /// interleaves with it); then what `pick` makes of each, as [`Index::listing`].
    pub fn rebuild<T, E>(
        &self,
        scan: impl FnOnce() -> Result<Vec<(String, InstanceFile)>, E>,
        pick: impl FnMut(&Kept) -> Option<T>,
    ) -> Result<Vec<T>, E> {
        let mut s = self.lock();
        let started = Instant::now();
        let scanned = scan()?;
        let s = &mut *s;
        s.records = scanned.into_iter().map(|(name, r)| (name, s.groups.kept(r))).collect();
        s.scanned = Some(started);
        // The records are what the directory held: a rename still to come is read when its event arrives.
        s.own.clear();
        Ok(s.records.values().filter_map(pick).collect())
    }

    /// Records what the plugin is about to write (with a rename onto the record's file name): listings show it from
    /// now on, and the rename's event is not read back.
    pub fn writing(&self, record: InstanceFile) {
        let name = record.id.0.clone();
        let mut s = self.lock();
        let kept = s.groups.kept(record);
        if s.watched {
            let pending = s.own.get(&name).map_or(0, |(n, _)| *n);
            s.own.insert(name.clone(), (pending + 1, kept.desc.clone()));
        }
        s.records.insert(name, kept);
    }

    /// The write announced by [`Index::writing`] failed: the record becomes what the disk holds again.
    pub fn write_failed(&self, dir: &Path, name: &str, read: impl Fn(&Path) -> Option<InstanceFile>) {
        let mut s = self.lock();
        s.take_own(name);
        s.reread(dir, name, read);
    }

    /// Records that the plugin itself just removed `id`.
    pub fn remove(&self, id: &Id) {
        let mut s = self.lock();
        s.records.remove(&id.0);
        s.own.remove(&id.0);
    }

    /// After an event about the file named `name` in `dir`: unless it is the rename of one of the plugin's own writes
    /// (`moved_to`, with such a rename still to come and the record still the one the write announced), the file is
    /// read again and its record replaced, or dropped when the file is gone or no longer an instance. True when the
    /// record was read again.
    ///
    /// Another writer's rename may come first and be taken for the plugin's own; the plugin's own then comes after
    /// it and is read, so the record still ends as the disk does. Once anything else replaced the record (a full
    /// read of the directory, a read after another event), the plugin's own rename is read too.
    pub fn event(&self, dir: &Path, name: &str, moved_to: bool, read: impl Fn(&Path) -> Option<InstanceFile>) -> bool {
        let mut s = self.lock();
        if moved_to && s.take_own(name) {
            return false;
        }
        s.reread(dir, name, read);
        true
    }
}

impl State {
    /// Takes one of the plugin's own renames onto `name` still to come; false when there is none, or when the record
    /// is no longer the one its latest write announced (it must then be read).
    fn take_own(&mut self, name: &str) -> bool {
        let Some((n, announced)) = self.own.get_mut(name) else { return false };
        let current = self.records.get(name).is_some_and(|k| Arc::ptr_eq(&k.desc, announced));
        *n -= 1;
        if *n == 0 || !current {
            self.own.remove(name);
        }
        current
    }

    fn reread(&mut self, dir: &Path, name: &str, read: impl Fn(&Path) -> Option<InstanceFile>) {
        self.own.remove(name);
        match read(&dir.join(name)) {
            Some(record) => {
                let kept = self.groups.kept(record);
                self.records.insert(name.to_string(), kept);
            }
            None => {
                self.records.remove(name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn record(id: &str, note: &str) -> InstanceFile {
        let tags: Tags = [("note".to_string(), note.to_string())].into();
        InstanceFile { id: Id(id.into()), logical_id: None, tags, spec: Spec::default() }
    }

    fn note(index: &Index, id: &str) -> Option<String> {
        let s = index.lock();
        s.records.get(id).and_then(|k| k.desc.tags.get("note").cloned())
    }

    #[test]
    fn a_listing_now_never_waits_for_a_busy_index() {
        let index = Index::default();
        index.set_watched(true);
        index.rebuild(|| Ok::<_, ()>(vec![("a".to_string(), record("a", "x"))]), |_| Some(())).unwrap();
        assert_eq!(index.listing_now(|k| Some(k.desc.id.clone())), Some(vec![Id("a".into())]));
        let held = index.lock();
        assert_eq!(index.listing_now(|k| Some(k.desc.id.clone())), None, "busy: the caller reads elsewhere");
        drop(held);
        index.set_watched(false);
        assert_eq!(index.listing_now(|k| Some(k.desc.id.clone())), None, "not watched: not current");
    }

    #[test]
    fn a_record_matches_a_filter_as_its_tags_do() {
        let mut groups = Groups::default();
        let tagged =
            |pairs: &[(&str, &str)]| -> Tags { pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() };
        let records = [
            tagged(&[(GROUP_TAG, "web"), ("tier", "front")]),
            tagged(&[(GROUP_TAG, "web")]),
            tagged(&[(GROUP_TAG, "db"), ("tier", "front")]),
            tagged(&[("tier", "front")]),
            tagged(&[]),
        ];
        let filters = [
            tagged(&[]),
            tagged(&[(GROUP_TAG, "web")]),
            tagged(&[(GROUP_TAG, "db")]),
            tagged(&[(GROUP_TAG, "")]),
            tagged(&[(GROUP_TAG, "web"), ("tier", "front")]),
            tagged(&[("tier", "front")]),
        ];
        let file = |id: String, tags: &Tags| InstanceFile {
            id: Id(id),
            logical_id: None,
            tags: tags.clone(),
            spec: Spec::default(),
        };
        for (i, tags) in records.iter().enumerate() {
            let kept = groups.kept(file(format!("i-{i}"), tags));
            for filter in &filters {
                assert_eq!(kept.matches(filter), tags_match(tags, filter), "record {tags:?}, filter {filter:?}");
            }
        }
        // Records of one group share its name.
        let a = groups.kept(file("a".into(), &records[0]));
        let b = groups.kept(file("b".into(), &records[1]));
        assert!(a.group.zip(b.group).is_some_and(|(a, b)| Arc::ptr_eq(&a, &b)));
    }

    #[test]
    fn the_plugins_own_rename_is_not_read_back_and_another_writers_is() {
        let index = Index::default();
        index.set_watched(true);
        let reads = Cell::new(0);
        let disk = |text: &'static str| {
            let reads = &reads;
            move |_: &Path| {
                reads.set(reads.get() + 1);
                Some(record("a", text))
            }
        };
        index.writing(record("a", "ours"));
        assert!(!index.event(Path::new("/d"), "a", true, disk("ours")), "our rename is known");
        assert_eq!(reads.get(), 0);
        // Another writer's rename, then an in-place write: both read.
        assert!(index.event(Path::new("/d"), "a", true, disk("theirs")));
        assert_eq!(note(&index, "a").as_deref(), Some("theirs"));
        assert!(index.event(Path::new("/d"), "a", false, disk("edited")));
        assert_eq!((reads.get(), note(&index, "a").as_deref()), (2, Some("edited")));

        // Another writer renames between our announcement and our rename: its event is taken for ours, ours is
        // then read, and the record ends as the disk (ours, renamed last).
        index.writing(record("a", "ours again"));
        assert!(!index.event(Path::new("/d"), "a", true, disk("unused")));
        assert!(index.event(Path::new("/d"), "a", true, disk("ours again")));
        assert_eq!(note(&index, "a").as_deref(), Some("ours again"));

        // A failed write gives the disk's record back; lost events forget what was announced.
        index.writing(record("a", "never written"));
        index.write_failed(Path::new("/d"), "a", disk("ours again"));
        assert_eq!(note(&index, "a").as_deref(), Some("ours again"));
        index.writing(record("a", "announced"));
        index.invalidate();
        assert!(index.event(Path::new("/d"), "a", true, disk("disk")));
        assert_eq!(note(&index, "a").as_deref(), Some("disk"));
    }

    #[test]
    fn a_record_replaced_before_the_plugins_rename_arrives_is_read_at_the_rename() {
        let index = Index::default();
        index.set_watched(true);
        let on_disk = |text: &'static str| move |_: &Path| Some(record("a", text));
        // A full read of the directory between the announcement and the rename: the file was not there yet.
        index.writing(record("a", "new"));
        let listed = index.rebuild(|| Ok::<_, ()>(Vec::new()), |k| Some(k.desc.id.clone()));
        assert_eq!(listed, Ok(vec![]));
        assert!(index.event(Path::new("/d"), "a", true, on_disk("new")), "the rename is read");
        assert_eq!(note(&index, "a").as_deref(), Some("new"));
        // Another writer's event read the old file between the announcement and the rename.
        index.writing(record("a", "newer"));
        assert!(index.event(Path::new("/d"), "a", false, on_disk("new")));
        assert!(index.event(Path::new("/d"), "a", true, on_disk("newer")), "the rename is read");
        assert_eq!(note(&index, "a").as_deref(), Some("newer"));
        // Nothing announced is left behind.
        assert!(index.lock().own.is_empty());
    }
}
