//! `--http`: metrics read by Prometheus' own parser, the event stream followed by `infrakit events`, and the web
//! view in a real headless Chromium, all around a real kill of a real process (the process instance plugin).

mod common;

use common::browser::Browser;
use common::web::*;
use common::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

fn cattle() -> PathBuf {
    workspace().join("examples/up-cattle.yaml")
}

/// Destroys what `up` made when the test ends, however it ends.
struct Cleanup<'a>(&'a Path);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        down(self.0, &cattle());
    }
}

/// Follows `infrakit events --http <addr> --group workers --after 0`; the lines it printed. From the first event
/// the server keeps, so an event that happens before the follower has connected is printed too.
fn follow_events(addr: &str) -> (Daemon, Arc<Mutex<Vec<String>>>) {
    let mut child = Command::new(infrakit_bin())
        .args(["events", "--http", addr, "--group", "workers", "--after", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn infrakit events");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let out = child.stdout.take().expect("stdout");
    let kept = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Ok(mut l) = kept.lock() {
                l.push(line);
            }
        }
    });
    (Daemon(child), lines)
}

fn printed(lines: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    lines.lock().map(|l| l.clone()).unwrap_or_default()
}

#[test]
fn a_non_loopback_address_is_refused_before_anything_starts() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = Command::new(infrakit_bin())
        .args(["up", &cattle().display().to_string(), "--no-view", "--http", "0.0.0.0:0"])
        .env("INFRAKIT_HOME", home.path())
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output()
        .expect("run infrakit up");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "up served on 0.0.0.0 without --http-allow-remote: {stderr}");
    assert!(stderr.contains("--http-allow-remote") && stderr.contains("127.0.0.1"), "{stderr}");
    assert!(processes(home.path()).is_empty(), "up started instances although it refused its --http");
}

#[test]
fn metrics_parse_and_events_show_a_kill_and_its_replacement() {
    let home = tempfile::tempdir().expect("tempdir");
    let _cleanup = Cleanup(home.path());
    let up = start_up_http(home.path(), &cattle());
    let addr = up.addr.clone();
    let (_events, lines) = follow_events(&addr);
    wait_until("3 workers", LIMIT, || processes(home.path()).len() == 3);
    wait_until("3 created, 3 healthy in /metrics", LIMIT, || {
        let m = metrics(&addr);
        sample(&m, "infrakit_instances_created_total", &[("group", "workers")]) == Some(3.0)
            && sample(&m, "infrakit_group_healthy", &[("group", "workers")]) == Some(3.0)
    });
    let m = metrics(&addr);
    for gauge in ["target", "current", "healthy", "unhealthy", "creating", "destroying"] {
        let name = format!("infrakit_group_{gauge}");
        assert!(sample(&m, &name, &[("group", "workers")]).is_some(), "no {name}{{group=\"workers\"}}");
    }
    assert_eq!(sample(&m, "infrakit_group_target", &[("group", "workers")]), Some(3.0));
    assert_eq!(sample(&m, "infrakit_leader", &[]), Some(1.0), "up always leads");
    assert!(sample(&m, "infrakit_reconcile_pass_seconds_count", &[("group", "workers")]).unwrap_or(0.0) >= 1.0);
    let provisions = [("plugin", "instance-process"), ("method", "Instance.Provision"), ("result", "ok")];
    assert_eq!(sample(&m, "infrakit_plugin_call_seconds_count", &provisions), Some(3.0));
    assert!(sample(&m, "infrakit_plugin_call_seconds_count", &[("method", "Instance.DescribeInstances")]).is_some());
    assert!(sample(&m, "infrakit_plugin_call_seconds_count", &[("method", "Flavor.Prepare")]).is_some());
    // The vanilla flavor's instances are always healthy: it is not asked about each.
    assert!(sample(&m, "infrakit_plugin_call_seconds_count", &[("method", "Flavor.Healthy")]).is_none());

    let before = processes(home.path());
    let victim = before[0].clone();
    let victim_id = victim["ID"].as_str().expect("ID").to_string();
    kill9(&victim);
    wait_until("a replacement", LIMIT, || {
        let now = processes(home.path());
        now.len() == 3 && !ids(&now).contains(&victim_id)
    });
    // The replacement is timed once a listing shows it, which may be a pass after its create answered.
    wait_until("the created counter to rise and the replacement to be timed", LIMIT, || {
        let m = metrics(&addr);
        sample(&m, "infrakit_instances_created_total", &[("group", "workers")]) == Some(4.0)
            && sample(&m, "infrakit_replacement_seconds_count", &[("group", "workers")]) == Some(1.0)
    });
    let m = metrics(&addr);
    assert_eq!(sample(&m, "infrakit_instances_lost_total", &[("group", "workers")]), Some(1.0));
    assert_eq!(sample(&m, "infrakit_replacement_seconds_count", &[("group", "workers")]), Some(1.0));
    let took = sample(&m, "infrakit_replacement_seconds_sum", &[("group", "workers")]).unwrap_or(-1.0);
    assert!(took > 0.0, "the time to a replacement is measured: {took}");

    let replacement = ids(&processes(home.path())).into_iter().find(|id| !ids(&before).contains(id)).expect("new");
    wait_until("`infrakit events` to show the loss and the replacement", LIMIT, || {
        let l = printed(&lines);
        let lost = l.iter().any(|l| l.contains(" lost ") && l.contains(&victim_id));
        let created = l.iter().any(|l| l.contains(" created ") && l.contains(&replacement));
        let replaced = l.iter().any(|l| l.contains(" replaced ") && l.contains(&replacement) && l.contains(&victim_id));
        lost && created && replaced
    });
    // The raw stream is Server-Sent Events, each with its number; one that starts after 0 gets what was kept.
    let lost = format!("\"kind\":\"lost\",\"group\":\"workers\",\"instance\":\"{victim_id}\"");
    let raw = read_events_until(&addr, "/events?after=0", |read| read.contains(&lost));
    assert!(raw.starts_with("HTTP/1.1 200") && raw.contains("text/event-stream"), "{raw}");
    assert!(raw.contains("\nid: 1\ndata: {\"seq\":1,"), "events are numbered from 1: {raw}");
    let (status, _) = http(&addr, "GET", "/nothing", &[]);
    assert_eq!(status, 404);
    let (status, body) = http(&addr, "GET", "/metrics", &[("Host", "evil.example")]);
    assert_eq!(status, 421, "a loopback server answers only loopback names: {body}");
    drop(up);
}

#[test]
fn a_manager_replica_tells_whether_it_leads() {
    let home = tempfile::tempdir().expect("tempdir");
    let leader = home.path().join("leader");
    std::fs::write(&leader, "m2\n").expect("leader file");
    let leadership = format!("file://{}", leader.display());
    let store = format!("file://{}", home.path().join("store").display());
    let args = ["manager", "start", "--name", "m1", "--leadership", &leadership, "--store", &store];
    let replica = start_http(home.path(), &[&args[..], &["--http", "127.0.0.1:0"]].concat());
    let addr = replica.addr.clone();
    wait_until("a follower's gauge", LIMIT, || sample(&metrics(&addr), "infrakit_leader", &[]) == Some(0.0));
    let (_events, lines) = follow_events(&addr);
    std::fs::write(&leader, "m1\n").expect("leader file");
    wait_until("a leader's gauge", LIMIT, || sample(&metrics(&addr), "infrakit_leader", &[]) == Some(1.0));
    wait_until("the leadership event", LIMIT, || {
        printed(&lines).iter().any(|l| l.contains(" leadership ") && l.contains("replica m1 leads"))
    });
    let (status, state) = http(&addr, "GET", "/api/state", &[]);
    assert_eq!(status, 200);
    let state: serde_json::Value = serde_json::from_str(&state).expect("state JSON");
    assert_eq!((state["replica"]["Name"].as_str(), state["replica"]["Leader"].as_bool()), (Some("m1"), Some(true)));
    drop(replica);
}

#[test]
fn the_web_view_shows_the_fleet_heal_and_controls_a_rollout_in_a_real_browser() {
    let home = tempfile::tempdir().expect("tempdir");
    let _cleanup = Cleanup(home.path());
    let up = start_up_http(home.path(), &cattle());
    let url = format!("http://{}/", up.addr);
    wait_until("3 workers", LIMIT, || processes(home.path()).len() == 3);
    let first = ids(&processes(home.path()));

    let mut browser = Browser::start();
    browser.size(1280, 900, false);
    browser.goto(&url);
    let rows = "[...document.querySelectorAll('section[data-group=\"workers\"] tr[data-instance]')]";
    let shows = |ids: &[String]| {
        format!(
            "JSON.stringify({rows}.map(r => r.dataset.instance).sort()) === {:?}",
            serde_json::json!(ids).to_string()
        )
    };
    browser.wait_for("the group and its 3 instances", LIMIT, &shows(&first));
    browser.wait_for(
        "3 healthy",
        LIMIT,
        &format!("{rows}.filter(r => r.textContent.includes('healthy')).length === 3"),
    );
    // Set in this page only: a reload would lose it.
    browser.eval("window.notReloaded = 'yes'");
    let loads_before = browser.eval("document.querySelectorAll('#events li').length");

    let victim = processes(home.path())[0].clone();
    let victim_id = victim["ID"].as_str().expect("ID").to_string();
    kill9(&victim);
    wait_until("a replacement", LIMIT, || {
        let now = processes(home.path());
        now.len() == 3 && !ids(&now).contains(&victim_id)
    });
    let healed = ids(&processes(home.path()));
    browser.wait_for("the replacement in place of the killed instance", LIMIT, &shows(&healed));
    browser.wait_for("the loss in the events", LIMIT, "!!document.querySelector('#events li[data-kind=\"lost\"]')");
    browser.wait_for(
        "the replacement in the events",
        LIMIT,
        "!!document.querySelector('#events li[data-kind=\"replaced\"]')",
    );
    assert_eq!(browser.eval("window.notReloaded"), "yes", "the page was reloaded");
    assert_eq!(browser.eval("document.getElementById('live').textContent"), "live");
    assert_ne!(browser.eval("document.querySelectorAll('#events li').length"), loads_before);

    // A rollout with a canary pauses after one instance; the page's Resume button (a POST with the CSRF token)
    // lets it finish.
    let spec = home.path().join("workers-v2.yaml");
    let text = std::fs::read_to_string(cattle()).expect("spec");
    let text = text
        .replace("  Allocation:\n", "  Updating:\n    Canary: 1\n  Allocation:\n")
        .replace("tier: worker", "tier: worker-v2");
    std::fs::write(&spec, text).expect("write spec");
    let out = Command::new(infrakit_bin())
        .args(["group", "commit", &spec.display().to_string()])
        .env("INFRAKIT_HOME", home.path())
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output()
        .expect("group commit");
    assert!(out.status.success(), "commit: {}", String::from_utf8_lossy(&out.stderr));
    let resume = "document.querySelector('section[data-group=\"workers\"] button[data-control=\"resume\"]')";
    browser.wait_for("the canary's pause and a Resume button", LIMIT, &format!("!!{resume} && !{resume}.disabled"));
    // Without the page's token, the same control is refused.
    let (status, body) = http(&up.addr, "POST", "/api/groups/workers/resume", &[]);
    assert_eq!(status, 403, "{body}");
    browser.eval(&format!("{resume}.click()"));
    browser.wait_for(
        "the rollout resumed",
        LIMIT,
        "!!document.querySelector('#events li[data-kind=\"rollout-resumed\"]')",
    );
    browser.wait_for(
        "3 instances on the new config",
        LIMIT,
        &format!("{rows}.length === 3 && {rows}.every(r => !r.textContent.includes('outdated')) && !document.querySelector('.rollout .badge:not(.ok)')"),
    );
    wait_until("every process on the new config", LIMIT, || {
        let now = processes(home.path());
        now.len() == 3 && now.iter().all(|d| d["Tags"]["tier"] == "worker-v2")
    });
    browser.wait_for("converged", LIMIT, "!!document.querySelector('section[data-group=\"workers\"] .badge.ok')");

    // The screenshot README.md shows (docs/web-view.png, written when INFRAKIT_SCREENSHOT names where).
    let shot = home.path().join("web-view.png");
    browser.size(1280, 1200, false);
    browser.screenshot(&shot);
    let png = std::fs::read(&shot).expect("screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000, "not a PNG of the page");
    if let Some(to) = std::env::var_os("INFRAKIT_SCREENSHOT") {
        std::fs::copy(&shot, to).expect("copy the screenshot");
    }
    // Readable on a phone: nothing wider than the screen but the instances' table, which scrolls in its box.
    browser.size(390, 844, true);
    browser.wait_for(
        "a layout without sideways scrolling",
        LIMIT,
        "document.documentElement.scrollWidth <= window.innerWidth",
    );
    drop(browser);
    drop(up);
}
