//! The group's state machine, still without I/O: it folds listings and action outcomes into members, the intent
//! ledger and the rollout, and asks the planner what to do next. The supervisor feeds it; tests drive it directly.

use crate::clock::Millis;
use crate::config::GroupConfig;
use crate::model::{Ledger, Member, Outcome};
use crate::plan::{plan, Input, Plan, QuorumState};
use crate::rollout::{Rollout, Start};
use infrakit_spi::flavor::Health;
use infrakit_spi::instance::{Description, Id};
use infrakit_spi::status::Counts;
use infrakit_spi::{Error, Result};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// How many creates may be in flight at once by default (see [`Reconciler::with_max_creates`]).
pub const DEFAULT_MAX_CREATES: u64 = 1024;

/// A rollback that happened: the spec now in force, and the one it replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct RolledBack {
    /// The spec rolled back to (now in force).
    pub to: infrakit_spi::group::Spec,
    /// The spec the rollout was rolling to, abandoned.
    pub from: infrakit_spi::group::Spec,
}

/// The group's state machine.
#[derive(Debug, Clone)]
pub struct Reconciler {
    config: GroupConfig,
    members: Vec<Member>,
    ledger: Ledger,
    rollout: Option<Rollout>,
    last: Plan,
    observed: bool,
    /// Listings folded in so far.
    listings: u64,
    listing_grace: Millis,
    max_creates: u64,
    check_interval: Millis,
    rolled_back: Option<RolledBack>,
    quorum: QuorumState,
    /// The config hashes members carry, each kept once (see [`Member::sha`]).
    shas: Shas,
}

/// Distinct `infrakit.config_sha` values, shared by the members that carry them (a group has one or two at a
/// time); pruned of unused ones when it grows.
#[derive(Debug, Clone, Default)]
struct Shas(Vec<Arc<str>>);

impl Shas {
    fn of(&mut self, desc: &Description) -> Option<Arc<str>> {
        let tag = desc.tags.get(infrakit_spi::hash::CONFIG_SHA_TAG)?;
        if let Some(found) = self.0.iter().find(|s| ***s == **tag) {
            return Some(found.clone());
        }
        if self.0.len() >= 16 {
            self.0.retain(|s| Arc::strong_count(s) > 1);
        }
        let sha: Arc<str> = Arc::from(tag.as_str());
        // Members that each carry another hash (tags set by hand) are not interned: the list stays short.
        if self.0.len() < 16 {
            self.0.push(sha.clone());
        }
        Some(sha)
    }
}

/// Which listed instances' verdicts come from a check since the last listing: only those count towards
/// `Updating.Count`.
#[derive(Debug, Clone, Copy)]
pub enum Checked<'a> {
    /// Every one.
    All,
    /// Those in the set.
    Only(&'a HashSet<Id>),
    /// Those listed for the first time (a flavor whose health is constant: each instance counts as checked when
    /// first listed, and all of them once per health interval).
    New,
}

impl Reconciler {
    /// A reconciler for `config`, resuming `rollout` if one was stored.
    pub fn new(config: GroupConfig, rollout: Option<Rollout>) -> Reconciler {
        Reconciler {
            config,
            members: Vec::new(),
            ledger: Ledger::default(),
            rollout,
            last: Plan::default(),
            observed: false,
            listings: 0,
            listing_grace: crate::model::LISTING_GRACE_MS,
            max_creates: DEFAULT_MAX_CREATES,
            check_interval: 0,
            rolled_back: None,
            shas: Shas::default(),
            quorum: QuorumState::None,
        }
    }

    /// Sets how often instances are health-checked (0, the default: unknown), so a rollout that waits for
    /// `Updating.Count` checks plans again once per check instead of at the next resync.
    pub fn with_check_interval(mut self, ms: Millis) -> Reconciler {
        self.check_interval = ms;
        self
    }

    /// Sets how long a created instance may stay missing from the listing before it is destroyed by ID and
    /// replaced.
    pub fn with_listing_grace(mut self, ms: Millis) -> Reconciler {
        self.listing_grace = ms;
        self
    }

    /// Changes the listing grace (the group's plugin, or its spec, says how consistent its listing is).
    pub fn set_listing_grace(&mut self, ms: Millis) {
        self.listing_grace = ms;
    }

    /// The listing grace in force: the spec's `Allocation.ListingGrace`, else the plugin's (or the default).
    pub fn listing_grace(&self) -> Millis {
        self.config.allocation.listing_grace.map(|d| d.0).unwrap_or(self.listing_grace)
    }

    /// Sets how many creates may be in flight at once.
    pub fn with_max_creates(mut self, n: u64) -> Reconciler {
        self.max_creates = n.max(1);
        self
    }

    /// The spec.
    pub fn config(&self) -> &GroupConfig {
        &self.config
    }

    /// Members as last observed.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Whether the last pass held creates back for the limit on creates in flight ([`Plan::held_back`]): until the
    /// next pass, every create it wanted that is not held back is in flight.
    pub fn creates_held_back(&self) -> bool {
        self.last.held_back
    }

    /// The intent ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Takes over what a previous controller of this group had in flight (see [`Ledger::resume`]): an unanswered
    /// create holds its slot for the listing grace plus `hold`.
    pub fn resume_in_flight(&mut self, saved: crate::model::InFlight, now: Millis, hold: Millis) {
        let grace = self.listing_grace();
        self.ledger.resume(saved, now, grace.saturating_add(hold), &self.config.instance.plugin);
    }

    /// Sets what the flavor says about the group's quorum (see [`QuorumState`]; the default, `None`, sets no
    /// limits). The supervisor sets it before every pass from the checks it runs beside the loop.
    pub fn set_quorum(&mut self, quorum: QuorumState) {
        self.quorum = quorum;
    }

    /// What the flavor last said about the group's quorum.
    pub fn quorum(&self) -> &QuorumState {
        &self.quorum
    }

    /// The rollout, if any.
    pub fn rollout(&self) -> Option<&Rollout> {
        self.rollout.as_ref()
    }

    /// How many listings have been observed (the number of the latest; a member first seen in it has that
    /// `first_listing`).
    pub fn listings(&self) -> u64 {
        self.listings
    }

    /// Folds a fresh listing (started now) and the flavor's health verdicts into the members.
    pub fn observe(&mut self, now: Millis, listing: Vec<Description>, health: &BTreeMap<Id, Health>) {
        self.observe_listing(now, now, listing, health)
    }

    /// Folds a listing that started at `started` and the flavor's health verdicts into the members. Only a create
    /// that answered before the listing started can be judged missing from it.
    pub fn observe_listing(
        &mut self,
        started: Millis,
        now: Millis,
        listing: Vec<Description>,
        health: &BTreeMap<Id, Health>,
    ) {
        self.observe_checked(started, now, listing, health, None)
    }

    /// [`Reconciler::observe_listing`] where `health` may hold remembered verdicts: only the instances in `fresh`
    /// were checked since the last listing, and only their healthy verdicts count towards `Updating.Count`
    /// (`None`: every verdict is fresh).
    pub fn observe_checked(
        &mut self,
        started: Millis,
        now: Millis,
        listing: Vec<Description>,
        health: &BTreeMap<Id, Health>,
        fresh: Option<&HashSet<Id>>,
    ) {
        let checked = fresh.map_or(Checked::All, Checked::Only);
        let listing = listing.into_iter().map(Arc::new).collect();
        self.observe_with(started, now, listing, &|id: &Id| health.get(id).copied(), checked)
    }

    /// [`Reconciler::observe_checked`] with the verdicts looked up through `health` (the supervisor's own map, so
    /// no copy of it is made per pass). Members hold the listed descriptions; one that is the very description a
    /// member held (a shared listing, see `Instance::describe_shared`) is not compared.
    pub fn observe_with(
        &mut self,
        started: Millis,
        now: Millis,
        listing: Vec<Arc<Description>>,
        health: &dyn Fn(&Id) -> Option<Health>,
        checked: Checked<'_>,
    ) {
        // Members are kept sorted by ID; sorting the listing (usually sorted already) lets the two be merged
        // without hashing or copying IDs.
        self.listings += 1;
        let listing_no = self.listings;
        let previous = std::mem::take(&mut self.members);
        let mut listing = listing;
        if !listing.is_sorted_by(|a, b| a.id <= b.id) {
            listing.sort_by(|a, b| a.id.cmp(&b.id));
        }
        let mut prev_iter = previous.into_iter().peekable();
        let mut vanished = Vec::new();
        self.members.reserve(listing.len());
        for desc in listing {
            // The description held is the one listed (a shared listing): the same instance, listed once so far.
            let same = prev_iter.peek().is_some_and(|p| Arc::ptr_eq(&p.desc, &desc));
            if !same {
                while prev_iter.peek().is_some_and(|p| p.desc.id < desc.id) {
                    vanished.extend(prev_iter.next());
                }
                if self.members.last().is_some_and(|m: &Member| m.desc.id == desc.id) {
                    continue; // A provider that lists an instance twice: keep one.
                }
            }
            let prev = match same || prev_iter.peek().is_some_and(|p| p.desc.id == desc.id) {
                true => prev_iter.next(),
                false => None,
            };
            let h = health(&desc.id).unwrap_or_default();
            let checked = match checked {
                Checked::All => true,
                Checked::Only(fresh) => fresh.contains(&desc.id),
                Checked::New => prev.is_none(),
            };
            // The listed description is kept (a plugin that made it anew, such as an index read again, then shares
            // it from the next pass on); its hash is only looked up when it is not the one held.
            let (sha, first_seen, first_listing, unhealthy_since, healthy_since, healthy_count) = match prev {
                Some(p) => {
                    let sha = if Arc::ptr_eq(&p.desc, &desc) { p.sha } else { self.shas.of(&desc) };
                    (sha, p.first_seen, p.first_listing, p.unhealthy_since, p.healthy_since, p.healthy_count)
                }
                None => (self.shas.of(&desc), now, listing_no, None, None, 0),
            };
            let unhealthy_since = match h {
                Health::Unhealthy => Some(unhealthy_since.unwrap_or(now)),
                _ => None,
            };
            let healthy_since = match h {
                Health::Healthy => Some(healthy_since.unwrap_or(now)),
                _ => None,
            };
            let healthy_count = match h {
                Health::Healthy => healthy_count + u64::from(checked),
                _ => 0,
            };
            self.members.push(Member {
                desc,
                sha,
                health: h,
                first_seen,
                first_listing,
                unhealthy_since,
                healthy_since,
                healthy_count,
            });
        }
        vanished.extend(prev_iter);
        for m in vanished {
            let lived = now.saturating_sub(m.first_seen);
            if lived < crate::model::YOUNG_MS && !self.ledger.destroying.contains_key(m.id()) {
                self.ledger.died_young(&m, listing_no, now);
            }
        }
        if !self.ledger.is_empty() {
            // Members are sorted and unique: a lookup is a binary search, no set of every ID is built.
            let members = &self.members;
            let listed = |id: &Id| members.binary_search_by(|m| m.desc.id.cmp(id)).is_ok();
            let grace = self.listing_grace();
            self.ledger.observe(&listed, started, now, grace);
        }
        if !self.observed {
            // A rollout resumed from the store: the time it spent stored is not a lack of progress.
            if let Some(r) = self.rollout.as_mut() {
                r.last_progress = now;
            }
        }
        self.observed = true;
    }

    /// Plans a pass and records every action in the ledger before it is returned for sending.
    pub fn plan(&mut self, now: Millis) -> Plan {
        if !self.observed {
            return Plan::default();
        }
        let mut p = self.plan_once(now);
        if p.rollback {
            // The failure action asks to roll back: the spec before the rollout is put in force and the pass is
            // planned again with it, so nothing of the failed config is sent. Without a known previous spec, the
            // rollout pauses instead of rolling on.
            match self.rollback(now) {
                Ok(_) => {}
                Err(e) => {
                    if let Some(r) = self.rollout.as_mut() {
                        r.pause(format!("rollback asked but impossible: {e}"));
                    }
                }
            }
            p = self.plan_once(now);
            p.rollback = false;
        }
        let members = &self.members;
        let logical_of = |id: &Id| {
            members.binary_search_by(|m| m.desc.id.cmp(id)).ok().and_then(|i| members[i].desc.logical_id.clone())
        };
        for action in &p.actions {
            self.ledger.begin(action, (&self.config.instance.plugin, &self.config.hash), now, logical_of);
        }
        self.rollout = p.rollout.clone();
        self.last = p.clone();
        p
    }

    fn plan_once(&mut self, now: Millis) -> Plan {
        let p = plan(Input {
            config: &self.config,
            members: &self.members,
            ledger: &self.ledger,
            rollout: self.rollout.as_ref(),
            now,
            listing_grace: self.listing_grace(),
            max_creates: self.max_creates,
            check_interval: self.check_interval,
            quorum: &self.quorum,
        });
        // The planner's view of the rollout is kept even when the pass is planned again.
        self.rollout = p.rollout.clone();
        p
    }

    /// The spec put in force by a rollback since the last call, if any (for the spec store).
    pub fn take_rolled_back(&mut self) -> Option<RolledBack> {
        self.rolled_back.take()
    }

    /// Records how an action ended. A create that got no answer keeps its slot for the listing grace plus
    /// [`crate::model::UNANSWERED_HOLD_MS`].
    pub fn complete(&mut self, outcome: &Outcome, now: Millis) {
        let grace = self.listing_grace();
        self.ledger.complete(outcome, now, grace);
    }

    /// Applies a new spec. A changed config hash starts a rollout that remembers the previous spec for rollback;
    /// a size-only change never rolls.
    pub fn update(&mut self, config: GroupConfig, now: Millis) {
        if config.hash != self.config.hash {
            let previous = Some(self.config.spec.clone());
            self.rollout = Some(Rollout::begin(&config, Start::Update { previous }, now));
        }
        self.config = config;
    }

    /// Pauses the rollout.
    pub fn pause(&mut self, reason: &str) -> Result<()> {
        let r = self
            .rollout
            .as_mut()
            .ok_or_else(|| Error::NotFound(format!("group {} has no rollout", self.config.id())))?;
        r.pause(reason.to_string());
        Ok(())
    }

    /// Resumes a paused rollout (and releases a canary's hold).
    pub fn resume(&mut self, now: Millis) -> Result<()> {
        let r = self
            .rollout
            .as_mut()
            .ok_or_else(|| Error::NotFound(format!("group {} has no rollout", self.config.id())))?;
        r.resume(now);
        Ok(())
    }

    /// Rolls back to the spec before the current rollout; returns the spec now in force.
    pub fn rollback(&mut self, now: Millis) -> Result<GroupConfig> {
        let id = self.config.id().clone();
        let r =
            self.rollout.as_ref().ok_or_else(|| Error::NotFound(format!("group {id} has no rollout to roll back")))?;
        let previous = r
            .previous
            .clone()
            .ok_or_else(|| Error::NotFound(format!("group {id}: the spec before this rollout is not known")))?;
        let old = GroupConfig::parse(&previous)?;
        let from = self.config.spec.clone();
        self.rollout = Some(Rollout::begin(&old, Start::Rollback { from: from.clone() }, now));
        self.config = old.clone();
        self.rolled_back = Some(RolledBack { to: old.spec.clone(), from });
        Ok(old)
    }

    /// The group's counts, rollout and notes.
    pub fn status(&self) -> Counts {
        let hash = &self.config.hash;
        let current = self.members.iter().filter(|m| m.hash() == Some(hash.as_str()) || m.is_bootstrap()).count();
        let target = self.config.target();
        let converged = self.observed
            && self.ledger.creating.is_empty()
            && self.ledger.destroying.is_empty()
            && self.rollout.is_none()
            && current as u64 == target
            && self.members.len() as u64 == target
            && !self.last.outage;
        Counts {
            target,
            listed: self.members.len() as u64,
            current: current as u64,
            healthy: self.members.iter().filter(|m| m.health == Health::Healthy).count() as u64,
            creating: self.ledger.creating.len() as u64,
            destroying: self.ledger.destroying.len() as u64,
            converged,
            rollout: self.rollout.as_ref().map(Rollout::summary),
            outage: self.last.outage,
            notes: self.last.notes.iter().map(ToString::to_string).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{cfg, desc};
    use infrakit_spi::hash::CONFIG_SHA_TAG;
    use infrakit_spi::{group, Any};

    fn tagged(id: &str, sha: &str) -> Arc<Description> {
        let mut d = desc(id);
        d.tags.insert(CONFIG_SHA_TAG.to_string(), sha.to_string());
        Arc::new(d)
    }

    fn observe(recon: &mut Reconciler, listing: &[Arc<Description>]) {
        recon.observe_with(0, 0, listing.to_vec(), &|_: &Id| Some(Health::Healthy), Checked::All);
    }

    /// Group `g` with this `Allocation`.
    fn allocated(allocation: &str) -> GroupConfig {
        let props = format!(
            r#"{{"Allocation":{allocation},"Instance":{{"Plugin":"i","Properties":{{}}}},
                "Flavor":{{"Plugin":"f","Properties":{{}}}}}}"#
        );
        let spec = group::Spec { id: group::Id("g".into()), properties: Some(Any::from_json(&props).unwrap()) };
        GroupConfig::parse(&spec).unwrap()
    }

    #[test]
    fn a_pass_says_whether_it_held_creates_back_for_the_limit_in_flight() {
        for (allocation, limit, sent, held) in [
            (r#"{"Size":5}"#, 2, 2, true),
            (r#"{"Size":2}"#, 2, 2, false),
            (r#"{"LogicalIDs":["a","b","c"]}"#, 2, 2, true),
            (r#"{"LogicalIDs":["a","b","c"]}"#, 3, 3, false),
        ] {
            let mut recon = Reconciler::new(allocated(allocation), None).with_max_creates(limit);
            observe(&mut recon, &[]);
            let plan = recon.plan(0);
            assert_eq!(plan.actions.len(), sent, "{allocation}, limit {limit}");
            assert_eq!(recon.creates_held_back(), held, "{allocation}, limit {limit}");
            // The next pass, with those creates still in flight, sends nothing and still holds back the rest.
            assert!(recon.plan(0).actions.is_empty());
            assert_eq!(recon.creates_held_back(), held, "{allocation}, limit {limit}, second pass");
        }
    }

    #[test]
    fn members_hold_the_listed_descriptions_and_their_hash() {
        let mut recon = Reconciler::new((*cfg()).clone(), None);
        let (a, b) = (tagged("a", "one"), tagged("b", "one"));
        observe(&mut recon, &[a.clone(), b.clone()]);
        assert!(Arc::ptr_eq(&recon.members()[0].desc, &a));
        // Both carry one shared hash.
        let (ha, hb) = (recon.members()[0].sha.clone(), recon.members()[1].sha.clone());
        assert!(ha.as_ref().zip(hb.as_ref()).is_some_and(|(x, y)| Arc::ptr_eq(x, y)));
        // An equal description made anew (an index read again) is the one held from now on; a changed one
        // brings its hash.
        let (a2, b2) = (tagged("a", "one"), tagged("b", "two"));
        observe(&mut recon, &[a2.clone(), b2]);
        assert!(Arc::ptr_eq(&recon.members()[0].desc, &a2));
        assert_eq!(recon.members()[0].hash(), Some("one"));
        assert_eq!(recon.members()[1].hash(), Some("two"));
        // Listed twice, kept once; gone, gone.
        observe(&mut recon, &[a2.clone(), a2.clone()]);
        assert_eq!(recon.members().len(), 1);
        observe(&mut recon, &[]);
        assert!(recon.members().is_empty());
        // Hashes set by hand on every instance: each member still has its own, none is lost.
        let many: Vec<Arc<Description>> = (0..40).map(|i| tagged(&format!("m{i:02}"), &format!("h{i}"))).collect();
        observe(&mut recon, &many);
        assert!(recon.members().iter().enumerate().all(|(i, m)| m.hash() == Some(format!("h{i}").as_str())));
    }
}
