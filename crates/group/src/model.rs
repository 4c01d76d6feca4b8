//! What the planner reasons about: observed members with their health history, the intent ledger, and actions.

use crate::clock::Millis;
use infrakit_spi::flavor::Health;
use infrakit_spi::instance::{Attachment, Description, Id, LogicalId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An instance of the group as last observed.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// What the instance plugin said.
    pub desc: Description,
    /// Health as the flavor last said.
    pub health: Health,
    /// When the controller first saw it.
    pub first_seen: Millis,
    /// Since when it has been unhealthy without interruption.
    pub unhealthy_since: Option<Millis>,
    /// Since when it has been healthy without interruption.
    pub healthy_since: Option<Millis>,
    /// Consecutive healthy observations.
    pub healthy_count: u64,
}

impl Member {
    /// The instance's ID.
    pub fn id(&self) -> &Id {
        &self.desc.id
    }

    /// Its logical ID.
    pub fn logical_id(&self) -> Option<&LogicalId> {
        self.desc.logical_id.as_ref()
    }

    /// The `infrakit.config_sha` tag, if any.
    pub fn hash(&self) -> Option<&str> {
        self.desc.tags.get(infrakit_spi::hash::CONFIG_SHA_TAG).map(String::as_str)
    }

    /// True when it was created outside InfraKit and waits to be adopted.
    pub fn is_bootstrap(&self) -> bool {
        self.hash() == Some(infrakit_spi::hash::BOOTSTRAP_SHA)
    }
}

/// Why an instance is destroyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DestroyReason {
    /// The group is larger than its size.
    ScaleDown,
    /// It has been unhealthy past its timeout.
    Unhealthy,
    /// It runs an outdated config and is being rolled.
    Rolling,
    /// A second instance holds the same logical ID.
    Duplicate,
    /// Its logical ID is no longer in the spec.
    NotInSpec,
    /// The group is being destroyed.
    GroupDestroyed,
}

impl std::fmt::Display for DestroyReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self {
            DestroyReason::ScaleDown => "scale down",
            DestroyReason::Unhealthy => "unhealthy past its timeout",
            DestroyReason::Rolling => "rolling update",
            DestroyReason::Duplicate => "duplicate logical ID",
            DestroyReason::NotInSpec => "logical ID no longer in the spec",
            DestroyReason::GroupDestroyed => "group destroyed",
        };
        f.write_str(s)
    }
}

/// Something the executor must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Create an instance (through the flavor's Prepare, then the instance plugin's Provision).
    Provision {
        /// The ledger key of this create.
        intent: u64,
        /// The pet's logical ID.
        logical_id: Option<LogicalId>,
        /// The pet's attachments.
        attachments: Vec<Attachment>,
    },
    /// Drain (best effort) and destroy an instance.
    Destroy {
        /// The instance.
        id: Id,
        /// Why.
        reason: DestroyReason,
    },
    /// Set tags on an instance (adoption of a `bootstrap` instance).
    Label {
        /// The instance.
        id: Id,
        /// Tags to merge.
        tags: BTreeMap<String, String>,
    },
}

/// How an action ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Provision returned an ID.
    Provisioned {
        /// The ledger key.
        intent: u64,
        /// The new instance.
        id: Id,
    },
    /// Provision (or Prepare) failed.
    ProvisionFailed {
        /// The ledger key.
        intent: u64,
        /// Why.
        error: String,
    },
    /// Destroy succeeded (or the instance was already gone).
    Destroyed {
        /// The instance.
        id: Id,
    },
    /// Destroy failed; it will be retried.
    DestroyFailed {
        /// The instance.
        id: Id,
        /// Why.
        error: String,
    },
    /// Label finished (successfully or not; the next pass retries if needed).
    Labeled {
        /// The instance.
        id: Id,
    },
}

/// A create recorded before it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateIntent {
    /// The pet's logical ID.
    pub logical_id: Option<LogicalId>,
    /// The config hash it is created with.
    pub hash: String,
    /// When it was sent.
    pub started: Millis,
    /// The ID, once Provision returned, with when.
    pub provisioned: Option<(Id, Millis)>,
}

/// The state of a destroy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DestroyState {
    /// Sent, no answer yet.
    InFlight,
    /// Failed; retried at the given time.
    Failed {
        /// When to retry.
        retry_at: Millis,
    },
    /// The plugin confirmed it at the given time; waiting for it to leave the listing.
    Done {
        /// When it was confirmed.
        at: Millis,
    },
}

/// A destroy recorded before it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct DestroyIntent {
    /// Why.
    pub reason: DestroyReason,
    /// How many times it failed.
    pub failures: u32,
    /// Where it stands.
    pub state: DestroyState,
    /// Its logical ID (a pet's replacement waits until it is gone).
    pub logical_id: Option<LogicalId>,
}

/// The intent ledger: every create and destroy is recorded before it is sent and cleared only when the listing
/// agrees, so a slow or lying provider never causes a duplicate create, and a failed destroy is never forgotten.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    /// Creates not yet seen in the listing, by intent key.
    pub creating: BTreeMap<u64, CreateIntent>,
    /// Destroys not yet confirmed by the listing.
    pub destroying: BTreeMap<Id, DestroyIntent>,
    /// Labels in flight.
    pub labeling: BTreeMap<Id, Millis>,
    /// Consecutive create failures, for back-off.
    pub create_failures: u32,
    /// No create is sent before this time (back-off after failures).
    pub create_not_before: Millis,
    /// The last create error, reported by `describe`.
    pub last_create_error: Option<String>,
    /// Instances that died young (a crash loop), counted for back-off; forgotten after a quiet minute.
    pub crash_failures: u32,
    /// When the last one died.
    pub last_crash: Millis,
    next_intent: u64,
}

/// The default time a created instance may stay missing from the listing before it is presumed lost (and a
/// confirmed destroy may stay listed before it is presumed failed). Providers with eventually consistent listings
/// need it; a replacement for a pet that vanished before it was ever listed waits this long.
pub const LISTING_GRACE_MS: Millis = 10_000;

/// An instance that vanishes within this long of being first seen died young (see [`Ledger::died_young`]).
pub const YOUNG_MS: Millis = 2_000;

/// Back-off after `failures` consecutive failures: 200 ms doubling to at most 30 s.
pub fn backoff_ms(failures: u32) -> Millis {
    let exp = failures.saturating_sub(1).min(8);
    (200u64 << exp).min(30_000)
}

impl Ledger {
    /// Records that an instance died `lived` ms after it was first seen, without being destroyed: a crash loop is
    /// slowed down with the same back-off as failed creates.
    pub fn died_young(&mut self, id: &Id, lived: Millis, now: Millis) {
        if now.saturating_sub(self.last_crash) > 60_000 {
            self.crash_failures = 0;
        }
        self.crash_failures = self.crash_failures.saturating_add(1);
        self.last_crash = now;
        self.create_not_before = self.create_not_before.max(now + backoff_ms(self.crash_failures));
        self.last_create_error = Some(format!("instance {id} died {lived} ms after it started"));
    }

    /// Consecutive failures behind the current back-off.
    pub fn failures(&self) -> u32 {
        self.create_failures.saturating_add(self.crash_failures)
    }

    /// True when nothing is in flight.
    pub fn is_empty(&self) -> bool {
        self.creating.is_empty() && self.destroying.is_empty() && self.labeling.is_empty()
    }

    /// A fresh intent key.
    pub fn next_key(&mut self) -> u64 {
        self.next_intent += 1;
        self.next_intent
    }

    /// Records that `action` is about to be sent.
    pub fn begin(&mut self, action: &Action, hash: &str, now: Millis, logical_of: impl Fn(&Id) -> Option<LogicalId>) {
        match action {
            Action::Provision { intent, logical_id, .. } => {
                self.creating.insert(
                    *intent,
                    CreateIntent {
                        logical_id: logical_id.clone(),
                        hash: hash.to_string(),
                        started: now,
                        provisioned: None,
                    },
                );
            }
            Action::Destroy { id, reason } => {
                let failures = self.destroying.get(id).map(|d| d.failures).unwrap_or(0);
                self.destroying.insert(
                    id.clone(),
                    DestroyIntent {
                        reason: *reason,
                        failures,
                        state: DestroyState::InFlight,
                        logical_id: logical_of(id),
                    },
                );
            }
            Action::Label { id, .. } => {
                self.labeling.insert(id.clone(), now);
            }
        }
    }

    /// Records how an action ended.
    pub fn complete(&mut self, outcome: &Outcome, now: Millis) {
        match outcome {
            Outcome::Provisioned { intent, id } => {
                if let Some(c) = self.creating.get_mut(intent) {
                    c.provisioned = Some((id.clone(), now));
                }
                self.create_failures = 0;
                self.create_not_before = 0;
                self.last_create_error = None;
            }
            Outcome::ProvisionFailed { intent, error } => {
                self.creating.remove(intent);
                self.create_failures = self.create_failures.saturating_add(1);
                self.create_not_before = now + backoff_ms(self.create_failures);
                self.last_create_error = Some(error.clone());
            }
            Outcome::Destroyed { id } => {
                if let Some(d) = self.destroying.get_mut(id) {
                    d.state = DestroyState::Done { at: now };
                }
            }
            Outcome::DestroyFailed { id, .. } => {
                if let Some(d) = self.destroying.get_mut(id) {
                    d.failures = d.failures.saturating_add(1);
                    d.state = DestroyState::Failed { retry_at: now + backoff_ms(d.failures) };
                }
            }
            Outcome::Labeled { id } => {
                self.labeling.remove(id);
            }
        }
    }

    /// Reconciles the ledger with a fresh listing: creates that appeared are cleared, creates missing for too long
    /// are presumed lost, destroys whose instance left the listing are cleared.
    pub fn observe(&mut self, listed: &dyn Fn(&Id) -> bool, now: Millis, grace: Millis) {
        self.creating.retain(|_, c| match &c.provisioned {
            Some((id, _)) if listed(id) => false,
            Some((_, at)) => now.saturating_sub(*at) < grace,
            None => true,
        });
        self.destroying.retain(|id, d| {
            if !listed(id) {
                return matches!(d.state, DestroyState::InFlight);
            }
            match d.state {
                DestroyState::Done { at } => now.saturating_sub(at) < grace,
                _ => true,
            }
        });
        self.labeling.retain(|id, at| listed(id) && now.saturating_sub(*at) < grace);
    }
}
