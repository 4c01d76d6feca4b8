//! A deterministic simulation of a group: the real reconciler and planner against a fake provider that can be slow,
//! fail, and lie (list late, lose instances, list duplicates), stepping a manual clock. No sockets, no threads.

#![allow(dead_code)]

pub mod memory;
pub mod state;

use infrakit_group::config::GroupConfig;
use infrakit_group::model::{Action, Outcome};
use infrakit_group::reconciler::Reconciler;
use infrakit_group::rollout::Rollout;
use infrakit_spi::flavor::Health;
use infrakit_spi::group;
use infrakit_spi::hash::{CONFIG_SHA_TAG, GROUP_TAG, LOGICAL_ID_TAG};
use infrakit_spi::instance::{Attachment, Description, Id, LogicalId};
use infrakit_spi::Any;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Faults the fake provider injects.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Every n-th provision fails (0: never).
    pub fail_every: u64,
    /// Every n-th destroy fails (0: never).
    pub fail_destroy_every: u64,
    /// A created instance shows in listings only this many steps' worth of time after it was made.
    pub list_delay: u64,
    /// A provision answers only after this many steps.
    pub provision_delay: u64,
    /// Every n-th listing repeats one instance (0: never).
    pub duplicate_every: u64,
    /// Every n-th step, a random instance vanishes (0: never).
    pub lose_every: u64,
    /// Every n-th provision creates the instance but its answer is lost (a timeout; 0: never).
    pub unknown_every: u64,
    /// Instances whose number is a multiple of this get no health verdict (a hanging or failing check; 0: never).
    pub unknown_health_every: u64,
}

/// One instance in the fake provider.
#[derive(Debug, Clone)]
pub struct Fake {
    pub desc: Description,
    /// When listings start to show it (milliseconds, on the simulation's clock).
    pub visible_at: u64,
    pub attachments: Vec<Attachment>,
}

/// The simulation.
pub struct Sim {
    pub recon: Reconciler,
    pub now: u64,
    pub step_no: u64,
    pub step_ms: u64,
    pub provider: BTreeMap<Id, Fake>,
    pub faults: Faults,
    /// Hashes whose instances the flavor reports unhealthy.
    pub bad_hashes: BTreeSet<String>,
    /// Per-instance health overrides.
    pub health: BTreeMap<Id, Health>,
    /// Provisions waiting to answer: (answer at step, action).
    pending: VecDeque<(u64, Outcome)>,
    pub outcomes: VecDeque<Outcome>,
    next_id: u64,
    provisions: u64,
    destroys: u64,
    listings: u64,
    /// Highest number of instances that existed at once.
    pub peak: usize,
    /// Every destroy that reached the provider for an instance that no longer existed.
    pub stray_destroys: u64,
    /// Scale-down destroys sent while the provider held no more instances than the target: good instances lost.
    pub needless_destroys: u64,
    /// Every destroy sent, with its reason, in order.
    pub destroyed: Vec<(Id, infrakit_group::model::DestroyReason)>,
}

pub fn spec_json(id: &str, props: &str) -> group::Spec {
    group::Spec { id: group::Id(id.into()), properties: Some(Any::from_json(props).expect("test spec")) }
}

/// A cattle group of `size` with instance properties version `v` and extra properties.
pub fn cattle(size: u64, v: &str, extra: &str) -> group::Spec {
    spec_json(
        "web",
        &format!(
            r#"{{"Allocation":{{"Size":{size}}},
               "Instance":{{"Plugin":"fake","Properties":{{"Version":"{v}"}}}},
               "Flavor":{{"Plugin":"fake-flavor","Properties":null}}{extra}}}"#
        ),
    )
}

/// A pets group with one attachment per logical ID.
pub fn pets(ids: &[&str], v: &str, extra: &str) -> group::Spec {
    let list: Vec<String> = ids.iter().map(|i| format!("\"{i}\"")).collect();
    let att: Vec<String> = ids.iter().map(|i| format!(r#""{i}":[{{"ID":"vol-{i}","Type":"volume"}}]"#)).collect();
    spec_json(
        "db",
        &format!(
            r#"{{"Allocation":{{"LogicalIDs":[{}],"Attachments":{{{}}}}},
               "Instance":{{"Plugin":"fake","Properties":{{"Version":"{v}"}}}},
               "Flavor":{{"Plugin":"fake-flavor","Properties":null}}{extra}}}"#,
            list.join(","),
            att.join(",")
        ),
    )
}

impl Sim {
    pub fn new(spec: group::Spec) -> Sim {
        Sim::resume(spec, None)
    }

    pub fn resume(spec: group::Spec, rollout: Option<Rollout>) -> Sim {
        let cfg = GroupConfig::parse(&spec).expect("valid spec");
        Sim {
            recon: Reconciler::new(cfg, rollout),
            now: 1_000_000,
            step_no: 0,
            step_ms: 100,
            provider: BTreeMap::new(),
            faults: Faults::default(),
            bad_hashes: BTreeSet::new(),
            health: BTreeMap::new(),
            pending: VecDeque::new(),
            outcomes: VecDeque::new(),
            next_id: 0,
            provisions: 0,
            destroys: 0,
            listings: 0,
            peak: 0,
            stray_destroys: 0,
            needless_destroys: 0,
            destroyed: Vec::new(),
        }
    }

    pub fn config(&self) -> &GroupConfig {
        self.recon.config()
    }

    /// Applies a new spec, as a commit does.
    pub fn commit(&mut self, spec: group::Spec) {
        let cfg = GroupConfig::parse(&spec).expect("valid spec");
        self.recon.update(cfg, self.now);
    }

    fn listing(&mut self) -> Vec<Description> {
        self.listings += 1;
        let group = self.config().id().0.clone();
        let mut out: Vec<Description> = self
            .provider
            .values()
            .filter(|f| f.visible_at <= self.now && f.desc.tags.get(GROUP_TAG) == Some(&group))
            .map(|f| f.desc.clone())
            .collect();
        if self.faults.duplicate_every > 0 && self.listings.is_multiple_of(self.faults.duplicate_every) {
            if let Some(first) = out.first().cloned() {
                out.push(first);
            }
        }
        out
    }

    fn health_of(&self, d: &Description) -> Health {
        if let Some(h) = self.health.get(&d.id) {
            return *h;
        }
        let n: u64 = d.id.0.trim_start_matches("i-").parse().unwrap_or(0);
        if self.faults.unknown_health_every > 0 && n.is_multiple_of(self.faults.unknown_health_every) {
            return Health::Unknown;
        }
        match d.tags.get(CONFIG_SHA_TAG) {
            Some(h) if self.bad_hashes.contains(h) => Health::Unhealthy,
            _ => Health::Healthy,
        }
    }

    fn provision(&mut self, action: &Action) -> Outcome {
        let Action::Provision { intent, logical_id, attachments } = action else { unreachable!() };
        self.provisions += 1;
        if self.faults.fail_every > 0 && self.provisions.is_multiple_of(self.faults.fail_every) {
            return Outcome::ProvisionFailed { intent: *intent, error: "injected failure".into() };
        }
        self.next_id += 1;
        let id = Id(format!("i-{:05}", self.next_id));
        let cfg = self.config();
        let mut tags: BTreeMap<String, String> =
            [(GROUP_TAG.to_string(), cfg.id().0.clone()), (CONFIG_SHA_TAG.to_string(), cfg.hash.clone())].into();
        if let Some(l) = logical_id {
            tags.insert(LOGICAL_ID_TAG.into(), l.0.clone());
        }
        let desc = Description { id: id.clone(), logical_id: logical_id.clone(), tags, properties: None };
        let visible_at = self.now + self.faults.list_delay * self.step_ms;
        let fake = Fake { desc, visible_at, attachments: attachments.clone() };
        self.provider.insert(id.clone(), fake);
        self.peak = self.peak.max(self.provider.len());
        if self.faults.unknown_every > 0 && self.provisions.is_multiple_of(self.faults.unknown_every) {
            return Outcome::ProvisionUnknown { intent: *intent, error: "injected timeout".into() };
        }
        Outcome::Provisioned { intent: *intent, id }
    }

    fn destroy(&mut self, id: &Id) -> Outcome {
        self.destroys += 1;
        if self.faults.fail_destroy_every > 0 && self.destroys.is_multiple_of(self.faults.fail_destroy_every) {
            return Outcome::DestroyFailed { id: id.clone(), error: "injected failure".into() };
        }
        if self.provider.remove(id).is_none() {
            self.stray_destroys += 1;
        }
        Outcome::Destroyed { id: id.clone() }
    }

    /// One reconcile pass: answer due provisions, list, plan, execute.
    pub fn step(&mut self) {
        self.step_no += 1;
        self.now += self.step_ms;
        if self.faults.lose_every > 0 && self.step_no.is_multiple_of(self.faults.lose_every) {
            if let Some(id) = self.provider.keys().nth((self.step_no as usize) % self.provider.len().max(1)).cloned() {
                self.provider.remove(&id);
            }
        }
        while let Some((due, _)) = self.pending.front() {
            if *due > self.step_no {
                break;
            }
            let (_, outcome) = self.pending.pop_front().expect("front");
            self.recon.complete(&outcome, self.now);
        }
        let listing = self.listing();
        let health: BTreeMap<Id, Health> = listing.iter().map(|d| (d.id.clone(), self.health_of(d))).collect();
        self.recon.observe(self.now, listing, &health);
        let plan = self.recon.plan(self.now);
        if plan.rollback {
            self.recon.rollback(self.now).expect("rollback");
        }
        for action in plan.actions {
            let outcome = match &action {
                Action::Provision { .. } if self.faults.provision_delay > 0 => {
                    // A slow provider: the instance exists (and may be listed) before Provision answers.
                    let outcome = self.provision(&action);
                    self.pending.push_back((self.step_no + self.faults.provision_delay, outcome));
                    continue;
                }
                Action::Provision { .. } => self.provision(&action),
                Action::Destroy { id, reason } => {
                    self.destroyed.push((id.clone(), *reason));
                    if *reason == infrakit_group::model::DestroyReason::ScaleDown
                        && self.provider.len() as u64 <= self.config().target()
                    {
                        self.needless_destroys += 1;
                    }
                    self.destroy(id)
                }
                Action::Label { id, tags } => {
                    if let Some(f) = self.provider.get_mut(id) {
                        f.desc.tags.extend(tags.clone());
                    }
                    Outcome::Labeled { id: id.clone() }
                }
            };
            self.recon.complete(&outcome, self.now);
        }
    }

    /// Steps until converged (or `max` steps); returns the steps taken.
    pub fn run_until_converged(&mut self, max: u64) -> u64 {
        for i in 0..max {
            self.step();
            if self.recon.status().converged {
                return i + 1;
            }
        }
        max
    }

    /// The controller dies and a new one takes over (a failover): answers the old one waited for are lost, the new
    /// one starts from the stored rollout and, with `resume`, from what the old one had recorded in flight.
    pub fn failover(&mut self, resume: bool) {
        let saved = self.recon.ledger().in_flight();
        let rollout = self.recon.rollout().cloned();
        let grace = self.recon.listing_grace();
        let mut next = Reconciler::new(self.config().clone(), rollout).with_listing_grace(grace);
        if resume {
            next.resume_in_flight(saved, self.now, infrakit_group::supervisor::UNANSWERED_HOLD_MS);
        }
        self.recon = next;
        self.pending.clear();
    }

    /// Provisions that reached the provider.
    pub fn provisions(&self) -> u64 {
        self.provisions
    }

    pub fn advance(&mut self, ms: u64) {
        self.now += ms;
    }

    /// The instances of the group in the provider.
    pub fn instances(&self) -> Vec<&Fake> {
        self.provider.values().collect()
    }

    pub fn ids(&self) -> BTreeSet<Id> {
        self.provider.keys().cloned().collect()
    }

    pub fn hashes(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for f in self.provider.values() {
            *out.entry(f.desc.tags.get(CONFIG_SHA_TAG).cloned().unwrap_or_default()).or_insert(0) += 1;
        }
        out
    }

    pub fn holder_of(&self, lid: &str) -> Vec<&Fake> {
        self.provider.values().filter(|f| f.desc.logical_id == Some(LogicalId(lid.into()))).collect()
    }

    /// Removes an instance behind the controller's back (a crash, a deleted file).
    pub fn kill(&mut self, id: &Id) {
        self.provider.remove(id);
    }
}
