//! Properties of the planner and its intent ledger against a fake provider that is slow, fails and lies: over
//! thousands of random cases, the group never holds more than size + maxSurge instances, no instance leaks, and the
//! group converges once the faults stop.

mod common;

use common::*;
use proptest::prelude::*;

fn faults() -> impl Strategy<Value = Faults> {
    (
        0u64..5,
        0u64..5,
        // Listings that lag by a few passes, or by far longer than the 10 s listing grace (steps are 100 ms).
        prop_oneof![3 => 0u64..4, 1 => 90u64..250],
        0u64..4,
        0u64..4,
        prop_oneof![Just(0u64), 7u64..30],
        prop_oneof![Just(0u64), 2u64..5],
        prop_oneof![3 => Just(0u64), 1 => 2u64..6],
    )
        .prop_map(|t| {
            // 1 would fail every call, which no group survives: every other one instead.
            let every = |n: u64| if n == 1 { 2 } else { n };
            Faults {
                fail_every: every(t.0),
                fail_destroy_every: every(t.1),
                list_delay: t.2,
                provision_delay: t.3,
                duplicate_every: t.4,
                lose_every: t.5,
                unknown_health_every: t.6,
                unknown_every: t.7,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn cattle_stay_bounded_and_converge(
        size in 1u64..8,
        new_size in 1u64..8,
        unavailable in 0u64..4,
        surge in 0u64..3,
        roll_at in 5u64..40,
        faults in faults(),
        steps in 20u64..400,
        failovers in proptest::collection::vec(1u64..400, 0..4),
    ) {
        let policy = format!(r#","Updating":{{"MaxUnavailable":{unavailable},"MaxSurge":{surge}}}"#);
        let mut sim = Sim::new(cattle(size, "1", &policy));
        sim.faults = faults;
        if !failovers.is_empty() || sim.faults.unknown_every > 0 {
            // A create whose answer was lost (a timeout, or it died with its leader) has no ID to destroy: it is
            // waited for as long as the plugin's listing grace (10 s, 100 steps) says, plus a margin. A listing that
            // lags longer than its plugin declares can then double it; these are tested with listings within it.
            sim.faults.list_delay = sim.faults.list_delay.min(90);
        }
        let mut limit = size + surge.max(if unavailable == 0 { 0 } else { surge });
        for step in 0..steps {
            if step == roll_at {
                // A new config (a roll) and a new size at once.
                sim.commit(cattle(new_size, "2", &policy));
                limit = limit.max(new_size + surge);
            }
            if failovers.contains(&step) {
                sim.failover(true); // the leader dies; the next resumes from the store
            }
            sim.step();
            prop_assert!(sim.instances().len() as u64 <= limit,
                "{} instances exist, more than size + maxSurge = {limit} (step {step})", sim.instances().len());
            prop_assert_eq!(sim.needless_destroys, 0, "a good instance was destroyed to scale down (step {})", step);
        }
        // The faults stop: the group converges to exactly the spec, nothing leaked.
        sim.faults = Faults::default();
        for _ in 0..5 {
            sim.step(); // answers still in flight arrive, late listings catch up
        }
        sim.advance(60_000); // every back-off has expired
        let target = if steps > roll_at { new_size } else { size };
        let taken = sim.run_until_converged(600);
        prop_assert!(taken < 600, "did not converge: {:?}", sim.recon.status());
        prop_assert_eq!(sim.instances().len() as u64, target);
        let hash = sim.config().hash.clone();
        prop_assert!(sim.instances().iter().all(|f| f.desc.tags.get("infrakit.config_sha") == Some(&hash)));
        prop_assert!(sim.peak as u64 <= limit.max(target));
        for _ in 0..10 {
            sim.step();
        }
        prop_assert_eq!(sim.instances().len() as u64, target, "stays converged");
    }

    #[test]
    fn pets_never_share_a_logical_id_and_converge(
        n in 1usize..5,
        faults in faults(),
        roll_at in 5u64..40,
        steps in 20u64..400,
        failovers in proptest::collection::vec(1u64..400, 0..4),
    ) {
        let ids: Vec<String> = (1..=n).map(|i| format!("10.0.0.{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut sim = Sim::new(pets(&refs, "1", ""));
        sim.faults = faults;
        if !failovers.is_empty() || sim.faults.unknown_every > 0 {
            sim.faults.list_delay = sim.faults.list_delay.min(90); // see cattle_stay_bounded_and_converge
        }
        for step in 0..steps {
            if step == roll_at {
                sim.commit(pets(&refs, "2", ""));
            }
            if failovers.contains(&step) {
                sim.failover(true);
            }
            sim.step();
            for lid in &refs {
                prop_assert!(sim.holder_of(lid).len() <= 1, "two instances hold {lid} at step {step}");
            }
            prop_assert!(sim.instances().len() <= n);
        }
        sim.faults = Faults::default();
        for _ in 0..5 {
            sim.step(); // answers still in flight arrive, late listings catch up
        }
        sim.advance(60_000); // every back-off has expired
        let taken = sim.run_until_converged(600);
        prop_assert!(taken < 600, "did not converge: {:?}", sim.recon.status());
        for lid in &refs {
            let holders = sim.holder_of(lid);
            prop_assert_eq!(holders.len(), 1);
            prop_assert_eq!(&holders[0].attachments[0].id, &format!("vol-{lid}"));
        }
    }
}
