//! What the planner tells a person, as values: decisions are taken on these, and `Display` words them (the CLI and
//! `describe` show the text).

use crate::clock::Millis;
use infrakit_spi::instance::{Id, LogicalId};
use std::fmt;

/// Something a person should know about a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Instances of a pets group that carry the group tag but no logical ID: not the planner's to judge.
    Strays {
        /// How many.
        count: u64,
    },
    /// More instances are unhealthy than `Health.MaxUnhealthy` allows: nothing is destroyed.
    Outage {
        /// Instances unhealthy past their start-up grace.
        unhealthy: u64,
        /// Replacements of unhealthy instances already under way.
        remediating: u64,
        /// `Health.MaxUnhealthy`, resolved.
        max_unhealthy: u64,
    },
    /// Creates wait for the back-off after failures.
    Backoff {
        /// The pet whose create waits (`None`: cattle).
        logical_id: Option<LogicalId>,
        /// Consecutive failures behind the back-off.
        failures: u32,
        /// The last create error, if known.
        error: Option<String>,
    },
    /// No outdated instance is left: the rollout is over.
    RolloutDone {
        /// The config hash rolled to.
        to_hash: String,
        /// Instances replaced.
        replaced: u64,
    },
    /// The rollout is paused (by a person, a canary, or a failure earlier).
    RolloutPaused {
        /// The config hash rolled to.
        to_hash: String,
        /// Why it paused.
        reason: String,
    },
    /// The canaries run and are available: the rollout pauses for a person.
    Canary(Canary),
    /// The rollout met failures; `response` says what the failure policy made of them.
    RolloutFailed {
        /// What failed, in the order found.
        failures: Failures,
        /// What happens now.
        response: FailureResponse,
    },
    /// A quorum group's next replacement waits.
    QuorumWait(QuorumWait),
}

/// Why a quorum group's next replacement (a rolling or culling destroy) waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuorumWait {
    /// The flavor has not said yet whether it keeps a quorum.
    Unknown,
    /// A member is down, missing, not healthy yet, or being replaced.
    Busy,
    /// The flavor gave no verdict for the members listed now (asked, failed or timed out), or none within the
    /// interval (a quorum's leader moves by itself).
    NoVerdict,
    /// The flavor reports the quorum unhealthy.
    Unhealthy,
    /// The flavor has never answered and its quorum check fails: rolling and shrinking wait, remediation replaces
    /// one member at a time.
    CheckFails,
}

/// A canary's pause: its text is the reason stored in the paused rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Canary {
    /// Instances running the new config.
    pub canaries: u64,
}

/// One failure of a rollout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A new instance stayed unhealthy past its timeout.
    Unhealthy {
        /// The instance.
        id: Id,
        /// `Health.Timeout`.
        timeout: Millis,
    },
    /// The rollout made no progress within `Updating.Deadline`.
    Stalled {
        /// How long it went without progress.
        idle: Millis,
        /// `Updating.Deadline`.
        deadline: Millis,
    },
}

/// The failures a pass found, in order (worded joined by `; `).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Failures(pub Vec<Failure>);

impl Failures {
    /// True when the deadline passed without progress: that never counts as within `MaxFailureRatio`.
    pub fn stalled(&self) -> bool {
        self.0.iter().any(|f| matches!(f, Failure::Stalled { .. }))
    }
}

/// What a rollout does about its failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureResponse {
    /// Within `Updating.MaxFailureRatio`: it goes on.
    WithinRatio,
    /// `FailureAction: continue`: ignored.
    Continue,
    /// `FailureAction: pause`: paused until a person resumes or rolls back.
    Pause,
    /// `FailureAction: rollback`: the spec before the rollout is put back.
    Rollback,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Strays { count } => {
                write!(f, "{count} instance(s) carry the group tag but no logical ID; left alone")
            }
            Note::Outage { unhealthy, remediating, max_unhealthy } => write!(
                f,
                "outage: {unhealthy} instances unhealthy ({remediating} being replaced), more than \
                 Health.MaxUnhealthy ({max_unhealthy}); nothing is destroyed"
            ),
            Note::Backoff { logical_id, failures, error } => {
                let error = error.as_deref().unwrap_or("unknown error");
                match logical_id {
                    Some(lid) => write!(f, "backing off creating {lid} after {failures} failure(s): {error}"),
                    None => write!(f, "backing off creates after {failures} failure(s): {error}"),
                }
            }
            Note::RolloutDone { to_hash, replaced } => {
                write!(f, "rollout to {to_hash} done: {replaced} instance(s) replaced")
            }
            Note::RolloutPaused { to_hash, reason } => write!(f, "rollout to {to_hash} paused: {reason}"),
            Note::Canary(canary) => write!(f, "rollout paused, {canary}"),
            Note::RolloutFailed { failures, response } => match response {
                FailureResponse::WithinRatio => {
                    write!(f, "rollout failure within MaxFailureRatio, going on: {failures}")
                }
                FailureResponse::Continue => write!(f, "rollout failure ignored (FailureAction continue): {failures}"),
                FailureResponse::Pause => write!(f, "rollout paused: {failures}"),
                FailureResponse::Rollback => write!(f, "rolling back: {failures}"),
            },
            Note::QuorumWait(why) => write!(f, "quorum: the next replacement waits: {why}"),
        }
    }
}

impl fmt::Display for QuorumWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuorumWait::Unknown => "the flavor has not said whether it keeps a quorum",
            QuorumWait::Busy => "a member is down, not healthy yet, or being replaced",
            QuorumWait::NoVerdict => "no recent quorum verdict for the members listed now",
            QuorumWait::Unhealthy => "the flavor reports the quorum unhealthy",
            QuorumWait::CheckFails => {
                "the flavor's quorum check fails and it never answered (see the controller's log)"
            }
        })
    }
}

impl fmt::Display for Canary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "canary: {} instance(s) run the new config; `group resume` rolls the rest, `group rollback` goes back",
            self.canaries
        )
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Unhealthy { id, timeout } => write!(f, "instance {id} unhealthy for more than {timeout} ms"),
            Failure::Stalled { idle, deadline } => write!(f, "no progress for {idle} ms (deadline {deadline} ms)"),
        }
    }
}

impl fmt::Display for Failures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, failure) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{failure}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_keep_their_words() {
        let failures = Failures(vec![
            Failure::Unhealthy { id: Id("i-1".into()), timeout: 10 },
            Failure::Stalled { idle: 5, deadline: 4 },
        ]);
        assert!(failures.stalled());
        let words = [
            (Note::Strays { count: 2 }, "2 instance(s) carry the group tag but no logical ID; left alone"),
            (
                Note::Outage { unhealthy: 3, remediating: 1, max_unhealthy: 2 },
                "outage: 3 instances unhealthy (1 being replaced), more than Health.MaxUnhealthy (2); nothing is \
                 destroyed",
            ),
            (
                Note::Backoff { logical_id: None, failures: 2, error: None },
                "backing off creates after 2 failure(s): unknown error",
            ),
            (
                Note::Backoff { logical_id: Some(LogicalId("a".into())), failures: 1, error: Some("boom".into()) },
                "backing off creating a after 1 failure(s): boom",
            ),
            (Note::RolloutDone { to_hash: "h".into(), replaced: 4 }, "rollout to h done: 4 instance(s) replaced"),
            (Note::RolloutPaused { to_hash: "h".into(), reason: "why".into() }, "rollout to h paused: why"),
            (
                Note::QuorumWait(QuorumWait::Unhealthy),
                "quorum: the next replacement waits: the flavor reports the quorum unhealthy",
            ),
            (
                Note::Canary(Canary { canaries: 2 }),
                "rollout paused, canary: 2 instance(s) run the new config; `group resume` rolls the rest, `group \
                 rollback` goes back",
            ),
            (
                Note::RolloutFailed { failures: failures.clone(), response: FailureResponse::Rollback },
                "rolling back: instance i-1 unhealthy for more than 10 ms; no progress for 5 ms (deadline 4 ms)",
            ),
        ];
        for (note, text) in words {
            assert_eq!(note.to_string(), text);
        }
    }
}
