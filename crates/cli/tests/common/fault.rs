//! `tests/fault_plugin.py`: an instance and flavor plugin in its own process that misbehaves on demand and records
//! what really exists.

use super::{wait_for_sockets, workspace, Daemon};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `tests/fault_plugin.py` running as `name`, with its fault file and its record of what really exists.
pub struct FaultPlugin {
    _daemon: Daemon,
    faults: PathBuf,
    truth: PathBuf,
}

impl FaultPlugin {
    /// Starts it as `name` in `plugins` with the given faults.
    pub fn start(plugins: &Path, name: &str, faults: Value) -> FaultPlugin {
        std::fs::create_dir_all(plugins).expect("plugins dir");
        let faults_path = plugins.join(format!("{name}.faults.json"));
        let truth = plugins.join(format!("{name}.truth.json"));
        std::fs::write(&faults_path, faults.to_string()).expect("faults");
        let child = Command::new("python3")
            .arg(workspace().join("tests/fault_plugin.py"))
            .args([plugins.as_os_str(), name.as_ref(), faults_path.as_os_str(), truth.as_os_str()])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 must be installed");
        let plugin = FaultPlugin { _daemon: Daemon(child), faults: faults_path, truth };
        wait_for_sockets(plugins, &[name]);
        plugin
    }

    /// Replaces the faults (read at every call).
    pub fn set_faults(&self, faults: Value) {
        let tmp = self.faults.with_extension("tmp");
        std::fs::write(&tmp, faults.to_string()).expect("faults");
        std::fs::rename(&tmp, &self.faults).expect("faults");
    }

    /// What really exists (see the script's doc).
    pub fn truth(&self) -> Value {
        std::fs::read_to_string(&self.truth).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null)
    }

    /// The IDs of the instances that really exist.
    pub fn alive(&self) -> Vec<String> {
        let t = self.truth();
        t["alive"]
            .as_array()
            .map(|a| a.iter().filter_map(|d| d["ID"].as_str().map(String::from)).collect())
            .unwrap_or_default()
    }
}
