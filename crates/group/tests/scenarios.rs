//! Scenario scripts: given a group, when something happens, then the controller does the right thing.

mod common;

use common::*;
use infrakit_group::rollout::RolloutState;
use infrakit_spi::flavor::Health;

const FAST_HEALTH: &str = r#","Health":{"Grace":"0s","Timeout":"10s","MaxUnhealthy":2}"#;

#[test]
fn heal_a_missing_cattle() {
    // Given a converged group of 3.
    let mut sim = Sim::new(cattle(3, "1", ""));
    sim.run_until_converged(10);
    assert_eq!(sim.instances().len(), 3);
    sim.advance(5_000); // they have run a while: a loss now is not a crash loop
    sim.step();
    // When one instance disappears.
    let victim = sim.ids().into_iter().next().unwrap();
    sim.kill(&victim);
    // Then one pass later there are 3 again, and the victim is not among them.
    sim.step();
    assert_eq!(sim.instances().len(), 3);
    assert!(!sim.ids().contains(&victim));
}

#[test]
fn heal_a_missing_pet_with_its_attachment() {
    let mut sim = Sim::new(pets(&["10.0.0.1", "10.0.0.2", "10.0.0.3"], "1", ""));
    sim.run_until_converged(10);
    sim.advance(5_000);
    sim.step();
    let old = sim.holder_of("10.0.0.2")[0].desc.id.clone();
    sim.kill(&old);
    sim.step();
    let new = sim.holder_of("10.0.0.2");
    assert_eq!(new.len(), 1, "exactly one instance holds the logical ID");
    assert_ne!(new[0].desc.id, old);
    assert_eq!(new[0].attachments[0].id, "vol-10.0.0.2", "the replacement gets the same volume");
}

#[test]
fn replace_an_unhealthy_instance_after_its_timeout() {
    let mut sim = Sim::new(cattle(3, "1", FAST_HEALTH));
    sim.run_until_converged(10);
    let sick = sim.ids().into_iter().next().unwrap();
    sim.health.insert(sick.clone(), Health::Unhealthy);
    sim.step();
    sim.advance(5_000);
    sim.step();
    assert!(sim.ids().contains(&sick), "not before its timeout");
    sim.advance(6_000);
    sim.step();
    sim.step();
    assert!(!sim.ids().contains(&sick), "replaced after its timeout");
    assert_eq!(sim.instances().len(), 3);
}

#[test]
fn max_unhealthy_short_circuits_remediation() {
    let mut sim = Sim::new(cattle(4, "1", r#","Health":{"Grace":"0s","Timeout":"1s","MaxUnhealthy":1}"#));
    sim.run_until_converged(10);
    let before = sim.ids();
    for id in before.iter().take(2) {
        sim.health.insert(id.clone(), Health::Unhealthy);
    }
    for _ in 0..5 {
        sim.advance(2_000);
        sim.step();
    }
    assert_eq!(sim.ids(), before, "nothing is destroyed during an outage");
    let status = sim.recon.status();
    assert!(status.outage);
    assert!(status.notes.iter().any(|n| n.contains("outage")), "{:?}", status.notes);
}

#[test]
fn rolling_update_pauses_on_failure() {
    let mut sim = Sim::new(cattle(4, "1", FAST_HEALTH));
    sim.run_until_converged(10);
    let old_hash = sim.config().hash.clone();
    // When a commit brings a config whose instances are unhealthy.
    sim.commit(cattle(4, "2", FAST_HEALTH));
    let new_hash = sim.config().hash.clone();
    sim.bad_hashes.insert(new_hash.clone());
    for _ in 0..20 {
        sim.advance(1_000);
        sim.step();
    }
    // Then the rollout pauses after the first failure; most old instances are untouched.
    let r = sim.recon.rollout().cloned().expect("rollout kept");
    assert!(matches!(r.state, RolloutState::Paused { .. }), "{:?}", r.state);
    assert!(sim.hashes()[&old_hash] >= 3, "{:?}", sim.hashes());
    assert_eq!(sim.instances().len(), 4);
}

#[test]
fn automatic_rollback() {
    let policy = r#","Health":{"Grace":"0s","Timeout":"2s","MaxUnhealthy":2},"Updating":{"FailureAction":"rollback"}"#;
    let mut sim = Sim::new(cattle(4, "1", policy));
    sim.run_until_converged(10);
    let old_hash = sim.config().hash.clone();
    sim.commit(cattle(4, "2", policy));
    sim.bad_hashes.insert(sim.config().hash.clone());
    for _ in 0..40 {
        sim.advance(1_000);
        sim.step();
    }
    assert_eq!(sim.config().hash, old_hash, "the spec in force is the old one again");
    assert_eq!(sim.hashes().get(&old_hash), Some(&4), "{:?}", sim.hashes());
    assert!(sim.recon.status().converged);
}

#[test]
fn resume_after_restart() {
    let mut sim = Sim::new(cattle(6, "1", ""));
    sim.run_until_converged(10);
    sim.commit(cattle(6, "2", ""));
    let new_hash = sim.config().hash.clone();
    for _ in 0..4 {
        sim.step();
    }
    let done_before = sim.hashes().get(&new_hash).copied().unwrap_or(0);
    assert!(done_before > 0 && done_before < 6, "mid-rollout: {:?}", sim.hashes());
    // The controller restarts: a new reconciler with the stored rollout and the same provider.
    let stored = sim.recon.rollout().cloned().expect("rollout");
    let provider = std::mem::take(&mut sim.provider);
    let mut sim2 = Sim::resume(cattle(6, "2", ""), Some(stored));
    sim2.provider = provider;
    sim2.run_until_converged(50);
    assert_eq!(sim2.hashes().get(&new_hash), Some(&6));
    assert_eq!(sim2.instances().len(), 6, "no duplicates after the restart");
}

#[test]
fn scale_without_roll() {
    let mut sim = Sim::new(cattle(3, "1", ""));
    sim.run_until_converged(10);
    let before = sim.ids();
    sim.commit(cattle(5, "1", ""));
    assert!(sim.recon.rollout().is_none());
    sim.run_until_converged(10);
    assert_eq!(sim.instances().len(), 5);
    assert!(before.is_subset(&sim.ids()), "no existing instance was replaced");
    sim.commit(cattle(2, "1", ""));
    sim.run_until_converged(10);
    assert_eq!(sim.instances().len(), 2);
}

#[test]
fn rolling_update_respects_max_unavailable() {
    let mut sim = Sim::new(cattle(10, "1", r#","Updating":{"MaxUnavailable":3}"#));
    sim.run_until_converged(10);
    sim.commit(cattle(10, "2", r#","Updating":{"MaxUnavailable":3}"#));
    let new_hash = sim.config().hash.clone();
    let mut steps = 0;
    while sim.hashes().get(&new_hash) != Some(&10) && steps < 100 {
        sim.step();
        steps += 1;
        assert!(sim.instances().len() >= 7, "never more than 3 unavailable");
        assert!(sim.instances().len() <= 10);
    }
    assert_eq!(sim.hashes().get(&new_hash), Some(&10));
}

#[test]
fn pets_roll_one_at_a_time_leader_last() {
    let extra = r#","Updating":{"Last":["10.0.0.1"]}"#;
    let mut sim = Sim::new(pets(&["10.0.0.1", "10.0.0.2", "10.0.0.3"], "1", extra));
    sim.run_until_converged(10);
    sim.commit(pets(&["10.0.0.1", "10.0.0.2", "10.0.0.3"], "2", extra));
    let new_hash = sim.config().hash.clone();
    let mut order = Vec::new();
    for _ in 0..40 {
        sim.step();
        assert!(sim.instances().len() >= 2, "one at a time");
        for lid in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
            let holders = sim.holder_of(lid);
            assert!(holders.len() <= 1, "never two instances on {lid}");
            if holders.first().is_some_and(|f| f.desc.tags.get("infrakit.config_sha") == Some(&new_hash))
                && !order.contains(&lid)
            {
                order.push(lid);
            }
        }
    }
    assert_eq!(order.len(), 3);
    assert_eq!(order[2], "10.0.0.1", "the leader's member rolls last: {order:?}");
}

#[test]
fn canary_pauses_until_resumed() {
    let extra = r#","Updating":{"Canary":2}"#;
    let mut sim = Sim::new(cattle(6, "1", extra));
    sim.run_until_converged(10);
    sim.commit(cattle(6, "2", extra));
    let new_hash = sim.config().hash.clone();
    for _ in 0..30 {
        sim.step();
    }
    assert_eq!(sim.hashes().get(&new_hash), Some(&2), "only the canaries: {:?}", sim.hashes());
    let state = sim.recon.rollout().map(|r| r.state.clone());
    assert!(matches!(&state, Some(RolloutState::Paused { reason }) if reason.contains("canary")), "{state:?}");
    // It stays paused: the deadline never turns a waiting canary into a failure.
    sim.advance(3_600_000);
    sim.step();
    assert!(matches!(sim.recon.rollout().map(|r| &r.state), Some(RolloutState::Paused { .. })));
    sim.recon.resume(sim.now).unwrap();
    sim.run_until_converged(60);
    assert_eq!(sim.hashes().get(&new_hash), Some(&6));
}

#[test]
fn bootstrap_instance_is_adopted_without_a_roll() {
    let mut sim = Sim::new(cattle(2, "1", ""));
    let id = infrakit_spi::instance::Id("seed".into());
    let tags = [
        ("infrakit.group".to_string(), "web".to_string()),
        ("infrakit.config_sha".to_string(), "bootstrap".to_string()),
    ];
    sim.provider.insert(
        id.clone(),
        Fake {
            desc: infrakit_spi::instance::Description {
                id: id.clone(),
                logical_id: None,
                tags: tags.into(),
                properties: None,
            },
            visible_at: 0,
            attachments: vec![],
        },
    );
    sim.run_until_converged(10);
    assert!(sim.ids().contains(&id), "the bootstrap instance is kept");
    assert_eq!(sim.provider[&id].desc.tags["infrakit.config_sha"], sim.config().hash);
    assert_eq!(sim.instances().len(), 2);
}

#[test]
fn a_crash_loop_backs_off() {
    // Given a group whose instances die soon after they start (after they were listed once).
    let mut sim = Sim::new(cattle(1, "1", ""));
    let mut creates = 0;
    let mut notes = Vec::new();
    for _ in 0..100 {
        let before = sim.ids();
        sim.step();
        creates += sim.ids().difference(&before).count();
        sim.step();
        notes.extend(sim.recon.status().notes);
        for id in sim.ids() {
            sim.kill(&id);
        }
    }
    // Then over 20 simulated seconds it is re-created a handful of times, not every other pass, and says why.
    assert!(creates < 15, "{creates} creates in 200 passes");
    assert!(notes.iter().any(|n| n.contains("backing off") && n.contains("died")), "{notes:?}");
}

#[test]
fn many_lost_at_once_right_after_converging_are_replaced_at_once() {
    // Given a group of 200 that has just converged (its instances are all young).
    let mut sim = Sim::new(cattle(200, "1", ""));
    sim.step_ms = 1;
    sim.run_until_converged(20);
    // When 20 of them vanish at once (a person deletes them), before they are 2 s old.
    for id in sim.ids().into_iter().take(20) {
        sim.kill(&id);
    }
    // Then the next pass replaces all 20: one wave of losses is not a crash loop.
    sim.step();
    assert_eq!(sim.instances().len(), 200, "{:?}", sim.recon.status());
}

#[test]
fn an_instance_lost_before_it_was_ever_listed_is_replaced_once_the_grace_is_over() {
    // Given a plugin whose listing is read-your-writes (listing grace 0).
    let mut sim = Sim::new(cattle(3, "1", ""));
    sim.recon.set_listing_grace(0);
    sim.step(); // three creates answered, not listed yet
                // When they vanish before any listing showed them.
    for id in sim.ids() {
        sim.kill(&id);
    }
    // Then the listing that follows gives them up (destroyed by ID, confirmed) and replaces them within a few passes,
    // and each pass wakes the loop when a grace expires.
    let wake = sim.recon.plan(sim.now).wake_at;
    assert!(wake.is_some(), "nothing wakes the loop when the grace ends");
    for _ in 0..3 {
        sim.step();
    }
    assert_eq!(sim.instances().len(), 3, "{:?}", sim.recon.status());
}

#[test]
fn a_listing_that_lags_past_the_grace_never_doubles_cattle() {
    // Given a provider whose new instances show in listings only after 25 s, and the default 10 s grace.
    let mut sim = Sim::new(cattle(3, "1", ""));
    sim.faults.list_delay = 250; // steps of 100 ms
    let mut notes = Vec::new();
    for step in 0..1000 {
        sim.step();
        assert!(sim.instances().len() <= 3, "{} alive at step {step}", sim.instances().len());
        notes.extend(sim.recon.status().notes);
    }
    // And it says why it keeps replacing them, and what to do.
    assert!(notes.iter().any(|n| n.contains("set Allocation.ListingGrace")), "{notes:?}");
}

#[test]
fn a_listing_grace_as_long_as_the_lag_converges_without_churn() {
    // Given the same lagging provider, and a group that says its plugin lags up to 30 s.
    let mut sim = Sim::new(spec_json(
        "web",
        r#"{"Allocation":{"Size":3,"ListingGrace":"30s"},"Instance":{"Plugin":"fake","Properties":{}},
            "Flavor":{"Plugin":"fake-flavor","Properties":null}}"#,
    ));
    sim.faults.list_delay = 250;
    let taken = sim.run_until_converged(400);
    assert!(taken < 400, "{:?}", sim.recon.status());
    assert_eq!(sim.provisions(), 3, "each instance created once");
}

#[test]
fn a_listing_that_lags_past_the_grace_never_gives_one_attachment_to_two_pets() {
    let mut sim = Sim::new(pets(&["10.0.0.1", "10.0.0.2"], "1", ""));
    sim.faults.list_delay = 250;
    for step in 0..1000 {
        sim.step();
        for lid in ["10.0.0.1", "10.0.0.2"] {
            assert!(sim.holder_of(lid).len() <= 1, "two instances hold {lid} and its volume at step {step}");
        }
    }
}

#[test]
fn a_huge_shortfall_is_met_in_batches() {
    // Given a group of 100,000 (the largest accepted by default) with nothing yet.
    let mut sim = Sim::new(cattle(100_000, "1", ""));
    sim.faults.provision_delay = 1_000_000; // answers never come back in this test
    sim.step();
    // Then one pass sends a bounded batch, not one action per missing instance.
    let status = sim.recon.status();
    assert!(status.creating > 0 && status.creating <= 1024, "{} creates in one pass", status.creating);
}

#[test]
fn a_new_leader_resumes_the_creates_in_flight_instead_of_creating_twice() {
    // Given a lagging listing and a leader that sent 3 creates that are not listed yet.
    for resume in [true, false] {
        let mut sim = Sim::new(cattle(3, "1", ""));
        sim.faults.list_delay = 30; // 3 s
        sim.step();
        assert_eq!(sim.instances().len(), 3);
        // When it dies and a new leader takes over.
        sim.failover(resume);
        let mut peak = 0;
        for _ in 0..100 {
            sim.step();
            peak = peak.max(sim.instances().len());
        }
        if resume {
            assert_eq!(peak, 3, "the new leader created again what was in flight");
            assert_eq!(sim.provisions(), 3);
        } else {
            assert!(peak > 3, "without the stored intents this scenario doubles (the test would prove nothing)");
        }
    }
}

#[test]
fn an_unanswered_create_of_a_dead_leader_holds_its_pet_slot() {
    // Given a pet whose create was sent (its Provision slow) when the leader died.
    let mut sim = Sim::new(pets(&["10.0.0.1"], "1", ""));
    sim.faults.provision_delay = 5;
    sim.faults.list_delay = 30;
    sim.step();
    sim.failover(true);
    for step in 0..300 {
        sim.step();
        assert!(sim.holder_of("10.0.0.1").len() <= 1, "two holders at step {step}");
    }
    assert_eq!(sim.holder_of("10.0.0.1").len(), 1);
}

/// Previews a commit with `--pretend`'s dry run, then commits it for real: the plan is what was done.
fn pretend_then_commit(sim: &mut Sim, next: infrakit_spi::group::Spec) {
    use infrakit_group::model::DestroyReason;
    let old = sim.config().clone();
    let new = infrakit_group::config::GroupConfig::parse(&next).unwrap();
    let members: Vec<_> = sim.instances().iter().map(|f| f.desc.clone()).collect();
    let before = sim.ids();
    let provisions = sim.provisions();
    let (_, plan) = infrakit_group::explain::explain(Some(&old), &new, &members);
    sim.destroyed.clear();
    sim.commit(next);
    sim.run_until_converged(500);
    let rolled: Vec<_> = sim
        .destroyed
        .iter()
        .filter(|(id, r)| *r == DestroyReason::Rolling && before.contains(id))
        .map(|(id, _)| id.clone())
        .collect();
    let destroyed: Vec<_> = sim
        .destroyed
        .iter()
        .filter(|(id, r)| *r != DestroyReason::Rolling && before.contains(id))
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(plan.roll, rolled, "rolled, in order");
    assert_eq!(plan.destroy, destroyed, "destroyed without replacement");
    let created = sim.provisions() - provisions;
    assert_eq!(plan.create, created.saturating_sub(rolled.len() as u64), "created beyond replacements");
}

#[test]
fn pretend_says_what_the_commit_then_does() {
    // Grow and roll.
    let mut sim = Sim::new(cattle(5, "1", ""));
    sim.run_until_converged(20);
    pretend_then_commit(&mut sim, cattle(8, "2", r#","Updating":{"MaxUnavailable":2}"#));
    // Shrink and roll.
    pretend_then_commit(&mut sim, cattle(3, "3", ""));
    // Only a size change.
    pretend_then_commit(&mut sim, cattle(6, "3", ""));
    // Pets: one logical ID leaves, one comes, the others roll, the leader's last.
    let mut sim = Sim::new(pets(&["10.0.0.1", "10.0.0.2", "10.0.0.3"], "1", ""));
    sim.run_until_converged(20);
    pretend_then_commit(
        &mut sim,
        pets(&["10.0.0.1", "10.0.0.2", "10.0.0.4"], "2", r#","Updating":{"Last":["10.0.0.1"]}"#),
    );
}
