//! `infrakit certs`: a cluster CA and node certificates for plugins over TCP (mutual TLS), and the TLS flags of
//! `plugin start --listen`.

use anyhow::{bail, Context as _, Result};
use clap::Args;
use infrakit_rpc::server::TcpListen;
use infrakit_rpc::tls::issue::{Ca, CA_KEY_FILE};
use infrakit_rpc::tls::{self, TlsFiles, CA_FILE, TLS_DIR_ENV};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// `infrakit certs [NODE...]`
#[derive(Args)]
pub struct CertsCmd {
    /// Nodes to issue certificates for: NAME, or NAME=ADDR,... with the IP addresses and DNS names the node is
    /// reached at (NAME itself, localhost, 127.0.0.1 and ::1 are always included).
    nodes: Vec<String>,
    /// The CA's directory (ca.pem, and ca-key.pem readable by its owner only): made when absent, reused
    /// otherwise. Each node's TLS directory is DIR/NAME. Default: $INFRAKIT_HOME/ca, else ~/.infrakit/ca.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// How many days node certificates are valid.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=3650))]
    days: u32,
    /// How many days a new CA is valid.
    #[arg(long, default_value_t = 3650, value_parser = clap::value_parser!(u32).range(1..=36500))]
    ca_days: u32,
    /// Replace a node's existing files.
    #[arg(long)]
    force: bool,
}

/// The TLS identity flags of `plugin start --listen`.
#[derive(Args, Clone)]
pub struct TlsArgs {
    /// TLS directory of this node (ca.pem, cert.pem, key.pem, as `infrakit certs` writes them). Default:
    /// $INFRAKIT_TLS_DIR, else $INFRAKIT_HOME/tls, else ~/.infrakit/tls.
    #[arg(long, value_name = "DIR", requires = "listen")]
    tls_dir: Option<PathBuf>,
    /// This node's certificate (instead of DIR/cert.pem).
    #[arg(long, value_name = "FILE", requires = "listen")]
    tls_cert: Option<PathBuf>,
    /// This node's private key (instead of DIR/key.pem).
    #[arg(long, value_name = "FILE", requires = "listen")]
    tls_key: Option<PathBuf>,
    /// The CA that clients' certificates must chain to (instead of DIR/ca.pem).
    #[arg(long, value_name = "FILE", requires = "listen")]
    tls_client_ca: Option<PathBuf>,
}

impl TlsArgs {
    /// The identity files these flags name.
    fn files(&self) -> Result<TlsFiles> {
        let dir = match &self.tls_dir {
            Some(d) => d.clone(),
            None => tls::default_dir()?,
        };
        let mut files = TlsFiles::in_dir(&dir);
        if let Some(p) = &self.tls_cert {
            files.cert = p.clone();
        }
        if let Some(p) = &self.tls_key {
            files.key = p.clone();
        }
        if let Some(p) = &self.tls_client_ca {
            files.ca = p.clone();
        }
        Ok(files)
    }

    /// The TCP listener of `--listen addr`, with the mutual-TLS configuration these flags name.
    pub async fn listen(&self, addr: &str) -> Result<TcpListen> {
        let files = self.files()?;
        let config = files.server_config().await.with_context(|| {
            format!(
                "--listen {addr} needs this node's certificate, key and the cluster CA (make them with `infrakit \
                 certs NAME=ADDR`, then give --tls-dir DIR/NAME or set {TLS_DIR_ENV})"
            )
        })?;
        Ok(TcpListen { addr: addr.to_string(), tls: config })
    }
}

/// Says where a TCP listener is, loudly when it is reachable from other hosts.
pub fn announce(name: &str, addr: std::net::SocketAddr) {
    eprintln!("plugin {name} also listening at tls://{addr} (mutual TLS: clients need a certificate from the CA)");
    if !addr.ip().is_loopback() {
        eprintln!(
            "WARNING: {addr} is not a loopback address: every host that can reach it and holds a certificate from \
             the cluster CA can drive plugin {name} (and run what it runs). Bind a specific address, and firewall \
             the port."
        );
    }
}

#[derive(Serialize)]
struct Made {
    #[serde(rename = "CA")]
    ca: PathBuf,
    #[serde(rename = "CreatedCA")]
    created: bool,
    #[serde(rename = "Nodes")]
    nodes: Vec<Node>,
}

#[derive(Serialize)]
struct Node {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Dir")]
    dir: PathBuf,
    #[serde(rename = "Names")]
    names: Vec<String>,
}

/// Runs `infrakit certs`.
pub async fn run(cmd: CertsCmd) -> Result<()> {
    let dir = match &cmd.dir {
        Some(d) => d.clone(),
        None => default_ca_dir()?,
    };
    let made = tokio::task::spawn_blocking(move || make(&cmd, &dir)).await.context("issuing certificates")??;
    crate::output::print_json(&made)?;
    for n in &made.nodes {
        eprintln!(
            "node {}: INFRAKIT_TLS_DIR={} infrakit plugin start NAME --listen ADDR:24864 (or copy the directory \
             to that node's ~/.infrakit/tls)",
            n.name,
            n.dir.display()
        );
    }
    Ok(())
}

fn default_ca_dir() -> Result<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(h) = var("INFRAKIT_HOME") {
        return Ok(h.join("ca"));
    }
    match var("HOME") {
        Some(h) => Ok(h.join(".infrakit").join("ca")),
        None => bail!("cannot find a directory for the CA: give --dir, or set INFRAKIT_HOME or HOME"),
    }
}

/// Loads or makes the CA in `dir`, then issues and writes each node's directory. Blocking.
fn make(cmd: &CertsCmd, dir: &Path) -> Result<Made> {
    let nodes: Vec<(String, Vec<String>)> = cmd.nodes.iter().map(|n| parse_node(n)).collect::<Result<_>>()?;
    let (cert_path, key_path) = (dir.join(CA_FILE), dir.join(CA_KEY_FILE));
    let (ca, created) = match (std::fs::read_to_string(&cert_path), std::fs::read_to_string(&key_path)) {
        (Ok(cert), Ok(key)) => (Ca::from_pem(&cert, &key).with_context(|| format!("CA in {}", dir.display()))?, false),
        (Err(e), _) | (_, Err(e)) if e.kind() != std::io::ErrorKind::NotFound => {
            bail!("CA in {}: {e}", dir.display())
        }
        (Ok(_), Err(_)) | (Err(_), Ok(_)) => bail!(
            "{}: one of {CA_FILE} and {CA_KEY_FILE} is missing; restore it, or use another --dir for a new CA",
            dir.display()
        ),
        (Err(_), Err(_)) => {
            let ca = Ca::generate(cmd.ca_days)?;
            ca.write(dir, false)?;
            (ca, true)
        }
    };
    let mut made = Vec::new();
    for (name, names) in nodes {
        let issued = ca.issue(&name, &names, cmd.days)?;
        let node_dir = dir.join(&name);
        ca.write_node(&node_dir, &issued, cmd.force)?;
        made.push(Node { name, dir: node_dir, names });
    }
    Ok(Made { ca: cert_path, created, nodes: made })
}

/// `NAME` or `NAME=ADDR,ADDR...` into the name and every subject alternative name its certificate holds.
fn parse_node(spec: &str) -> Result<(String, Vec<String>)> {
    let (name, addrs) = spec.split_once('=').unwrap_or((spec, ""));
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.len() > 64 {
        bail!("node {name:?}: a node name is 1 to 64 characters, without '/' (it names a directory)");
    }
    let mut names: Vec<String> = Vec::new();
    let mut add = |n: &str| {
        if !n.is_empty() && !names.iter().any(|m| m == n) {
            names.push(n.to_string());
        }
    };
    for a in addrs.split(',') {
        add(a.trim());
    }
    if valid_dns(name) {
        add(name);
    }
    for n in ["localhost", "127.0.0.1", "::1"] {
        add(n);
    }
    for n in &names {
        if n.parse::<std::net::IpAddr>().is_err() && !valid_dns(n) {
            bail!("node {name}: {n:?} is neither an IP address nor a DNS name");
        }
    }
    Ok((name.to_string(), names))
}

fn valid_dns(name: &str) -> bool {
    matches!(tls::host_kind(name), Some(tls::HostKind::Dns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_get_their_addresses_and_loopback() {
        let (name, names) = parse_node("m1=10.0.0.1,m1.example").unwrap();
        assert_eq!(name, "m1");
        assert_eq!(names, ["10.0.0.1", "m1.example", "m1", "localhost", "127.0.0.1", "::1"]);
        assert!(parse_node("../x").is_err());
        assert!(parse_node("m1=not a name").is_err());
    }
}
