//! Quorum groups: when the flavor says it keeps a quorum, the controller replaces one member at a time, waits for
//! the flavor to report the quorum healthy before the next, and rolls the leader's member last.

mod common;

use common::*;
use infrakit_group::model::DestroyReason;
use infrakit_group::plan::QuorumState;
use infrakit_spi::flavor::{Health, Quorum};
use infrakit_spi::hash::CONFIG_SHA_TAG;
use infrakit_spi::instance::Id;

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
