//! `infrakit up`: the whole stack in one process (group controller, built-in plugins, a file store for specs and
//! rollouts), a live view until Ctrl-C. `infrakit down`: destroy what a spec's groups created.

use crate::builtins::{self, default_home, BuiltinOptions, KINDS};
use crate::cmd_group::{read_specs, render_status};
use crate::Context;
use anyhow::{bail, Context as _, Result};
use clap::Args;
use infrakit_group::config::GroupConfig;
use infrakit_group::plugin::GroupPlugin;
use infrakit_group::rollout::FileRolloutStore;
use infrakit_rpc::clients::GroupClient;
use infrakit_rpc::services::GroupControlService;
use infrakit_rpc::{Server, ServerBuilder};
use infrakit_spi::group::{self, Group};
use infrakit_spi::plugin::Name;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// `infrakit up`
#[derive(Args)]
#[command(after_help = "\
The spec is one group ({\"ID\",\"Properties\"}), a list of groups, or InfraKit's [{\"Plugin\",\"Properties\"}] list,
in JSON or YAML. Without a file, the specs of the last `up` are used (kept in $INFRAKIT_HOME/up/specs.json).

Examples:
  infrakit up examples/up-cattle.yaml          # 3 supervised processes, healed when they die
  infrakit up examples/up-pets.yaml            # 3 pets at fixed loopback addresses, each with its volume
  infrakit down examples/up-cattle.yaml        # destroy what it created")]
pub struct UpCmd {
    /// The spec file (JSON or YAML), or - for standard input.
    file: Option<String>,
    #[command(flatten)]
    opts: BuiltinOptions,
    /// Print changes as lines instead of a live screen.
    #[arg(long)]
    no_view: bool,
    /// Stop by itself after this long (for demos and scripts), as if Ctrl-C were pressed.
    #[arg(long, value_parser = infrakit_spi::duration::parse)]
    r#for: Option<Duration>,
    #[command(flatten)]
    template: crate::cmd_template::TemplateFlags,
}

/// `infrakit down`
#[derive(Args)]
#[command(after_help = "Example:\n  infrakit down examples/up-cattle.yaml")]
pub struct DownCmd {
    /// The spec file given to `up` (default: the specs of the last `up`).
    file: Option<String>,
    #[command(flatten)]
    opts: BuiltinOptions,
    #[command(flatten)]
    template: crate::cmd_template::TemplateFlags,
}

fn store_dir() -> PathBuf {
    default_home().join("up")
}

/// The specs to run: from the file (a template, rendered), else from the store of the last `up`.
fn load_specs(
    file: Option<&str>,
    flags: &crate::cmd_template::TemplateFlags,
    ctx: &Context,
) -> Result<Vec<group::Spec>> {
    let stored = store_dir().join("specs.json");
    let path = match file {
        Some(f) => f.to_string(),
        None if stored.exists() => stored.to_string_lossy().into_owned(),
        None => bail!("no spec given, and no earlier `infrakit up` to resume ({} is absent)", stored.display()),
    };
    Ok(read_specs(&path, "group", flags, ctx)?.into_iter().map(|(_, s)| s).collect())
}

fn save_specs(specs: &[group::Spec]) -> Result<()> {
    let dir = store_dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join("specs.json");
    let tmp = dir.join("specs.json.tmp");
    std::fs::write(&tmp, infrakit_spi::gojson::to_vec_indent(specs, "", "  ")?)
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Every plugin name a spec refers to (instance, flavor, and flavor-combo's children).
fn plugin_names(spec: &group::Spec) -> Vec<String> {
    let props = spec.properties.as_ref().map(|p| p.to_value()).unwrap_or_default();
    let mut out = Vec::new();
    for block in ["Instance", "Flavor"] {
        if let Some(n) = props[block]["Plugin"].as_str() {
            out.push(n.to_string());
        }
    }
    for child in props["Flavor"]["Properties"]["Flavors"].as_array().into_iter().flatten() {
        if let Some(n) = child["Plugin"].as_str() {
            out.push(n.to_string());
        }
    }
    out
}

async fn answers(ctx: &Context, name: &str) -> bool {
    match ctx.registry.remote(&Name::new(name)) {
        Ok(client) => tokio::time::timeout(Duration::from_secs(2), client.implements()).await.is_ok_and(|r| r.is_ok()),
        Err(_) => false,
    }
}

/// Starts the built-in plugins the specs name that are not already running; fails on plugins nobody provides.
async fn start_plugins(ctx: &Context, specs: &[group::Spec], opts: &BuiltinOptions) -> Result<Vec<Server>> {
    let mut needed = BTreeSet::new();
    for s in specs {
        for n in plugin_names(s) {
            needed.insert((Name::new(&n).lookup().to_string(), s.id.0.clone()));
        }
    }
    let mut servers = Vec::new();
    let mut started = BTreeSet::new();
    for (name, group) in needed {
        if started.contains(&name) {
            continue;
        }
        if answers(ctx, &name).await {
            eprintln!("using plugin {name}, already running");
            started.insert(name);
            continue;
        }
        if !KINDS.iter().any(|(k, _)| *k == name) {
            bail!("group {group} names plugin {name}, which is not running and is not built in");
        }
        let server = builtins::server(&name, &name, opts, ctx).await?.serve(ctx.discovery.dir()).await?;
        servers.push(server);
        started.insert(name);
    }
    Ok(servers)
}

/// Runs `infrakit up`.
pub async fn up(cmd: UpCmd, ctx: &Context) -> Result<()> {
    let specs = load_specs(cmd.file.as_deref(), &cmd.template, ctx)?;
    if specs.is_empty() {
        bail!("the spec holds no group");
    }
    if answers(ctx, "group").await {
        bail!(
            "a group controller already runs (socket {}): stop it first, or commit to it with `infrakit group commit`",
            ctx.discovery.dir().join("group").display()
        );
    }
    let mut servers = start_plugins(ctx, &specs, &cmd.opts).await?;
    let store = Arc::new(FileRolloutStore::new(store_dir().join("rollouts"))?);
    // A rollback replaces the group's spec in the stored specs, so `infrakit up` without a file resumes it.
    let sink: infrakit_group::supervisor::SpecSink = Arc::new(|spec: group::Spec| {
        let path = store_dir().join("specs.json");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let Ok(mut specs) = serde_json::from_str::<Vec<group::Spec>>(&text) else { return };
        for s in specs.iter_mut().filter(|s| s.id == spec.id) {
            *s = spec.clone();
        }
        if let Err(e) = save_specs(&specs) {
            tracing::error!(group = %spec.id, error = %e, "cannot store the rolled-back spec");
        }
    });
    let controller = builtins::group_plugin_guarded(ctx, &cmd.opts, store, None, Some(sink));
    ctx.registry.add_group("group", controller.clone());
    let server = ServerBuilder::new("group")
        .metadata(controller.clone())
        .group(controller.clone())
        .service(Arc::new(GroupControlService(controller.clone())))
        .serve(ctx.discovery.dir())
        .await?;
    servers.push(server);

    let mut outcome = Ok(());
    // Every spec is checked (and group IDs must be unique) before any is committed: bad input changes nothing.
    let mut seen = BTreeSet::new();
    for spec in &specs {
        if !seen.insert(spec.id.clone()) {
            outcome = Err(anyhow::anyhow!("group {} appears twice in the spec", spec.id));
            break;
        }
        if let Err(e) = controller.validate(spec).await {
            outcome = Err(anyhow::anyhow!("group {}: {e}", spec.id));
            break;
        }
    }
    for spec in specs.iter().filter(|_| outcome.is_ok()) {
        let id = spec.id.clone();
        match controller.commit_group(spec.clone(), false).await {
            Ok(c) => eprintln!("Committed {id}: {}", c.details),
            Err(e) => {
                outcome = Err(anyhow::anyhow!("group {id}: {e}"));
                break;
            }
        }
    }
    if outcome.is_ok() {
        save_specs(&specs)?;
        eprintln!("Ctrl-C stops InfraKit and leaves the instances running.");
        outcome = view(&controller, cmd.no_view, cmd.r#for).await;
    }
    let ids = controller.group_ids().await;
    let mut left = 0;
    for id in &ids {
        left += controller.describe_group(id).await.map(|d| d.instances.len()).unwrap_or(0);
        let _ = controller.free_group(id).await;
    }
    for s in servers {
        s.shutdown().await;
    }
    if outcome.is_ok() {
        let file = cmd.file.as_deref().unwrap_or("");
        println!("InfraKit stopped; {left} instance(s) of {} group(s) left running.", ids.len());
        println!("  resume:  infrakit up {file}");
        println!("  destroy: infrakit down {file}");
    }
    outcome
}

async fn view(controller: &Arc<GroupPlugin>, no_view: bool, stop_after: Option<Duration>) -> Result<()> {
    use std::io::IsTerminal;
    let live = !no_view && std::io::stdout().is_terminal();
    let ids = controller.group_ids().await;
    let mut receivers = Vec::new();
    for id in &ids {
        receivers.push((id.clone(), controller.subscribe(id).await?));
    }
    let deadline = stop_after.map(|d| tokio::time::Instant::now() + d);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut last = String::new();
    loop {
        let mut text = String::new();
        for (id, rx) in receivers.iter_mut() {
            let snap = rx.borrow_and_update().clone();
            let status = serde_json::json!({"Status": snap.status, "Error": snap.error});
            text.push_str(&render_status(&id.0, &status, &snap.members));
            text.push('\n');
        }
        if text != last {
            if live {
                println!("\x1b[2J\x1b[H{text}(Ctrl-C to stop; instances keep running)");
            } else {
                println!("{text}");
            }
            last = text;
        }
        let changed = async {
            // Any group's change wakes the view; small bursts are folded into one refresh.
            let futs = receivers.iter_mut().map(|(_, rx)| Box::pin(rx.changed()));
            let _ = futures_select_all(futs).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        tokio::select! {
            _ = changed => {}
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            r = tokio::signal::ctrl_c() => { r?; break; }
            _ = term.recv() => break,
            _ = sleep_until(deadline) => break,
        }
    }
    Ok(())
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Waits for the first of several futures.
async fn futures_select_all<F: std::future::Future + Unpin>(futs: impl Iterator<Item = F>) {
    let mut futs: Vec<F> = futs.collect();
    if futs.is_empty() {
        return std::future::pending().await;
    }
    std::future::poll_fn(|cx| {
        for f in futs.iter_mut() {
            if std::pin::Pin::new(f).poll(cx).is_ready() {
                return std::task::Poll::Ready(());
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// Runs `infrakit down`.
pub async fn down(cmd: DownCmd, ctx: &Context) -> Result<()> {
    let specs = load_specs(cmd.file.as_deref(), &cmd.template, ctx)?;
    if answers(ctx, "group").await {
        // A controller runs (an `up` in another terminal): ask it, or it would re-create what is destroyed.
        let client = GroupClient(ctx.registry.remote(&Name::new("group"))?);
        for s in &specs {
            match client.destroy_group(&s.id).await {
                Ok(()) => println!("Destroyed group {}", s.id),
                Err(e) => eprintln!("group {}: {e}", s.id),
            }
        }
        return Ok(());
    }
    let servers = start_plugins(ctx, &specs, &cmd.opts).await?;
    let controller: Arc<GroupPlugin> =
        builtins::group_plugin(ctx, &cmd.opts, Arc::new(infrakit_group::rollout::MemoryRolloutStore::default()));
    let mut result = Ok(());
    for s in &specs {
        let cfg = GroupConfig::parse(s).with_context(|| format!("group {}", s.id))?;
        match controller.destroy_instances(&cfg).await {
            Ok(()) => println!("Destroyed the instances of group {}", s.id),
            Err(e) => result = Err(anyhow::anyhow!("{e}")),
        }
    }
    let _ = std::fs::remove_dir_all(store_dir().join("rollouts"));
    for s in servers {
        s.shutdown().await;
    }
    result
}
