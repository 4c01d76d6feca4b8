//! `infrakit plugin ls|start|stop`.

use crate::output::{emit, print_table, Format, OutputFlag};
use crate::Context;
use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand};
use infrakit_rpc::clients::PluginClient;
use infrakit_rpc::{RpcClient, Target};
use serde::Serialize;
use std::time::Duration;

/// `infrakit plugin ...`
#[derive(Args)]
pub struct PluginCmd {
    #[command(subcommand)]
    cmd: Sub,
}

#[derive(Subcommand)]
enum Sub {
    /// List the plugins in the plugins directory and the interfaces each implements.
    #[command(after_help = "Example:\n  infrakit plugin ls -o json")]
    Ls {
        /// Print only the names.
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        output: OutputFlag,
    },
    /// Run built-in plugins in the foreground until Ctrl-C or SIGTERM; one process can host several.
    #[command(after_help = "\
Each NAME is a built-in plugin (listed above), optionally followed by =SOCKET to listen under another name.

Over TCP a plugin speaks only mutual TLS: --listen needs this node's certificate and key and the cluster CA
(`infrakit certs` makes them), and answers only clients holding a certificate from that CA. It writes
<name>.listen (tls://ADDR) in the plugins directory; a client elsewhere writes the same file in its own.

Examples:
  infrakit plugin start instance-file flavor-vanilla --dir /tmp/instances
  infrakit plugin start instance-file=files-a --dir /tmp/a
  infrakit plugin start group --listen 10.0.0.1:24864 --tls-dir ~/.infrakit/ca/m1
  infrakit plugin start group --listen 10.0.0.1:24864 --tls-cert m1.pem --tls-key m1-key.pem --tls-client-ca ca.pem")]
    Start {
        /// Plugins to start: NAME or NAME=SOCKET.
        #[arg(required = true)]
        names: Vec<String>,
        /// Also listen on TCP at ADDR with mutual TLS (for example 10.0.0.1:24864); only with a single plugin.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        #[command(flatten)]
        tls: crate::cmd_certs::TlsArgs,
    },
    /// Stop running plugins: SIGTERM to the process answering on the socket (its peer credentials), then wait for
    /// the socket to go away.
    #[command(after_help = "Examples:\n  infrakit plugin stop instance-file\n  infrakit plugin stop --all")]
    Stop {
        /// Plugins to stop.
        names: Vec<String>,
        /// Stop every plugin that has a PID file.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Serialize)]
struct Listed {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Listen")]
    listen: String,
    #[serde(rename = "Interfaces")]
    interfaces: Vec<String>,
    #[serde(rename = "Error", skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Runs a `plugin` subcommand.
pub async fn run(cmd: PluginCmd, ctx: &Context) -> Result<()> {
    match cmd.cmd {
        Sub::Ls { quiet, output } => ls(ctx, quiet, output.format()).await,
        Sub::Start { names, listen, tls } => start(ctx, &names, listen, &tls).await,
        Sub::Stop { names, all } => stop(ctx, &names, all).await,
    }
}

async fn ls(ctx: &Context, quiet: bool, output: Format) -> Result<()> {
    let endpoints = ctx.discovery.list()?;
    if quiet {
        endpoints.iter().for_each(|e| println!("{}", e.name));
        return Ok(());
    }
    let mut listed = Vec::new();
    for e in endpoints {
        let target = Target::from_endpoint(&e)?;
        let client = PluginClient::new(RpcClient::with_timeout(&e.name, target.clone(), Duration::from_secs(3)), "");
        let (interfaces, error) = match client.implements().await {
            Ok(apis) => (apis.iter().map(|a| a.encode()).collect(), None),
            Err(err) => (Vec::new(), Some(err.to_string())),
        };
        listed.push(Listed { name: e.name, listen: target.to_string(), interfaces, error });
    }
    emit(&listed, output, |_| {
        let rows: Vec<Vec<String>> = listed
            .iter()
            .map(|l| {
                let ifaces = match &l.error {
                    Some(e) => format!("(not answering: {e})"),
                    None => l.interfaces.join(","),
                };
                vec![l.name.clone(), ifaces, l.listen.clone()]
            })
            .collect();
        print_table(&["NAME", "INTERFACES", "LISTEN"], &rows);
        Ok(())
    })
}

async fn start(ctx: &Context, names: &[String], listen: Option<String>, tls: &crate::cmd_certs::TlsArgs) -> Result<()> {
    if listen.is_some() && names.len() != 1 {
        bail!("--listen needs exactly one plugin, got {}", names.len());
    }
    let tcp = match &listen {
        Some(addr) => Some(tls.listen(addr).await?),
        None => None,
    };
    let mut host = ctx.host();
    for spec in names {
        let (kind, name) = spec.split_once('=').unwrap_or((spec.as_str(), spec.as_str()));
        let server = host.start(kind, name, tcp.clone()).await?;
        eprintln!("plugin {name} ({kind}) listening at {}", server.socket().display());
        if let Some(addr) = server.tcp_addr() {
            crate::cmd_certs::announce(name, addr);
        }
    }
    wait_for_signal().await?;
    eprintln!("stopping {} plugin(s)", host.len());
    host.shutdown().await;
    Ok(())
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn wait_for_signal() -> Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r?,
        _ = term.recv() => {}
    }
    Ok(())
}

async fn stop(ctx: &Context, names: &[String], all: bool) -> Result<()> {
    let dir = ctx.discovery.dir();
    let mut targets: Vec<String> = names.to_vec();
    if all {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?.flatten() {
            if let Some(n) = entry.file_name().to_string_lossy().strip_suffix(".pid") {
                targets.push(n.to_string());
            }
        }
    }
    if targets.is_empty() {
        bail!("name the plugins to stop, or use --all");
    }
    // One process may host several plugins: signal each process once, then wait for all of its sockets to go.
    let mut by_pid: std::collections::BTreeMap<i32, Vec<String>> = std::collections::BTreeMap::new();
    let mut absent = Vec::new();
    for name in targets {
        let pid_file = dir.join(format!("{name}.pid"));
        let socket = dir.join(&name);
        // The process to signal is the one that answers on the socket (its peer credentials): a PID file may be
        // stale (left by a crash, the PID since reused) or planted.
        let stream = match tokio::time::timeout(Duration::from_secs(5), tokio::net::UnixStream::connect(&socket)).await
        {
            Ok(Ok(stream)) => stream,
            Ok(Err(_)) => {
                if std::fs::symlink_metadata(&socket).is_ok() || std::fs::symlink_metadata(&pid_file).is_ok() {
                    let _ = std::fs::remove_file(&pid_file);
                    let _ = std::fs::remove_file(&socket);
                    println!("{name} was not running (removed its stale files)");
                } else {
                    absent.push(name);
                }
                continue;
            }
            Err(_) => bail!("plugin {name}: {} does not accept connections within 5s", socket.display()),
        };
        let cred =
            stream.peer_cred().with_context(|| format!("plugin {name}: reading the socket's peer credentials"))?;
        let pid = cred.pid().with_context(|| format!("plugin {name}: the socket's peer has no PID"))?;
        // SAFETY: geteuid(2) has no preconditions.
        let me = unsafe { libc::geteuid() };
        if cred.uid() != me && me != 0 {
            bail!(
                "plugin {name}: the process answering on {} runs as uid {}, not as you",
                socket.display(),
                cred.uid()
            );
        }
        if pid <= 1 {
            bail!("plugin {name}: the socket's peer is PID {pid}; refusing to signal it");
        }
        let recorded = std::fs::read_to_string(&pid_file).ok().and_then(|t| t.trim().parse::<i32>().ok());
        if recorded.is_some_and(|r| r != pid) {
            eprintln!(
                "warning: {} names another PID than the process answering on the socket ({pid})",
                pid_file.display()
            );
        }
        by_pid.entry(pid).or_default().push(name);
    }
    for (pid, names) in by_pid {
        // SAFETY: kill(2) with the PID of the process that answers on the plugin's socket and a fixed signal number.
        if unsafe { libc::kill(pid, libc::SIGTERM) } != 0 {
            let err = std::io::Error::last_os_error();
            bail!("plugin {}: cannot signal PID {pid}: {err}", names.join(", "));
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while names.iter().any(|n| dir.join(n).exists()) && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if names.iter().any(|n| dir.join(n).exists()) {
            bail!("plugin {} (PID {pid}) did not stop within 10s", names.join(", "));
        }
        for name in names {
            println!("stopped {name}");
        }
    }
    if let Some(name) = absent.first() {
        let which =
            if absent.len() == 1 { format!("plugin {name} is") } else { format!("plugins {} are", absent.join(", ")) };
        bail!("{which} not running (no socket in {}){}", dir.display(), not_running_hint(ctx, name));
    }
    Ok(())
}

/// The running plugin meant, or that none runs.
fn not_running_hint(ctx: &Context, name: &str) -> String {
    let running: Vec<String> =
        ctx.discovery.list().map(|l| l.into_iter().map(|e| e.name).collect()).unwrap_or_default();
    let refs: Vec<&str> = running.iter().map(String::as_str).collect();
    match crate::explain::did_you_mean(name, &refs) {
        Some(m) => format!("; did you mean {m}?"),
        None if refs.is_empty() => "; no plugin is running".into(),
        None => format!("; running: {}", refs.join(", ")),
    }
}
