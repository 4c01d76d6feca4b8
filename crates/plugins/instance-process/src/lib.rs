//! `instance-process`: each instance is a supervised, contained process tree on this machine, started from the
//! instance's Init script (rendered by the flavor) or from `Properties.Cmd`. It behaves like a small, honest IaaS:
//!
//! - identity and tags persist in a state directory, so listings are right after the plugin restarts, and running
//!   instances are re-adopted (each runs in its own process group and cgroup, and outlives the plugin);
//! - a logical ID is an address (by default a loopback address, 127.0.0.0/8) the process is told to bind, held by
//!   at most one live instance;
//! - attachments are volumes: directories under the state directory, created on first use, held by one live
//!   instance at a time, kept when it dies and handed to its replacement;
//! - an exit is seen at once (the child's exit, or a pidfd for re-adopted processes) and pushed to the controller;
//! - `Destroy` stops the instance: SIGTERM, a grace period, SIGKILL, to every process of its cgroup (see
//!   [`cgroup`](crate::cgroup): cgroup v2 where this plugin may create cgroups, else its process group).

mod builtin;
pub use builtin::{ProcessFlags, BUILTIN};

mod cgroup;
mod netns;
mod procs;
mod state;

pub use netns::Network;

use async_trait::async_trait;
use infrakit_spi::instance::{tags_match, Changes, Description, Id, Instance, LogicalId, Spec, Tags};
use infrakit_spi::{Any, Error, Result};
use serde::Deserialize;
use state::{ProcessRecord, StateDir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// The environment variable that marks processes started by a plugin with a given state directory.
const MARKER: &str = "INFRAKIT_PROCESS_STATE";

/// `Properties` of a process instance.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessProperties {
    /// A shell command to run; by default the instance's Init script runs. With both, the Init script is saved to a
    /// file named by `INFRAKIT_INIT`.
    #[serde(rename = "Cmd", default)]
    pub cmd: Option<String>,
    /// Extra environment variables.
    #[serde(rename = "Env", default)]
    pub env: BTreeMap<String, String>,
    /// Working directory (default: the first volume, else the state directory).
    #[serde(rename = "Dir", default)]
    pub dir: Option<PathBuf>,
    /// Time between SIGTERM and SIGKILL on destroy (default "5s").
    #[serde(rename = "StopGrace", default)]
    pub stop_grace: Option<String>,
    /// A process that exits within this time of its start fails the Provision (default "100ms").
    #[serde(rename = "StartCheck", default)]
    pub start_check: Option<String>,
}

fn duration(field: &str, value: &Option<String>, default_ms: u64) -> Result<Duration> {
    match value {
        None => Ok(Duration::from_millis(default_ms)),
        Some(s) => infrakit_spi::duration::parse(s).map_err(|e| Error::invalid(format!("Properties.{field}"), e)),
    }
}

impl ProcessProperties {
    fn parse(properties: Option<&Any>) -> Result<ProcessProperties> {
        match properties {
            Some(p) if !p.is_null() => {
                let props: ProcessProperties = p.decode()?;
                duration("StopGrace", &props.stop_grace, 0)?;
                duration("StartCheck", &props.start_check, 0)?;
                Ok(props)
            }
            _ => Ok(ProcessProperties::default()),
        }
    }
}

/// The address a logical ID stands for, if it is an IPv4 address; without namespaces, only 127.0.0.0/8.
fn address_of(lid: &LogicalId, network: &Network) -> Result<Option<std::net::Ipv4Addr>> {
    match lid.0.parse::<std::net::Ipv4Addr>() {
        Ok(ip) if ip.is_loopback() || matches!(network, Network::Netns { .. }) => Ok(Some(ip)),
        Ok(ip) => Err(Error::invalid(
            "LogicalID",
            format!("{ip} is not a loopback address: without network namespaces, use addresses in 127.0.0.0/8"),
        )),
        Err(_) => Ok(None),
    }
}

/// A volume's directory name: the attachment ID with anything but `[A-Za-z0-9._-]` replaced.
fn volume_dir_name(id: &str) -> String {
    let clean = infrakit_spi::names::file_safe(id);
    if clean.is_empty() || clean.starts_with('.') {
        format!("v{clean}")
    } else {
        clean
    }
}

struct Inner {
    network: Network,
    store: StateDir,
    live: Mutex<BTreeMap<Id, ProcessRecord>>,
    changes: watch::Sender<u64>,
    /// Held while an instance that is gone is cleaned up (its group killed, its namespace deleted): the exit watcher
    /// and `Destroy` both clean up, and whichever comes second returns only once the first is done.
    cleanup: Mutex<()>,
    /// The cgroup v2 hierarchy instances are contained in; `None`: process groups only (see [`cgroup`]).
    cgroups: Option<cgroup::Cgroups>,
}

/// A process this plugin started but has no record of.
struct Orphan {
    pid: i32,
    /// The instance ID its marker names.
    id: String,
    /// Its start time, so the stop never hits a process that reused the PID.
    ticks: u64,
}

impl Inner {
    /// Reads the state directory and `/proc` (blocking): the records whose process still runs, and the processes
    /// this plugin started but has no record of (orphans). Records of processes that
    /// died while the plugin was away are forgotten.
    fn scan(&self) -> (BTreeMap<Id, ProcessRecord>, Vec<Orphan>) {
        let mut adopted = BTreeMap::new();
        for r in self.store.load() {
            if procs::alive(r.pid, r.ticks) {
                tracing::info!(instance = %r.id, pid = r.pid, "re-adopted a running instance");
                adopted.insert(r.id.clone(), r);
            } else {
                state::append_log(
                    &r.log,
                    &format!("[infrakit] instance {} (pid {}) died while the plugin was away\n", r.id, r.pid),
                );
                // Whatever it left behind in its cgroup goes with it.
                if let Some(cg) = &r.cgroup {
                    cgroup::kill_and_remove(Path::new(cg), Duration::from_secs(5));
                }
                self.store.remove(&r.id);
            }
        }
        let marker = self.store.dir().to_string_lossy().into_owned();
        let mut orphans = Vec::new();
        for (pid, id) in procs::find_marked(MARKER, &marker) {
            let known =
                adopted.get(&Id(id.clone())).is_some_and(|r| r.pid == pid || procs::start_ticks(pid) == Some(r.ticks));
            // A child of an adopted instance's shell carries the marker too: in its process group, or (having left
            // it) in its cgroup.
            let cg = cgroup::of(pid);
            let in_group = adopted.values().any(|r| {
                procs::stat(pid).map(|s| s.pgid) == Some(r.pid) || (cg.is_some() && self.relative_cgroup(r) == cg)
            });
            if let (false, false, Some(ticks)) = (known, in_group, procs::start_ticks(pid)) {
                orphans.push(Orphan { pid, id, ticks });
            }
        }
        (adopted, orphans)
    }

    fn push(&self) {
        self.changes.send_modify(|n| *n += 1);
    }

    /// A record's cgroup as `/proc/<pid>/cgroup` names it.
    fn relative_cgroup(&self, r: &ProcessRecord) -> Option<String> {
        let cgroups = self.cgroups.as_ref()?;
        cgroups.relative(Path::new(r.cgroup.as_ref()?))
    }

    /// [`Inner::exited`] on the blocking pool (it may tear a namespace down, which runs commands).
    async fn gone(self: Arc<Inner>, id: Id, pid: i32, how: String) {
        if tokio::task::spawn_blocking(move || self.exited(&id, pid, &how)).await.is_err() {
            tracing::error!(pid, "the clean-up of an exited instance failed");
        }
    }

    /// Forgets an instance whose process is gone (if the record still names that process).
    fn exited(&self, id: &Id, pid: i32, how: &str) {
        let _cleanup = self.cleanup.lock().unwrap_or_else(|e| e.into_inner());
        let removed = match self.live.lock() {
            Ok(mut live) if live.get(id).is_some_and(|r| r.pid == pid) => live.remove(id),
            _ => None,
        };
        if let Some(r) = removed {
            // The instance is its process group and its cgroup: whatever the leader left behind goes with it.
            procs::signal_group(pid, libc::SIGKILL);
            if let Some(cg) = &r.cgroup {
                cgroup::kill_and_remove(Path::new(cg), Duration::from_secs(10));
            }
            if let Some(ns) = &r.netns {
                netns::teardown(ns);
            }
            self.store.remove(&r.id);
            state::append_log(&r.log, &format!("[infrakit] instance {id} (pid {pid}) {how}\n"));
            tracing::info!(instance = %id, pid, "{how}");
            self.push();
        }
    }
}

/// Runs blocking work (commands, `/proc` scans, directory setup) on tokio's blocking pool.
async fn off_runtime<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| Error::failed(format!("a blocking task failed: {e}")))?
}

/// The process instance plugin.
#[derive(Clone)]
pub struct ProcessInstance {
    inner: Arc<Inner>,
}

impl ProcessInstance {
    /// Opens (or creates) the state directory, re-adopts instances still running, forgets those that died while
    /// the plugin was away, and stops processes it started but has no record of.
    pub async fn open(state: impl Into<PathBuf>) -> Result<ProcessInstance> {
        ProcessInstance::open_with(state, Network::Loopback).await
    }

    /// Like [`ProcessInstance::open`], with a choice of network (namespaces need root and iproute2).
    pub async fn open_with(state: impl Into<PathBuf>, network: Network) -> Result<ProcessInstance> {
        let state = state.into();
        let netns = matches!(network, Network::Netns { .. });
        // Probing `ip` and creating the state directory block: off the runtime.
        let (store, cgroups) = off_runtime(move || {
            if netns {
                netns::check_available()?;
            }
            let cgroups = cgroup::Cgroups::detect()
                .map_err(|why| {
                    tracing::warn!(
                        "instances are process groups, not cgroups ({why}): a process that calls setsid can outlive Destroy"
                    )
                })
                .ok();
            Ok((StateDir::open(state)?, cgroups))
        })
        .await?;
        let (changes, _) = watch::channel(0);
        let live = Mutex::new(BTreeMap::new());
        let inner = Arc::new(Inner { network, store, live, changes, cleanup: Mutex::new(()), cgroups });
        let plugin = ProcessInstance { inner };
        plugin.adopt().await;
        Ok(plugin)
    }

    /// Whether instances can be contained in cgroups on this machine (cgroup v2 mounted and this process allowed to
    /// create cgroups in it); without, they are process groups (blocking: reads `/proc`, may create a directory).
    pub fn containment_available() -> bool {
        cgroup::Cgroups::detect().is_ok()
    }

    /// Whether this plugin contains its instances in cgroups.
    pub fn contained(&self) -> bool {
        self.inner.cgroups.is_some()
    }

    /// The state directory.
    pub fn state_dir(&self) -> &Path {
        self.inner.store.dir()
    }

    async fn adopt(&self) {
        let inner = self.inner.clone();
        let (adopted, orphans) = match off_runtime(move || Ok(inner.scan())).await {
            Ok(found) => found,
            Err(e) => {
                tracing::error!(error = %e, "cannot scan for instances to re-adopt");
                return;
            }
        };
        for Orphan { pid, id, ticks } in orphans {
            tracing::warn!(pid, instance = %id, "stopping an orphan: a process this plugin started but has no record of");
            procs::stop(pid, ticks, Duration::from_secs(2)).await;
            if let Some(dir) = self.inner.cgroups.as_ref().map(|c| c.path(&id)) {
                let _ = off_runtime(move || Ok(cgroup::kill_and_remove(&dir, Duration::from_secs(5)))).await;
            }
            if let Network::Netns { .. } = self.inner.network {
                netns::teardown_off_runtime(netns::names(&id).0).await;
            }
        }
        for r in adopted.values() {
            self.watch_adopted(r.id.clone(), r.pid, r.ticks);
        }
        if let Ok(mut live) = self.inner.live.lock() {
            *live = adopted;
        }
    }

    fn watch_adopted(&self, id: Id, pid: i32, ticks: u64) {
        let inner = self.inner.clone();
        tokio::spawn(async move {
            procs::wait_exit(pid, ticks).await;
            inner.gone(id, pid, "exited".into()).await;
        });
    }

    fn reserve(&self, rec: &ProcessRecord) -> Result<()> {
        let mut live = self.inner.live.lock().map_err(|_| Error::failed("instance-process state lock poisoned"))?;
        for other in live.values() {
            if let (Some(a), Some(b)) = (&rec.logical_id, &other.logical_id) {
                if a == b {
                    return Err(Error::invalid("LogicalID", format!("{a} is held by live instance {}", other.id)));
                }
            }
            for v in &rec.spec.attachments {
                // Compared by directory: IDs that map to the same directory are the same volume.
                let dir = volume_dir_name(&v.id);
                if other.spec.attachments.iter().any(|o| volume_dir_name(&o.id) == dir) {
                    return Err(Error::invalid(
                        "Attachments",
                        format!("volume {} is held by live instance {}", v.id, other.id),
                    ));
                }
            }
        }
        live.insert(rec.id.clone(), rec.clone());
        Ok(())
    }

    /// Saves a record (written and synced to disk) off the runtime.
    async fn save(&self, rec: &ProcessRecord) -> Result<()> {
        let (inner, rec) = (self.inner.clone(), rec.clone());
        off_runtime(move || inner.store.save(&rec)).await
    }

    fn release(&self, id: &Id) {
        if let Ok(mut live) = self.inner.live.lock() {
            live.remove(id);
        }
    }

    async fn start(&self, rec: &mut ProcessRecord, props: &ProcessProperties) -> Result<tokio::process::Child> {
        let store = &self.inner.store;
        let mut volumes = Vec::new();
        for a in &rec.spec.attachments {
            let dir = store.volume(&volume_dir_name(&a.id))?;
            volumes.push((a.id.clone(), dir));
        }
        rec.volumes = volumes.iter().map(|(_, d)| d.to_string_lossy().into_owned()).collect();
        let init = rec.spec.init.clone();
        let (command, init_file) = match (&props.cmd, init.trim().is_empty()) {
            (Some(cmd), true) => (cmd.clone(), None),
            (Some(cmd), false) => (cmd.clone(), Some(store.write_init(&rec.id, &init)?)),
            (None, false) => (init, None),
            (None, true) => {
                return Err(Error::invalid(
                    "Properties.Cmd",
                    "nothing to run: set Properties.Cmd or give the instance an Init script",
                ))
            }
        };
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&rec.log)
            .map_err(|e| Error::failed(format!("log {}: {e}", rec.log)))?;
        let log2 = log.try_clone().map_err(|e| Error::failed(format!("log {}: {e}", rec.log)))?;
        let address = match &rec.logical_id {
            Some(lid) => address_of(lid, &self.inner.network)?,
            None => None,
        };
        // Contained: the shell enters the instance's cgroup before it runs the command (see `cgroup::wrap`).
        if let Some(cgroups) = &self.inner.cgroups {
            rec.cgroup = Some(cgroups.create(&rec.id.0).map_err(Error::failed)?.to_string_lossy().into_owned());
        }
        let shell: Vec<String> = match &rec.cgroup {
            Some(dir) => {
                let (script, procs) = cgroup::wrap(Path::new(dir));
                vec!["-c".into(), script, procs, command.clone()]
            }
            None => vec!["-c".into(), command.clone()],
        };
        let mut cmd = match (&self.inner.network, address) {
            (Network::Netns { bridge, prefix }, Some(ip)) => {
                let (bridge, prefix, id, address) = (bridge.clone(), *prefix, rec.id.0.clone(), ip.to_string());
                let ns = off_runtime(move || netns::setup(&bridge, prefix, &id, &address)).await?;
                // `nsenter --net` only switches the network namespace; `ip netns exec` also remounts /sys, which
                // breaks programs such as dockerd that read cgroups there.
                let mut c = tokio::process::Command::new("nsenter");
                c.arg(format!("--net={}", netns::path(&ns).display())).args(["--", "/bin/sh"]).args(&shell);
                rec.netns = Some(ns);
                c
            }
            _ => {
                let mut c = tokio::process::Command::new("/bin/sh");
                c.args(&shell);
                c
            }
        };
        cmd.stdin(std::process::Stdio::null()).stdout(log).stderr(log2);
        let workdir = props
            .dir
            .clone()
            .or_else(|| volumes.first().map(|(_, d)| d.clone()))
            .unwrap_or_else(|| store.dir().to_path_buf());
        cmd.current_dir(&workdir);
        cmd.env(MARKER, store.dir());
        cmd.env("INFRAKIT_INSTANCE_ID", &rec.id.0);
        if let Some(g) = rec.tags.get(infrakit_spi::hash::GROUP_TAG) {
            cmd.env("INFRAKIT_GROUP", g);
        }
        if let Some(lid) = &rec.logical_id {
            cmd.env("INFRAKIT_LOGICAL_ID", &lid.0);
            if let Some(ip) = address {
                cmd.env("INFRAKIT_ADDRESS", ip.to_string());
            }
        }
        let joined: Vec<&str> = rec.volumes.iter().map(String::as_str).collect();
        cmd.env("INFRAKIT_VOLUMES", joined.join(":"));
        if let Some((_, first)) = volumes.first() {
            cmd.env("INFRAKIT_VOLUME", first);
        }
        for (id, dir) in &volumes {
            let name: String =
                id.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
            cmd.env(format!("INFRAKIT_VOLUME_{name}"), dir);
        }
        if let Some(f) = init_file {
            cmd.env("INFRAKIT_INIT", f);
        }
        for (k, v) in &props.env {
            cmd.env(k, v);
        }
        // Its own process group: Ctrl-C at the terminal of the plugin does not reach it, it outlives the plugin, and
        // Destroy signals the whole group. (No pre-exec hook, so the standard library can use posix_spawn, which
        // stays fast however large this process is.)
        cmd.process_group(0);
        let child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                if let Some(ns) = rec.netns.take() {
                    netns::teardown_off_runtime(ns).await;
                }
                if let Some(dir) = rec.cgroup.take() {
                    let _ = std::fs::remove_dir(dir);
                }
                return Err(Error::failed(format!("cannot start /bin/sh: {e}")));
            }
        };
        let pid = child
            .id()
            .map(|p| p as i32)
            .ok_or_else(|| Error::failed("the process exited before it could be observed"))?;
        rec.pid = pid;
        let mut ticks = None;
        for _ in 0..50 {
            ticks = procs::start_ticks(pid);
            if ticks.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        rec.ticks = ticks.unwrap_or(0);
        Ok(child)
    }
}

#[async_trait]
impl Instance for ProcessInstance {
    async fn validate(&self, properties: Option<&Any>) -> Result<()> {
        ProcessProperties::parse(properties).map(|_| ())
    }

    /// A process needs something to run: `Properties.Cmd`, or the Init script the flavor gives.
    async fn validate_spec(&self, spec: &Spec) -> Result<()> {
        let props = ProcessProperties::parse(spec.properties.as_ref())?;
        if props.cmd.is_none() && spec.init.trim().is_empty() {
            return Err(Error::invalid(
                "Properties.Cmd",
                "nothing to run: set Properties.Cmd, or give the flavor an Init script (Flavor.Properties.Init)",
            ));
        }
        Ok(())
    }

    async fn provision(&self, spec: Spec) -> Result<Id> {
        let props = ProcessProperties::parse(spec.properties.as_ref())?;
        if let Some(lid) = &spec.logical_id {
            address_of(lid, &self.inner.network)?;
        }
        let id = Id(format!("process-{:016x}", rand::random::<u64>()));
        let mut rec = ProcessRecord::new(id.clone(), spec, self.inner.store.log_path(&id));
        self.reserve(&rec)?;
        let mut child = match self.start(&mut rec, &props).await {
            Ok(c) => c,
            Err(e) => {
                self.release(&id);
                return Err(e);
            }
        };
        if let Ok(mut live) = self.inner.live.lock() {
            live.insert(id.clone(), rec.clone());
        }
        if let Err(e) = self.save(&rec).await {
            procs::stop(rec.pid, rec.ticks, Duration::from_secs(1)).await;
            self.release(&id);
            return Err(e);
        }
        // A command that dies at once is a failed provision, not an instance: the controller backs off.
        let check = duration("StartCheck", &props.start_check, 100)?;
        if let Ok(status) = tokio::time::timeout(check, child.wait()).await {
            // The shell is gone; whatever it started in the background goes too, so nothing keeps the address.
            procs::signal_group(rec.pid, libc::SIGKILL);
            if let Some(dir) = rec.cgroup.clone() {
                off_runtime(move || Ok(cgroup::kill_and_remove(Path::new(&dir), Duration::from_secs(10)))).await?;
            }
            self.release(&id);
            self.inner.store.remove(&id);
            if let Some(ns) = rec.netns.clone() {
                netns::teardown_off_runtime(ns).await;
            }
            let status = status.map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
            let tail = state::log_tail(&rec.log, 5);
            return Err(Error::failed(format!(
                "the command exited at once ({status}); last lines of {}:\n{tail}",
                rec.log
            )));
        }
        if let Ok(mut live) = self.inner.live.lock() {
            if let Some(r) = live.get_mut(&id) {
                r.starting = false;
            }
        }
        self.inner.push();
        let inner = self.inner.clone();
        let (pid, wid) = (rec.pid, id.clone());
        tokio::spawn(async move {
            let how = match child.wait().await {
                Ok(s) => format!("exited ({s})"),
                Err(e) => format!("could not be waited for: {e}"),
            };
            inner.gone(wid, pid, how).await;
        });
        tracing::info!(instance = %id, pid = rec.pid, "started");
        Ok(id)
    }

    async fn label(&self, id: &Id, labels: &Tags) -> Result<()> {
        let rec = {
            let mut live = self.inner.live.lock().map_err(|_| Error::failed("state lock poisoned"))?;
            let rec = live.get_mut(id).ok_or_else(|| Error::NotFound(format!("instance {id} not found")))?;
            rec.tags.extend(labels.clone());
            rec.clone()
        };
        self.save(&rec).await
    }

    async fn destroy(&self, id: &Id) -> Result<()> {
        let rec = self.inner.live.lock().ok().and_then(|l| l.get(id).cloned());
        let rec = rec.ok_or_else(|| Error::NotFound(format!("instance {id} not found")))?;
        let props = ProcessProperties::parse(rec.spec.properties.as_ref()).unwrap_or_default();
        let grace = duration("StopGrace", &props.stop_grace, 5_000).unwrap_or(Duration::from_secs(5));
        if let Some(dir) = rec.cgroup.clone() {
            // Every process of the instance gets the SIGTERM, not only those still in its process group.
            off_runtime(move || {
                cgroup::signal(Path::new(&dir), libc::SIGTERM);
                Ok(())
            })
            .await?;
        }
        procs::stop(rec.pid, rec.ticks, grace).await;
        if procs::alive(rec.pid, rec.ticks) {
            // Still there after SIGKILL: keep it (and its address and volume) and let the destroy be retried.
            return Err(Error::failed(format!("instance {id} (pid {}) survived SIGKILL; will retry", rec.pid)));
        }
        self.inner.clone().gone(id.clone(), rec.pid, "destroyed".into()).await;
        Ok(())
    }

    async fn describe_instances(&self, tags: &Tags, properties: bool) -> Result<Vec<Description>> {
        let live: Vec<ProcessRecord> =
            self.inner.live.lock().map(|l| l.values().cloned().collect()).unwrap_or_default();
        let mut out = Vec::new();
        for r in live.into_iter().filter(|r| tags_match(&r.tags, tags)) {
            if r.pid == 0 || r.starting {
                continue; // still starting: listed once its start check passed
            }
            let props = if properties {
                Some(Any::from_value(&serde_json::json!({
                    "Pid": r.pid, "Log": r.log, "Volumes": r.volumes, "Started": r.started_ms,
                    "Address": r.logical_id.as_ref().and_then(|l| address_of(l, &self.inner.network).ok().flatten()).map(|a| a.to_string()),
                    "Netns": r.netns, "Cgroup": r.cgroup,
                }))?)
            } else {
                None
            };
            out.push(Description { id: r.id, logical_id: r.logical_id, tags: r.tags, properties: props });
        }
        Ok(out)
    }

    fn changes(&self) -> Option<Changes> {
        let rx = self.inner.changes.subscribe();
        Some(Box::pin(tokio_stream::StreamExt::map(tokio_stream::wrappers::WatchStream::from_changes(rx), |_| ())))
    }
    /// Read-your-writes: an instance is listed as soon as `provision` returns.
    async fn listing_lag(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::ZERO)
    }
}

/// What the plugin knows, as read-only metadata: `state`, `network` and `instances/<id>/{Pid,Address,Volumes,Log}`.
#[async_trait]
impl infrakit_spi::metadata::Metadata for ProcessInstance {
    async fn list(&self, path: &infrakit_spi::metadata::Path) -> Result<Option<Vec<String>>> {
        Ok(infrakit_spi::metadata::children_at(&self.tree(), path))
    }

    async fn get(&self, path: &infrakit_spi::metadata::Path) -> Result<Option<Any>> {
        match infrakit_spi::metadata::value_at(&self.tree(), path) {
            Some(v) => Ok(Some(Any::from_value(v)?)),
            None => Ok(None),
        }
    }
}

impl ProcessInstance {
    fn tree(&self) -> serde_json::Value {
        let network = match &self.inner.network {
            Network::Loopback => serde_json::json!({"Mode": "loopback"}),
            Network::Netns { bridge, prefix } => {
                serde_json::json!({"Mode": "netns", "Bridge": bridge, "Prefix": prefix})
            }
        };
        let mut instances = serde_json::Map::new();
        if let Ok(live) = self.inner.live.lock() {
            for r in live.values().filter(|r| !r.starting) {
                let address = r.logical_id.as_ref().and_then(|l| address_of(l, &self.inner.network).ok().flatten());
                instances.insert(
                    r.id.0.clone(),
                    serde_json::json!({"Pid": r.pid, "Address": address.map(|a| a.to_string()), "Volumes": r.volumes, "Log": r.log}),
                );
            }
        }
        serde_json::json!({"state": self.inner.store.dir(), "network": network, "instances": instances})
    }
}
