//! Helpers for the tests of `--http`: `infrakit up` with the web surfaces on a free loopback port, plain HTTP
//! requests, the metrics as Prometheus' own parser reads them, and the process plugin's instances.

use super::{infrakit_bin, workspace, Daemon};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `infrakit up --http 127.0.0.1:0` and the address it serves on.
pub struct UpHttp {
    /// The process (killed when dropped).
    pub daemon: Daemon,
    /// `127.0.0.1:<port>`.
    pub addr: String,
    /// What it printed on stderr so far.
    pub stderr: Arc<Mutex<String>>,
}

/// Starts `infrakit up <spec> --no-view --http 127.0.0.1:0` with `INFRAKIT_HOME=home`; waits (at most 60 s) for
/// the address it prints.
pub fn start_up_http(home: &Path, spec: &Path) -> UpHttp {
    let spec = spec.display().to_string();
    start_http(home, &["up", &spec, "--no-view", "--http", "127.0.0.1:0"])
}

/// Starts `infrakit <args>` (which must include `--http 127.0.0.1:0`) with `INFRAKIT_HOME=home`; waits (at most
/// 60 s) for the address it prints.
pub fn start_http(home: &Path, args: &[&str]) -> UpHttp {
    let child = Command::new(infrakit_bin())
        .args(args)
        .env("INFRAKIT_HOME", home)
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn infrakit up");
    let mut daemon = Daemon(child);
    let stderr = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let pipe = daemon.0.stderr.take().expect("stderr");
    let kept = stderr.clone();
    // Drained to the end, so `up` never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("web view at http://") {
                let _ = tx.send(rest.split('/').next().unwrap_or_default().to_string());
            }
            if let Ok(mut s) = kept.lock() {
                s.push_str(&line);
                s.push('\n');
            }
        }
    });
    let addr = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| {
        panic!("infrakit {args:?} printed no web address: {}", stderr.lock().map(|s| s.clone()).unwrap_or_default())
    });
    UpHttp { daemon, addr, stderr }
}

/// An HTTP/1.1 request with `headers` (`Host` is the address unless they say otherwise); returns the status and the body (the server sends whole bodies).
pub fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: 0\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).expect("send");
    let mut raw = String::new();
    let _ = stream.read_to_string(&mut raw);
    let status = raw.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// One sample as Prometheus' parser read it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Sample {
    /// The sample's name (`infrakit_instances_created_total`...).
    pub name: String,
    /// Its labels.
    pub labels: std::collections::BTreeMap<String, String>,
    /// Its value.
    pub value: f64,
}

/// `/metrics`, parsed by Prometheus' own Python parsers (tests/web/parse_metrics.py); fails the test when the text
/// does not parse.
pub fn metrics(addr: &str) -> Vec<Sample> {
    let (status, text) = http(addr, "GET", "/metrics", &[]);
    assert_eq!(status, 200, "/metrics: {text}");
    let mut child = Command::new("python3")
        .arg(workspace().join("tests/web/parse_metrics.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (scripts/install-deps installs it)");
    child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write metrics");
    let out = child.wait_with_output().expect("parser");
    assert!(
        out.status.success(),
        "Prometheus' parser refused /metrics (run scripts/install-deps for prometheus_client): {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("parser output")
}

/// The value of the sample `name` whose labels include `labels`.
pub fn sample(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| s.name == name && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
        .map(|s| s.value)
}

/// The process plugin's instances (with properties: `Pid`) of the `up` at `home`.
pub fn processes(home: &Path) -> Vec<serde_json::Value> {
    let out = Command::new(infrakit_bin())
        .args(["instance", "describe", "--name", "instance-process", "-p"])
        .env("INFRAKIT_HOME", home)
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output()
        .expect("infrakit instance describe");
    serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap_or_default()
}

/// The instances' IDs, sorted.
pub fn ids(list: &[serde_json::Value]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().filter_map(|d| d["ID"].as_str().map(str::to_string)).collect();
    v.sort();
    v
}

/// Kills an instance's process with SIGKILL.
pub fn kill9(instance: &serde_json::Value) {
    let pid = instance["Properties"]["Pid"].as_i64().expect("Pid");
    let ok = Command::new("kill").args(["-9", &pid.to_string()]).status().is_ok_and(|s| s.success());
    assert!(ok, "kill -9 {pid}");
}

/// Destroys what `up` made at `home` (the test's instances do not outlive it).
pub fn down(home: &Path, spec: &Path) {
    let out = Command::new(infrakit_bin())
        .args(["down", "--yes", &spec.display().to_string()])
        .env("INFRAKIT_HOME", home)
        .env_remove("INFRAKIT_PLUGINS_DIR")
        .output();
    match out {
        Ok(out) if out.status.success() => {}
        Ok(out) => eprintln!("infrakit down failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => eprintln!("infrakit down: {e}"),
    }
}

/// Reads the Server-Sent Events of `GET <path>` until `done` holds for what was read (at most 60 s); returns it.
pub fn read_events_until(addr: &str, path: &str, done: impl Fn(&str) -> bool) -> String {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
    stream.write_all(req.as_bytes()).expect("send");
    let mut read = String::new();
    let mut buf = [0u8; 4096];
    let start = std::time::Instant::now();
    while !done(&read) {
        assert!(start.elapsed() < Duration::from_secs(60), "the event stream never showed what was waited for: {read}");
        match stream.read(&mut buf) {
            Ok(0) => panic!("the event stream ended: {read}"),
            Ok(n) => read.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e) => panic!("reading the event stream: {e}: {read}"),
        }
    }
    read
}
