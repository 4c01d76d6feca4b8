//! A real EC2 API endpoint for tests. [`Moto::shared`] starts one moto server (`python3 -m moto.server`) per test
//! binary on a free loopback port, with AMI validation on (an unknown `ImageId` fails as on EC2), and registers an
//! exit hook that stops it; it dies with the test process too (a parent-death signal). [`Moto::boto`] runs boto3
//! code against it (the tests' own EC2 client, independent of the plugin's SDK), and [`LagProxy`] puts an endpoint
//! in front of it whose instance listing lags behind launches.
//!
//! Where moto is not installed, [`Moto::shared`] prints why and returns `None`, so the test skips; under CI (`CI`
//! set) that is a failure instead (`scripts/install-deps` installs it).

use infrakit_docker_testkit::process::{self, alive};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The region the endpoint serves (moto's default VPC and subnets are made per region).
pub const REGION: &str = "us-east-1";

/// A moto server this test binary started.
pub struct Moto {
    port: u16,
    pid: i32,
}

static SHARED: OnceLock<Option<Moto>> = OnceLock::new();

impl Moto {
    /// The endpoint of this test binary, started on first use; `None` when it cannot run here, after printing why.
    pub fn shared() -> Option<&'static Moto> {
        SHARED
            .get_or_init(|| match Moto::launch() {
                Ok(moto) => {
                    // SAFETY: `at_exit` is an `extern "C" fn()` that takes no arguments, as atexit(3) requires.
                    unsafe { libc::atexit(at_exit) };
                    Some(moto)
                }
                Err(why) => {
                    assert!(std::env::var_os("CI").is_none(), "CI must be able to start moto: {why}");
                    println!("SKIPPED EC2 tests: {why}");
                    None
                }
            })
            .as_ref()
    }

    fn launch() -> Result<Moto, String> {
        let probe = Command::new("python3").args(["-c", "import moto.server, boto3"]).output();
        if !probe.is_ok_and(|o| o.status.success()) {
            return Err("python3 cannot import moto.server (pip install 'moto[server]')".into());
        }
        let port = free_port()?;
        let args = ["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()].map(String::from).to_vec();
        let pid = spawn("python3", args, &[("MOTO_ENABLE_AMI_VALIDATION", "true")])?;
        let moto = Moto { port, pid };
        wait_listening(port, pid, Duration::from_secs(60)).inspect_err(|_| stop(pid))?;
        Ok(moto)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// What a process needs to reach `endpoint` as EC2: the endpoint, the region and fake credentials, and no
    /// profile or instance metadata look-ups.
    pub fn env(endpoint: &str) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", endpoint.to_string()),
            ("AWS_REGION", REGION.to_string()),
            ("AWS_ACCESS_KEY_ID", "testing".to_string()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
            ("AWS_CONFIG_FILE", "/dev/null".to_string()),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_string()),
        ]
    }

    /// Runs python `code` with `ec2` a boto3 EC2 client of this endpoint; the value it leaves in `out` comes back
    /// as JSON (dates as strings).
    pub fn boto(&self, code: &str) -> Result<serde_json::Value, String> {
        let program = format!(
            "import boto3, json\nec2 = boto3.client('ec2', endpoint_url='{}', region_name='{REGION}', \
             aws_access_key_id='testing', aws_secret_access_key='testing')\nout = None\n{code}\n\
             print(json.dumps(out, default=str))\n",
            self.endpoint()
        );
        let output = Command::new("python3")
            .args(["-c", &program])
            .env_remove("AWS_PROFILE")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("python3: {e}"))?;
        if !output.status.success() {
            return Err(format!("boto3 failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
        serde_json::from_slice(&output.stdout).map_err(|e| format!("boto3's answer: {e}"))
    }

    /// An AMI the endpoint knows.
    pub fn image(&self) -> String {
        let v = self.boto("out = ec2.describe_images(Owners=['amazon'])['Images'][0]['ImageId']");
        v.ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_else(|| "ami-unknown".into())
    }

    /// The IDs of the instances tagged `infrakit.group=<group>` in any of `states`.
    pub fn instances(&self, group: &str, states: &[&str]) -> Result<Vec<String>, String> {
        let code = format!(
            "f = [{{'Name': 'tag:infrakit.group', 'Values': ['{group}']}}, {{'Name': 'instance-state-name', 'Values': {states:?}}}]\n\
             out = [i['InstanceId'] for p in ec2.get_paginator('describe_instances').paginate(Filters=f) \
             for r in p['Reservations'] for i in r['Instances']]"
        );
        let v = self.boto(&code)?;
        Ok(v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default())
    }

    /// Terminates `id` through the EC2 API.
    pub fn terminate(&self, id: &str) -> Result<(), String> {
        self.boto(&format!("ec2.terminate_instances(InstanceIds=['{id}'])")).map(|_| ())
    }
}

/// An endpoint in front of `upstream` whose `DescribeInstances` hides instances launched through it less than a
/// given time ago. Stopped when dropped.
pub struct LagProxy {
    port: u16,
    pid: i32,
}

impl LagProxy {
    /// Starts one before `upstream`, hiding launches for `lag`.
    pub fn start(upstream: &str, lag: Duration) -> Result<LagProxy, String> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("lag_proxy.py");
        let port = free_port()?;
        let args = vec![
            script.to_string_lossy().into_owned(),
            upstream.to_string(),
            port.to_string(),
            format!("{:.3}", lag.as_secs_f64()),
        ];
        let pid = spawn("python3", args, &[])?;
        let proxy = LagProxy { port, pid };
        wait_listening(port, pid, Duration::from_secs(60))?;
        Ok(proxy)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for LagProxy {
    fn drop(&mut self) {
        stop(self.pid);
    }
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("a free port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| format!("a free port: {e}"))
}

fn wait_listening(port: u16, pid: i32, limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if !alive(pid) {
            return Err(format!("the server on port {port} exited at start"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    stop(pid);
    Err(format!("nothing listened on port {port} within {limit:?}"))
}

/// Spawns `program args...` with `env` added, its output discarded, through the Docker test kit's spawner (one
/// long-lived thread, so the server dies with this process); returns its PID.
fn spawn(program: &str, args: Vec<String>, env: &[(&str, &str)]) -> Result<i32, String> {
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    process::spawn(program, &args, &env, None)
}

/// SIGTERM, then SIGKILL after 5 s; returns once the process is gone.
fn stop(pid: i32) {
    process::stop(pid, Duration::from_secs(5));
}

extern "C" fn at_exit() {
    if let Some(Some(moto)) = SHARED.get() {
        stop(moto.pid);
    }
}
