//! Waiting for a group to converge (`group commit --wait`, `group rollout status`): done, failed or timed out, with
//! a progress line on a terminal (`indicatif`) and plain lines of what changed otherwise.

use anyhow::{bail, Result};
use infrakit_rpc::clients::GroupClient;
use infrakit_spi::group::{self, GroupControl};
use infrakit_spi::status::{GroupStatus, RolloutPhase};
use std::io::IsTerminal;
use std::time::Duration;

/// What the group must reach: the config hash and size committed, past the pass count seen before the commit.
#[derive(Debug, Clone, Default)]
pub struct Goal {
    /// The config hash committed, when known.
    pub hash: Option<String>,
    /// The target committed, when known.
    pub target: Option<u64>,
    /// Passes seen before the commit: an answer from an older pass does not count.
    pub after_pass: Option<u64>,
}

/// How a wait ends when it does not converge.
enum Verdict {
    Done,
    Waiting,
    Failed(String),
}

/// Where the group stands against the goal.
fn verdict(status: &GroupStatus, goal: &Goal) -> Verdict {
    let id = &status.id;
    let s = &status.counts;
    if let Some(r) = &s.rollout {
        if r.state == RolloutPhase::Paused {
            let why = r.reason.as_deref().unwrap_or("paused");
            return Verdict::Failed(format!(
                "the rollout of {id} is paused ({why}); `infrakit group resume {id}` goes on, \
                 `infrakit group rollback {id}` goes back"
            ));
        }
        if r.is_rollback && goal.hash.as_deref().is_some_and(|h| h != r.to_hash) {
            let why = r.last_failure.as_deref().map(|f| format!(": {f}")).unwrap_or_default();
            return Verdict::Failed(format!("the rollout of {id} failed and was rolled back{why}"));
        }
    }
    let hash_ok = goal.hash.as_deref().is_none_or(|h| h == status.hash);
    let target_ok = goal.target.is_none_or(|t| t == s.target);
    let pass_ok = goal.after_pass.is_none_or(|p| status.passes > p);
    let rolling = s.rollout.as_ref().is_some_and(|r| r.is_running());
    if s.converged && hash_ok && target_ok && pass_ok && !rolling {
        Verdict::Done
    } else {
        Verdict::Waiting
    }
}

/// One line of progress: counts, rollout, the first note or error.
pub fn progress_line(status: &GroupStatus) -> String {
    let s = &status.counts;
    let mut line = format!(
        "{}: {}/{} on the new config, {} healthy, {} listed",
        status.id, s.current, s.target, s.healthy, s.listed
    );
    if s.creating > 0 {
        line.push_str(&format!(", creating {}", s.creating));
    }
    if s.destroying > 0 {
        line.push_str(&format!(", destroying {}", s.destroying));
    }
    if let Some(r) = s.rollout.as_ref().filter(|r| r.is_running()) {
        line.push_str(&format!(", rollout {} (replaced {})", r.state, r.replaced));
    }
    if let Some(e) = &status.error {
        line.push_str(&format!("; error: {e}"));
    } else if let Some(n) = s.notes.first() {
        line.push_str(&format!("; {n}"));
    }
    line
}

/// Waits until group `id` reaches `goal`; fails when its rollout pauses or is rolled back, or after `timeout`.
pub async fn converged(g: &GroupClient, id: &group::Id, goal: &Goal, timeout: Duration) -> Result<GroupStatus> {
    let deadline = tokio::time::Instant::now() + timeout;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let mut last = String::new();
    let outcome = loop {
        let status = match g.status(id).await {
            Ok(s) => s,
            Err(e) if tokio::time::Instant::now() < deadline => {
                // A replica taking over, a plugin restarting: say so and keep waiting.
                let line = format!("{id}: {e}");
                show(&bar, &mut last, line);
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
            Err(e) => break Err(anyhow::anyhow!("{e}")),
        };
        show(&bar, &mut last, progress_line(&status));
        match verdict(&status, goal) {
            Verdict::Done => break Ok(status),
            Verdict::Failed(why) => break Err(anyhow::anyhow!("{why}\n  {}", progress_line(&status))),
            Verdict::Waiting => {}
        }
        if tokio::time::Instant::now() >= deadline {
            break Err(anyhow::anyhow!(
                "{id} did not converge within {}: {}; it goes on (`infrakit group rollout status {id}` waits again)",
                crate::output::human_duration(timeout),
                progress_line(&status)
            ));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    outcome
}

/// Shows `line` when it changed: on the spinner, or as a line on stderr.
fn show(bar: &Option<indicatif::ProgressBar>, last: &mut String, line: String) {
    if *last == line {
        return;
    }
    match bar {
        Some(bar) => bar.set_message(line.clone()),
        None => eprintln!("{line}"),
    }
    *last = line;
}

/// Fails unless `status` is a converged group (for `rollout status --no-wait`).
pub fn check_now(status: &GroupStatus) -> Result<()> {
    match verdict(status, &Goal::default()) {
        Verdict::Done => Ok(()),
        Verdict::Failed(why) => bail!("{why}"),
        Verdict::Waiting => bail!("{} has not converged: {}", status.id, progress_line(status)),
    }
}
