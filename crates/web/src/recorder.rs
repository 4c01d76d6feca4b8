//! The controller's observer: it keeps the metrics, follows each group's members (to tell a loss from a destroy,
//! and to time a replacement), and publishes what happens as events.

use crate::bus::{About, Bus};
use crate::event::Kind;
use crate::metrics::{secs, CallLabel, GroupLabel, Metrics, ReasonLabel};
use infrakit_group::clock::Millis;
use infrakit_group::model::{Action, DestroyReason, Member, Outcome};
use infrakit_group::observe::Observer;
use infrakit_spi::flavor::Health;
use infrakit_spi::group::Id as GroupId;
use infrakit_spi::instance::{Id, LogicalId};
use infrakit_spi::manager::LeaderStatus;
use infrakit_spi::plugin::Name;
use infrakit_spi::status::{GroupStatus, RolloutPhase, RolloutStatus};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Losses older than this are no longer matched with a replacement.
const LOSS_MEMORY: Duration = Duration::from_secs(3600);
/// At most this many losses are remembered per group.
const MAX_LOSSES: usize = 10_000;

/// What the recorder knows of one member.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    /// Its health, as the flavor last said.
    pub health: Health,
    /// When the controller first saw it (milliseconds since the epoch).
    pub first_seen: Millis,
}

struct Loss {
    id: Id,
    logical: Option<LogicalId>,
    at: Instant,
}

/// A member as the recorder keeps it.
struct Known {
    seen: Seen,
    logical: Option<LogicalId>,
    /// The last listing that showed it.
    pass: u64,
}

#[derive(Default)]
struct Track {
    listed: bool,
    /// Listings folded in.
    pass: u64,
    members: HashMap<Id, Known>,
    destroying: HashSet<Id>,
    losses: VecDeque<Loss>,
    status: Option<GroupStatus>,
}

impl Track {
    /// The oldest loss a new member with `logical` replaces: a pet's of the same logical ID, else the oldest loss
    /// of cattle.
    fn take_loss(&mut self, logical: Option<&LogicalId>) -> Option<Loss> {
        while self.losses.front().is_some_and(|l| l.at.elapsed() > LOSS_MEMORY) {
            self.losses.pop_front();
        }
        let at = self.losses.iter().position(|l| l.logical.as_ref() == logical)?;
        self.losses.remove(at)
    }

    fn lose(&mut self, id: Id, logical: Option<LogicalId>) {
        if self.losses.len() >= MAX_LOSSES {
            self.losses.pop_front();
        }
        self.losses.push_back(Loss { id, logical, at: Instant::now() });
    }
}

/// The recorder: an [`Observer`] with metrics and an event bus.
#[derive(Default)]
pub struct Recorder {
    /// The metrics.
    pub metrics: Metrics,
    /// The events.
    pub bus: Bus,
    tracks: Mutex<HashMap<GroupId, Track>>,
    leader: Mutex<Option<LeaderStatus>>,
}

fn about(group: &GroupId, instance: Option<&Id>, logical: Option<&LogicalId>) -> About {
    About {
        group: Some(group.0.clone()),
        instance: instance.map(|i| i.0.clone()),
        logical_id: logical.map(|l| l.0.clone()),
    }
}

fn group_label(group: &GroupId) -> GroupLabel {
    GroupLabel { group: group.0.clone() }
}

fn reason_label(group: &GroupId, reason: &str) -> ReasonLabel {
    ReasonLabel { group: group.0.clone(), reason: reason.to_string() }
}

/// A destroy reason as a metric label.
fn reason_name(reason: DestroyReason) -> &'static str {
    match reason {
        DestroyReason::ScaleDown => "scale_down",
        DestroyReason::Unhealthy => "unhealthy",
        DestroyReason::Rolling => "rolling_update",
        DestroyReason::Duplicate => "duplicate",
        DestroyReason::NotInSpec => "not_in_spec",
        DestroyReason::GroupDestroyed => "group_destroyed",
        DestroyReason::NeverListed => "never_listed",
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

impl Recorder {
    /// What the recorder knows of `group`'s members: health and first sight, by instance ID.
    pub fn members(&self, group: &GroupId) -> HashMap<Id, Seen> {
        let Ok(tracks) = self.tracks.lock() else { return HashMap::new() };
        tracks.get(group).map(|t| t.members.iter().map(|(id, k)| (id.clone(), k.seen)).collect()).unwrap_or_default()
    }

    /// Forgets the groups not in `managed` (they stopped being managed here): their gauges go.
    pub fn keep_groups(&self, managed: &[GroupId]) {
        let Ok(mut tracks) = self.tracks.lock() else { return };
        tracks.retain(|id, _| {
            let keep = managed.contains(id);
            if !keep {
                self.metrics.forget_group(&id.0);
            }
            keep
        });
    }

    /// Records this replica's leadership (an event when it changed).
    pub fn leadership(&self, replica: &str, status: &LeaderStatus) {
        let Ok(mut last) = self.leader.lock() else { return };
        if last.as_ref() == Some(status) {
            return;
        }
        *last = Some(status.clone());
        self.metrics.leader.set(i64::from(status.is_leader()));
        let reason = match status {
            LeaderStatus::Leader => format!("replica {replica} leads: it acts"),
            LeaderStatus::Follower { leader: Some(l) } => format!("replica {replica} follows; {l} leads"),
            LeaderStatus::Follower { leader: None } => format!("replica {replica} follows; the leader is not known"),
            LeaderStatus::Unknown { reason } => format!("replica {replica} does not know who leads ({reason})"),
        };
        self.bus.publish(Kind::Leadership, About::default(), reason);
    }

    fn rollout_events(&self, group: &GroupId, before: Option<&RolloutStatus>, now: Option<&RolloutStatus>) {
        let publish = |kind, reason: String| self.bus.publish(kind, about(group, None, None), reason);
        let started = |r: &RolloutStatus| {
            let what = if r.is_rollback { "rollback" } else { "rolling update" };
            let from = r.from_hash.as_deref().map(|h| format!(" from {}", short(h))).unwrap_or_default();
            publish(Kind::RolloutStarted, format!("{what} to config {}{from}", short(&r.to_hash)));
        };
        match (before, now) {
            (None, Some(r)) => started(r),
            (Some(b), Some(r)) if b.to_hash != r.to_hash => started(r),
            (Some(b), Some(r)) => {
                if r.replaced > b.replaced {
                    let left = r.outdated_left;
                    publish(Kind::RolloutStep, format!("{} replaced, {left} outdated left", r.replaced));
                }
                if b.state != RolloutPhase::Paused && r.state == RolloutPhase::Paused {
                    publish(Kind::RolloutPaused, r.reason.clone().unwrap_or_else(|| "paused".to_string()));
                }
                if b.state == RolloutPhase::Paused && r.state == RolloutPhase::Running {
                    publish(Kind::RolloutResumed, "resumed".to_string());
                }
                if b.state != RolloutPhase::Done && r.state == RolloutPhase::Done {
                    publish(Kind::RolloutDone, format!("every instance runs config {}", short(&r.to_hash)));
                }
            }
            (Some(b), None) if b.state != RolloutPhase::Done => {
                publish(Kind::RolloutDone, format!("rollout to config {} ended", short(&b.to_hash)));
            }
            _ => {}
        }
    }
}

impl Observer for Recorder {
    fn listed(&self, group: &GroupId, members: &[Member], _now: Millis) {
        let Ok(mut tracks) = self.tracks.lock() else { return };
        let t = tracks.entry(group.clone()).or_default();
        // Members seen before are updated in place (no allocation); only new ones are inserted, and the vanished
        // are looked for only when fewer were listed than are known.
        t.pass = t.pass.wrapping_add(1);
        let (pass, listed_before) = (t.pass, t.listed);
        let mut unhealthy = 0i64;
        let mut present = 0usize;
        for m in members {
            if m.health == Health::Unhealthy {
                unhealthy += 1;
            }
            if let Some(known) = t.members.get_mut(m.id()) {
                if known.pass != pass {
                    present += 1;
                }
                known.pass = pass;
                let before = std::mem::replace(&mut known.seen.health, m.health);
                if before != Health::Unhealthy && m.health == Health::Unhealthy {
                    let reason = "its flavor says it is unhealthy".to_string();
                    self.bus.publish(Kind::Unhealthy, about(group, Some(m.id()), m.logical_id()), reason);
                } else if before == Health::Unhealthy && m.health == Health::Healthy {
                    let reason = "healthy again".to_string();
                    self.bus.publish(Kind::Recovered, about(group, Some(m.id()), m.logical_id()), reason);
                }
                continue;
            }
            present += 1;
            if listed_before {
                if let Some(loss) = t.take_loss(m.logical_id()) {
                    let took = loss.at.elapsed();
                    self.metrics.replacement.get_or_create(&group_label(group)).observe(secs(took));
                    let reason = format!("replaces {}, lost {} ms before", loss.id, took.as_millis());
                    self.bus.publish(Kind::Replaced, about(group, Some(m.id()), m.logical_id()), reason);
                }
            }
            let seen = Seen { health: m.health, first_seen: m.first_seen };
            t.members.insert(m.id().clone(), Known { seen, logical: m.logical_id().cloned(), pass });
        }
        if t.members.len() > present {
            let mut vanished = Vec::new();
            t.members.retain(|id, known| {
                let keep = known.pass == pass;
                if !keep {
                    vanished.push((id.clone(), known.logical.take()));
                }
                keep
            });
            for (id, logical) in vanished {
                if t.destroying.remove(&id) {
                    continue;
                }
                self.metrics.lost.get_or_create(&group_label(group)).inc();
                let reason = "gone from the listing without the controller destroying it (killed, crashed or deleted)";
                self.bus.publish(Kind::Lost, about(group, Some(&id), logical.as_ref()), reason.to_string());
                t.lose(id, logical);
            }
        }
        if !t.destroying.is_empty() {
            let members = &t.members;
            t.destroying.retain(|id| members.contains_key(id));
        }
        t.listed = true;
        self.metrics.unhealthy.get_or_create(&group_label(group)).set(unhealthy);
    }

    fn sending(&self, group: &GroupId, action: &Action) {
        let Action::Destroy { id, reason } = action else { return };
        let Ok(mut tracks) = self.tracks.lock() else { return };
        let t = tracks.entry(group.clone()).or_default();
        t.destroying.insert(id.clone());
        if *reason == DestroyReason::Unhealthy {
            // Lost to its health: its replacement is timed from this decision.
            let logical = t.members.get(id).and_then(|k| k.logical.clone());
            t.lose(id.clone(), logical);
        }
    }

    fn finished(&self, group: &GroupId, action: &Action, outcome: &Outcome, _took: Duration) {
        let logical = match action {
            Action::Provision { logical_id, .. } => logical_id.as_ref(),
            _ => None,
        };
        match outcome {
            Outcome::Provisioned { id, .. } => {
                self.metrics.created.get_or_create(&group_label(group)).inc();
                let reason = match self.tracks.lock() {
                    Ok(tracks) => match tracks.get(group) {
                        Some(t) if !t.losses.is_empty() => "to replace a lost instance",
                        Some(t) if t.status.as_ref().is_some_and(|s| s.counts.rollout.is_some()) => "rolling update",
                        _ => "to reach the group's size",
                    },
                    Err(_) => "to reach the group's size",
                };
                self.bus.publish(Kind::Created, about(group, Some(id), logical), reason.to_string());
            }
            Outcome::ProvisionFailed { error, .. } => {
                self.metrics.failed.get_or_create(&reason_label(group, "provision")).inc();
                self.bus.publish(Kind::CreateFailed, about(group, None, logical), error.clone());
            }
            Outcome::ProvisionUnknown { error, .. } => {
                self.metrics.failed.get_or_create(&reason_label(group, "provision_unanswered")).inc();
                self.bus.publish(Kind::CreateFailed, about(group, None, logical), error.clone());
            }
            Outcome::Destroyed { id } => {
                let reason = match action {
                    Action::Destroy { reason, .. } => *reason,
                    _ => DestroyReason::ScaleDown,
                };
                self.metrics.destroyed.get_or_create(&reason_label(group, reason_name(reason))).inc();
                self.bus.publish(Kind::Destroyed, about(group, Some(id), None), reason.to_string());
            }
            Outcome::DestroyFailed { id, error } => {
                self.metrics.failed.get_or_create(&reason_label(group, "destroy")).inc();
                self.bus.publish(Kind::DestroyFailed, about(group, Some(id), None), error.clone());
            }
            Outcome::Labeled { .. } => {}
        }
    }

    fn pass(&self, group: &GroupId, took: Duration) {
        self.metrics.pass.get_or_create(&group_label(group)).observe(secs(took));
    }

    fn status(&self, status: &GroupStatus) {
        let group = &status.id;
        let label = group_label(group);
        let c = &status.counts;
        let set = |family: &prometheus_client::metrics::family::Family<GroupLabel, _>, v: u64| {
            let g: &prometheus_client::metrics::gauge::Gauge = &family.get_or_create(&label);
            g.set(i64::try_from(v).unwrap_or(i64::MAX));
        };
        set(&self.metrics.target, c.target);
        set(&self.metrics.current, c.current);
        set(&self.metrics.healthy, c.healthy);
        set(&self.metrics.creating, c.creating);
        set(&self.metrics.destroying, c.destroying);
        let before = {
            let Ok(mut tracks) = self.tracks.lock() else { return };
            let t = tracks.entry(group.clone()).or_default();
            if t.status.as_ref() == Some(status) {
                return;
            }
            t.status.replace(status.clone())
        };
        let before_counts = before.as_ref().map(|s| &s.counts);
        self.rollout_events(group, before_counts.and_then(|b| b.rollout.as_ref()), c.rollout.as_ref());
        if c.converged && !before_counts.is_some_and(|b| b.converged) {
            let reason = format!("{} of {} instances on the current config, nothing in flight", c.current, c.target);
            self.bus.publish(Kind::Converged, about(group, None, None), reason);
        }
        if let Some(error) = &status.error {
            if before.as_ref().and_then(|b| b.error.as_ref()) != Some(error) {
                self.bus.publish(Kind::Error, about(group, None, None), error.clone());
            }
        }
    }

    fn plugin_call(&self, plugin: &Name, method: &'static str, ok: bool, took: Duration) {
        let label = CallLabel {
            plugin: plugin.to_string(),
            method: method.to_string(),
            result: if ok { "ok" } else { "error" }.to_string(),
        };
        self.metrics.calls.get_or_create(&label).observe(secs(took));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Kind;
    use infrakit_spi::instance::Description;
    use std::sync::Arc;

    fn member(id: &str, logical: Option<&str>, health: Health) -> Member {
        Member {
            desc: Arc::new(Description {
                id: Id(id.into()),
                logical_id: logical.map(|l| LogicalId(l.into())),
                tags: Default::default(),
                properties: None,
            }),
            sha: None,
            health,
            first_seen: 0,
            first_listing: 1,
            unhealthy_since: None,
            healthy_since: None,
            healthy_count: 0,
        }
    }

    fn kinds(r: &Recorder) -> Vec<(Kind, Option<String>)> {
        r.bus.latest(100).0.iter().map(|e| (e.kind, e.instance.clone())).collect()
    }

    #[test]
    fn a_destroy_is_no_loss_and_a_pet_is_replaced_by_its_logical_id() {
        let r = Recorder::default();
        let g = GroupId("g".into());
        let (a, b) = (member("a", Some("10.0.0.1"), Health::Healthy), member("b", Some("10.0.0.2"), Health::Healthy));
        r.listed(&g, &[a.clone(), b.clone()], 0);
        // The controller destroys a: no loss.
        r.sending(&g, &Action::Destroy { id: Id("a".into()), reason: DestroyReason::ScaleDown });
        r.listed(&g, std::slice::from_ref(&b), 0);
        assert!(kinds(&r).is_empty(), "{:?}", kinds(&r));
        // b is killed; a new cattle-less pet at another address replaces nothing, the one at b's does.
        r.listed(&g, &[], 0);
        r.listed(&g, &[member("c", Some("10.0.0.9"), Health::Unknown)], 0);
        r.listed(
            &g,
            &[member("c", Some("10.0.0.9"), Health::Unknown), member("d", Some("10.0.0.2"), Health::Unknown)],
            0,
        );
        let seen = kinds(&r);
        assert_eq!(seen, vec![(Kind::Lost, Some("b".into())), (Kind::Replaced, Some("d".into()))]);
        let text = r.metrics.encode();
        assert!(text.contains("infrakit_instances_lost_total{group=\"g\"} 1"), "{text}");
        assert!(text.contains("infrakit_replacement_seconds_count{group=\"g\"} 1"), "{text}");
    }

    #[test]
    fn health_turns_and_an_unhealthy_destroy_are_told() {
        let r = Recorder::default();
        let g = GroupId("g".into());
        r.listed(&g, &[member("a", None, Health::Healthy)], 0);
        r.listed(&g, &[member("a", None, Health::Unhealthy)], 0);
        assert!(r.metrics.encode().contains("infrakit_group_unhealthy{group=\"g\"} 1"));
        r.sending(&g, &Action::Destroy { id: Id("a".into()), reason: DestroyReason::Unhealthy });
        let done = Outcome::Destroyed { id: Id("a".into()) };
        r.finished(
            &g,
            &Action::Destroy { id: Id("a".into()), reason: DestroyReason::Unhealthy },
            &done,
            Duration::ZERO,
        );
        r.listed(&g, &[], 0);
        r.listed(&g, &[member("b", None, Health::Unknown)], 0);
        let seen: Vec<Kind> = kinds(&r).into_iter().map(|(k, _)| k).collect();
        assert_eq!(seen, vec![Kind::Unhealthy, Kind::Destroyed, Kind::Replaced]);
        let text = r.metrics.encode();
        assert!(text.contains("infrakit_instances_destroyed_total{group=\"g\",reason=\"unhealthy\"} 1"), "{text}");
    }
}
