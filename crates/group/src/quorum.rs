//! Quorum checks off the reconcile pass, like health checks: each pass asks `Flavor.Quorum` about the instances it
//! listed, the check runs beside the loop (one at a time per group, cut at its timeout), and the pass plans with the
//! latest verdict. A verdict holds only for the instances it was given: once the listing differs (a member gone or
//! new), the planner has no verdict until the flavor has been asked about the new members, so a replacement never
//! follows a verdict taken before the last one. Nor does a verdict hold for ever: one older than the interval is
//! no verdict (a quorum's leader moves by itself, and a rollout that put "the leader" last by a verdict of minutes
//! ago would take down whoever leads now first), so the first pass after a quiet spell asks again before it disrupts.

use crate::config::GroupConfig;
use crate::offpass::Inbox;
use crate::plan::QuorumState;
use infrakit_spi::flavor::{Flavor, Quorum};
use infrakit_spi::instance::{Description, Id};
use std::borrow::Borrow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// An answer as it arrives: the generation of checks, the instances asked about (sorted), and the answer
/// (`Err(Some(error))`: the flavor failed; `Err(None)`: it did not answer in time).
pub type QuorumVerdict = (u64, Vec<Id>, Result<Option<Quorum>, Option<String>>);

/// What the flavor has said of the group's quorum, and the check under way.
pub struct QuorumChecks {
    /// `None` until the flavor first answers (about any instances); then whether it keeps a quorum.
    keeps: Option<bool>,
    /// The flavor has never answered and its latest check failed: no verdict, and no hold for one.
    failing: bool,
    /// The latest failure logged, so each distinct one is logged once.
    logged: Option<String>,
    /// The group's ID, for the log.
    group: String,
    /// The latest verdict and the instances it is for.
    verdict: Option<(Vec<Id>, Option<Quorum>)>,
    /// When the latest verdict arrived: it holds for the planner until the interval is over.
    verdict_at: Option<Instant>,
    /// A pass was told "no verdict" because the one about its instances was too old: the next answer about them is
    /// news even if unchanged.
    refused: AtomicBool,
    /// The instances the latest check asks about: answers about others are dropped.
    asked: Option<Vec<Id>>,
    /// Until when the latest check may still answer (it is then under way).
    in_flight: Option<Instant>,
    /// When the latest check was sent (or will be, when it was delayed).
    last: Option<Instant>,
    timeout: Duration,
    min_interval: Duration,
    /// The check under way and its answers; [`QuorumChecks::forget`] starts a new generation, and answers of an
    /// earlier one (another flavor) are dropped.
    inbox: Inbox<QuorumVerdict>,
}

fn ids_of<D: Borrow<Description>>(listing: &[D]) -> Vec<Id> {
    let mut ids: Vec<Id> = listing.iter().map(|d| d.borrow().id.clone()).collect();
    ids.sort();
    ids.dedup();
    ids
}

impl QuorumChecks {
    /// A check that takes longer than `timeout` gives no verdict; the flavor is asked about the same instances at
    /// most once per `min_interval` (at once about others).
    pub fn new(timeout: Duration, min_interval: Duration) -> QuorumChecks {
        QuorumChecks {
            keeps: None,
            failing: false,
            logged: None,
            group: String::new(),
            verdict: None,
            verdict_at: None,
            refused: AtomicBool::new(false),
            asked: None,
            in_flight: None,
            last: None,
            timeout,
            min_interval,
            inbox: Inbox::new(),
        }
    }

    /// What the planner is told for `listing`, by a pass that began (listing) at `began`: a verdict only about these
    /// instances, and only one younger than the interval then.
    pub fn state<D: Borrow<Description>>(&self, listing: &[D], began: Instant) -> QuorumState {
        match self.keeps {
            None if self.failing => QuorumState::Failing,
            None => QuorumState::Unknown,
            Some(false) => QuorumState::None,
            Some(true) => {
                let ids = ids_of(listing);
                let verdict = self.verdict.as_ref().filter(|(asked, _)| *asked == ids);
                let verdict = match verdict {
                    Some(_) if !self.fresh(began) => {
                        self.refused.store(true, Ordering::Relaxed);
                        None
                    }
                    v => v,
                };
                QuorumState::Quorum(verdict.and_then(|(_, q)| q.clone()))
            }
        }
    }

    /// True while the latest verdict is younger than the interval (at `now`; one that arrived later is fresh).
    fn fresh(&self, now: Instant) -> bool {
        self.verdict_at.is_some_and(|at| now.saturating_duration_since(at) < self.min_interval)
    }

    fn healthy(&self) -> bool {
        self.verdict.as_ref().and_then(|(_, q)| q.as_ref()).is_some_and(|q| q.healthy)
    }

    /// Starts a check of `listing` unless one of the same instances is under way. A healthy quorum is asked about
    /// again once its verdict is older than the interval (the planner no longer takes it); any other verdict is
    /// asked about again once the interval since the last check is over (so a pass follows a quorum that heals).
    /// Returns at once.
    pub fn check<D: Borrow<Description>>(&mut self, flavor: &Arc<dyn Flavor>, cfg: &Arc<GroupConfig>, listing: &[D]) {
        self.inbox.reap();
        self.group.clone_from(&cfg.id().0);
        let now = Instant::now();
        let since = self.last.map(|t| now.saturating_duration_since(t));
        let recent = since.is_some_and(|d| d < self.min_interval) || self.last.is_some_and(|t| t > now);
        // A flavor that said it keeps no quorum is asked again only once the interval is over, and about no
        // instances: whether it keeps one is its own (and its properties'), and a large group's listing is not
        // copied for that question.
        let none_kept = self.keeps == Some(false);
        if recent && none_kept {
            return;
        }
        let ids = if none_kept { Vec::new() } else { ids_of(listing) };
        let same_asked = self.asked.as_ref() == Some(&ids);
        if same_asked && self.in_flight.is_some_and(|until| now < until) {
            return;
        }
        let same = self.verdict.as_ref().is_some_and(|(asked, _)| *asked == ids);
        let delay = match (same, self.healthy()) {
            (true, true) if self.fresh(now) => return,
            (true, false) if recent => self.min_interval.saturating_sub(since.unwrap_or_default()),
            _ => Duration::ZERO,
        };
        self.asked = Some(ids.clone());
        self.in_flight = Some(now + delay + self.timeout * 2);
        self.last = Some(now + delay);
        let listing: Vec<Description> = match none_kept {
            true => Vec::new(),
            false => listing.iter().map(|d| d.borrow().clone()).collect(),
        };
        let (flavor, cfg, timeout) = (flavor.clone(), cfg.clone(), self.timeout);
        self.inbox.spawn(|tx, generation| async move {
            tokio::time::sleep(delay).await;
            let asked = flavor.quorum(cfg.flavor.properties.as_ref(), &listing);
            let answer = match tokio::time::timeout(timeout, asked).await {
                Ok(Ok(q)) => Ok(q),
                Ok(Err(e)) => Err(Some(e.to_string())),
                Err(_) => Err(None),
            };
            let _ = tx.send((generation, ids, answer));
        });
    }

    /// The next answer to arrive.
    pub async fn next(&mut self) -> Option<QuorumVerdict> {
        self.inbox.next().await
    }

    /// Records `verdict` and every other one already arrived; true when a pass should plan with them: what the
    /// planner is told changed, or the quorum is not healthy (the pass asks again once the interval is over).
    pub fn record_all(&mut self, verdict: QuorumVerdict) -> bool {
        let arrived = self.inbox.drain();
        std::iter::once(verdict).chain(arrived).fold(false, |replan, v| self.record(v) | replan)
    }

    /// Records an answer; see [`QuorumChecks::record_all`]. Answers of a former flavor are dropped. Any answer of
    /// the current one says whether it keeps a quorum; only one about the latest check's instances is a verdict
    /// (under churn, the listing may change between a check and its answer).
    pub fn record(&mut self, (generation, ids, answer): QuorumVerdict) -> bool {
        if !self.inbox.is_current(generation) {
            return false;
        }
        let latest = self.asked.as_ref() == Some(&ids);
        let now = Instant::now();
        // A verdict a pass was refused (too old) is news when it comes again, even unchanged.
        let renewed = latest && self.refused.swap(false, Ordering::Relaxed);
        if latest {
            self.in_flight = None;
            self.verdict_at = Some(now);
        }
        let before = (self.keeps, self.failing, self.verdict.clone());
        match answer {
            Ok(q) => {
                self.keeps = Some(q.is_some());
                self.failing = false;
                self.logged = None;
                // "No quorum" is about no instances in particular: the same answer about others is no news.
                if latest {
                    self.verdict = Some((if q.is_some() { ids } else { Vec::new() }, q));
                }
            }
            // A failure is no verdict; whether the flavor keeps a quorum stays as it was (a flavor that never
            // answered and fails is not waited for).
            Err(error) => {
                let failed = error.is_some();
                let error = error.unwrap_or_else(|| format!("no answer within {:?}", self.timeout));
                if self.logged.as_ref() != Some(&error) {
                    tracing::warn!(group = %self.group, error = %error, "quorum check failed");
                    self.logged = Some(error);
                }
                if self.keeps.is_none() && failed {
                    self.failing = true;
                }
                if latest {
                    self.verdict = Some((ids, None));
                }
            }
        }
        let changed = before != (self.keeps, self.failing, self.verdict.clone());
        if changed {
            tracing::debug!(group = %self.group, verdict = ?self.verdict, "quorum verdict");
        }
        changed || (latest && self.keeps != Some(false) && (renewed || !self.healthy()))
    }

    /// Forgets every answer and the check under way (the flavor changed).
    pub fn forget(&mut self) {
        self.inbox.forget();
        self.keeps = None;
        self.failing = false;
        self.logged = None;
        self.verdict = None;
        self.verdict_at = None;
        self.asked = None;
        self.in_flight = None;
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{cfg, desc, Answers, Fake, Plain};
    use async_trait::async_trait;
    use infrakit_spi::Result;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Keeps a quorum led by the first instance asked about, healthy from the second answer on; asked about an
    /// empty listing, it hangs.
    #[derive(Default)]
    struct Ensemble(AtomicU64);

    #[async_trait]
    impl Answers for Ensemble {
        async fn quorum(&self, instances: &[Description]) -> Result<Option<Quorum>> {
            if instances.is_empty() {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Some(Quorum { healthy: n > 0, leader: instances.first().map(|d| d.id.clone()) }))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_verdict_holds_only_for_the_instances_it_was_given() {
        let flavor: Arc<dyn Flavor> = Arc::new(Fake(Ensemble::default()));
        let mut checks = QuorumChecks::new(Duration::from_secs(10), Duration::from_secs(1));
        let listing = vec![desc("a"), desc("b")];
        assert_eq!(checks.state(&listing, Instant::now()), QuorumState::Unknown);
        checks.check(&flavor, &cfg(), &listing);
        let v = checks.next().await.expect("answer");
        assert!(checks.record_all(v), "the first answer changes what the planner is told");
        let unhealthy = Quorum { healthy: false, leader: Some(Id("a".into())) };
        assert_eq!(checks.state(&listing, Instant::now()), QuorumState::Quorum(Some(unhealthy)));
        // Asked again within the interval about the same instances: an unhealthy quorum is asked again once the
        // interval is over, not before.
        checks.check(&flavor, &cfg(), &listing);
        assert!(tokio::time::timeout(Duration::from_millis(500), checks.next()).await.is_err());
        let v = checks.next().await.expect("answer after the interval");
        assert!(checks.record_all(v));
        let healthy = Quorum { healthy: true, leader: Some(Id("a".into())) };
        assert_eq!(checks.state(&listing, Instant::now()), QuorumState::Quorum(Some(healthy.clone())));
        // A healthy quorum is not asked about again within the interval.
        checks.check(&flavor, &cfg(), &listing);
        assert!(tokio::time::timeout(Duration::from_millis(500), checks.next()).await.is_err());
        // Another member set: no verdict until it is asked about, and it is asked at once.
        let other = vec![desc("a"), desc("c")];
        assert_eq!(checks.state(&other, Instant::now()), QuorumState::Quorum(None));
        checks.check(&flavor, &cfg(), &other);
        let v = checks.next().await.expect("answer");
        assert!(checks.record_all(v));
        assert_eq!(checks.state(&other, Instant::now()), QuorumState::Quorum(Some(healthy.clone())));
        assert_eq!(checks.state(&listing, Instant::now()), QuorumState::Quorum(None));
        // A verdict holds for the interval only: then it is no verdict until the flavor has been asked again, and
        // the same answer is news (the pass that waited for it may disrupt now).
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(
            checks.state(&other, Instant::now()),
            QuorumState::Quorum(None),
            "a verdict older than the interval"
        );
        checks.check(&flavor, &cfg(), &other);
        let v = checks.next().await.expect("answer");
        assert!(checks.record_all(v), "a renewed verdict, though unchanged, plans a pass");
        assert_eq!(checks.state(&other, Instant::now()), QuorumState::Quorum(Some(healthy.clone())));
        // That pass asks nothing more: its verdict is fresh.
        checks.check(&flavor, &cfg(), &other);
        assert!(tokio::time::timeout(Duration::from_millis(500), checks.next()).await.is_err());
        // A pass begins and lists for over a second, while the verdict goes stale and is renewed: an unchanged
        // verdict no pass was refused plans nothing (passes do not feed themselves), and the pass, judged by when
        // it began, takes it.
        let began = Instant::now();
        tokio::time::sleep(Duration::from_secs(1)).await;
        checks.check(&flavor, &cfg(), &other);
        let v = checks.next().await.expect("answer");
        assert!(!checks.record_all(v), "an unchanged verdict nobody waited for");
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(checks.state(&other, began), QuorumState::Quorum(Some(healthy)));
        assert_eq!(checks.state(&other, Instant::now()), QuorumState::Quorum(None), "stale for a pass begun now");
    }

    #[tokio::test(start_paused = true)]
    async fn a_hanging_check_times_out_as_no_verdict_and_a_plain_flavor_keeps_none() {
        let flavor: Arc<dyn Flavor> = Arc::new(Fake(Ensemble::default()));
        let mut checks = QuorumChecks::new(Duration::from_secs(10), Duration::from_secs(1));
        checks.check::<Description>(&flavor, &cfg(), &[]);
        let v = checks.next().await.expect("answer");
        assert!(v.2.is_err());
        assert!(checks.record_all(v), "no verdict: plan (and ask) again");
        assert_eq!(checks.state::<Description>(&[], Instant::now()), QuorumState::Unknown);

        let plain: Arc<dyn Flavor> = Arc::new(Fake(Plain));
        checks.forget();
        checks.check(&plain, &cfg(), &[desc("a")]);
        let v = checks.next().await.expect("answer");
        assert!(checks.record_all(v));
        assert_eq!(checks.state(&[desc("a")], Instant::now()), QuorumState::None);
        // Not asked again within the interval; after it, the same answer is no news.
        checks.check(&plain, &cfg(), &[desc("b")]);
        assert!(tokio::time::timeout(Duration::from_millis(500), checks.next()).await.is_err());
        tokio::time::sleep(Duration::from_secs(1)).await;
        checks.check(&plain, &cfg(), &[desc("a")]);
        let v = checks.next().await.expect("answer");
        assert!(!checks.record_all(v));
    }

    /// Keeps no quorum; records how many instances it was asked about.
    #[derive(Default)]
    struct Asked(std::sync::Mutex<Vec<usize>>);

    #[async_trait]
    impl Answers for Asked {
        async fn quorum(&self, instances: &[Description]) -> Result<Option<Quorum>> {
            self.0.lock().map(|mut a| a.push(instances.len())).ok();
            Ok(None)
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_flavor_that_keeps_no_quorum_is_asked_again_about_no_instances() {
        let asked = Arc::new(Fake(Asked::default()));
        let flavor: Arc<dyn Flavor> = asked.clone();
        let mut checks = QuorumChecks::new(Duration::from_secs(10), Duration::from_secs(1));
        let listing = vec![desc("a"), desc("b"), desc("c")];
        for _ in 0..3 {
            checks.check(&flavor, &cfg(), &listing);
            let v = checks.next().await.expect("answer");
            checks.record_all(v);
            assert_eq!(checks.state(&listing, Instant::now()), QuorumState::None);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        // The first question names the instances; once it said it keeps none, the listing is not copied again.
        assert_eq!(asked.0 .0.lock().map(|a| a.clone()).unwrap_or_default(), vec![3, 0, 0]);
    }
}
