//! What group controllers keep across restarts, in a directory (`<store>/.rollouts`): `<group>.json` holds a
//! group's rollout (indented) and `<group>+inflight.json` what its controller has in flight (compact), the names and
//! layout the group crate's former `FileRolloutStore` used, so existing directories keep working. `<group>` is the
//! group ID made file-safe; `+` never appears in it, so the two names never meet.
//!
//! A document is written with [`infrakit_spi::fsutil::write_durable`]: a uniquely named temporary file, fsynced,
//! renamed over the old one, then the directory fsynced: a crash leaves the old document or the new one, never a
//! mix (and temporary files a crash left are removed when the store opens). The file system is reached
//! only through `tokio::fs` and `spawn_blocking`, never on the runtime's threads.

use async_trait::async_trait;
use infrakit_spi::group::Id;
use infrakit_spi::store::{StateKind, StateStore};
use infrakit_spi::{gojson, names, Any, Error, Result};
use std::path::{Path, PathBuf};

/// The file state store.
#[derive(Debug)]
pub struct FileStateStore {
    dir: PathBuf,
}

fn fail(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::failed(format!("{}: {e}", path.display()))
}

/// The name of a group's document of `kind` in the directory.
fn file_name(group: &Id, kind: StateKind) -> String {
    let suffix = match kind {
        StateKind::Rollout => ".json",
        StateKind::InFlight => "+inflight.json",
    };
    format!("{}{suffix}", names::file_safe(&group.0))
}

impl FileStateStore {
    /// A store in `dir`, created if absent.
    pub async fn open(dir: impl Into<PathBuf>) -> Result<FileStateStore> {
        let dir = dir.into();
        tokio::fs::create_dir_all(&dir).await.map_err(|e| fail(&dir, format!("state store: {e}")))?;
        let clean = dir.clone();
        let _ = tokio::task::spawn_blocking(move || infrakit_spi::fsutil::clean_temps(&clean)).await;
        Ok(FileStateStore { dir })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, group: &Id, kind: StateKind) -> PathBuf {
        self.dir.join(file_name(group, kind))
    }
}

/// Runs blocking file-system work off the runtime; a failure names `path`.
async fn blocking<T: Send + 'static>(
    path: PathBuf,
    work: impl FnOnce(&Path) -> std::io::Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(move || work(&path).map_err(|e| fail(&path, e)))
        .await
        .map_err(|e| Error::failed(format!("state store: {e}")))?
}

#[async_trait]
impl StateStore for FileStateStore {
    async fn save(&self, group: &Id, kind: StateKind, doc: &Any) -> Result<()> {
        let body = match kind {
            StateKind::Rollout => gojson::indent(doc.as_str(), "  "),
            StateKind::InFlight => doc.as_str().to_string(),
        };
        blocking(self.path(group, kind), move |path| {
            infrakit_spi::fsutil::write_durable_mode(path, body.as_bytes(), 0o644)
        })
        .await
    }

    async fn load(&self, group: &Id, kind: StateKind) -> Result<Option<Any>> {
        let path = self.path(group, kind);
        let text = match tokio::fs::read_to_string(&path).await {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(fail(&path, e)),
        };
        serde_json::from_str(&text).map(Some).map_err(|e| fail(&path, format!("unparsable stored {kind}: {e}")))
    }

    async fn remove(&self, group: &Id, kind: StateKind) -> Result<()> {
        let dir = self.dir.clone();
        blocking(self.path(group, kind), move |path| match std::fs::remove_file(path) {
            Ok(()) => infrakit_spi::fsutil::sync_dir(&dir),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Any {
        Any::from_json(text).expect("json")
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("listed")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[tokio::test]
    async fn round_trip_replace_remove_and_restart() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let store = FileStateStore::open(tmp.path().join(".rollouts")).await.expect("opened");
        let g = Id("g".into());
        assert_eq!(store.load(&g, StateKind::Rollout).await.expect("loaded"), None);
        store.save(&g, StateKind::Rollout, &doc(r#"{"n":1}"#)).await.expect("saved");
        store.save(&g, StateKind::Rollout, &doc(r#"{"n":2,"a":[]}"#)).await.expect("replaced");
        store.save(&g, StateKind::InFlight, &doc(r#"{"Creates":[]}"#)).await.expect("saved");
        assert_eq!(store.load(&g, StateKind::Rollout).await.expect("loaded"), Some(doc(r#"{"n":2,"a":[]}"#)));
        // A second store on the same directory sees the same documents (a restart).
        let again = FileStateStore::open(store.dir()).await.expect("reopened");
        assert_eq!(again.load(&g, StateKind::InFlight).await.expect("loaded"), Some(doc(r#"{"Creates":[]}"#)));
        again.remove(&g, StateKind::InFlight).await.expect("removed");
        again.remove(&g, StateKind::InFlight).await.expect("removing nothing is no error");
        assert_eq!(store.load(&g, StateKind::InFlight).await.expect("loaded"), None);
        assert!(store.load(&g, StateKind::Rollout).await.expect("loaded").is_some());
    }

    #[tokio::test]
    async fn names_and_layout_are_the_former_ones() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let store = FileStateStore::open(tmp.path()).await.expect("opened");
        let g = Id("web/tier 1".into());
        let rollout = serde_json::json!({"group": "web/tier 1", "failed": [], "previous": {"ID": "x"}, "n": 3});
        let in_flight = serde_json::json!({"Creates": [{"Hash": "h", "Started": 1}], "Unlisted": []});
        store.save(&g, StateKind::Rollout, &Any::from_value(&rollout).expect("doc")).await.expect("saved");
        store.save(&g, StateKind::InFlight, &Any::from_value(&in_flight).expect("doc")).await.expect("saved");
        // No temporary file is left behind.
        assert_eq!(listing(tmp.path()), vec!["web_tier_1+inflight.json", "web_tier_1.json"]);
        // What `FileRolloutStore` wrote: the rollout as `serde_json::to_vec_pretty`, the in-flight record compact.
        let read = |name: &str| std::fs::read_to_string(tmp.path().join(name)).expect("read");
        assert_eq!(read("web_tier_1.json"), serde_json::to_string_pretty(&rollout).expect("pretty"));
        assert_eq!(read("web_tier_1+inflight.json"), serde_json::to_string(&in_flight).expect("compact"));
    }

    #[tokio::test]
    async fn files_written_before_are_read() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(tmp.path().join("g.json"), "{\n  \"group\": \"g\",\n  \"failed\": []\n}").expect("written");
        let store = FileStateStore::open(tmp.path()).await.expect("opened");
        let loaded = store.load(&Id("g".into()), StateKind::Rollout).await.expect("loaded");
        assert_eq!(loaded, Some(doc(r#"{"group":"g","failed":[]}"#)));
    }

    #[tokio::test]
    async fn a_corrupt_file_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().expect("tempdir");
        std::fs::write(tmp.path().join("g+inflight.json"), "{broken").expect("written");
        let store = FileStateStore::open(tmp.path()).await.expect("opened");
        let err = store.load(&Id("g".into()), StateKind::InFlight).await.expect_err("corrupt").to_string();
        assert!(err.contains("g+inflight.json") && err.contains("unparsable stored in-flight record"), "{err}");
    }

    #[tokio::test]
    async fn a_failed_write_is_an_error_naming_the_file() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let store = FileStateStore::open(tmp.path().join("state")).await.expect("opened");
        std::fs::remove_dir(tmp.path().join("state")).expect("removed");
        let err = store.save(&Id("g".into()), StateKind::Rollout, &doc("{}")).await.expect_err("no dir").to_string();
        assert!(err.contains("g.json"), "{err}");
    }
}
