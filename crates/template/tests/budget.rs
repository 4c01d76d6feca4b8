//! Rendering budgets: a step budget, a time limit and a cancel flag stop runaway templates with an error that
//! names the budget, and included templates spend from the budget of the one that includes them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use infrakit_template::{Error, MemoryFetcher, Options, Template, Value};

/// Three nested `range until 100000`: 10^15 iterations.
const RUNAWAY: &str =
    "{{ range until 100000 }}{{ range until 100000 }}{{ range until 100000 }}x{{ end }}{{ end }}{{ end }}";

/// Generous: these renders take well under a second; the point is that they end.
const MUST_END_WITHIN: Duration = Duration::from_secs(60);

fn render_with(text: &str, opts: &Options) -> Result<String, Error> {
    Template::from_text("str://", text, opts)?.render(&Value::Null)
}

#[test]
fn three_nested_ranges_hit_the_default_step_budget() {
    // No time limit, so on a slow machine it is still the step budget that stops it.
    let opts = Options { time_limit: None, ..Options::default() };
    assert_eq!(opts.max_steps, Options::DEFAULT_MAX_STEPS);
    let start = Instant::now();
    let err = render_with(RUNAWAY, &opts).unwrap_err();
    assert!(start.elapsed() < MUST_END_WITHIN, "took {:?}", start.elapsed());
    assert!(matches!(err, Error::StepBudget { limit: Options::DEFAULT_MAX_STEPS, .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("template exceeded its step budget of 10000000 steps (Options.max_steps)"), "{msg}");
}

#[test]
fn the_default_options_stop_the_runaway_template() {
    let start = Instant::now();
    let err = render_with(RUNAWAY, &Options::default()).unwrap_err();
    assert!(start.elapsed() < MUST_END_WITHIN, "took {:?}", start.elapsed());
    // Whichever budget runs out first (the steps, unless the machine is very slow), the error names it.
    assert!(matches!(err, Error::StepBudget { .. } | Error::TimeLimit { .. }), "{err:?}");
}

#[test]
fn a_small_budget_triggers_on_a_modest_loop() {
    let opts = Options { max_steps: 1000, ..Options::default() };
    let err = render_with("head\n  {{ range loop 2000 }}{{ . }}{{ end }}", &opts).unwrap_err();
    assert!(matches!(err, Error::StepBudget { limit: 1000, .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("step budget of 1000 steps (Options.max_steps)"), "{msg}");
    let pos = err.pos().unwrap();
    assert_eq!(pos.line, 2, "{msg}");
    // The same loop, smaller, fits.
    assert_eq!(render_with("{{ range loop 100 }}.{{ end }}", &opts).unwrap(), ".".repeat(100));
}

#[test]
fn every_render_gets_a_fresh_budget() {
    // Two steps an iteration (the iteration and the action): 300 iterations fit in 1000 steps, twice do not.
    let opts = Options { max_steps: 1000, ..Options::default() };
    let t = Template::from_text("str://", "{{ range loop 300 }}{{ . }}{{ end }}", &opts).unwrap();
    for _ in 0..5 {
        assert!(t.render(&Value::Null).is_ok());
    }
    let twice = "{{ range loop 300 }}{{ . }}{{ end }}{{ range loop 300 }}{{ . }}{{ end }}";
    assert!(matches!(render_with(twice, &opts), Err(Error::StepBudget { .. })));
}

#[test]
fn included_templates_share_the_budget() {
    let f = MemoryFetcher::new();
    f.insert("file:///t/loop.ikt", "{{ range loop 300 }}{{ . }}{{ end }}");
    let opts = Options { fetcher: Arc::new(f), max_steps: 1000, ..Options::default() };
    let once = Template::from_text("file:///t/main.ikt", r#"{{ include "loop.ikt" }}"#, &opts).unwrap();
    assert!(once.render(&Value::Null).is_ok(), "one include fits");
    let twice =
        Template::from_text("file:///t/main.ikt", r#"{{ include "loop.ikt" }}{{ source "loop.ikt" }}"#, &opts).unwrap();
    let err = twice.render(&Value::Null).unwrap_err();
    assert!(matches!(err, Error::StepBudget { limit: 1000, .. }), "{err:?}");
    // Reported where the budget ran out: in the included template.
    assert!(err.to_string().starts_with("file:///t/loop.ikt:"), "{err}");
}

#[test]
fn templates_calling_themselves_share_the_budget() {
    let opts = Options { max_steps: 5000, ..Options::default() };
    let t = r#"{{ define "r" }}{{ range loop 200 }}{{ end }}{{ if lt . 40 }}{{ template "r" (add . 1) }}{{ end }}{{ end }}{{ template "r" 0 }}"#;
    assert!(matches!(render_with(t, &opts), Err(Error::StepBudget { limit: 5000, .. })));
}

#[test]
fn a_time_limit_triggers_on_something_slow() {
    let opts = Options { max_steps: u64::MAX, time_limit: Some(Duration::from_millis(50)), ..Options::default() };
    let start = Instant::now();
    let err = render_with(RUNAWAY, &opts).unwrap_err();
    assert!(start.elapsed() < MUST_END_WITHIN, "took {:?}", start.elapsed());
    assert!(matches!(err, Error::TimeLimit { limit, .. } if limit == Duration::from_millis(50)), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("template exceeded its time limit of 50ms (Options.time_limit)"), "{msg}");
}

#[test]
fn the_cancel_flag_stops_a_render() {
    let cancel = Arc::new(AtomicBool::new(false));
    let opts = Options { max_steps: u64::MAX, time_limit: None, cancel: Some(cancel.clone()), ..Options::default() };
    let t = Template::from_text("str://", RUNAWAY, &opts).unwrap();
    let render = std::thread::spawn(move || t.render(&Value::Null));
    std::thread::sleep(Duration::from_millis(20));
    cancel.store(true, Ordering::Relaxed);
    let start = Instant::now();
    let err = render.join().unwrap().unwrap_err();
    assert!(start.elapsed() < MUST_END_WITHIN, "took {:?}", start.elapsed());
    assert!(matches!(err, Error::Cancelled { .. }), "{err:?}");
    assert!(err.to_string().contains("cancelled"), "{err}");
}

#[test]
fn no_budget_means_none() {
    let opts = Options { max_steps: u64::MAX, time_limit: None, ..Options::default() };
    let out = render_with("{{ range until 1000 }}{{ range until 1000 }}.{{ end }}{{ end }}", &opts).unwrap();
    assert_eq!(out.len(), 1_000_000);
}
