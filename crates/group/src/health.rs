//! Health checks off the reconcile pass: each pass asks for the instances it listed, checks run concurrently
//! (at most `limit` at once for the group, each cut at its timeout), and the pass plans with the latest verdicts it
//! has. A slow or hanging `Flavor.Healthy` therefore never holds up a pass: a missing instance is replaced whatever
//! the checks are doing. An instance is checked at most once per `min_interval`, so verdicts that wake passes
//! cannot make passes start checks without end.

use crate::config::GroupConfig;
use crate::offpass::Inbox;
use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;
use infrakit_spi::flavor::{Flavor, Health};
use infrakit_spi::instance::{Description, Id};
use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// A verdict as it arrives: the instance, its health, and the generation of checks it belongs to.
pub type Verdict = (Id, Health, u64);

/// The latest verdict of each listed instance and the checks under way.
pub struct HealthChecks {
    verdicts: HashMap<Id, Health>,
    /// Instances whose check is under way, with when it started.
    in_flight: HashMap<Id, Instant>,
    /// When each instance's last check started.
    last: HashMap<Id, Instant>,
    /// Verdicts that arrived since the last [`HealthChecks::take_fresh`].
    fresh: HashSet<Id>,
    /// When [`HealthChecks::check_sweeping`] next looks at every instance (before then, only at new ones).
    next_sweep: Option<Instant>,
    limit: Arc<Semaphore>,
    timeout: Duration,
    min_interval: Duration,
    /// The checks under way and their verdicts; [`HealthChecks::forget`] starts a new generation, and verdicts of
    /// an earlier one (another flavor) are dropped.
    inbox: Inbox<Verdict>,
}

impl HealthChecks {
    /// At most `limit` checks at once; a check that takes longer than `timeout` says `Unknown`; an instance is
    /// checked at most once per `min_interval`.
    pub fn new(limit: usize, timeout: Duration, min_interval: Duration) -> HealthChecks {
        HealthChecks {
            verdicts: HashMap::new(),
            in_flight: HashMap::new(),
            last: HashMap::new(),
            fresh: HashSet::new(),
            next_sweep: None,
            limit: Arc::new(Semaphore::new(limit.max(1))),
            timeout,
            min_interval,
            inbox: Inbox::new(),
        }
    }

    /// The latest verdicts for `listing` (`Unknown` where no check has answered yet); what is known of instances
    /// no longer listed is forgotten.
    pub fn verdicts(&mut self, listing: &[Description]) -> BTreeMap<Id, Health> {
        self.forget_unlisted(listing);
        listing.iter().filter_map(|d| self.verdicts.get(&d.id).map(|h| (d.id.clone(), *h))).collect()
    }

    /// The latest verdict about `id`, if a check has answered.
    pub fn verdict(&self, id: &Id) -> Option<Health> {
        self.verdicts.get(id).copied()
    }

    /// Forgets what is known of instances `listing` no longer holds.
    pub fn forget_unlisted<D: Borrow<Description>>(&mut self, listing: &[D]) {
        if self.last.len() > listing.len() {
            let listed: HashSet<&Id> = listing.iter().map(|d| &d.borrow().id).collect();
            self.verdicts.retain(|id, _| listed.contains(id));
            self.last.retain(|id, _| listed.contains(id));
        }
    }

    /// The instances whose verdict arrived since the last call (a check, not a remembered verdict).
    pub fn take_fresh(&mut self) -> HashSet<Id> {
        std::mem::take(&mut self.fresh)
    }

    /// True when the next [`HealthChecks::check_sweeping`] looks at every instance.
    pub fn sweep_due(&self) -> bool {
        self.next_sweep.is_none_or(|t| Instant::now() >= t)
    }

    /// With `sweep` (decided by [`HealthChecks::sweep_due`]), [`HealthChecks::check`] of every instance of `all`
    /// not checked within half the minimum interval (so one first checked between sweeps is not skipped until the
    /// sweep after); without, of only the instances of `new` (first listed just now). A busy group's passes then do
    /// not each look at every instance to find the few whose check is due.
    pub fn check_sweeping<D>(
        &mut self,
        flavor: &Arc<dyn Flavor>,
        cfg: &Arc<GroupConfig>,
        sweep: bool,
        all: &[D],
        new: &[D],
    ) where
        D: Borrow<Description> + Clone + Send + Sync + 'static,
    {
        if sweep {
            self.next_sweep = Some(Instant::now() + self.min_interval);
        }
        if flavor.constant_health().is_some() {
            return; // Nothing to ask: the pass takes the flavor's word for every instance.
        }
        if sweep {
            self.check_aged(flavor, cfg, all, self.min_interval / 2);
        } else if !new.is_empty() {
            self.check_aged(flavor, cfg, new, self.min_interval);
        }
    }

    /// Starts a check of every instance of `listing` that has none under way and was not checked within the
    /// minimum interval. Returns at once. The checks of one call run in one task (no task per instance), at most
    /// the group's limit at once across calls.
    pub fn check<D>(&mut self, flavor: &Arc<dyn Flavor>, cfg: &Arc<GroupConfig>, listing: &[D])
    where
        D: Borrow<Description> + Clone + Send + Sync + 'static,
    {
        self.check_aged(flavor, cfg, listing, self.min_interval);
    }

    /// [`HealthChecks::check`] of the instances whose last check started at least `min_age` ago.
    fn check_aged<D>(&mut self, flavor: &Arc<dyn Flavor>, cfg: &Arc<GroupConfig>, listing: &[D], min_age: Duration)
    where
        D: Borrow<Description> + Clone + Send + Sync + 'static,
    {
        self.inbox.reap();
        let now = Instant::now();
        let mut batch = Vec::new();
        for item in listing {
            let d = item.borrow();
            let due = self.last.get(&d.id).is_none_or(|t| now.duration_since(*t) >= min_age);
            // A check that outlived its timeout by far (its task is gone) does not block the next one.
            let stuck = self.in_flight.get(&d.id).is_some_and(|t| now.duration_since(*t) > self.timeout * 2);
            if due && (stuck || !self.in_flight.contains_key(&d.id)) {
                self.in_flight.insert(d.id.clone(), now);
                self.last.insert(d.id.clone(), now);
                batch.push(item.clone());
            }
        }
        if batch.is_empty() {
            return;
        }
        let (flavor, cfg, limit, timeout) = (flavor.clone(), cfg.clone(), self.limit.clone(), self.timeout);
        self.inbox.spawn(|tx, generation| async move {
            let mut running = FuturesUnordered::new();
            let mut waiting = batch.into_iter();
            loop {
                tokio::select! {
                    biased;
                    Some((id, health)) = running.next(), if !running.is_empty() => {
                        let _ = tx.send((id, health, generation));
                    }
                    permit = limit.clone().acquire_owned(), if waiting.len() > 0 => {
                        let (Ok(permit), Some(d)) = (permit, waiting.next()) else { return };
                        let (flavor, cfg) = (flavor.clone(), cfg.clone());
                        running.push(async move {
                            let _permit = permit;
                            let d: &Description = d.borrow();
                            // A flavor that errs, panics or does not answer in time says nothing: the instance's
                            // health is unknown (and it can be checked again).
                            let asked = tokio::time::timeout(timeout, flavor.healthy(cfg.flavor.properties.as_ref(), d));
                            let health = match AssertUnwindSafe(asked).catch_unwind().await {
                                Ok(Ok(Ok(h))) => h,
                                _ => Health::Unknown,
                            };
                            (d.id.clone(), health)
                        });
                    }
                    else => break,
                }
            }
        });
    }

    /// The next verdict to arrive.
    pub async fn next(&mut self) -> Option<Verdict> {
        self.inbox.next().await
    }

    /// Records `verdict` and every other one already arrived; true when any differs from the one known (a pass
    /// should plan with it).
    pub fn record_all(&mut self, verdict: Verdict) -> bool {
        let arrived = self.inbox.drain();
        std::iter::once(verdict).chain(arrived).fold(false, |changed, v| self.record(v) | changed)
    }

    /// Records a verdict; true when it differs from the one known.
    pub fn record(&mut self, (id, health, generation): Verdict) -> bool {
        if !self.inbox.is_current(generation) {
            return false;
        }
        self.in_flight.remove(&id);
        self.fresh.insert(id.clone());
        self.verdicts.insert(id, health) != Some(health)
    }

    /// Forgets every verdict and every check under way (the flavor changed).
    pub fn forget(&mut self) {
        self.inbox.forget();
        self.verdicts.clear();
        self.in_flight.clear();
        self.last.clear();
        self.fresh.clear();
        self.next_sweep = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{cfg, desc, Answers, Fake};
    use async_trait::async_trait;
    use infrakit_spi::Result;

    /// Healthy after a long wait, except `fast`, which answers at once, and `panics`.
    struct Slow;

    #[async_trait]
    impl Answers for Slow {
        async fn healthy(&self, d: &Description) -> Result<Health> {
            match d.id.0.as_str() {
                "fast" => {}
                "panics" => panic!("a flavor that panics"),
                _ => tokio::time::sleep(Duration::from_secs(3600)).await,
            }
            Ok(Health::Healthy)
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_hanging_check_holds_up_nothing_and_times_out_as_unknown() {
        let flavor: Arc<dyn Flavor> = Arc::new(Fake(Slow));
        let mut checks = HealthChecks::new(1, Duration::from_secs(10), Duration::ZERO);
        let listing = vec![desc("hangs"), desc("fast")];
        checks.check(&flavor, &cfg(), &listing);
        // Returned at once; nothing is known yet.
        assert!(checks.verdicts(&listing).is_empty());
        // With one check at a time, the hanging one answers Unknown at its timeout, then the fast one answers.
        let first = checks.next().await.expect("verdict");
        assert_eq!((first.0.clone(), first.1), (Id("hangs".into()), Health::Unknown));
        assert!(checks.record(first));
        let second = checks.next().await.expect("verdict");
        assert_eq!((second.0.clone(), second.1), (Id("fast".into()), Health::Healthy));
        assert!(checks.record(second.clone()));
        // The same verdict again is no news.
        assert!(!checks.record(second));
        assert_eq!(checks.verdicts(&listing).len(), 2);
        assert_eq!(checks.take_fresh().len(), 2);
        assert!(checks.take_fresh().is_empty());
        // An instance no longer listed is forgotten.
        assert_eq!(checks.verdicts(&listing[1..]).len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_check_under_way_or_too_recent_is_not_started_again() {
        let flavor: Arc<dyn Flavor> = Arc::new(Fake(Slow));
        let mut checks = HealthChecks::new(4, Duration::from_secs(10), Duration::from_secs(1));
        let listing = vec![desc("hangs")];
        checks.check(&flavor, &cfg(), &listing);
        checks.check(&flavor, &cfg(), &listing);
        let first = checks.next().await.expect("verdict");
        checks.record(first);
        let again = tokio::time::timeout(Duration::from_secs(60), checks.next()).await;
        assert!(again.is_err(), "a second check was started: {again:?}");
        // A fast instance checked twice within the interval is asked once.
        let fast = vec![desc("fast")];
        checks.check(&flavor, &cfg(), &fast);
        let v = checks.next().await.expect("verdict");
        checks.record(v);
        checks.check(&flavor, &cfg(), &fast);
        assert!(tokio::time::timeout(Duration::from_millis(500), checks.next()).await.is_err());
        tokio::time::sleep(Duration::from_secs(1)).await;
        checks.check(&flavor, &cfg(), &fast);
        assert!(checks.next().await.is_some(), "checked again after the interval");
    }

    #[tokio::test(start_paused = true)]
    async fn the_bound_holds_across_passes_and_a_panicking_check_says_unknown() {
        let flavor: Arc<dyn Flavor> = Arc::new(Fake(Slow));
        let mut checks = HealthChecks::new(2, Duration::from_secs(10), Duration::ZERO);
        checks.check(&flavor, &cfg(), &[desc("a"), desc("b")]);
        checks.check(&flavor, &cfg(), &[desc("c"), desc("panics")]);
        // Two hang: the other two wait for a permit, not beside them.
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(checks.limit.available_permits(), 0);
        let mut got = Vec::new();
        for _ in 0..4 {
            let v = checks.next().await.expect("verdict");
            got.push((v.0 .0.clone(), v.1));
        }
        assert!(got.contains(&("panics".to_string(), Health::Unknown)), "{got:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn verdicts_of_a_former_flavor_are_dropped() {
        let flavor: Arc<dyn Flavor> = Arc::new(Fake(Slow));
        let mut checks = HealthChecks::new(2, Duration::from_secs(10), Duration::ZERO);
        checks.check(&flavor, &cfg(), &[desc("fast")]);
        let v = checks.next().await.expect("verdict");
        checks.forget();
        assert!(!checks.record(v));
        assert!(checks.verdicts(&[desc("fast")]).is_empty());
    }
}
