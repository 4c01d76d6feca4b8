//! `infrakit up`: the whole stack in one process (a group controller that always leads, the built-in plugins its
//! specs name, specs and rollouts in files), a live view until Ctrl-C. `infrakit down`: destroy what `up`'s groups
//! created, and forget them. The composition itself is `infrakit_node`'s.

use crate::cmd_group::render_status;
use crate::Context;
use anyhow::{bail, Result};
use clap::Args;
use futures::future::select_all;
use infrakit_group::plugin::GroupPlugin;
use infrakit_node::controller::ControllerFlags;
use infrakit_node::up;
use infrakit_rpc::clients::GroupClient;
use infrakit_spi::builtin::parse_flags;
use infrakit_spi::group::{self, Group};
use infrakit_spi::plugin::Name;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// `infrakit up`
#[derive(Args)]
#[command(after_help = "\
The spec is one group ({\"ID\",\"Properties\"}), a list of groups, or InfraKit's [{\"Plugin\",\"Properties\"}] list,
in JSON or YAML. Every group `up` ran (or that was committed into it with `group commit`) is stored in
$INFRAKIT_HOME/up/store: `up` without a file resumes them all, and a file's groups are added to them (a stored
group whose plugins nobody provides is left alone and said so; `infrakit down --forget` drops it).

Examples:
  infrakit up examples/up-cattle.yaml          # 3 supervised processes, healed when they die
  infrakit up examples/up-pets.yaml            # 3 pets at fixed loopback addresses, each with its volume
  infrakit up                                  # resume every group of the last `up`
  infrakit down examples/up-cattle.yaml        # destroy what it created")]
pub struct UpCmd {
    /// The spec file (JSON or YAML), or - for standard input; without one, the stored groups are resumed.
    file: Option<String>,
    /// Print changes as lines instead of a live screen.
    #[arg(long)]
    no_view: bool,
    /// Stop by itself after this long (for demos and scripts), as if Ctrl-C were pressed.
    #[arg(long, value_parser = infrakit_spi::duration::parse)]
    r#for: Option<Duration>,
    #[command(flatten)]
    template: crate::cmd_template::TemplateFlags,
    #[command(flatten)]
    http: crate::http::HttpFlags,
}

/// `infrakit down`
#[derive(Args)]
#[command(after_help = "\
Examples:
  infrakit down examples/up-cattle.yaml      # destroy what that file's groups created, and forget them
  infrakit down                              # every group `up` stores
  infrakit down --forget stale-group.yaml    # forget groups without touching their instances")]
pub struct DownCmd {
    /// The spec file given to `up` (default: every group `up` stores).
    file: Option<String>,
    /// Only forget the groups (their stored specs and rollouts): no plugin is started, no instance destroyed.
    #[arg(long)]
    forget: bool,
    #[command(flatten)]
    yes: crate::cmd_group::YesFlag,
    #[command(flatten)]
    template: crate::cmd_template::TemplateFlags,
}

/// The specs in `file` (a template, rendered).
fn file_specs(file: &str, flags: &crate::cmd_template::TemplateFlags, ctx: &Context) -> Result<Vec<group::Spec>> {
    Ok(crate::specs::SpecFile::read(file, up::NAME, flags, ctx)?.entries.into_iter().map(|e| e.spec).collect())
}

/// Runs `infrakit up`.
pub async fn up(cmd: UpCmd, ctx: &Context) -> Result<()> {
    let mut flags: ControllerFlags = parse_flags(&ctx.flags)?;
    let given = match cmd.file.as_deref() {
        Some(file) => {
            let specs = file_specs(file, &cmd.template, ctx)?;
            if specs.is_empty() {
                bail!("{file} holds no group");
            }
            specs
        }
        None => {
            if up::stored_specs(&flags, &ctx.home).await?.is_empty() {
                bail!(
                    "no spec given, and no earlier `infrakit up` to resume ({} holds no group)",
                    up::dir(&ctx.home).display()
                );
            }
            Vec::new()
        }
    };
    let web = cmd.http.bind().await?;
    flags.observer = crate::http::observer(&web);
    let mut host = ctx.host();
    let running = up::start(&mut host, &given, &flags).await?;
    let web = web.map(|w| w.serve(&running.controller));
    running.reused.iter().for_each(|name| eprintln!("using plugin {name}, already running"));
    running.committed.iter().for_each(|(id, details)| eprintln!("Committed {id}: {details}"));
    running.resumed.iter().for_each(|id| eprintln!("Resuming stored group {id}"));
    for (id, why) in &running.skipped {
        eprintln!("Not resuming stored group {id}: {why}");
    }
    eprintln!("Ctrl-C stops InfraKit and leaves the instances running.");
    let outcome = view(&running.controller.plugin, cmd.no_view, cmd.r#for).await;
    if let Some(web) = web {
        web.stop().await;
    }
    let left = running.stop().await;
    host.shutdown().await;
    if outcome.is_ok() {
        println!("InfraKit stopped; {} instance(s) of {} group(s) left running.", left.instances, left.groups);
        println!("  resume:  infrakit up");
        println!("  destroy: infrakit down");
    }
    outcome
}

/// The live view: every group the controller runs (groups committed later appear as they come), until Ctrl-C,
/// SIGTERM or `stop_after`.
async fn view(controller: &Arc<GroupPlugin>, no_view: bool, stop_after: Option<Duration>) -> Result<()> {
    use std::io::IsTerminal;
    let live = !no_view && std::io::stdout().is_terminal();
    let mut receivers = BTreeMap::new();
    let deadline = stop_after.map(|d| tokio::time::Instant::now() + d);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut last = String::new();
    let mut roster = controller.roster();
    loop {
        roster.borrow_and_update();
        let ids = controller.group_ids().await;
        receivers.retain(|id, _| ids.contains(id));
        for id in ids {
            if let std::collections::btree_map::Entry::Vacant(slot) = receivers.entry(id.clone()) {
                if let Ok(rx) = controller.subscribe(&id).await {
                    slot.insert(rx);
                }
            }
        }
        let mut text = String::new();
        for rx in receivers.values_mut() {
            let snap = rx.borrow_and_update().clone();
            text.push_str(&render_status(&snap.status, &snap.members));
            text.push('\n');
        }
        if text.is_empty() {
            text.push_str("no groups: every group was destroyed or freed; `infrakit group commit FILE` adds one\n\n");
        }
        if text != last {
            if live {
                print!("{}", crate::screen::frame(&format!("{text}(Ctrl-C to stop; instances keep running)")));
            } else {
                println!("{text}");
            }
            last = text;
        }
        let changed = async {
            // Any group's change wakes the view; small bursts are folded into one refresh.
            let futs: Vec<_> = receivers.values_mut().map(|rx| Box::pin(rx.changed())).collect();
            if futs.is_empty() {
                std::future::pending::<()>().await;
            }
            let _ = select_all(futs).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        tokio::select! {
            _ = changed => {}
            _ = roster.changed() => {}
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

/// Runs `infrakit down`.
pub async fn down(cmd: DownCmd, ctx: &Context) -> Result<()> {
    let flags: ControllerFlags = parse_flags(&ctx.flags)?;
    let specs = match cmd.file.as_deref() {
        Some(file) => file_specs(file, &cmd.template, ctx)?,
        None => up::stored_specs(&flags, &ctx.home).await?,
    };
    if specs.is_empty() {
        bail!("nothing to destroy: no spec given, and `infrakit up` stores no group");
    }
    if !cmd.forget {
        let ids: Vec<String> = specs.iter().map(|s| s.id.0.clone()).collect();
        let what = format!("destroy every instance of {} ({})", plural(ids.len(), "group"), ids.join(", "));
        crate::confirm::confirm(&what, cmd.yes.yes).await?;
    }
    let mut host = ctx.host();
    let mut failed = Vec::new();
    if host.answers(up::NAME).await && !cmd.forget {
        // A controller runs (an `up` in another terminal): ask it, or it would re-create what is destroyed.
        let client = GroupClient(ctx.registry.remote(&Name::new(up::NAME))?);
        for s in &specs {
            match client.destroy_group(&s.id).await {
                Ok(()) => println!("Destroyed group {}", s.id),
                Err(e) => failed.push(format!("group {}: {e}", s.id)),
            }
        }
    } else {
        let how = if cmd.forget { up::Down::Forget } else { up::Down::Destroy };
        for (id, outcome) in up::down(&mut host, &specs, &flags, how).await? {
            match (outcome, how) {
                (Ok(()), up::Down::Destroy) => println!("Destroyed the instances of group {id}"),
                (Ok(()), up::Down::Forget) => println!("Forgot group {id}"),
                (Err(e), _) => failed.push(format!("group {id}: {e}")),
            }
        }
    }
    host.shutdown().await;
    if !failed.is_empty() {
        bail!("{}", failed.join("; "));
    }
    Ok(())
}

/// `n` and `word`, plural when n is not 1: `1 group`, `2 groups`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
