//! Quorum groups: when the flavor says it keeps a quorum, the controller replaces one member at a time, waits for
//! the flavor to report the quorum healthy before the next, and rolls the leader's member last.

mod common;

use common::*;
use infrakit_group::model::DestroyReason;
use infrakit_group::plan::QuorumState;
use infrakit_group::quorum::QuorumChecks;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Prepare, Quorum};
use infrakit_spi::hash::CONFIG_SHA_TAG;
use infrakit_spi::instance::{Description, Id, Spec};
use infrakit_spi::Any;
use std::sync::Arc;
use std::time::Duration;

const IDS: [&str; 3] = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
/// A rollout that would take all three at once without a quorum.
const WIDE: &str = r#","Updating":{"MaxUnavailable":3}"#;

/// The instance that holds `lid` now, if one does.
fn holder(sim: &Sim, lid: &str) -> Option<Id> {
    sim.holder_of(lid).first().map(|f| f.desc.id.clone())
}

/// Members down: logical IDs with no instance.
fn down(sim: &Sim) -> usize {
    IDS.iter().filter(|l| sim.holder_of(l).is_empty()).count()
}

/// Steps once with the flavor reporting the quorum `healthy`, led by the member of `leader`.
fn step_with(sim: &mut Sim, healthy: bool, leader: Option<&str>) {
    let leader = leader.and_then(|l| holder(sim, l));
    sim.recon.set_quorum(QuorumState::Quorum(Some(Quorum { healthy, leader })));
    sim.step();
}

fn converged_ensemble(extra: &str) -> Sim {
    let mut sim = Sim::new(pets(&IDS, "1", extra));
    sim.recon.set_quorum(QuorumState::Quorum(Some(Quorum { healthy: true, leader: None })));
    assert!(sim.run_until_converged(20) < 20, "the ensemble converges");
    sim
}

fn rolled(sim: &Sim) -> usize {
    let hash = sim.config().hash.clone();
    sim.instances().iter().filter(|f| f.desc.tags.get(CONFIG_SHA_TAG) == Some(&hash)).count()
}

#[test]
fn a_rollout_replaces_one_member_at_a_time() {
    let mut sim = converged_ensemble(WIDE);
    sim.commit(pets(&IDS, "2", WIDE));
    let mut steps = 0;
    while rolled(&sim) < 3 && steps < 60 {
        step_with(&mut sim, true, None);
        steps += 1;
        assert!(down(&sim) <= 1, "never two members down at once (step {steps})");
        assert!(sim.instances().len() <= 3, "never more than one instance per member");
    }
    assert_eq!(rolled(&sim), 3, "all three rolled within 60 steps");
    let rolling = sim.destroyed.iter().filter(|(_, r)| *r == DestroyReason::Rolling).count();
    assert_eq!(rolling, 3);
}

#[test]
fn a_cattle_quorum_ignores_max_unavailable() {
    // Cattle may lose three at once to a rollout; a quorum of cattle loses one at a time.
    let mut plain = Sim::new(cattle(3, "1", WIDE));
    plain.run_until_converged(20);
    plain.commit(cattle(3, "2", WIDE));
    plain.step();
    assert_eq!(plain.instances().len(), 0, "the control case rolls all at once");

    let mut sim = Sim::new(cattle(3, "1", WIDE));
    sim.recon.set_quorum(QuorumState::Quorum(Some(Quorum { healthy: true, leader: None })));
    sim.run_until_converged(20);
    sim.commit(cattle(3, "2", WIDE));
    let mut steps = 0;
    while rolled(&sim) < 3 && steps < 60 {
        step_with(&mut sim, true, None);
        steps += 1;
        assert!(sim.instances().len() >= 2, "never two members down at once (step {steps})");
    }
    assert_eq!(rolled(&sim), 3);
}

#[test]
fn the_next_replacement_waits_for_a_healthy_quorum() {
    let mut sim = converged_ensemble("");
    sim.commit(pets(&IDS, "2", ""));
    // The first member goes and comes back; the flavor then says the quorum is not healthy yet.
    let mut steps = 0;
    while rolled(&sim) < 1 && steps < 20 {
        step_with(&mut sim, true, None);
        steps += 1;
    }
    assert_eq!(rolled(&sim), 1);
    let before = sim.destroyed.len();
    for _ in 0..30 {
        step_with(&mut sim, false, None);
        assert_eq!(down(&sim), 0, "nothing is taken down while the quorum is unhealthy");
    }
    assert_eq!(sim.destroyed.len(), before, "no destroy while the quorum is unhealthy");
    assert!(sim.recon.status().notes.iter().any(|n| n.contains("the flavor reports the quorum unhealthy")));
    // No verdict for the members listed now (a check failed or timed out) waits too.
    sim.recon.set_quorum(QuorumState::Quorum(None));
    sim.step();
    assert_eq!(sim.destroyed.len(), before);
    // Once healthy, the rollout goes on.
    let mut steps = 0;
    while rolled(&sim) < 3 && steps < 40 {
        step_with(&mut sim, true, None);
        steps += 1;
        assert!(down(&sim) <= 1);
    }
    assert_eq!(rolled(&sim), 3);
}

#[test]
fn a_member_not_healthy_yet_holds_the_next_replacement() {
    let mut sim = converged_ensemble("");
    sim.commit(pets(&IDS, "2", ""));
    let new_hash = sim.config().hash.clone();
    // New members report unknown health (booting): the rollout stops after the first.
    sim.bad_hashes.clear();
    for _ in 0..20 {
        let fresh: Vec<Id> = sim
            .instances()
            .iter()
            .filter(|f| f.desc.tags.get(CONFIG_SHA_TAG) == Some(&new_hash))
            .map(|f| f.desc.id.clone())
            .collect();
        for id in fresh {
            sim.health.insert(id, Health::Unknown);
        }
        step_with(&mut sim, true, None);
        assert!(down(&sim) <= 1);
    }
    assert_eq!(rolled(&sim), 1, "one member replaced, the next waits for it to be healthy");
}

#[test]
fn the_leaders_member_rolls_last() {
    // The flavor says 10.0.0.1's member leads (it would otherwise go first, by ID).
    let mut sim = converged_ensemble("");
    sim.commit(pets(&IDS, "2", ""));
    let new_hash = sim.config().hash.clone();
    let mut order: Vec<&str> = Vec::new();
    for _ in 0..60 {
        step_with(&mut sim, true, Some("10.0.0.1"));
        for lid in IDS {
            let new = sim.holder_of(lid).first().is_some_and(|f| f.desc.tags.get(CONFIG_SHA_TAG) == Some(&new_hash));
            if new && !order.contains(&lid) {
                order.push(lid);
            }
        }
        if order.len() == 3 {
            break;
        }
    }
    assert_eq!(order, ["10.0.0.2", "10.0.0.3", "10.0.0.1"], "the leader's member last");
}

#[test]
fn rolling_waits_for_the_flavors_first_answer() {
    let mut sim = converged_ensemble(WIDE);
    sim.commit(pets(&IDS, "2", WIDE));
    sim.recon.set_quorum(QuorumState::Unknown);
    for _ in 0..5 {
        sim.step();
    }
    assert_eq!(down(&sim), 0, "nothing rolls before the flavor says whether it keeps a quorum");
    assert!(sim.destroyed.is_empty());
}

#[test]
fn unhealthy_members_are_replaced_one_at_a_time() {
    let extra = r#","Health":{"Grace":"0s","Timeout":"1s","MaxUnhealthy":3}"#;
    let mut sim = converged_ensemble(extra);
    let (a, b) = (holder(&sim, "10.0.0.1"), holder(&sim, "10.0.0.2"));
    for id in [a.clone(), b.clone()].into_iter().flatten() {
        sim.health.insert(id, Health::Unhealthy);
    }
    for _ in 0..40 {
        step_with(&mut sim, false, None);
        assert!(down(&sim) <= 1, "one replacement at a time");
    }
    let healed: Vec<&Id> =
        sim.destroyed.iter().filter(|(_, r)| *r == DestroyReason::Unhealthy).map(|(id, _)| id).collect();
    assert_eq!(healed.len(), 2, "both replaced, one after the other: {healed:?}");
    assert!(holder(&sim, "10.0.0.1") != a && holder(&sim, "10.0.0.2") != b);
}

/// Health checks that expire in a second, and enough room that two unhealthy members are no outage.
const HEAL: &str = r#","Health":{"Grace":"0s","Timeout":"1s","MaxUnhealthy":3}"#;

#[test]
fn healing_waits_for_the_last_replacement_to_be_healthy() {
    let mut sim = converged_ensemble(HEAL);
    let (a, b) = (holder(&sim, "10.0.0.1"), holder(&sim, "10.0.0.2"));
    sim.health.insert(a.clone().expect("a"), Health::Unhealthy);
    let mut steps = 0;
    while holder(&sim, "10.0.0.1").is_none_or(|h| Some(&h) == a.as_ref()) && steps < 40 {
        step_with(&mut sim, true, None);
        steps += 1;
    }
    // The replacement is listed but still booting; meanwhile the second member goes unhealthy.
    let fresh = holder(&sim, "10.0.0.1").expect("the first member replaced");
    sim.health.insert(fresh.clone(), Health::Unknown);
    sim.health.insert(b.clone().expect("b"), Health::Unhealthy);
    for _ in 0..30 {
        step_with(&mut sim, true, None);
        assert_eq!(holder(&sim, "10.0.0.2"), b, "the second member stays while the first replacement boots");
    }
    sim.health.insert(fresh, Health::Healthy);
    for _ in 0..30 {
        step_with(&mut sim, true, None);
    }
    assert!(holder(&sim, "10.0.0.2").is_some_and(|h| Some(&h) != b.as_ref()), "then it is replaced");
}

#[test]
fn healing_waits_while_a_member_is_missing() {
    let mut sim = converged_ensemble(HEAL);
    // One member is gone and cannot be created again; another goes unhealthy.
    sim.kill(&holder(&sim, "10.0.0.1").expect("a"));
    sim.faults.fail_every = 1;
    let b = holder(&sim, "10.0.0.2");
    sim.health.insert(b.clone().expect("b"), Health::Unhealthy);
    for _ in 0..30 {
        step_with(&mut sim, true, None);
        assert_eq!(holder(&sim, "10.0.0.2"), b, "no second member goes while one is missing");
    }
}

#[test]
fn healing_keeps_quorum_limits_before_the_flavors_first_answer() {
    let mut sim = converged_ensemble(HEAL);
    sim.recon.set_quorum(QuorumState::Unknown);
    for lid in ["10.0.0.1", "10.0.0.2"] {
        sim.health.insert(holder(&sim, lid).expect("holder"), Health::Unhealthy);
    }
    for _ in 0..30 {
        sim.step();
        assert!(down(&sim) <= 1, "one replacement at a time while the flavor has not answered");
    }
}

#[test]
fn a_cattle_quorum_shrinks_one_at_a_time() {
    let mut sim = Sim::new(cattle(5, "1", ""));
    sim.recon.set_quorum(QuorumState::Quorum(Some(Quorum { healthy: true, leader: None })));
    sim.run_until_converged(20);
    assert_eq!(sim.instances().len(), 5);
    sim.commit(cattle(3, "1", ""));
    let mut steps = 0;
    let mut before = 5;
    while sim.instances().len() > 3 && steps < 20 {
        step_with(&mut sim, true, None);
        steps += 1;
        let now = sim.instances().len();
        assert!(before - now <= 1, "one member at a time (step {steps}: {before} -> {now})");
        before = now;
    }
    assert_eq!(sim.instances().len(), 3);
}

/// A flavor that keeps no quorum, or fails every quorum check (`fail`); it answers after a moment.
struct NoQuorum {
    fail: bool,
}

#[async_trait::async_trait]
impl Flavor for NoQuorum {
    async fn validate(&self, _: Option<&Any>, _: &AllocationMethod) -> infrakit_spi::Result<()> {
        Ok(())
    }
    async fn prepare(&self, request: Prepare<'_>) -> infrakit_spi::Result<Spec> {
        Ok(request.spec)
    }
    async fn healthy(&self, _: Option<&Any>, _: &Description) -> infrakit_spi::Result<Health> {
        Ok(Health::Healthy)
    }
    async fn drain(&self, _: Option<&Any>, _: &Description) -> infrakit_spi::Result<()> {
        Ok(())
    }
    async fn quorum(&self, _: Option<&Any>, _: &[Description]) -> infrakit_spi::Result<Option<Quorum>> {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if self.fail {
            return Err(infrakit_spi::Error::Unavailable("quorum check failed".into()));
        }
        Ok(None)
    }
}

/// Rolls a cattle group of three while its listing changes between every quorum check and its answer (an instance
/// churning beside the group's): with `flavor`, returns the instances rolled and the status notes.
async fn roll_under_churn(flavor: NoQuorum) -> (usize, Vec<String>) {
    let flavor: Arc<dyn Flavor> = Arc::new(flavor);
    let mut checks = QuorumChecks::new(Duration::from_secs(10), Duration::from_millis(10));
    let mut sim = Sim::new(cattle(3, "1", WIDE));
    sim.run_until_converged(20);
    sim.commit(cattle(3, "2", WIDE));
    let cfg = Arc::new(sim.config().clone());
    let listing = |sim: &Sim, n: u64| {
        let mut l: Vec<Description> = sim.instances().iter().map(|f| f.desc.clone()).collect();
        l.push(Description {
            id: Id(format!("churn-{n}")),
            logical_id: None,
            tags: Default::default(),
            properties: None,
        });
        l
    };
    for n in 0..20 {
        checks.check(&flavor, &cfg, &listing(&sim, n));
        // The listing changes before the answer arrives.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let next = listing(&sim, n + 1);
        checks.check(&flavor, &cfg, &next);
        if let Some(v) = checks.next().await {
            checks.record_all(v);
        }
        sim.recon.set_quorum(checks.state(&next, tokio::time::Instant::now()));
        sim.step();
    }
    (rolled(&sim), sim.recon.status().notes.clone())
}

#[tokio::test(start_paused = true)]
async fn churn_never_holds_a_non_quorum_groups_rollout() {
    let (rolled, _) = roll_under_churn(NoQuorum { fail: false }).await;
    assert_eq!(rolled, 3, "the rollout of a group without a quorum is not held by a changing listing");
}

#[tokio::test(start_paused = true)]
async fn a_failing_quorum_check_holds_the_rollout_and_says_why() {
    let (rolled, notes) = roll_under_churn(NoQuorum { fail: true }).await;
    assert_eq!(
        rolled, 0,
        "a flavor that never answered and fails its quorum checks may keep a quorum: nothing is risked"
    );
    assert!(notes.iter().any(|n| n.contains("quorum check fails")), "a note says why: {notes:?}");
}
