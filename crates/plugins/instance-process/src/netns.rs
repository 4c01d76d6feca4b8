//! Network namespaces (root only): a pet whose logical ID is an IPv4 address gets its own namespace, with that
//! address on a veth interface plugged into a bridge the plugin creates, so instances look like separate hosts that
//! reach each other over the bridge.

use infrakit_spi::{Error, Result};
use std::process::Command;

/// How instances are networked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Network {
    /// All instances share this machine's network; logical IDs are loopback addresses (127.0.0.0/8).
    #[default]
    Loopback,
    /// Each pet with an IPv4 logical ID gets a namespace on `bridge`, its address with prefix `prefix`.
    Netns {
        /// The bridge's name (created when absent).
        bridge: String,
        /// The prefix length of the instances' addresses (e.g. 24).
        prefix: u8,
    },
}

fn ip(args: &[&str]) -> Result<()> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| Error::failed(format!("cannot run `ip {}`: {e} (is iproute2 installed?)", args.join(" "))))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Error::failed(format!("`ip {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim())))
    }
}

/// Checks that namespaces can be made here: root, and the `ip` command.
pub fn check_available() -> Result<()> {
    // SAFETY: geteuid(2) has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err(Error::failed(
            "network namespaces need root (run the plugin as root, or use the loopback network)",
        ));
    }
    ip(&["-V"])
}

/// The namespace and veth names of an instance: the namespace carries the whole ID's hex part; interface names
/// (at most 15 characters) its last 12 hex digits.
pub fn names(id: &str) -> (String, String, String) {
    let hex: String = id.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    let tail: String = hex.chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
    (format!("ik-{hex}"), format!("ikh{tail}"), format!("ikp{tail}"))
}

/// Creates the bridge (if needed) and a namespace for `id` with `address/prefix` on its `eth0`.
pub fn setup(bridge: &str, prefix: u8, id: &str, address: &str) -> Result<String> {
    if ip(&["link", "show", bridge]).is_err() {
        ip(&["link", "add", bridge, "type", "bridge"])?;
    }
    allow_forwarding(bridge);
    ip(&["link", "set", bridge, "up"])?;
    let (ns, host, peer) = names(id);
    // Never reuse (or delete) a namespace that exists: it belongs to someone.
    ip(&["netns", "add", &ns]).map_err(|e| Error::failed(format!("network namespace {ns}: {e}")))?;
    let steps: Vec<Vec<String>> = vec![
        vec![
            "link".into(),
            "add".into(),
            host.clone(),
            "type".into(),
            "veth".into(),
            "peer".into(),
            "name".into(),
            peer.clone(),
        ],
        vec!["link".into(), "set".into(), host.clone(), "master".into(), bridge.into()],
        vec!["link".into(), "set".into(), host.clone(), "up".into()],
        vec!["link".into(), "set".into(), peer.clone(), "netns".into(), ns.clone()],
        vec!["-n".into(), ns.clone(), "link".into(), "set".into(), "lo".into(), "up".into()],
        vec!["-n".into(), ns.clone(), "link".into(), "set".into(), peer.clone(), "name".into(), "eth0".into()],
        vec!["-n".into(), ns.clone(), "link".into(), "set".into(), "eth0".into(), "address".into(), mac(address)],
        vec![
            "-n".into(),
            ns.clone(),
            "addr".into(),
            "add".into(),
            format!("{address}/{prefix}"),
            "dev".into(),
            "eth0".into(),
        ],
        vec!["-n".into(), ns.clone(), "link".into(), "set".into(), "eth0".into(), "up".into()],
    ];
    for step in steps {
        let args: Vec<&str> = step.iter().map(String::as_str).collect();
        if let Err(e) = ip(&args) {
            teardown(&ns);
            return Err(e);
        }
    }
    Ok(ns)
}

/// The namespace's MAC address, derived from its IPv4 address: `02:1b:` (locally administered, unicast) and the
/// address's four bytes. A pet replaced at the same address keeps its MAC, so its peers' ARP caches stay right and
/// traffic to it resumes at once instead of after the stale entries expire.
pub fn mac(address: &str) -> String {
    let b = address.parse::<std::net::Ipv4Addr>().map(|a| a.octets()).unwrap_or_default();
    format!("02:1b:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3])
}

/// The path of a named namespace (`ip netns` keeps them in /var/run/netns).
pub fn path(ns: &str) -> std::path::PathBuf {
    std::path::Path::new(NETNS_DIR).join(ns)
}

/// Lets traffic between instances cross the bridge when the host filters bridged traffic through iptables (Docker,
/// for one, sets the FORWARD policy to DROP): an ACCEPT rule for bridge-to-bridge traffic, added once. Without
/// iptables there is nothing to do.
fn allow_forwarding(bridge: &str) {
    let rule = ["FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"];
    let present = Command::new("iptables").arg("-C").args(rule).output().is_ok_and(|o| o.status.success());
    if !present {
        let _ =
            Command::new("iptables").args(["-I", "FORWARD", "1", "-i", bridge, "-o", bridge, "-j", "ACCEPT"]).output();
    }
}

/// Where `ip netns` keeps its named namespaces.
const NETNS_DIR: &str = "/var/run/netns";

/// Deletes an instance's namespace and its veth pair, and makes sure both are gone: a namespace left behind would
/// keep the instance's address on the bridge. The host end of the veth pair is deleted first, which takes the
/// namespace's end (and the address) off the bridge at once, even while some process still holds the namespace.
/// A delete that fails is retried for a while, then reported: nothing is swallowed.
pub fn teardown(ns: &str) {
    if let Err(e) = delete(ns) {
        tracing::error!(namespace = ns, error = %e, "cannot delete the network namespace of an instance");
    }
}

/// [`teardown`] on the blocking pool: it runs commands and may wait between retries.
pub async fn teardown_off_runtime(ns: String) {
    if tokio::task::spawn_blocking(move || teardown(&ns)).await.is_err() {
        tracing::error!("the namespace teardown task failed");
    }
}

fn delete(ns: &str) -> Result<()> {
    let host = ns.strip_prefix("ik-").map(|hex| format!("ikh{}", &hex[hex.len().saturating_sub(12)..]));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut pause = std::time::Duration::from_millis(10);
    loop {
        let mut failed = None;
        if let Some(host) = host.as_deref().filter(|h| link_exists(h)) {
            failed = ip(&["link", "del", host]).err();
        }
        if namespace_exists(ns) {
            failed = ip(&["netns", "del", ns]).err().or(failed);
        }
        // Judged by what is left, not by what `ip` said: deleting what is already gone is no failure.
        let left: Vec<&str> = [Some(ns).filter(|n| namespace_exists(n)), host.as_deref().filter(|h| link_exists(h))]
            .into_iter()
            .flatten()
            .collect();
        if left.is_empty() {
            return Ok(());
        }
        if std::time::Instant::now() >= deadline {
            let why = failed.map(|e| e.to_string()).unwrap_or_else(|| "no error reported".into());
            return Err(Error::failed(format!("{} still present after retries: {why}", left.join(" and "))));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(std::time::Duration::from_millis(200));
    }
}

fn namespace_exists(ns: &str) -> bool {
    path(ns).exists()
}

fn link_exists(name: &str) -> bool {
    std::path::Path::new("/sys/class/net").join(name).exists()
}
