//! A real headless Chromium driven over the DevTools protocol, through tests/web/cdp.py (one JSON command per
//! line). Dropping it quits the browser (and its profile); the script kills Chromium if it dies itself.

use super::workspace;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// The browser.
pub struct Browser {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Browser {
    /// Starts Chromium (Debian's `chromium`, installed by scripts/install-deps).
    pub fn start() -> Browser {
        let mut child = Command::new("python3")
            .arg(workspace().join("tests/web/cdp.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 (scripts/install-deps installs it)");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut b = Browser { child, stdin, stdout };
        let ready = b.read();
        assert_eq!(ready["ok"], true, "the browser did not start (run scripts/install-deps): {ready}");
        b
    }

    fn read(&mut self) -> Value {
        let mut line = String::new();
        let _ = self.stdout.read_line(&mut line);
        serde_json::from_str(&line).unwrap_or_else(|_| json!({"ok": false, "error": format!("no answer: {line:?}")}))
    }

    /// Sends a command; fails the test when it fails.
    pub fn call(&mut self, command: Value) -> Value {
        let stdin = self.stdin.as_mut().expect("browser open");
        writeln!(stdin, "{command}").and_then(|()| stdin.flush()).expect("send to the browser");
        let answer = self.read();
        assert_eq!(answer["ok"], true, "browser command {command} failed: {answer}");
        answer
    }

    /// Loads `url`.
    pub fn goto(&mut self, url: &str) {
        self.call(json!({"cmd": "goto", "url": url}));
    }

    /// Evaluates `expr` in the page.
    pub fn eval(&mut self, expr: &str) -> Value {
        self.call(json!({"cmd": "eval", "expr": expr}))["value"].clone()
    }

    /// Waits (at most `limit`) until `expr` is true in the page; fails the test naming `what`.
    pub fn wait_for(&mut self, what: &str, limit: Duration, expr: &str) {
        let start = Instant::now();
        while self.eval(expr) != json!(true) {
            assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for the page to show {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sets the viewport.
    pub fn size(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(json!({"cmd": "size", "width": width, "height": height, "mobile": mobile}));
    }

    /// A PNG of the viewport, written to `path`.
    pub fn screenshot(&mut self, path: &std::path::Path) {
        self.call(json!({"cmd": "screenshot", "path": path}));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The end of its input makes the driver quit Chromium and remove the profile.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
