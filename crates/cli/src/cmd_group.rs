//! `infrakit group commit|describe|inspect|ls|free|destroy|scale|watch|status|pause|resume|rollback`.

use crate::output::{print_json, print_table, Format};
use crate::Context;
use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand};
use infrakit_rpc::clients::GroupClient;
use infrakit_spi::group::{self, Group, GroupControl};
use infrakit_spi::plugin::{self, Name};
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

#[derive(Subcommand)]
enum Sub {
    /// Commit a group spec ({"ID","Properties"}) or a list of [{"Plugin","Properties":<spec>}] from a file or -.
    #[command(
        after_help = "Examples:\n  infrakit group commit examples/cattle.json --pretend\n  infrakit group commit examples/cattle.json"
    )]
    Commit {
        /// The spec file, or - for standard input.
        file: String,
        /// Only say what would happen; nothing changes.
        #[arg(short, long)]
        pretend: bool,
        /// Output format: text (InfraKit's line) or json (the line and the structured plan).
        #[arg(short, long, value_enum, default_value_t = Format::Table)]
        output: Format,
        #[command(flatten)]
        template: crate::cmd_template::TemplateFlags,
    },
    /// Show a group's instances.
    #[command(after_help = "Example:\n  infrakit group describe cattle -o table")]
    Describe {
        /// The group ID.
        id: String,
        /// Print only instance IDs.
        #[arg(short, long)]
        quiet: bool,
        /// Output format.
        #[arg(short, long, value_enum, default_value_t = Format::Json)]
        output: Format,
    },
    /// Print the spec a group is managed with.
    #[command(after_help = "Example:\n  infrakit group inspect cattle > cattle.json")]
    Inspect {
        /// The group ID.
        id: String,
    },
    /// List the groups being managed.
    #[command(after_help = "Example:\n  infrakit group ls")]
    Ls {
        /// Print only IDs.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Stop managing a group; its instances are left alone.
    #[command(after_help = "Example:\n  infrakit group free cattle")]
    Free {
        /// The group ID.
        id: String,
    },
    /// Stop managing a group and destroy its instances.
    #[command(after_help = "Example:\n  infrakit group destroy cattle")]
    Destroy {
        /// The group ID.
        id: String,
    },
    /// Change a cattle group's size (never triggers a rolling update).
    #[command(after_help = "Example:\n  infrakit group scale cattle 10")]
    Scale {
        /// The group ID.
        id: String,
        /// The new size.
        size: u64,
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
    /// Counts, rollout and notes of a group, as JSON.
    #[command(after_help = "Example:\n  infrakit group status cattle")]
    Status {
        /// The group ID.
        id: String,
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
}

/// A group spec file: one spec, or InfraKit's manager format (a list of `{"Plugin","Properties":<spec>}`).
pub fn read_specs(
    file: &str,
    default_plugin: &str,
    flags: &crate::cmd_template::TemplateFlags,
    ctx: &Context,
) -> Result<Vec<(Name, group::Spec)>> {
    let text = crate::input::to_json_text(&crate::cmd_template::read_rendered(file, flags, ctx)?, file)?;
    let label = if file == "-" { "<stdin>" } else { file };
    let value: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("{label} is not valid JSON"))?;
    let list_of_specs = value.as_array().is_some_and(|a| a.iter().all(|e| e.get("ID").is_some()));
    if list_of_specs {
        let list: Vec<group::Spec> = infrakit_spi::any::decode_named(&text, label)?;
        Ok(list.into_iter().map(|s| (Name::new(default_plugin), s)).collect())
    } else if value.is_array() {
        let list: Vec<plugin::Spec> = infrakit_spi::any::decode_named(&text, label)?;
        let mut out = Vec::new();
        for (i, entry) in list.into_iter().enumerate() {
            let props = entry.properties.with_context(|| format!("{label}[{i}].Properties is missing"))?;
            let spec: group::Spec =
                infrakit_spi::any::decode_named(props.as_str(), &format!("{label}[{i}].Properties"))?;
            out.push((entry.plugin, spec));
        }
        Ok(out)
    } else {
        let spec: group::Spec = infrakit_spi::any::decode_named(&text, label)?;
        Ok(vec![(Name::new(default_plugin), spec)])
    }
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

/// Commits the specs in `file` to the group plugin (or manager replica) `name`.
pub async fn commit(
    ctx: &Context,
    name: &str,
    file: &str,
    pretend: bool,
    output: Format,
    template: &crate::cmd_template::TemplateFlags,
    route: Route,
) -> Result<()> {
    let g = client(ctx, name).await?;
    for (plugin, spec) in read_specs(file, name, template, ctx)? {
        let elsewhere = route == Route::ByPlugin && plugin.as_str() != name;
        let target = if elsewhere { Some(client(ctx, plugin.lookup()).await?) } else { None };
        let id = spec.id.clone();
        let commit = target
            .as_ref()
            .unwrap_or(&g)
            .commit_group(spec, pretend)
            .await
            .with_context(|| format!("committing group {id}"))?;
        if output == Format::Json {
            print_json(&serde_json::json!({"ID": id, "Details": commit.details, "Plan": commit.plan}))?;
        } else if pretend {
            println!("Committing {id} would involve: {}", commit.details);
        } else {
            println!("Committed {id}: {}", commit.details);
        }
    }
    Ok(())
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
    let g = client(ctx, &cmd.target.name).await?;
    match cmd.cmd {
        Sub::Commit { file, pretend, output, template } => {
            commit(ctx, &cmd.target.name, &file, pretend, output, &template, Route::ByPlugin).await?
        }
        Sub::Describe { id, quiet, output } => {
            let d = g.describe_group(&group::Id(id.clone())).await?;
            if quiet {
                d.instances.iter().for_each(|i| println!("{}", i.id));
            } else if output == Format::Table {
                // What the controller is doing (back-off, outage, rollout) comes first, when it can say.
                if let Ok(status) = g.status(&group::Id(id.clone())).await {
                    status.counts.notes.iter().for_each(|note| println!("note: {note}"));
                }
                let rows: Vec<Vec<String>> = d
                    .instances
                    .iter()
                    .map(|i| {
                        let tags: Vec<String> = i.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        vec![
                            i.id.0.clone(),
                            i.logical_id.as_ref().map(|l| l.0.clone()).unwrap_or("-".into()),
                            tags.join(","),
                        ]
                    })
                    .collect();
                print_table(&["ID", "LOGICAL", "TAGS"], &rows);
            } else {
                print_json(&d)?;
            }
        }
        Sub::Inspect { id } => {
            let specs = g.inspect_groups().await?;
            let spec = specs
                .into_iter()
                .find(|s| s.id.0 == id)
                .with_context(|| format!("Group '{id}' is not being watched"))?;
            print_json(&spec)?;
        }
        Sub::Ls { quiet } => {
            let specs = g.inspect_groups().await?;
            if !quiet {
                println!("ID");
            }
            specs.iter().for_each(|s| println!("{}", s.id));
        }
        Sub::Free { id } => {
            g.free_group(&group::Id(id.clone())).await?;
            println!("Freed {id}");
        }
        Sub::Destroy { id } => {
            g.destroy_group(&group::Id(id.clone())).await?;
            println!("Destroyed {id}");
        }
        Sub::Scale { id, size } => {
            if size == 0 {
                bail!("size must be at least 1; use `infrakit group destroy {id}` to remove the group");
            }
            let spec = g.inspect_groups().await?.into_iter().find(|s| s.id.0 == id);
            let mut spec = spec.with_context(|| format!("Group '{id}' is not being watched"))?;
            let mut props = spec.properties.as_ref().map(Any::to_value).unwrap_or_default();
            let alloc = props.get_mut("Allocation").and_then(|a| a.as_object_mut());
            let alloc = alloc.with_context(|| format!("group {id} has no Allocation"))?;
            if alloc.get("LogicalIDs").is_some_and(|l| l.as_array().is_some_and(|a| !a.is_empty())) {
                bail!("group {id} is a pets group (Allocation.LogicalIDs); change its logical IDs with `group commit`");
            }
            alloc.insert("Size".into(), size.into());
            spec.properties = Some(Any::from_value(&props)?);
            let commit = g.commit_group(spec, false).await?;
            println!("Committed {id}: {}", commit.details);
        }
        Sub::Watch { id, every, count } => watch(&g, &id, every, count).await?,
        Sub::Status { id } => print_json(&g.status(&group::Id(id)).await?)?,
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
    }
    Ok(())
}

/// Renders a group's status as a few lines of text.
pub fn render_status(status: &GroupStatus, members: &[infrakit_spi::instance::Description]) -> String {
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
        out.push_str(&format!("rollout to {}: {}{why}  replaced {}\n", r.to_hash, r.state, r.replaced));
    }
    if let Some(err) = &status.error {
        out.push_str(&format!("error: {err}\n"));
    }
    for note in &s.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out.push_str(&format!("{:<32} {:<16} {}\n", "INSTANCE", "LOGICAL", "CONFIG"));
    for m in members {
        let logical = m.logical_id.as_ref().map(|l| l.0.as_str()).unwrap_or("-");
        let hash = m.tags.get(infrakit_spi::hash::CONFIG_SHA_TAG).map(String::as_str).unwrap_or("-");
        out.push_str(&format!("{:<32} {:<16} {}\n", m.id.0, logical, hash));
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
                print!("\x1b[2J\x1b[H");
            }
            println!("{text}");
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
