//! A runaway Init template (three nested `range until 100000`) fails Prepare with an error naming the budget,
//! renders off the async runtime (the flavor keeps answering meanwhile), and stops when its caller goes away.

use std::time::{Duration, Instant};

use infrakit_flavor_vanilla::{RenderBudget, VanillaFlavor};
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Index, Prepare};
use infrakit_spi::instance::{Description, Spec};
use infrakit_spi::Any;

/// 10^15 iterations: never finishes unless a budget stops it.
const RUNAWAY: &str =
    "{{ range until 100000 }}{{ range until 100000 }}{{ range until 100000 }}x{{ end }}{{ end }}{{ end }}";

/// Generous bounds: the point is that nothing hangs, not how fast a busy machine is.
const GENEROUS: Duration = Duration::from_secs(60);

fn runaway_properties() -> Any {
    Any::from_json(&serde_json::json!({ "Init": ["#!/bin/sh", RUNAWAY] }).to_string()).unwrap()
}

/// Prepare with `properties`, failing the test if it does not end within [`GENEROUS`].
async fn prepare(flavor: &dyn Flavor, properties: &Any) -> infrakit_spi::Result<Spec> {
    let (alloc, index) = (AllocationMethod::default(), Index::default());
    let prepare = flavor.prepare(Prepare {
        properties: Some(properties),
        spec: Spec::default(),
        allocation: &alloc,
        index: &index,
    });
    tokio::time::timeout(GENEROUS, prepare).await.expect("Prepare hung")
}

#[tokio::test]
async fn runaway_init_fails_prepare_with_the_budget_named() {
    let err = prepare(&VanillaFlavor::default(), &runaway_properties()).await.unwrap_err().to_string();
    assert!(err.contains("Properties.Init"), "{err}");
    // The step budget, unless the machine is so slow that the 10 s time limit comes first.
    assert!(
        err.contains("step budget of 10000000 steps (Options.max_steps)")
            || err.contains("time limit of 10s (Options.time_limit)"),
        "{err}"
    );
}

#[tokio::test]
async fn the_budget_set_on_the_flavor_is_named_in_the_error() {
    let small = VanillaFlavor::with_budget(RenderBudget { max_steps: 5000, time_limit: None });
    let err = prepare(&small, &runaway_properties()).await.unwrap_err().to_string();
    assert!(err.contains("Properties.Init") && err.contains("step budget of 5000 steps"), "{err}");

    let no_time = VanillaFlavor::with_budget(RenderBudget { max_steps: u64::MAX, time_limit: Some(Duration::ZERO) });
    let err = prepare(&no_time, &runaway_properties()).await.unwrap_err().to_string();
    assert!(err.contains("Properties.Init") && err.contains("time limit of 0ns"), "{err}");

    // A template within the budget still renders.
    let ok = Any::from_json(r#"{"Init":["{{ range until 3 }}{{ . }}{{ end }}"]}"#).unwrap();
    assert_eq!(prepare(&small, &ok).await.unwrap().init, "012");
}

/// On a single-threaded runtime, a render on the runtime's thread would keep every other call waiting until it
/// ended. With a budget too large to run out during the test, other calls on the same flavor answer while the
/// render runs; dropping the runtime (what a SIGTERM'd process does) stops the render instead of waiting for it.
#[test]
fn the_flavor_answers_while_a_runaway_init_renders_and_shutdown_stops_it() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // Ten minutes and no step budget: only cancellation can stop this render within the test.
    let budget = RenderBudget { max_steps: u64::MAX, time_limit: Some(Duration::from_secs(600)) };
    let flavor = VanillaFlavor::with_budget(budget);
    let props = runaway_properties();
    let busy = flavor.clone();
    let rendering = rt.spawn(async move { busy.prepare(Prepare::lone(Some(&props), Spec::default())).await });
    rt.block_on(async {
        // Let the spawned Prepare start its render (it runs until it awaits the blocking pool).
        tokio::time::sleep(Duration::from_millis(100)).await;
        let calls = async {
            let alloc = AllocationMethod::default();
            flavor.validate(Some(&runaway_properties()), &alloc).await.unwrap();
            assert_eq!(flavor.healthy(None, &Description::default()).await.unwrap(), Health::Healthy);
            flavor.drain(None, &Description::default()).await.unwrap();
        };
        tokio::time::timeout(GENEROUS, calls).await.expect("the flavor stopped answering while an Init rendered");
        assert!(!rendering.is_finished(), "a render with a ten-minute budget cannot have finished");
    });
    // Shutting the runtime down drops the pending Prepare, which stops its render; the runtime waits for the
    // blocking pool, so this would take the full ten minutes if the render kept going.
    let start = Instant::now();
    drop(rendering);
    drop(rt);
    assert!(start.elapsed() < GENEROUS, "shutdown waited {:?} for the render", start.elapsed());
}

/// The same through a Prepare that is aborted (a client that goes away): its render stops, and the flavor goes on.
#[test]
fn an_aborted_prepare_stops_its_render() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let budget = RenderBudget { max_steps: u64::MAX, time_limit: Some(Duration::from_secs(600)) };
    let flavor = VanillaFlavor::with_budget(budget);
    rt.block_on(async {
        let (busy, props) = (flavor.clone(), runaway_properties());
        let task = tokio::spawn(async move { busy.prepare(Prepare::lone(Some(&props), Spec::default())).await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
        let ok = Any::from_json(r#"{"Init":["{{ range until 3 }}{{ . }}{{ end }}"]}"#).unwrap();
        assert_eq!(prepare(&flavor, &ok).await.unwrap().init, "012");
    });
    // Nothing is pending now: dropping the runtime waits only for the aborted render, which must have stopped.
    let start = Instant::now();
    drop(rt);
    assert!(start.elapsed() < GENEROUS, "the aborted render ran on for {:?}", start.elapsed());
}
