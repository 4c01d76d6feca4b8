//! What the planner reasons about: observed members with their health history, the intent ledger, and actions.

use crate::clock::Millis;
use infrakit_spi::flavor::Health;
use infrakit_spi::instance::{Attachment, Description, Id, LogicalId};
use infrakit_spi::plugin::Name;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// An instance of the group as last observed.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// What the instance plugin said (shared with the snapshots views read, so a pass does not copy it).
    pub desc: Arc<Description>,
    /// Its `infrakit.config_sha` tag, kept beside it (shared by the members that carry the same one) so the planner
    /// compares it without looking through the tags.
    pub sha: Option<Arc<str>>,
    /// Health as the flavor last said.
    pub health: Health,
    /// When the controller first saw it.
    pub first_seen: Millis,
    /// The number of the listing that first showed it (listings are counted from 1).
    pub first_listing: u64,
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
        self.sha.as_deref()
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
    /// Provision answered with this ID, but the listing never showed it within the listing grace: it is destroyed
    /// by ID before its slot is given to a replacement, so a listing that lags can never leave two alive.
    NeverListed,
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
            DestroyReason::NeverListed => "created but never listed within the listing grace",
        };
        f.write_str(s)
    }
}

/// Something the executor must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Create an instance (through the flavor's Prepare, then the instance plugin's Provision).
    Provision {
        /// The ledger key of this create, handed out by [`Ledger::keys`] (the flavor's sequence number for cattle).
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
    /// Provision did not answer (timed out, the connection broke): the instance may exist or appear later, so its
    /// slot stays taken for a while (see [`Ledger::provision_unknown`]).
    ProvisionUnknown {
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

impl Outcome {
    /// Whether the action needs no pass of its own: a create answered with an ID, a destroy done, or a label
    /// (whose outcome does not say whether it took; the next pass labels again what still needs it).
    pub fn succeeded(&self) -> bool {
        matches!(self, Outcome::Provisioned { .. } | Outcome::Destroyed { .. } | Outcome::Labeled { .. })
    }
}

/// A create recorded before it is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateIntent {
    /// The instance plugin it was sent to.
    pub plugin: Name,
    /// The pet's logical ID.
    pub logical_id: Option<LogicalId>,
    /// The config hash it is created with.
    pub hash: String,
    /// When it was sent.
    pub started: Millis,
    /// The ID, once Provision returned, with when.
    pub provisioned: Option<(Id, Millis)>,
    /// For a create resumed from a controller that stopped before Provision answered: it is given up (its slot
    /// freed) once a listing started after this time still does not show it.
    pub orphan_until: Option<Millis>,
}

/// What of the ledger outlives its controller, kept in the state store before any create is sent: a new leader
/// or a restarted controller knows which creates may still land and which unlisted instances must be destroyed,
/// so it never creates twice.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InFlight {
    /// Creates not yet seen in a listing.
    #[serde(rename = "Creates", default)]
    pub creates: Vec<PendingCreate>,
    /// Instances that Provision answered but no listing showed, to be destroyed by ID.
    #[serde(rename = "Unlisted", default)]
    pub unlisted: Vec<UnlistedInstance>,
    /// Earlier specs whose instance plugins may still hold instances of the group (`Instance.Plugin` changed).
    #[serde(rename = "Retired", default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<infrakit_spi::group::Spec>,
}

impl InFlight {
    /// True when nothing is in flight.
    pub fn is_empty(&self) -> bool {
        self.creates.is_empty() && self.unlisted.is_empty() && self.retired.is_empty()
    }
}

/// A create in flight, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCreate {
    /// The instance plugin it was sent to.
    #[serde(rename = "Plugin", default)]
    pub plugin: Option<Name>,
    /// The pet's logical ID.
    #[serde(rename = "LogicalID", default)]
    pub logical_id: Option<LogicalId>,
    /// The config hash it is created with.
    #[serde(rename = "Hash")]
    pub hash: String,
    /// When it was sent.
    #[serde(rename = "Started")]
    pub started: Millis,
    /// The ID Provision answered, if it did.
    #[serde(rename = "ID", default)]
    pub id: Option<Id>,
}

/// An instance Provision answered but no listing showed, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlistedInstance {
    /// Its ID.
    #[serde(rename = "ID")]
    pub id: Id,
    /// The instance plugin that made it.
    #[serde(rename = "Plugin", default)]
    pub plugin: Option<Name>,
    /// Its logical ID.
    #[serde(rename = "LogicalID", default)]
    pub logical_id: Option<LogicalId>,
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
    /// For an instance the listing never showed (see [`DestroyReason::NeverListed`]), the plugin that made it: the
    /// destroy goes there, and since its absence from the listing proves nothing, the intent is cleared only when
    /// the plugin confirms the destroy.
    pub unlisted_in: Option<Name>,
}

impl DestroyIntent {
    /// True for an instance the listing never showed.
    pub fn is_unlisted(&self) -> bool {
        self.unlisted_in.is_some()
    }
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
    /// Instances that died young (a crash loop), counted in waves for back-off.
    pub crashes: Waves,
    /// Creates given up because no listing showed them (a listing that lags past its grace), counted likewise.
    pub never_listed: Waves,
    next_intent: u64,
}

/// Intent keys reserved from a [`Ledger`] (see [`Ledger::keys`]), in the order they are handed out.
#[derive(Debug, Clone)]
pub struct Keys {
    last: u64,
}

impl Keys {
    /// The next key.
    pub fn take(&mut self) -> u64 {
        self.last += 1;
        self.last
    }
}

/// The default time a created instance may stay missing from the listing before it is presumed lost (and a
/// confirmed destroy may stay listed before it is presumed failed). Providers with eventually consistent listings
/// need it; a replacement for a pet that vanished before it was ever listed waits this long.
pub const LISTING_GRACE_MS: Millis = 10_000;

/// How long past its listing grace a create whose answer never came keeps its slot: it may still land.
pub const UNANSWERED_HOLD_MS: Millis = 10_000;

/// An instance that vanishes within this long of being first seen died young (see [`Ledger::died_young`]).
pub const YOUNG_MS: Millis = 2_000;

/// Losses counted in waves: the first wave is repaired at once; a loss of something made after the last wave began
/// (a replacement lost again) starts the next wave and backs off. Forgotten after a quiet minute.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Waves {
    /// Waves in a row.
    pub failures: u32,
    /// Where the current wave began (a listing number or a time, as the caller counts).
    pub mark: u64,
    /// When the last loss was seen.
    pub last: Millis,
}

impl Waves {
    /// Records the loss of something made at `made`, seen at mark `mark_now`; returns the back-off it calls for.
    pub fn loss(&mut self, made: u64, mark_now: u64, now: Millis) -> Option<Millis> {
        let wait = if self.failures == 0 || now.saturating_sub(self.last) > 60_000 {
            self.failures = 1;
            self.mark = mark_now;
            None
        } else if made > self.mark {
            self.failures = self.failures.saturating_add(1);
            self.mark = mark_now;
            Some(backoff_ms(self.failures - 1))
        } else {
            None
        };
        self.last = now;
        wait
    }
}

/// Back-off after `failures` consecutive failures: 200 ms doubling to at most 30 s.
pub fn backoff_ms(failures: u32) -> Millis {
    let exp = failures.saturating_sub(1).min(8);
    (200u64 << exp).min(30_000)
}

impl Ledger {
    /// Records that `member` vanished at `now`, seen missing in listing number `listing`, young and without being
    /// destroyed. A crash loop is slowed down with the same back-off as failed creates; a single wave of losses
    /// (many deleted at once, or one crash) is replaced at once: only a replacement that dies young again backs off.
    /// One first listed in the listing that showed the wave existed before it and merely vanished later.
    pub fn died_young(&mut self, member: &Member, listing: u64, now: Millis) {
        let lived = now.saturating_sub(member.first_seen);
        self.last_create_error = Some(format!("instance {} died {lived} ms after it started", member.id()));
        if let Some(wait) = self.crashes.loss(member.first_listing, listing, now) {
            self.create_not_before = self.create_not_before.max(now + wait);
        }
    }

    /// Records that a create sent at `started` was given up at `now` because no listing showed it; backs off like
    /// [`Ledger::died_young`] when the replacement of one given up is given up too.
    fn never_listed(&mut self, error: String, started: Millis, now: Millis) {
        self.last_create_error = Some(error);
        // A replacement planned in the pass that gave up the first is sent at `now` itself: it counts.
        if let Some(wait) = self.never_listed.loss(started, now.saturating_sub(1), now) {
            self.create_not_before = self.create_not_before.max(now + wait);
        }
    }

    fn create_failed(&mut self, error: String, now: Millis) {
        self.create_failures = self.create_failures.saturating_add(1);
        self.create_not_before = now + backoff_ms(self.create_failures);
        self.last_create_error = Some(error);
    }

    /// Records that a create got no answer (a timeout, a broken connection): it may exist, or appear later, so its
    /// slot stays taken until a listing started after `until` still does not show it. It counts as a failure.
    pub fn provision_unknown(&mut self, intent: u64, error: &str, until: Millis, now: Millis) {
        if let Some(c) = self.creating.get_mut(&intent) {
            c.orphan_until = Some(until);
        }
        self.create_failed(format!("no answer to a create, which may still land: {error}"), now);
    }

    /// Consecutive failures behind the current back-off.
    pub fn failures(&self) -> u32 {
        self.create_failures
            .saturating_add(self.crashes.failures.saturating_sub(1))
            .saturating_add(self.never_listed.failures.saturating_sub(1))
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

    /// The keys the ledger hands out next, for a planner to number its creates with; [`Ledger::begin`] records each
    /// create under its key and never hands that key out again.
    pub fn keys(&self) -> Keys {
        Keys { last: self.next_intent }
    }

    /// Records that `action` is about to be sent (a create under the key [`Ledger::keys`] gave it).
    pub fn begin(
        &mut self,
        action: &Action,
        (plugin, hash): (&Name, &str),
        now: Millis,
        logical_of: impl Fn(&Id) -> Option<LogicalId>,
    ) {
        match action {
            Action::Provision { intent, logical_id, .. } => {
                self.next_intent = self.next_intent.max(*intent);
                self.creating.insert(
                    *intent,
                    CreateIntent {
                        plugin: plugin.clone(),
                        logical_id: logical_id.clone(),
                        hash: hash.to_string(),
                        started: now,
                        provisioned: None,
                        orphan_until: None,
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
                        logical_id: self
                            .destroying
                            .get(id)
                            .and_then(|d| d.logical_id.clone())
                            .or_else(|| logical_of(id)),
                        unlisted_in: self.destroying.get(id).and_then(|d| d.unlisted_in.clone()),
                    },
                );
            }
            Action::Label { id, .. } => {
                self.labeling.insert(id.clone(), now);
            }
        }
    }

    /// Records how an action ended; a create with no answer keeps its slot for `grace` (the listing grace in
    /// force) plus [`UNANSWERED_HOLD_MS`].
    pub fn complete(&mut self, outcome: &Outcome, now: Millis, grace: Millis) {
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
                self.create_failed(error.clone(), now);
            }
            Outcome::ProvisionUnknown { intent, error } => {
                self.provision_unknown(*intent, error, now + grace + UNANSWERED_HOLD_MS, now);
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

    /// Reconciles the ledger with a fresh listing that started at `started`: creates that appeared are cleared
    /// (listed once, an instance is real); a create that answered at least `grace` before the listing started and is
    /// still not listed is given up, but only through a destroy of its ID ([`DestroyReason::NeverListed`]), whose
    /// slot stays taken until the plugin confirms it; destroys whose instance left the listing are cleared.
    pub fn observe(&mut self, listed: &dyn Fn(&Id) -> bool, started: Millis, now: Millis, grace: Millis) {
        let mut expired = Vec::new();
        self.creating.retain(|_, c| match &c.provisioned {
            Some((id, _)) if listed(id) => false,
            Some((id, at)) if started > at.saturating_add(grace) => {
                expired.push((id.clone(), c.logical_id.clone(), c.plugin.clone(), c.started));
                false
            }
            None => c.orphan_until.is_none_or(|t| started <= t),
            _ => true,
        });
        for (id, logical_id, plugin, sent) in expired {
            // A plugin whose listing lags past the grace would otherwise churn: create, destroy, create again.
            let why = format!(
                "instance {id} was not listed within {grace} ms of its create; it is destroyed and replaced (if the \
                 plugin's listing lags, set Allocation.ListingGrace)"
            );
            self.never_listed(why, sent, now);
            self.destroying.entry(id).or_insert(DestroyIntent {
                reason: DestroyReason::NeverListed,
                failures: 0,
                state: DestroyState::Failed { retry_at: now },
                logical_id,
                unlisted_in: Some(plugin),
            });
        }
        // A confirmed destroy, or a label, may take this long to show in the listing (at least the default grace).
        let linger = grace.max(LISTING_GRACE_MS);
        self.destroying.retain(|id, d| {
            if !listed(id) {
                return matches!(d.state, DestroyState::InFlight)
                    || (d.is_unlisted() && matches!(d.state, DestroyState::Failed { .. }));
            }
            match d.state {
                DestroyState::Done { at } => now.saturating_sub(at) < linger,
                _ => true,
            }
        });
        self.labeling.retain(|id, at| listed(id) && now.saturating_sub(*at) < linger);
    }

    /// When the next unlisted create is given up (a pass must run then).
    pub fn next_expiry(&self, grace: Millis) -> Option<Millis> {
        self.creating
            .values()
            .filter_map(|c| match &c.provisioned {
                Some((_, at)) => Some(at + grace + 1),
                None => c.orphan_until.map(|t| t + 1),
            })
            .min()
    }

    /// What must outlive this controller (see [`InFlight`]).
    pub fn in_flight(&self) -> InFlight {
        InFlight {
            creates: self
                .creating
                .values()
                .map(|c| PendingCreate {
                    plugin: Some(c.plugin.clone()),
                    logical_id: c.logical_id.clone(),
                    hash: c.hash.clone(),
                    started: c.started,
                    id: c.provisioned.as_ref().map(|(id, _)| id.clone()),
                })
                .collect(),
            unlisted: self
                .destroying
                .iter()
                .filter(|(_, d)| d.is_unlisted())
                .map(|(id, d)| UnlistedInstance {
                    id: id.clone(),
                    plugin: d.unlisted_in.clone(),
                    logical_id: d.logical_id.clone(),
                })
                .collect(),
            retired: Vec::new(),
        }
    }

    /// Takes over what a previous controller had in flight. An answered create is waited for as any other (its
    /// grace counted from now); an unanswered one may still land, so its slot is held until `now + hold`; an
    /// unlisted instance is destroyed by ID. `plugin` is the instance plugin of records that name none.
    pub fn resume(&mut self, saved: InFlight, now: Millis, hold: Millis, plugin: &Name) {
        for c in saved.creates {
            let key = self.next_key();
            let orphan_until = if c.id.is_none() { Some(now.saturating_add(hold)) } else { None };
            self.creating.insert(
                key,
                CreateIntent {
                    plugin: c.plugin.unwrap_or_else(|| plugin.clone()),
                    logical_id: c.logical_id,
                    hash: c.hash,
                    started: c.started,
                    provisioned: c.id.map(|id| (id, now)),
                    orphan_until,
                },
            );
        }
        for u in saved.unlisted {
            self.destroying.insert(
                u.id,
                DestroyIntent {
                    reason: DestroyReason::NeverListed,
                    failures: 0,
                    state: DestroyState::Failed { retry_at: now },
                    logical_id: u.logical_id,
                    unlisted_in: Some(u.plugin.unwrap_or_else(|| plugin.clone())),
                },
            );
        }
    }
}
