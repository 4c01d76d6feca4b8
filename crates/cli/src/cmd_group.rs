//! `infrakit group commit|describe|inspect|ls|free|destroy|scale|watch|status|pause|resume|rollback|rollout`.

use crate::output::{emit, print_table, Format, OutputFlag};
use crate::specs::SpecFile;
use crate::Context;
use anyhow::{anyhow, bail, Context as _, Result};
use clap::{Args, Subcommand};
use infrakit_rpc::clients::GroupClient;
use infrakit_spi::group::{self, Group, GroupControl};
use infrakit_spi::plugin::Name;
use infrakit_spi::status::GroupStatus;
use infrakit_spi::Any;
use std::time::Duration;

/// `infrakit group ...`
#[derive(Args)]
pub struct GroupCmd {
    #[command(flatten)]
    target: Target,
    #[command(subcommand)]
    cmd: Sub,
}

/// The flags of a commit: pretend, wait, output.
#[derive(Args, Clone, Copy, Debug)]
pub struct CommitFlags {
    /// Only say what would happen (the plan, the fields that change, the instances replaced); nothing changes.
    #[arg(short = 'n', long, visible_alias = "dry-run")]
    pub pretend: bool,
    /// Wait until the group has converged to the spec (exit 0), or its rollout paused or was rolled back (exit 1).
    #[arg(short, long, conflicts_with = "pretend")]
    pub wait: bool,
    /// With --wait: give up (exit 1) after this long; the rollout goes on.
    #[arg(long, default_value = "10m", value_parser = infrakit_spi::duration::parse, requires = "wait")]
    pub timeout: Duration,
    /// Output format: table (what was done, in words: the default), json or yaml (with the plan, the changed
    /// fields and, with --wait, the final status).
    #[arg(short = 'o', long = "output", value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,
}

/// `--yes`, for the verbs that destroy.
#[derive(Args, Clone, Copy, Debug)]
pub struct YesFlag {
    /// Do not ask for confirmation (needed when standard input is not a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
}

#[derive(Subcommand)]
enum Sub {
    /// Commit a group spec ({"ID","Properties"}) or a list of [{"Plugin","Properties":<spec>}] from a file or -.
    #[command(after_help = "Examples:
  infrakit group commit examples/cattle.json --pretend     # the plan and a field-level diff; nothing changes
  infrakit group commit examples/cattle.json --wait        # returns once converged (exit 1 if the rollout fails)")]
    Commit {
        /// The spec file (JSON or YAML; a template when it holds {{ }}), or - for standard input.
        file: String,
        #[command(flatten)]
        flags: CommitFlags,
        #[command(flatten)]
        template: crate::cmd_template::TemplateFlags,
    },
    /// Show a group's instances.
    #[command(after_help = "Example:\n  infrakit group describe cattle -o wide")]
    Describe {
        /// The group ID.
        id: String,
        /// Print only instance IDs.
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        output: OutputFlag,
    },
    /// Print the spec a group is managed with (indented JSON: edit it and commit it again).
    #[command(
        after_help = "Examples:\n  infrakit group inspect cattle > cattle.json\n  infrakit group inspect cattle -o yaml"
    )]
    Inspect {
        /// The group ID.
        id: String,
        #[command(flatten)]
        output: OutputFlag,
    },
    /// List the groups being managed.
    #[command(
        after_help = "Examples:\n  infrakit group ls\n  infrakit group ls -o wide      # with counts and health"
    )]
    Ls {
        /// Print only IDs.
        #[arg(short, long)]
        quiet: bool,
        #[command(flatten)]
        output: OutputFlag,
    },
    /// Stop managing a group; its instances are left alone.
    #[command(after_help = "Example:\n  infrakit group free cattle")]
    Free {
        /// The group ID.
        id: String,
    },
    /// Stop managing a group and destroy its instances (asks first on a terminal; --yes otherwise).
    #[command(after_help = "Examples:\n  infrakit group destroy cattle\n  infrakit group destroy cattle --yes")]
    Destroy {
        /// The group ID.
        id: String,
        #[command(flatten)]
        yes: YesFlag,
    },
    /// Change a cattle group's size (never triggers a rolling update).
    #[command(after_help = "Example:\n  infrakit group scale cattle 10 --wait")]
    Scale {
        /// The group ID.
        id: String,
        /// The new size.
        size: u64,
        /// Wait until the group has the new size.
        #[arg(short, long)]
        wait: bool,
        /// With --wait: give up (exit 1) after this long.
        #[arg(long, default_value = "10m", value_parser = infrakit_spi::duration::parse, requires = "wait")]
        timeout: Duration,
    },
    /// A live view of a group: counts, health, rollout and what the controller is doing. Ctrl-C to stop.
    #[command(after_help = "Example:\n  infrakit group watch cattle")]
    Watch {
        /// The group ID.
        id: String,
        /// Refresh interval.
        #[arg(long, default_value = "500ms", value_parser = infrakit_spi::duration::parse)]
        every: Duration,
        /// Stop after this many refreshes (0: until Ctrl-C).
        #[arg(long, default_value_t = 0)]
        count: u64,
    },
    /// Counts, rollout and notes of a group.
    #[command(after_help = "Example:\n  infrakit group status cattle -o json")]
    Status {
        /// The group ID.
        id: String,
        #[command(flatten)]
        output: OutputFlag,
    },
    /// Pause a group's rolling update.
    #[command(after_help = "Example:\n  infrakit group pause cattle")]
    Pause {
        /// The group ID.
        id: String,
    },
    /// Resume a paused rolling update (also releases a canary).
    #[command(after_help = "Example:\n  infrakit group resume cattle")]
    Resume {
        /// The group ID.
        id: String,
    },
    /// Roll a group back to the spec before its current rolling update.
    #[command(after_help = "Example:\n  infrakit group rollback cattle")]
    Rollback {
        /// The group ID.
        id: String,
    },
    /// Rollouts: `rollout status` waits for one to finish.
    Rollout {
        #[command(subcommand)]
        cmd: RolloutSub,
    },
}

#[derive(Subcommand)]
enum RolloutSub {
    /// Wait until the group has converged (exit 0), or its rollout paused or was rolled back (exit 1).
    #[command(after_help = "Examples:\n  infrakit group rollout status cattle\n  \
                            infrakit group rollout status cattle --timeout 2m\n  \
                            infrakit group rollout status cattle --no-wait     # exit 0 only if converged now")]
    Status {
        /// The group ID.
        id: String,
        /// Give up (exit 1) after this long.
        #[arg(long, default_value = "10m", value_parser = infrakit_spi::duration::parse)]
        timeout: Duration,
        /// Do not wait: say where it stands, and exit 0 only if it has converged.
        #[arg(long)]
        no_wait: bool,
    },
}

async fn client(ctx: &Context, name: &str) -> Result<GroupClient> {
    Ok(GroupClient(ctx.registry.remote(&Name::new(name))?))
}

/// Where the entries of a `[{"Plugin","Properties"}]` list go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Each to the plugin it names (`group commit`).
    ByPlugin,
    /// All to the one named on the command line (`manager commit`: the replica stores and runs them all).
    AllToName,
}

/// The spec of group `id` as `{"ID","Properties"}` JSON, when the plugin manages it.
async fn current_spec(g: &GroupClient, id: &group::Id) -> Option<serde_json::Value> {
    let spec = g.inspect_groups().await.ok()?.into_iter().find(|s| &s.id == id)?;
    serde_json::from_str(&infrakit_spi::gojson::to_string(&spec).ok()?).ok()
}

/// What the controller will aim for: the config hash and size of `spec` (when it is the default controller's form).
fn goal_of(spec: &group::Spec, after_pass: Option<u64>) -> crate::wait::Goal {
    let cfg = infrakit_group::config::GroupConfig::parse(spec).ok();
    crate::wait::Goal {
        hash: cfg.as_ref().map(|c| c.hash.clone()),
        target: cfg.as_ref().map(|c| c.target()),
        after_pass,
    }
}

/// Commits the specs in `file` to the group plugin (or manager replica) `name`.
pub async fn commit(
    ctx: &Context,
    name: &str,
    file: &str,
    flags: CommitFlags,
    template: &crate::cmd_template::TemplateFlags,
    route: Route,
) -> Result<()> {
    // The file is read and checked first: its errors come before any plugin's.
    let specs = SpecFile::read(file, name, template, ctx)?;
    let g = client(ctx, name).await?;
    let format = flags.output.unwrap_or(Format::Table);
    let mut documents = Vec::new();
    for entry in &specs.entries {
        let elsewhere = route == Route::ByPlugin && entry.plugin.as_str() != name;
        let other = if elsewhere { Some(client(ctx, entry.plugin.lookup()).await?) } else { None };
        let target = other.as_ref().unwrap_or(&g);
        let id = entry.spec.id.clone();
        let before = if flags.pretend { current_spec(target, &id).await } else { None };
        let passes = if flags.wait { target.status(&id).await.ok().map(|s| s.passes) } else { None };
        let commit = target
            .commit_group(entry.spec.clone(), flags.pretend)
            .await
            .map_err(|e| anyhow!("committing group {id}: {}", specs.doc().explain(&entry.base, &e.to_string())))?;
        let mut doc = serde_json::json!({"ID": id, "Details": commit.details, "Plan": commit.plan});
        if flags.pretend {
            let after: serde_json::Value = serde_json::from_str(&infrakit_spi::gojson::to_string(&entry.spec)?)?;
            let changes = crate::diff::changes(before.as_ref(), &after);
            let replaced = replaced(target, &id, commit.plan.as_ref()).await;
            if format.is_human() {
                println!("Committing {id} would involve: {}", commit.details);
                print_plan(before.is_some(), &changes, &replaced);
            }
            doc["Changes"] = serde_json::to_value(&changes)?;
            doc["Replaced"] = serde_json::to_value(&replaced)?;
        } else if format.is_human() {
            println!("Committed {id}: {}", commit.details);
        }
        if flags.wait {
            let status = crate::wait::converged(target, &id, &goal_of(&entry.spec, passes), flags.timeout).await?;
            if format.is_human() {
                println!("{}", converged_line(&status));
            }
            doc["Status"] = serde_json::to_value(&status)?;
        }
        documents.push(doc);
    }
    if !format.is_human() {
        let value = if documents.len() == 1 { documents.remove(0) } else { serde_json::Value::Array(documents) };
        emit(&value, format, |_| Ok(()))?;
    }
    Ok(())
}

/// `workers converged: 3/3 on the new config, 3 healthy`.
fn converged_line(status: &GroupStatus) -> String {
    let s = &status.counts;
    format!("{} converged: {}/{} on the new config, {} healthy", status.id, s.current, s.target, s.healthy)
}

/// An instance a commit would replace or destroy, with what it runs now.
#[derive(Debug, serde::Serialize)]
struct Replaced {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "LogicalID", skip_serializing_if = "Option::is_none")]
    logical_id: Option<String>,
    #[serde(rename = "Config")]
    config: String,
    #[serde(rename = "Action")]
    action: &'static str,
}

/// The instances the plan rolls or destroys, with their current config hash.
async fn replaced(g: &GroupClient, id: &group::Id, plan: Option<&Any>) -> Vec<Replaced> {
    let Some(plan) = plan.map(Any::to_value) else { return Vec::new() };
    let members = g.describe_group(id).await.map(|d| d.instances).unwrap_or_default();
    let ids = |key: &str| -> Vec<String> {
        plan.get(key)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .map(String::from)
            .collect()
    };
    let mut out = Vec::new();
    for (key, action) in [("Roll", "replace"), ("Destroy", "destroy")] {
        for iid in ids(key) {
            let m = members.iter().find(|m| m.id.0 == iid);
            out.push(Replaced {
                logical_id: m.and_then(|m| m.logical_id.as_ref()).map(|l| l.0.clone()),
                config: m
                    .and_then(|m| m.tags.get(infrakit_spi::hash::CONFIG_SHA_TAG))
                    .cloned()
                    .unwrap_or_else(|| "-".into()),
                id: iid,
                action,
            });
        }
    }
    out
}

/// The human form of `--pretend`: the fields that change, then the instances replaced.
fn print_plan(exists: bool, changes: &[crate::diff::Change], replaced: &[Replaced]) {
    if !exists {
        println!("A new group: every field is added.");
    }
    if changes.is_empty() {
        println!("No field changes.");
    } else {
        println!("Fields:");
        print!("{}", crate::diff::render(changes));
    }
    if !replaced.is_empty() {
        println!("Instances:");
        for r in replaced {
            let lid = r.logical_id.as_deref().map(|l| format!(" ({l})")).unwrap_or_default();
            println!("  {} {}{lid}, config {}", r.action, r.id, r.config);
        }
    }
}

/// Which group plugin or manager replica a verb talks to.
#[derive(Args)]
pub struct Target {
    /// The group plugin or manager replica to talk to (its socket name).
    #[arg(long, global = true, default_value = "group")]
    pub name: String,
}

/// Runs a `group` subcommand.
pub async fn run(cmd: GroupCmd, ctx: &Context) -> Result<()> {
    let name = cmd.target.name.clone();
    if let Sub::Commit { file, flags, template } = &cmd.cmd {
        return commit(ctx, &name, file, *flags, template, Route::ByPlugin).await;
    }
    let g = client(ctx, &name).await?;
    let outcome = run_on(&g, cmd.cmd).await;
    match outcome {
        Err(e) if e.to_string().contains("is not being watched") => {
            let known: Vec<String> = g.inspect_groups().await.unwrap_or_default().into_iter().map(|s| s.id.0).collect();
            Err(anyhow!("{e:#}; {}", crate::hints::missing_group(&missing_id(&e.to_string()), &known)))
        }
        other => other,
    }
}

/// The ID in `Group 'x' is not being watched`.
fn missing_id(text: &str) -> String {
    text.split('\'').nth(1).unwrap_or_default().to_string()
}

/// The spec of group `id`, or an error that says it is not managed.
async fn spec_of(g: &GroupClient, id: &str) -> Result<group::Spec> {
    let specs = g.inspect_groups().await?;
    specs.into_iter().find(|s| s.id.0 == id).ok_or_else(|| anyhow!("Group '{id}' is not being watched"))
}

async fn run_on(g: &GroupClient, cmd: Sub) -> Result<()> {
    match cmd {
        Sub::Commit { .. } => unreachable_commit()?,
        Sub::Describe { id, quiet, output } => describe(g, &id, quiet, output.format()).await?,
        Sub::Inspect { id, output } => {
            let spec = spec_of(g, &id).await?;
            emit(&spec, output.format(), |_| crate::output::print_json(&spec))?;
        }
        Sub::Ls { quiet, output } => ls(g, quiet, output.format()).await?,
        Sub::Free { id } => {
            g.free_group(&group::Id(id.clone())).await?;
            println!("Freed {id}");
        }
        Sub::Destroy { id, yes } => {
            let gid = group::Id(id.clone());
            if !yes.yes {
                // Described only to ask: with --yes, a group that cannot be described can still be destroyed.
                let count = g.describe_group(&gid).await?.instances.len();
                crate::confirm::confirm(&format!("destroy group {id} and its {count} instance(s)"), false).await?;
            }
            g.destroy_group(&gid).await?;
            println!("Destroyed {id}");
        }
        Sub::Scale { id, size, wait, timeout } => {
            if size == 0 {
                bail!("size must be at least 1; use `infrakit group destroy {id}` to remove the group");
            }
            let mut spec = spec_of(g, &id).await?;
            let mut props = spec.properties.as_ref().map(Any::to_value).unwrap_or_default();
            let alloc = props.get_mut("Allocation").and_then(|a| a.as_object_mut());
            let alloc = alloc.with_context(|| format!("group {id} has no Allocation"))?;
            if alloc.get("LogicalIDs").is_some_and(|l| l.as_array().is_some_and(|a| !a.is_empty())) {
                bail!("group {id} is a pets group (Allocation.LogicalIDs); change its logical IDs with `group commit`");
            }
            alloc.insert("Size".into(), size.into());
            spec.properties = Some(Any::from_value(&props)?);
            let gid = spec.id.clone();
            let passes = if wait { g.status(&gid).await.ok().map(|s| s.passes) } else { None };
            let goal = goal_of(&spec, passes);
            let commit = g.commit_group(spec, false).await?;
            println!("Committed {id}: {}", commit.details);
            if wait {
                let status = crate::wait::converged(g, &gid, &goal, timeout).await?;
                println!("{}", converged_line(&status));
            }
        }
        Sub::Watch { id, every, count } => watch(g, &id, every, count).await?,
        Sub::Status { id, output } => {
            let status = g.status(&group::Id(id)).await?;
            emit(&status, output.format(), |_| {
                print!("{}", status_text(&status));
                Ok(())
            })?;
        }
        Sub::Pause { id } => {
            g.pause(&group::Id(id.clone())).await?;
            println!("Paused the rollout of {id}");
        }
        Sub::Resume { id } => {
            g.resume(&group::Id(id.clone())).await?;
            println!("Resumed the rollout of {id}");
        }
        Sub::Rollback { id } => {
            g.rollback(&group::Id(id.clone())).await?;
            println!("Rolling back {id}");
        }
        Sub::Rollout { cmd: RolloutSub::Status { id, timeout, no_wait } } => {
            let gid = group::Id(id);
            if no_wait {
                let status = g.status(&gid).await?;
                println!("{}", crate::wait::progress_line(&status));
                crate::wait::check_now(&status)?;
            } else {
                let status = crate::wait::converged(g, &gid, &crate::wait::Goal::default(), timeout).await?;
                println!("{}", converged_line(&status));
            }
        }
    }
    Ok(())
}

/// `commit` is run before a client is made (its file is checked first), never here.
fn unreachable_commit() -> Result<()> {
    bail!("internal: group commit is handled before connecting")
}

async fn describe(g: &GroupClient, id: &str, quiet: bool, format: Format) -> Result<()> {
    let d = g.describe_group(&group::Id(id.to_string())).await?;
    if quiet {
        d.instances.iter().for_each(|i| println!("{}", i.id));
        return Ok(());
    }
    // What the controller is doing (back-off, outage, rollout) comes first, when it can say.
    let notes = match format.is_human() {
        true => g.status(&group::Id(id.to_string())).await.map(|s| s.counts.notes).unwrap_or_default(),
        false => Vec::new(),
    };
    emit(&d, format, |wide| {
        notes.iter().for_each(|note| println!("note: {note}"));
        let rows: Vec<Vec<String>> = d
            .instances
            .iter()
            .map(|i| {
                let logical = i.logical_id.as_ref().map(|l| l.0.clone()).unwrap_or("-".into());
                let config = i.tags.get(infrakit_spi::hash::CONFIG_SHA_TAG).cloned().unwrap_or("-".into());
                let mut row = vec![i.id.0.clone(), logical, short_hash(&config)];
                if wide {
                    let tags: Vec<String> = i.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    row.push(tags.join(","));
                }
                row
            })
            .collect();
        if wide {
            print_table(&["ID", "LOGICAL", "CONFIG", "TAGS"], &rows);
        } else {
            print_table(&["ID", "LOGICAL", "CONFIG"], &rows);
        }
        Ok(())
    })
}

/// The first 8 characters of a config hash (as `git` shortens commits).
fn short_hash(hash: &str) -> String {
    hash.chars().take(8).collect()
}

async fn ls(g: &GroupClient, quiet: bool, format: Format) -> Result<()> {
    let specs = g.inspect_groups().await?;
    if quiet {
        specs.iter().for_each(|s| println!("{}", s.id));
        return Ok(());
    }
    let mut rows = Vec::new();
    let wide = format == Format::Wide;
    for s in &specs {
        let props = s.properties.as_ref().map(Any::to_value).unwrap_or_default();
        let alloc = &props["Allocation"];
        let size = match alloc["LogicalIDs"].as_array().filter(|a| !a.is_empty()) {
            Some(l) => format!("{} pets", l.len()),
            None => alloc["Size"].as_u64().map(|n| n.to_string()).unwrap_or("-".into()),
        };
        let plugin = |k: &str| props[k]["Plugin"].as_str().unwrap_or("-").to_string();
        let mut row = vec![s.id.0.clone(), size, plugin("Instance"), plugin("Flavor")];
        if wide {
            match g.status(&s.id).await {
                Ok(st) => {
                    let c = &st.counts;
                    row.push(format!("{}/{}", c.healthy, c.listed));
                    row.push(if c.converged { "converged".into() } else { "converging".into() });
                }
                Err(e) => row.extend([format!("({e})"), "-".into()]),
            }
        }
        rows.push(row);
    }
    emit(&specs, format, |wide| {
        if wide {
            print_table(&["ID", "SIZE", "INSTANCE", "FLAVOR", "HEALTHY", "STATE"], &rows);
        } else {
            print_table(&["ID", "SIZE", "INSTANCE", "FLAVOR"], &rows);
        }
        Ok(())
    })
}

/// A group's status as a few lines: counts, rollout, error, notes.
pub fn status_text(status: &GroupStatus) -> String {
    let s = &status.counts;
    let mut out = format!(
        "group {}  target {}  listed {}  current {}  healthy {}  creating {}  destroying {}  {}\n",
        status.id,
        s.target,
        s.listed,
        s.current,
        s.healthy,
        s.creating,
        s.destroying,
        if s.converged { "converged" } else { "converging" }
    );
    if let Some(r) = &s.rollout {
        let why = r.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        let kind = if r.is_rollback { "rollback" } else { "rollout" };
        out.push_str(&format!("{kind} to {}: {}{why}  replaced {}\n", short_hash(&r.to_hash), r.state, r.replaced));
    }
    if let Some(err) = &status.error {
        out.push_str(&format!("error: {err}\n"));
    }
    for note in &s.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}

/// Renders a group's status and its instances as text (the live views).
pub fn render_status<M: std::borrow::Borrow<infrakit_spi::instance::Description>>(
    status: &GroupStatus,
    members: &[M],
) -> String {
    let mut out = status_text(status);
    out.push_str(&format!("{:<32} {:<16} {}\n", "INSTANCE", "LOGICAL", "CONFIG"));
    for m in members {
        let m = m.borrow();
        let logical = m.logical_id.as_ref().map(|l| l.0.as_str()).unwrap_or("-");
        let hash = m.tags.get(infrakit_spi::hash::CONFIG_SHA_TAG).map(String::as_str).unwrap_or("-");
        let current = if hash == status.hash { "" } else { "  (outdated)" };
        out.push_str(&format!("{:<32} {:<16} {}{current}\n", m.id.0, logical, short_hash(hash)));
    }
    out
}

async fn watch(g: &GroupClient, id: &str, every: Duration, count: u64) -> Result<()> {
    use std::io::IsTerminal;
    let tty = std::io::stdout().is_terminal();
    let gid = group::Id(id.to_string());
    let mut last = String::new();
    let mut n = 0u64;
    loop {
        let status = g.status(&gid).await?;
        let members = g.describe_group(&gid).await?.instances;
        let text = render_status(&status, &members);
        if text != last || tty {
            if tty {
                print!("{}", crate::screen::frame(&text));
            } else {
                println!("{text}");
            }
            last = text;
        }
        n += 1;
        if count > 0 && n >= count {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}
