//! One thing the controller decided or saw, as `/events` sends it and `infrakit events` prints it.

use serde::{Deserialize, Serialize};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An instance was created (Provision answered with its ID).
    Created,
    /// A create failed, or got no answer.
    CreateFailed,
    /// An instance was destroyed by the controller (the reason says why).
    Destroyed,
    /// A destroy failed; it is retried.
    DestroyFailed,
    /// An instance left the listing without the controller destroying it (killed, crashed, deleted).
    Lost,
    /// A new instance was listed in place of one lost (the reason says which, and how long it took).
    Replaced,
    /// An instance turned unhealthy.
    Unhealthy,
    /// An unhealthy instance is healthy again.
    Recovered,
    /// A rollout (or a rollback) began.
    RolloutStarted,
    /// A rollout replaced more instances.
    RolloutStep,
    /// A rollout paused.
    RolloutPaused,
    /// A paused rollout runs again.
    RolloutResumed,
    /// A rollout finished.
    RolloutDone,
    /// The group matches its spec again, nothing in flight.
    Converged,
    /// A pass failed (a plugin cannot be reached...).
    Error,
    /// This replica's leadership changed.
    Leadership,
}

impl Kind {
    /// The name on the wire (`created`, `rollout-paused`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Created => "created",
            Kind::CreateFailed => "create-failed",
            Kind::Destroyed => "destroyed",
            Kind::DestroyFailed => "destroy-failed",
            Kind::Lost => "lost",
            Kind::Replaced => "replaced",
            Kind::Unhealthy => "unhealthy",
            Kind::Recovered => "recovered",
            Kind::RolloutStarted => "rollout-started",
            Kind::RolloutStep => "rollout-step",
            Kind::RolloutPaused => "rollout-paused",
            Kind::RolloutResumed => "rollout-resumed",
            Kind::RolloutDone => "rollout-done",
            Kind::Converged => "converged",
            Kind::Error => "error",
            Kind::Leadership => "leadership",
        }
    }
}

/// An event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Its number, from 1, in the order published (the SSE `id`).
    pub seq: u64,
    /// When, in UTC (RFC 3339, milliseconds).
    pub time: String,
    /// What happened.
    pub kind: Kind,
    /// The group, if it concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The instance, if it concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The instance's logical ID, for a pet.
    #[serde(default, rename = "logicalID", skip_serializing_if = "Option::is_none")]
    pub logical_id: Option<String>,
    /// Why, in words.
    pub reason: String,
}

impl Event {
    /// One line for a terminal: time, group, kind, instance, reason.
    pub fn line(&self) -> String {
        let time = self.time.get(11..23).unwrap_or(&self.time);
        let instance = match (&self.instance, &self.logical_id) {
            (Some(i), Some(l)) => format!("{i} ({l})"),
            (Some(i), None) => i.clone(),
            (None, _) => "-".to_string(),
        };
        format!(
            "{time}  {:<12} {:<16} {instance:<28} {}",
            self.group.as_deref().unwrap_or("-"),
            self.kind.as_str(),
            self.reason
        )
    }
}

/// Milliseconds since the UNIX epoch as RFC 3339 UTC (`2026-12-01T17:13:15.123Z`).
pub fn rfc3339(ms: u64) -> String {
    let (secs, millis) = (ms / 1000, ms % 1000);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Civil from days (Howard Hinnant's algorithm), for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{millis:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(1_796_145_195_123), "2026-12-01T17:13:15.123Z");
    }

    #[test]
    fn kinds_are_kebab_case_on_the_wire() {
        for kind in [Kind::CreateFailed, Kind::RolloutPaused, Kind::Leadership] {
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }
}
