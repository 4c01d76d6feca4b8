//! `infrakit plugin ls|start|stop`.

use crate::output::{print_json, print_table, Format};
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
        /// Output format.
        #[arg(short, long, value_enum, default_value_t = Format::Table)]
        output: Format,
    },
    /// Run built-in plugins in the foreground until Ctrl-C or SIGTERM; one process can host several.
    #[command(after_help = "\
Each NAME is a built-in plugin (listed above), optionally followed by =SOCKET to listen under another name.

Examples:
  infrakit plugin start instance-file flavor-vanilla --dir /tmp/instances
  infrakit plugin start instance-file=files-a --dir /tmp/a")]
    Start {
        /// Plugins to start: NAME or NAME=SOCKET.
        #[arg(required = true)]
        names: Vec<String>,
        /// Also listen on TCP (for example 127.0.0.1:24864); only with a single plugin.
        #[arg(long)]
        listen: Option<String>,
    },
    /// Stop running plugins: SIGTERM to the PID in <name>.pid, then wait for the socket to go away.
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
        Sub::Ls { quiet, output } => ls(ctx, quiet, output).await,
        Sub::Start { names, listen } => start(ctx, &names, listen).await,
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
    match output {
        Format::Json => print_json(&listed),
        Format::Table => {
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
        }
    }
}

async fn start(ctx: &Context, names: &[String], listen: Option<String>) -> Result<()> {
    if listen.is_some() && names.len() != 1 {
        bail!("--listen needs exactly one plugin, got {}", names.len());
    }
    let mut host = ctx.host();
    for spec in names {
        let (kind, name) = spec.split_once('=').unwrap_or((spec.as_str(), spec.as_str()));
        let server = host.start(kind, name, listen.clone()).await?;
        eprintln!("plugin {name} ({kind}) listening at {}", server.socket().display());
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
    for name in targets {
        let pid_file = dir.join(format!("{name}.pid"));
        let text = match std::fs::read_to_string(&pid_file) {
            Ok(t) => t,
            Err(_) if !dir.join(&name).exists() => continue, // stopped meanwhile, with the process hosting it
            Err(e) => bail!("plugin {name}: cannot read {}: {e}", pid_file.display()),
        };
        let pid: i32 = text.trim().parse().with_context(|| format!("{}: not a PID", pid_file.display()))?;
        if pid <= 1 {
            bail!("{}: {pid} is not a plugin's PID; refusing to signal it", pid_file.display());
        }
        // Only a plugin whose socket still answers is signalled: a PID file left by a crash may name a process
        // that has nothing to do with InfraKit by now.
        if tokio::net::UnixStream::connect(dir.join(&name)).await.is_err() {
            let _ = std::fs::remove_file(&pid_file);
            let _ = std::fs::remove_file(dir.join(&name));
            println!("{name} was not running (removed its stale files)");
            continue;
        }
        by_pid.entry(pid).or_default().push(name);
    }
    for (pid, names) in by_pid {
        // SAFETY: kill(2) with a PID read from the plugin's own PID file and a fixed signal number.
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
    Ok(())
}
