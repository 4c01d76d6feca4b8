//! The process plugin's state directory: one JSON record per live instance (written durably and atomically, with
//! unique temporary names), logs, volumes.

use infrakit_spi::instance::{Id, LogicalId, Spec, Tags};
use infrakit_spi::nullable::null_as_default;
use infrakit_spi::{gojson, Error, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What is kept about a live instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessRecord {
    #[serde(rename = "ID")]
    pub id: Id,
    #[serde(rename = "LogicalID", default)]
    pub logical_id: Option<LogicalId>,
    #[serde(rename = "Tags", default, deserialize_with = "null_as_default")]
    pub tags: Tags,
    #[serde(rename = "Spec", default)]
    pub spec: Spec,
    /// The process (and process group) ID; 0 while starting.
    #[serde(rename = "Pid", default)]
    pub pid: i32,
    /// Its start time in clock ticks since boot, so a reused PID is not mistaken for it.
    #[serde(rename = "StartTicks", default)]
    pub ticks: u64,
    /// When it started (milliseconds since the UNIX epoch).
    #[serde(rename = "Started", default)]
    pub started_ms: u64,
    /// Its volume directories.
    #[serde(rename = "Volumes", default, deserialize_with = "null_as_default")]
    pub volumes: Vec<String>,
    /// Its log file.
    #[serde(rename = "Log", default)]
    pub log: String,
    /// Its network namespace, in netns mode.
    #[serde(rename = "Netns", default, skip_serializing_if = "Option::is_none")]
    pub netns: Option<String>,
    /// Its cgroup (a directory under the cgroup v2 mount), when it is contained in one.
    #[serde(rename = "Cgroup", default, skip_serializing_if = "Option::is_none")]
    pub cgroup: Option<String>,
    /// True until its start check passed: not listed yet.
    #[serde(skip)]
    pub starting: bool,
}

impl ProcessRecord {
    /// A record for a new instance.
    pub fn new(id: Id, spec: Spec, log: PathBuf) -> ProcessRecord {
        let started_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        ProcessRecord {
            id,
            logical_id: spec.logical_id.clone(),
            tags: spec.tags.clone(),
            spec,
            pid: 0,
            ticks: 0,
            started_ms,
            volumes: Vec::new(),
            log: log.to_string_lossy().into_owned(),
            netns: None,
            cgroup: None,
            starting: true,
        }
    }
}

/// The state directory: `instances/<id>.json`, `logs/<id>.log`, `volumes/<name>/`, `init/<id>.sh`.
pub struct StateDir {
    dir: PathBuf,
}

fn failed(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::failed(format!("{}: {e}", path.display()))
}

impl StateDir {
    /// Opens the state directory, creating it; fails clearly when it is not writable.
    pub fn open(dir: PathBuf) -> Result<StateDir> {
        for sub in ["instances", "logs", "volumes", "init"] {
            let d = dir.join(sub);
            std::fs::create_dir_all(&d).map_err(|e| failed(&d, format!("cannot create the state directory: {e}")))?;
        }
        let probe = dir.join("instances").join(".write-probe");
        std::fs::write(&probe, b"ok").map_err(|e| failed(&dir, format!("state directory is not writable: {e}")))?;
        let _ = std::fs::remove_file(&probe);
        let dir = dir.canonicalize().map_err(|e| failed(&dir, e))?;
        infrakit_spi::fsutil::clean_temps(&dir.join("instances"));
        infrakit_spi::fsutil::clean_temps(&dir.join("init"));
        Ok(StateDir { dir })
    }

    /// The state directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where an instance logs.
    pub fn log_path(&self, id: &Id) -> PathBuf {
        self.dir.join("logs").join(format!("{id}.log"))
    }

    /// A volume's directory, created on first use.
    pub fn volume(&self, name: &str) -> Result<PathBuf> {
        let d = self.dir.join("volumes").join(name);
        std::fs::create_dir_all(&d).map_err(|e| failed(&d, e))?;
        Ok(d)
    }

    /// Saves the Init script of an instance that runs another command; returns its path.
    pub fn write_init(&self, id: &Id, init: &str) -> Result<PathBuf> {
        let p = self.dir.join("init").join(format!("{id}.sh"));
        infrakit_spi::fsutil::write_durable(&p, init.as_bytes()).map_err(|e| failed(&p, e))?;
        Ok(p)
    }

    /// Saves a record durably and atomically ([`infrakit_spi::fsutil::write_durable`]).
    pub fn save(&self, r: &ProcessRecord) -> Result<()> {
        let path = self.dir.join("instances").join(format!("{}.json", r.id));
        let body = gojson::to_vec_indent(r, "", "  ").map_err(Error::failed)?;
        infrakit_spi::fsutil::write_durable(&path, &body).map_err(|e| failed(&path, e))
    }

    /// Forgets a record (its log and volumes stay).
    pub fn remove(&self, id: &Id) {
        let _ = std::fs::remove_file(self.dir.join("instances").join(format!("{id}.json")));
        let _ = std::fs::remove_file(self.dir.join("init").join(format!("{id}.sh")));
    }

    /// Every record on disk (unreadable ones are reported and skipped).
    pub fn load(&self) -> Vec<ProcessRecord> {
        let dir = self.dir.join("instances");
        let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
        let mut out = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !name.ends_with(".json") {
                continue;
            }
            match std::fs::read_to_string(e.path())
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str::<ProcessRecord>(&t).map_err(|e| e.to_string()))
            {
                Ok(r) => out.push(r),
                Err(err) => {
                    tracing::warn!(file = %e.path().display(), error = %err, "skipping an unreadable instance record")
                }
            }
        }
        out
    }
}

/// Appends a line to a log file (best effort).
pub fn append_log(path: &str, line: &str) {
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = f.write_all(line.as_bytes());
    }
}

/// The last `n` lines of a log file.
pub fn log_tail(path: &str, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
