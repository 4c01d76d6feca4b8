//! The self-healing examples (`examples/self-healing/<variant>`), driven through their own scripts: `up.sh`,
//! `status.sh`, `kill-leader.sh`, `down.sh` (run on drop, whatever happened).

use super::{infrakit_bin, workspace};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Whether this machine can run an example: root and the tools named; under CI that is a must.
pub fn can_run(tools: &[&str]) -> bool {
    // SAFETY: geteuid(2) has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let have = |t: &&str| {
        Command::new("sh").args(["-c", &format!("command -v {t}")]).output().is_ok_and(|o| o.status.success())
    };
    let missing: Vec<&str> = tools.iter().filter(|t| !have(t)).copied().collect();
    let ok = root && missing.is_empty();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the self-healing examples: root {root}, missing {missing:?}"
        );
        println!("SKIPPED: the self-healing example needs root and {tools:?} (missing {missing:?})");
    }
    ok
}

/// One example's cluster, with its state in a fresh directory.
pub struct Example {
    dir: PathBuf,
    state: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Example {
    /// The example `examples/self-healing/<variant>`.
    pub fn new(variant: &str) -> Example {
        let tmp = tempfile::tempdir().expect("tempdir");
        Example {
            dir: workspace().join("examples/self-healing").join(variant),
            state: tmp.path().join("cluster"),
            _tmp: tmp,
        }
    }

    /// Where the cluster keeps its state (`SELF_HEALING_DIR`).
    pub fn state(&self) -> &Path {
        &self.state
    }

    /// Runs one of the example's scripts.
    pub fn script(&self, name: &str, args: &[&str]) -> Output {
        Command::new("sh")
            .arg(self.dir.join(name))
            .args(args)
            .env("INFRAKIT_BIN", infrakit_bin())
            .env("SELF_HEALING_DIR", &self.state)
            .env_remove("INFRAKIT_PLUGINS_DIR")
            .env_remove("INFRAKIT_HOME")
            .output()
            .expect("run a script of the example")
    }

    /// Runs a script that must succeed; its stdout.
    pub fn script_ok(&self, name: &str, args: &[&str]) -> String {
        let out = self.script(name, args);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{name} failed:\n{stdout}\n{stderr}\n{}", self.logs());
        stdout.into_owned()
    }

    /// `status.sh`: one JSON object per node, in address order.
    pub fn status(&self) -> Vec<Value> {
        let out = self.script_ok("status.sh", &[]);
        out.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}"))).collect()
    }

    /// `kill-leader.sh`: its JSON line.
    pub fn kill_leader(&self, limit_seconds: u32) -> Value {
        let out = self.script_ok("kill-leader.sh", &[&limit_seconds.to_string()]);
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{out:?}: {e}"))
    }

    /// The tails of the nodes' and plugins' logs, for a failure's message.
    pub fn logs(&self) -> String {
        let out = Command::new("sh")
            .arg("-c")
            .arg("for f in $(find \"$0\" -name '*.log' 2>/dev/null | sort); do echo \"== $f\"; tail -n 15 \"$f\"; done")
            .arg(&self.state)
            .output();
        out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
    }

    /// `down.sh`, then checks that it left nothing: no state directory, bridge, FORWARD rule, namespace holding
    /// one of `addresses`, or process naming the state directory.
    pub fn down_leaves_nothing(&self, bridge: &str, addresses: &[&str]) {
        self.script_ok("down.sh", &[]);
        assert!(!self.state.exists(), "down.sh left {}", self.state.display());
        let link = Command::new("ip").args(["link", "show", bridge]).output().expect("ip link");
        assert!(!link.status.success(), "down.sh left the bridge {bridge}");
        let rule =
            Command::new("iptables").args(["-C", "FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"]).output();
        assert!(!rule.expect("iptables").status.success(), "down.sh left the FORWARD rule of {bridge}");
        let list = Command::new("ip").args(["netns", "list"]).output().expect("ip netns list");
        let boot = format!("{bridge}-boot");
        for ns in String::from_utf8_lossy(&list.stdout).lines().filter_map(|l| l.split_whitespace().next()) {
            assert_ne!(ns, boot, "down.sh left the bootstrap namespace");
            let addrs = Command::new("ip").args(["-n", ns, "-4", "-o", "addr"]).output().expect("ip addr");
            let addrs = String::from_utf8_lossy(&addrs.stdout);
            assert!(!addresses.iter().any(|ip| addrs.contains(&format!(" {ip}/"))), "down.sh left {ns}: {addrs}");
        }
        let needle = self.state.to_string_lossy().into_owned();
        let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
        let mounted: Vec<&str> = mounts.lines().filter(|l| l.contains(&needle)).collect();
        assert!(mounted.is_empty(), "down.sh left mounts: {mounted:?}");
        let left: Vec<String> = std::fs::read_dir("/proc")
            .map(|d| d.flatten().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
            .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
            .filter(|c| c.contains(&needle))
            .collect();
        assert!(left.is_empty(), "down.sh left processes: {left:?}");
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.script("down.sh", &[]);
    }
}

/// The `netns` of the node at `ip` in a `status.sh` answer.
pub fn netns(status: &[Value], ip: &str) -> Option<String> {
    status.iter().find(|n| n["ip"] == ip).and_then(|n| n["netns"].as_str()).map(str::to_string)
}
