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

/// The namespace name of an instance (short: interface names are limited to 15 characters).
pub fn names(id: &str) -> (String, String, String) {
    let tail: String = id.chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
    (format!("ik-{tail}"), format!("ikh{tail}"), format!("ikp{tail}"))
}

/// Creates the bridge (if needed) and a namespace for `id` with `address/prefix` on its `eth0`.
pub fn setup(bridge: &str, prefix: u8, id: &str, address: &str) -> Result<String> {
    if ip(&["link", "show", bridge]).is_err() {
        ip(&["link", "add", bridge, "type", "bridge"])?;
    }
    ip(&["link", "set", bridge, "up"])?;
    let (ns, host, peer) = names(id);
    let _ = ip(&["netns", "del", &ns]);
    ip(&["netns", "add", &ns])?;
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

/// Deletes a namespace (its veth pair goes with it).
pub fn teardown(ns: &str) {
    let _ = ip(&["netns", "del", ns]);
}
