//! The Docker plugin out of process: `infrakit plugin start group instance-docker flavor-vanilla` in a child
//! process on the bench's own dockerd (`infrakit-docker-testkit`), the controller polling once a minute, so only
//! Docker's pushed events count. Times come from the engine's own event stream (`docker events`, nanoseconds):
//!
//! - converge: from `group commit` of a group of 10 to the 10th container's `start`;
//! - kill to replacement: from the victim's `die` (after `docker kill`) to the replacement's `start`, i.e. running;
//! - for scale, `docker run -d` of the same image through the CLI (create + start, and the CLI's own start-up).
//!
//! Prints rows; asserts nothing. Command: `cargo bench -p infrakit --features docker --bench docker_heal`
//! (`BENCH_ROUNDS=n` kills, default 10).

use infrakit_docker_testkit::Engine;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_infrakit")
}

/// One engine event: (unix time in ns, action, container ID, group label).
type Event = (i128, String, String, String);

/// Follows the engine's container events in a child `docker events`.
fn events(engine: &Engine) -> (Child, mpsc::Receiver<Event>) {
    let mut child = Command::new("docker")
        .args(["-H", &engine.host(), "events", "--filter", "type=container", "--format", "{{json .}}"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("docker events");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
            let group = v["Actor"]["Attributes"]["infrakit.group"].as_str().unwrap_or("").to_string();
            let id = v["id"].as_str().or(v["Actor"]["ID"].as_str()).unwrap_or("").to_string();
            let e = (v["timeNano"].as_i64().unwrap_or(0) as i128, v["Action"].as_str().unwrap_or("").into(), id, group);
            if tx.send(e).is_err() {
                return;
            }
        }
    });
    // The stream is open once the engine answered the CLI; a moment is enough.
    std::thread::sleep(Duration::from_millis(500));
    (child, rx)
}

/// The next event of group `g` with `action`, within `limit`.
fn next(rx: &mpsc::Receiver<Event>, g: &str, action: &str, limit: Duration) -> Option<Event> {
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        let e = rx.recv_timeout(left).ok()?;
        if e.1 == action && e.3 == g {
            return Some(e);
        }
    }
}

fn now_ns() -> i128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as i128).unwrap_or(0)
}

fn ms(ns: i128) -> f64 {
    ns as f64 / 1e6
}

fn cli(plugins: &Path, args: &[&str]) -> bool {
    Command::new(bin())
        .args(args)
        .env("INFRAKIT_PLUGINS_DIR", plugins)
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn summary(label: &str, mut v: Vec<f64>) {
    if v.is_empty() {
        println!("| {label} | no result |");
        return;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let median = v[v.len() / 2];
    println!("| {label} | median {median:.0} ms over {} (min {:.0}, max {:.0}) |", v.len(), v[0], v[v.len() - 1]);
}

fn main() {
    let Some(engine) = Engine::shared() else { return };
    let home = tempfile::tempdir().expect("tempdir");
    let plugins = home.path().join("plugins");
    let mut daemon = Command::new(bin())
        .args(["plugin", "start", "group", "instance-docker", "flavor-vanilla", "--poll-interval", "60s"])
        .args(["--docker-host", &engine.host()])
        .env("INFRAKIT_PLUGINS_DIR", &plugins)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("infrakit plugin start");
    let started = Instant::now();
    while !["group", "instance-docker", "flavor-vanilla"].iter().all(|s| plugins.join(s).exists()) {
        assert!(started.elapsed() < Duration::from_secs(60), "the plugins did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
    let (mut follower, rx) = events(engine);
    let image = infrakit_docker_testkit::IMAGE;
    let spec = |g: &str, init: &str| {
        format!(
            r#"{{"ID":"{g}","Properties":{{"Allocation":{{"Size":10}},
                "Instance":{{"Plugin":"instance-docker","Properties":{{"Config":{{"Image":"{image}","Cmd":["sleep","1000000"]}}}}}},
                "Flavor":{{"Plugin":"flavor-vanilla","Properties":{{"Init":[{init}]}}}}}}}}"#
        )
    };
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(10);
    println!("| case | result |");
    println!("|---|---|");
    for (g, init, what) in [("bench", "", "no Init"), ("bench-init", r#""echo ready > /tmp/ready""#, "with an Init")] {
        let file = home.path().join(format!("{g}.json"));
        std::fs::write(&file, spec(g, init)).expect("spec");
        let t0 = now_ns();
        if !cli(&plugins, &["group", "commit", file.to_str().unwrap_or_default()]) {
            println!("| {g} | commit failed |");
            continue;
        }
        let mut running = Vec::new();
        let mut last = 0;
        while running.len() < 10 {
            match next(&rx, g, "start", Duration::from_secs(120)) {
                Some(e) => {
                    last = e.0;
                    running.push(e.2);
                }
                None => break,
            }
        }
        summary(
            &format!("converge a group of 10 containers ({what}): commit to the 10th running"),
            vec![ms(last - t0)],
        );
        let mut heal = Vec::new();
        for round in 0..rounds {
            std::thread::sleep(Duration::from_millis(2500)); // past the young-death window: a loss, not a crash loop
            let victim = running.remove(round % running.len());
            if engine.docker(&["kill", &victim]).is_err() {
                continue;
            }
            let (Some(died), Some(back)) =
                (next(&rx, g, "die", Duration::from_secs(60)), next(&rx, g, "start", Duration::from_secs(60)))
            else {
                println!("| {g} | round {round}: no replacement within 60 s |");
                break;
            };
            heal.push(ms(back.0 - died.0));
            running.push(back.2);
        }
        summary(&format!("`docker kill` to the replacement running ({what}), group of 10"), heal);
        cli(&plugins, &["group", "destroy", g, "--yes"]);
    }
    let mut runs = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        if let Ok(id) = engine.docker(&["run", "-d", image, "sleep", "1000000"]) {
            runs.push(t.elapsed().as_secs_f64() * 1000.0);
            let _ = engine.docker(&["rm", "-f", id.trim()]);
        }
    }
    summary("for scale: `docker run -d` of the same image (CLI, create + start)", runs);
    let _ = follower.kill();
    let _ = follower.wait();
    let _ = daemon.kill();
    let _ = daemon.wait();
}
