//! `instance-file`: each instance is a JSON file in a directory, in the same format as InfraKit's example plugin
//! (`{"ID","LogicalID","Tags","Spec"}`, one token per line). Files are written durably and atomically
//! ([`infrakit_spi::fsutil::write_durable`]: a uniquely named temporary file, fsynced, renamed, the directory
//! fsynced), so a crash never leaves a half-written instance; leftover temporary files are removed at start.
//! Only regular files are read, never through a symlink, and at most [`MAX_FILE_BYTES`] of each: a FIFO, a
//! device or a huge file planted in the directory cannot hang or exhaust the plugin.

mod builtin;
mod index;
pub use builtin::{FileFlags, BUILTIN};
pub use index::RESCAN_EVERY;
use index::{Index, InstanceFile, Kept};

use async_trait::async_trait;
use infrakit_spi::instance::{Changes, Description, Id, Instance, Spec, Tags};
use infrakit_spi::{gojson, Any, Error, Result};
use inotify::{EventMask, Inotify, WatchMask};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tokio::sync::watch;

/// The largest instance file read (1 MiB); larger ones are skipped in listings and an error when asked for.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Reads `path` if it is a regular file of at most [`MAX_FILE_BYTES`]: opened with `O_NOFOLLOW` (a symlink is
/// refused) and `O_NONBLOCK` (opening a FIFO does not wait for a writer), then checked with `fstat`.
fn read_regular(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "not a regular file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{} bytes: larger than the {MAX_FILE_BYTES} an instance file may hold", meta.len()),
        ));
    }
    let mut text = String::new();
    file.take(MAX_FILE_BYTES).read_to_string(&mut text)?;
    Ok(text)
}

/// The file instance plugin.
#[derive(Debug, Clone)]
pub struct FileInstance {
    dir: PathBuf,
    watcher: Arc<OnceLock<Option<watch::Sender<u64>>>>,
    /// Serializes read-modify-write (Label) against Destroy, so a label never resurrects a destroyed instance.
    lock: Arc<std::sync::Mutex<()>>,
    /// Every instance file, parsed, kept current by inotify and the plugin's own writes.
    index: Arc<Index>,
    /// Whether writes are fsynced (durable across a crash) or only atomic.
    sync: bool,
}

impl FileInstance {
    /// Keeps instances in `dir`, created if absent.
    pub fn new(dir: impl Into<PathBuf>) -> Result<FileInstance> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::failed(format!("instance directory {}: {e}", dir.display())))?;
        infrakit_spi::fsutil::clean_temps(&dir);
        Ok(FileInstance { dir, watcher: Arc::default(), lock: Arc::default(), index: Arc::default(), sync: true })
    }

    /// Whether each write is fsynced (the default: an instance whose `Provision` returned survives a crash), or
    /// only atomic, as in InfraKit v0.5's plugin: much faster on a disk whose fsync is slow, but a crash may lose
    /// the instances written in its last seconds (the group controller then creates them again).
    pub fn with_sync(mut self, sync: bool) -> FileInstance {
        self.sync = sync;
        self
    }

    /// Starts (once) a thread that watches the directory with inotify and counts changes to instance files.
    fn watch(&self) -> Option<watch::Receiver<u64>> {
        let sender = self.watcher.get_or_init(|| {
            let mut inotify = match Inotify::init() {
                Ok(i) => i,
                Err(e) => {
                    tracing::warn!(error = %e, "inotify unavailable; changes are seen at the next resync");
                    return None;
                }
            };
            let mask = WatchMask::CREATE | WatchMask::DELETE | WatchMask::MOVED_TO | WatchMask::MOVED_FROM
                | WatchMask::CLOSE_WRITE | WatchMask::DELETE_SELF | WatchMask::MOVE_SELF;
            if let Err(e) = inotify.watches().add(&self.dir, mask) {
                tracing::warn!(dir = %self.dir.display(), error = %e, "cannot watch; changes are seen at the next resync");
                return None;
            }
            let (tx, _) = watch::channel(0u64);
            let thread_tx = tx.clone();
            let (index, dir) = (self.index.clone(), self.dir.clone());
            // Marked before the thread starts, so a thread that stops at once leaves it unmarked.
            self.index.set_watched(true);
            let spawned = std::thread::Builder::new().name("instance-file-watch".into()).spawn(move || {
                let mut buffer = [0u8; 16384];
                loop {
                    let Ok(events) = inotify.read_events_blocking(&mut buffer) else {
                        index.set_watched(false);
                        return;
                    };
                    let mut relevant = false;
                    let mut gone = false;
                    for e in events {
                        if e.mask.contains(EventMask::Q_OVERFLOW) {
                            // Events were lost: the next listing reads the whole directory.
                            index.invalidate();
                            relevant = true;
                        }
                        if e.mask.intersects(EventMask::DELETE_SELF | EventMask::MOVE_SELF | EventMask::IGNORED) {
                            gone = true;
                        }
                        let Some(name) = e.name.map(|n| n.to_string_lossy().into_owned()) else { continue };
                        // Our own temporary files (hidden: ".<id>.<pid>.<n>.ik-tmp") are not instances.
                        if name.starts_with('.') {
                            continue;
                        }
                        // The plugin's own writes are known: neither read back nor pushed.
                        relevant |= index.event(&dir, &name, e.mask.contains(EventMask::MOVED_TO), parse_file);
                    }
                    if gone {
                        index.set_watched(false);
                    }
                    if relevant || gone {
                        thread_tx.send_modify(|n| *n += 1);
                    }
                    if gone {
                        return;
                    }
                }
            });
            match spawned {
                Ok(_) => Some(tx),
                Err(e) => {
                    self.index.set_watched(false);
                    tracing::warn!(error = %e, "cannot start the watcher; changes are seen at the next resync");
                    None
                }
            }
        });
        sender.as_ref().map(|tx| tx.subscribe())
    }

    /// The directory holding the instance files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_of(&self, id: &Id) -> Result<PathBuf> {
        if id.0.is_empty() || id.0.starts_with('.') || id.0.contains('/') {
            return Err(Error::invalid("Instance", format!("{:?} is not an instance ID", id.0)));
        }
        Ok(self.dir.join(&id.0))
    }

    /// Writes `record` to its file (a temporary file renamed onto it); the index holds it from before the rename.
    fn write(&self, record: InstanceFile) -> Result<()> {
        let path = self.path_of(&record.id)?;
        let body = gojson::to_vec_indent(&record, "", "").map_err(Error::failed)?;
        let name = record.id.0.clone();
        self.index.writing(record);
        infrakit_spi::fsutil::write_replacing(&path, &body, 0o644, self.sync).map_err(|e| {
            self.index.write_failed(&self.dir, &name, parse_file);
            Error::failed(format!("{}: {e}", path.display()))
        })
    }

    fn read(&self, id: &Id) -> Result<InstanceFile> {
        let path = self.path_of(id)?;
        let text = read_regular(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound(format!("instance {id} not found")),
            _ => Error::failed(format!("{}: {e}", path.display())),
        })?;
        serde_json::from_str(&text).map_err(|e| Error::failed(format!("{}: {e}", path.display())))
    }

    /// Reads every instance file of the directory: (file name, record).
    fn scan(&self) -> Result<Vec<(String, InstanceFile)>> {
        let entries =
            std::fs::read_dir(&self.dir).map_err(|e| Error::failed(format!("{}: {e}", self.dir.display())))?;
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            // Only regular files (the entry's own type: a symlink is not followed); files that vanish, are too
            // large or do not decode are skipped, as in InfraKit's plugin.
            if !entry.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            if let Some(record) = parse_file(&entry.path()) {
                out.push((name, record));
            }
        }
        Ok(out)
    }

    /// The instances whose tags hold `tags`, sorted by ID: from the index when inotify keeps it current, else
    /// from a full read of the directory (which refreshes the index).
    fn list(&self, tags: &Tags, properties: bool) -> Result<Vec<Arc<Description>>> {
        self.watch();
        // Under the index's lock only the matching records are picked (shared descriptions, and the specs when
        // properties are asked for); their properties are encoded after it.
        let pick = |k: &Kept| k.matches(tags).then(|| (k.desc.clone(), properties.then(|| k.spec.clone())));
        let records = match self.index.listing(pick) {
            Some(found) => found,
            None => self.index.rebuild(|| self.scan(), pick)?,
        };
        described(records)
    }
}

/// The listing from what the index picked: descriptions, with their properties when the specs were picked too,
/// sorted by ID.
fn described(records: Vec<(Arc<Description>, Option<Spec>)>) -> Result<Vec<Arc<Description>>> {
    let mut found = records
        .into_iter()
        .map(|(desc, spec)| match spec {
            None => Ok(desc),
            Some(spec) => {
                let properties = Some(Any::from_value(&spec)?);
                Ok(Arc::new(Description { properties, ..Arc::unwrap_or_clone(desc) }))
            }
        })
        .collect::<Result<Vec<_>>>()?;
    if !found.is_sorted_by(|a, b| a.id <= b.id) {
        found.sort_by(|a, b| a.id.cmp(&b.id));
    }
    Ok(found)
}

/// The record in the file at `path`, if it is a regular file that decodes as one.
fn parse_file(path: &Path) -> Option<InstanceFile> {
    let text = read_regular(path).ok()?;
    serde_json::from_str(&text).ok()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error::failed(format!("worker failed: {e}")))?
}

#[async_trait]
impl Instance for FileInstance {
    async fn validate(&self, properties: Option<&Any>) -> Result<()> {
        match properties {
            None => Ok(()),
            Some(p) if p.is_null() => Ok(()),
            Some(p) => p.decode::<serde_json::Map<String, serde_json::Value>>().map(|_| ()),
        }
    }

    async fn provision(&self, spec: Spec) -> Result<Id> {
        let id = Id(format!("instance-{}", rand::random::<u64>() >> 1));
        let record =
            InstanceFile { id: id.clone(), logical_id: spec.logical_id.clone(), tags: spec.tags.clone(), spec };
        let me = self.clone();
        blocking(move || me.write(record)).await?;
        tracing::debug!(instance = %id, "provisioned");
        Ok(id)
    }

    async fn label(&self, id: &Id, labels: &Tags) -> Result<()> {
        let (me, id, labels) = (self.clone(), id.clone(), labels.clone());
        blocking(move || {
            let _guard = me.lock.lock().map_err(|_| Error::failed("instance-file lock poisoned"))?;
            let mut record = me.read(&id)?;
            record.tags.extend(labels);
            me.write(record)
        })
        .await
    }

    async fn destroy(&self, id: &Id) -> Result<()> {
        let path = self.path_of(id)?;
        let (id, me) = (id.clone(), self.clone());
        blocking(move || {
            let _guard = me.lock.lock().map_err(|_| Error::failed("instance-file lock poisoned"))?;
            let removed = std::fs::remove_file(&path).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Error::NotFound(format!("instance {id} not found")),
                _ => Error::failed(format!("{}: {e}", path.display())),
            });
            // A file that could not be removed is still an instance: it stays listed.
            if matches!(removed, Ok(()) | Err(Error::NotFound(_))) {
                me.index.remove(&id);
            }
            removed
        })
        .await
    }

    async fn describe_instances(&self, tags: &Tags, properties: bool) -> Result<Vec<Description>> {
        let listed = self.describe_shared(tags, properties).await?;
        Ok(listed.into_iter().map(Arc::unwrap_or_clone).collect())
    }

    async fn describe_shared(&self, tags: &Tags, properties: bool) -> Result<Vec<Arc<Description>>> {
        // Most listings are answered from the index in memory, here; one that must read files (an index not
        // watched, due for its full re-read, or busy) goes to the blocking pool, and so do properties (each
        // spec is encoded).
        if !properties {
            let pick = |k: &Kept| k.matches(tags).then(|| (k.desc.clone(), None));
            if let Some(records) = self.index.listing_now(pick) {
                return described(records);
            }
        }
        let (me, tags) = (self.clone(), tags.clone());
        blocking(move || me.list(&tags, properties)).await
    }

    fn changes(&self) -> Option<Changes> {
        let rx = self.watch()?;
        Some(Box::pin(tokio_stream::StreamExt::map(tokio_stream::wrappers::WatchStream::from_changes(rx), |_| ())))
    }
    /// Read-your-writes: an instance is listed as soon as `provision` returns.
    async fn listing_lag(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrakit_spi::instance::LogicalId;

    fn spec(tags: &[(&str, &str)]) -> Spec {
        Spec {
            properties: Some(Any::from_json(r#"{"Note":"hi"}"#).unwrap()),
            tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            init: "echo hi".into(),
            logical_id: Some(LogicalId("10.0.0.1".into())),
            attachments: vec![],
        }
    }

    #[tokio::test]
    async fn provision_describe_label_destroy() {
        let dir = tempfile::tempdir().unwrap();
        let p = FileInstance::new(dir.path()).unwrap();
        let a = p.provision(spec(&[("infrakit.group", "web")])).await.unwrap();
        let _b = p.provision(spec(&[("infrakit.group", "db")])).await.unwrap();
        let filter: Tags = [("infrakit.group".to_string(), "web".to_string())].into();
        let found = p.describe_instances(&filter, false).await.unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, a);
        assert_eq!(found[0].logical_id, Some(LogicalId("10.0.0.1".into())));
        assert!(found[0].properties.is_none());
        assert_eq!(p.describe_instances(&Tags::new(), true).await.unwrap().len(), 2);

        p.label(&a, &[("color".to_string(), "blue".to_string())].into()).await.unwrap();
        let found = p.describe_instances(&filter, true).await.unwrap();
        assert_eq!(found[0].tags.get("color").map(String::as_str), Some("blue"));
        assert!(found[0].properties.as_ref().unwrap().as_str().contains("\"Init\":\"echo hi\""));

        p.destroy(&a).await.unwrap();
        assert!(p.describe_instances(&filter, false).await.unwrap().is_empty());
        assert!(matches!(p.destroy(&a).await, Err(Error::NotFound(_))));
    }

    #[tokio::test]
    async fn deleting_a_file_is_pushed() {
        use tokio_stream::StreamExt;
        let dir = tempfile::tempdir().unwrap();
        let p = FileInstance::new(dir.path()).unwrap();
        let id = p.provision(spec(&[])).await.unwrap();
        let mut changes = p.changes().expect("inotify works here");
        std::fs::remove_file(dir.path().join(&id.0)).unwrap();
        let got = tokio::time::timeout(std::time::Duration::from_secs(5), changes.next()).await;
        assert_eq!(got, Ok(Some(())));
    }

    #[tokio::test]
    async fn changes_made_behind_the_plugins_back_reach_the_listing() {
        let dir = tempfile::tempdir().unwrap();
        let p = FileInstance::new(dir.path()).unwrap();
        let a = p.provision(spec(&[("g", "1")])).await.unwrap();
        let listed = |p: FileInstance| async move {
            p.describe_instances(&Tags::new(), false).await.unwrap().into_iter().map(|d| d.id.0).collect::<Vec<_>>()
        };
        assert_eq!(listed(p.clone()).await, vec![a.0.clone()]);
        // Another process deletes one file and writes another (a copy under a new ID, with a new tag).
        let text = std::fs::read_to_string(dir.path().join(&a.0)).unwrap();
        std::fs::remove_file(dir.path().join(&a.0)).unwrap();
        let b = "instance-written-by-hand";
        let edited = text.replace(&a.0, b).replace("\"g\": \"1\"", "\"g\": \"2\"");
        std::fs::write(dir.path().join(b), edited).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while listed(p.clone()).await != vec![b.to_string()] {
            assert!(std::time::Instant::now() < deadline, "still listed: {:?}", listed(p.clone()).await);
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let found = p.describe_instances(&[("g".to_string(), "2".to_string())].into(), false).await.unwrap();
        assert_eq!(found.len(), 1, "the re-read file's tags are listed");
        // A file that stops decoding leaves the listing too.
        std::fs::write(dir.path().join(b), "not json").unwrap();
        while !listed(p.clone()).await.is_empty() {
            assert!(std::time::Instant::now() < deadline, "a junk file is listed");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    #[tokio::test]
    async fn file_format_is_one_token_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = FileInstance::new(dir.path()).unwrap();
        let id = p.provision(spec(&[("a", "b")])).await.unwrap();
        let text = std::fs::read_to_string(dir.path().join(&id.0)).unwrap();
        assert!(text.starts_with(&format!(
            "{{\n\"ID\": \"{id}\",\n\"LogicalID\": \"10.0.0.1\",\n\"Tags\": {{\n\"a\": \"b\"\n}},"
        )));
    }

    #[tokio::test]
    async fn junk_files_are_skipped_and_bad_ids_rejected() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("garbage"), "not json").unwrap();
        let p = FileInstance::new(dir.path()).unwrap();
        assert!(p.describe_instances(&Tags::new(), false).await.unwrap().is_empty());
        assert!(matches!(p.destroy(&Id("../etc".into())).await, Err(Error::Invalid { .. })));
        let bad = Any::from_json("[1]").unwrap();
        assert!(p.validate(Some(&bad)).await.is_err());
    }
}
