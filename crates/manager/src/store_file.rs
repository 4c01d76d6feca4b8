//! Group specs in a directory: `<dir>/<group>/<version>.json`, one file per version (a removal is a version whose
//! spec is `null`), each written with [`infrakit_spi::fsutil::write_durable`] (a uniquely named temporary file,
//! fsynced, renamed, the directory fsynced). Nothing committed is lost by a crash, and the history is kept;
//! temporary files a crash left are removed when the store opens.

use async_trait::async_trait;
use infrakit_group::clock::{Clock, SystemClock};
use infrakit_spi::group::{self, Id};
use infrakit_spi::store::{SpecStore, SpecVersion};
use infrakit_spi::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The file store. Every read and write runs on tokio's blocking pool: the runtime never waits on the disk.
pub struct FileStore {
    dir: Arc<Dir>,
}

/// The directory and the lock that orders its writes.
struct Dir {
    dir: PathBuf,
    lock: Mutex<()>,
}

fn fail(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::failed(format!("{}: {e}", path.display()))
}

impl FileStore {
    /// A store in `dir`, created if absent.
    pub fn new(dir: impl Into<PathBuf>) -> Result<FileStore> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|e| fail(&dir, e))?;
        if let Ok(groups) = std::fs::read_dir(&dir) {
            groups.flatten().filter(|g| g.file_type().is_ok_and(|t| t.is_dir())).for_each(|g| {
                infrakit_spi::fsutil::clean_temps(&g.path());
            });
        }
        Ok(FileStore { dir: Arc::new(Dir { dir, lock: Mutex::new(()) }) })
    }

    /// Runs `work` on the directory off the runtime.
    async fn blocking<T: Send + 'static>(&self, work: impl FnOnce(&Dir) -> Result<T> + Send + 'static) -> Result<T> {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || work(&dir))
            .await
            .map_err(|e| Error::failed(format!("a spec store task failed: {e}")))?
    }
}

impl Dir {
    fn group_dir(&self, id: &Id) -> Result<PathBuf> {
        if id.0.is_empty() || id.0.contains('/') || id.0.starts_with('.') {
            return Err(Error::invalid("ID", format!("{:?} cannot name a stored group", id.0)));
        }
        Ok(self.dir.join(&id.0))
    }

    fn versions(dir: &Path) -> Result<Vec<SpecVersion>> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(fail(dir, e)),
        };
        let mut out = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(_) = name.strip_suffix(".json").and_then(|v| v.parse::<u64>().ok()) else { continue };
            let text = std::fs::read_to_string(e.path()).map_err(|err| fail(&e.path(), err))?;
            let v: SpecVersion =
                serde_json::from_str(&text).map_err(|err| fail(&e.path(), format!("unparsable stored spec: {err}")))?;
            out.push(v);
        }
        out.sort_by_key(|v| v.version);
        Ok(out)
    }

    fn write_version(&self, id: &Id, spec: Option<&group::Spec>) -> Result<u64> {
        let _guard = self.lock.lock().map_err(|_| Error::failed("store lock poisoned"))?;
        let dir = self.group_dir(id)?;
        std::fs::create_dir_all(&dir).map_err(|e| fail(&dir, e))?;
        let version = Self::versions(&dir)?.last().map(|v| v.version + 1).unwrap_or(1);
        let record = SpecVersion { version, time: SystemClock.now(), spec: spec.cloned() };
        let path = dir.join(format!("{version:010}.json"));
        let body = serde_json::to_vec_pretty(&record).map_err(Error::failed)?;
        infrakit_spi::fsutil::write_durable_mode(&path, &body, 0o644).map_err(|e| fail(&path, e))?;
        Ok(version)
    }

    fn specs(&self) -> Result<Vec<group::Spec>> {
        let entries = std::fs::read_dir(&self.dir).map_err(|e| fail(&self.dir, e))?;
        let mut out = Vec::new();
        for e in entries.flatten() {
            if !e.file_type().map(|t| t.is_dir()).unwrap_or(false) || e.file_name().to_string_lossy().starts_with('.') {
                continue; // not a group (for example `.rollouts`)
            }
            // One damaged group must not stop the others from being managed: it is reported and skipped.
            match Self::versions(&e.path()) {
                Ok(mut versions) => {
                    if let Some(spec) = versions.pop().and_then(|last| last.spec) {
                        out.push(spec);
                    }
                }
                Err(err) => tracing::error!(error = %err, "skipping a group whose stored spec cannot be read"),
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }
}

#[async_trait]
impl SpecStore for FileStore {
    async fn put(&self, spec: &group::Spec) -> Result<u64> {
        let spec = spec.clone();
        self.blocking(move |d| d.write_version(&spec.id, Some(&spec))).await
    }

    async fn remove(&self, id: &Id) -> Result<()> {
        let id = id.clone();
        self.blocking(move |d| d.write_version(&id, None).map(|_| ())).await
    }

    async fn specs(&self) -> Result<Vec<group::Spec>> {
        self.blocking(|d| d.specs()).await
    }

    async fn history(&self, id: &Id) -> Result<Vec<SpecVersion>> {
        let id = id.clone();
        self.blocking(move |d| Dir::versions(&d.group_dir(&id)?)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrakit_spi::Any;

    #[tokio::test]
    async fn versions_and_history() {
        let dir = tempfile::tempdir().unwrap();
        let s = FileStore::new(dir.path()).unwrap();
        let spec = |n: u32| group::Spec {
            id: Id("g".into()),
            properties: Some(Any::from_json(&format!("{{\"n\":{n}}}")).unwrap()),
        };
        assert_eq!(s.put(&spec(1)).await.unwrap(), 1);
        assert_eq!(s.put(&spec(2)).await.unwrap(), 2);
        assert_eq!(s.specs().await.unwrap(), vec![spec(2)]);
        s.remove(&Id("g".into())).await.unwrap();
        assert!(s.specs().await.unwrap().is_empty());
        let h = s.history(&Id("g".into())).await.unwrap();
        assert_eq!(h.iter().map(|v| v.version).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(h[0].spec, Some(spec(1)));
        assert!(h[2].spec.is_none());
        // A second store on the same directory sees the same state (a restart).
        let again = FileStore::new(dir.path()).unwrap();
        assert_eq!(again.history(&Id("g".into())).await.unwrap().len(), 3);
        std::fs::write(dir.path().join("g").join("0000000009.json"), "{broken").unwrap();
        let err = again.history(&Id("g".into())).await.unwrap_err().to_string();
        assert!(err.contains("0000000009.json") && err.contains("unparsable"), "{err}");
        // The damaged group is skipped (and reported); the others are still loaded.
        again.put(&group::Spec { id: Id("h".into()), properties: None }).await.unwrap();
        assert_eq!(again.specs().await.unwrap().len(), 1);
    }
}
