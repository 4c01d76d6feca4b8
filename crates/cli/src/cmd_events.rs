//! `infrakit events`: follows the controller's events (`/events` of `up --http` or `manager start --http`).

use anyhow::Result;
use clap::Args;

/// `infrakit events`
#[derive(Args)]
#[command(after_help = "\
Each line: time (UTC), group, what happened (created, destroyed, lost, replaced, unhealthy, rollout-started,
rollout-step, rollout-paused, leadership...), the instance, and why. Reconnects when the connection drops, without
missing what the server kept meanwhile.

Examples:
  infrakit up examples/up-cattle.yaml --http 127.0.0.1:8080
  infrakit events --http 127.0.0.1:8080 --group workers
  infrakit events --http 127.0.0.1:8080 --after 0      # every event the server still keeps, then what comes
  infrakit events --http 127.0.0.1:8080 -o json | jq .")]
pub struct EventsCmd {
    /// The address given to `--http` of `infrakit up` or `infrakit manager start`.
    #[arg(long, value_name = "ADDR", env = "INFRAKIT_HTTP")]
    http: String,
    /// Only this group's events (and leadership changes).
    #[arg(long, value_name = "ID")]
    group: Option<String>,
    /// Start after event number N (`seq` in `-o json`) with the events the server still keeps; 0 for all of them.
    /// By default, only what comes next.
    #[arg(long, value_name = "N")]
    after: Option<u64>,
    /// Print each event as one line of JSON instead of text.
    #[arg(short, long, value_enum, default_value_t = Form::Text)]
    output: Form,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Form {
    Text,
    Json,
}

/// Runs `infrakit events` until Ctrl-C.
pub async fn run(cmd: EventsCmd) -> Result<()> {
    use std::io::Write;
    let print = move |event: infrakit_web::event::Event| {
        let line = match cmd.output {
            Form::Text => event.line(),
            Form::Json => serde_json::to_string(&event).unwrap_or_default(),
        };
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) ends the command.
        writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
    };
    tokio::select! {
        r = infrakit_web::follow::follow(&cmd.http, cmd.group.as_deref(), cmd.after, print) => r?,
        r = crate::cmd_plugin::wait_for_signal() => r?,
    }
    Ok(())
}
