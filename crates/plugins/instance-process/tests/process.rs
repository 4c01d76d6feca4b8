//! The process instance plugin against real processes.

use infrakit_instance_process::ProcessInstance;
use infrakit_spi::instance::{Attachment, Id, Instance, LogicalId, Spec, Tags};
use infrakit_spi::Any;
use std::time::{Duration, Instant};
use tokio_stream::StreamExt;

fn spec(cmd: &str, lid: Option<&str>, volume: Option<&str>) -> Spec {
    Spec {
        properties: Some(Any::from_json(&serde_json::json!({"Cmd": cmd, "StopGrace": "1s"}).to_string()).unwrap()),
        tags: [("infrakit.group".to_string(), "g".to_string())].into(),
        init: String::new(),
        logical_id: lid.map(|l| LogicalId(l.into())),
        attachments: volume.map(|v| vec![Attachment { id: v.into(), kind: "volume".into() }]).unwrap_or_default(),
    }
}

fn pid_of(props: &Option<Any>) -> i32 {
    props.as_ref().unwrap().to_value()["Pid"].as_i64().unwrap() as i32
}

async fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        // Generous: a busy machine is slow, and the test is about what happens, not how fast.
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn lifecycle_kill_volumes_and_readoption() {
    let state = tempfile::tempdir().unwrap();
    let p = ProcessInstance::open(state.path()).await.unwrap();
    let mut changes = p.changes().unwrap();
    let cmd = r#"echo "$INFRAKIT_INSTANCE_ID $INFRAKIT_ADDRESS" > "$INFRAKIT_VOLUME/identity"; exec sleep 60"#;
    let id = p.provision(spec(cmd, Some("127.0.0.21"), Some("data-21"))).await.unwrap();
    let listed = p.describe_instances(&Tags::new(), true).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].logical_id, Some(LogicalId("127.0.0.21".into())));
    let identity = state.path().join("volumes/data-21/identity");
    wait_until("the process to write its volume", || identity.exists()).await;
    assert_eq!(std::fs::read_to_string(&identity).unwrap().trim(), format!("{id} 127.0.0.21"));

    // The logical ID and the volume are held by the live instance.
    let err = p.provision(spec("sleep 60", Some("127.0.0.21"), None)).await.unwrap_err().to_string();
    assert!(err.contains("127.0.0.21 is held by live instance"), "{err}");
    let err = p.provision(spec("sleep 60", Some("127.0.0.22"), Some("data-21"))).await.unwrap_err().to_string();
    assert!(err.contains("volume data-21 is held by live instance"), "{err}");
    let err = p.provision(spec("sleep 60", Some("10.0.0.1"), None)).await.unwrap_err().to_string();
    assert!(err.contains("not a loopback address"), "{err}");

    // The plugin "restarts": a new plugin on the same state re-adopts the running process, no duplicate.
    let pid = pid_of(&listed[0].properties);
    drop(changes);
    drop(p);
    let p = ProcessInstance::open(state.path()).await.unwrap();
    let listed = p.describe_instances(&Tags::new(), true).await.unwrap();
    assert_eq!(listed.len(), 1, "re-adopted, not duplicated or lost");
    assert_eq!(pid_of(&listed[0].properties), pid);
    changes = p.changes().unwrap();

    // kill -9: the exit is seen at once (a pidfd, since this plugin did not start it), pushed, and listed no more.
    // SAFETY: signalling a process this test started.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    tokio::time::timeout(Duration::from_secs(5), changes.next()).await.expect("exit pushed");
    let start = Instant::now();
    while !p.describe_instances(&Tags::new(), false).await.unwrap().is_empty() {
        assert!(start.elapsed() < Duration::from_secs(10), "the dead instance is still listed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The volume is kept and handed to the next holder.
    let id2 = p.provision(spec(cmd, Some("127.0.0.21"), Some("data-21"))).await.unwrap();
    wait_until("the replacement to write its identity", || {
        std::fs::read_to_string(&identity).is_ok_and(|t| t.starts_with(&id2.0))
    })
    .await;
    p.destroy(&id2).await.unwrap();
    assert!(p.describe_instances(&Tags::new(), false).await.unwrap().is_empty());
    assert!(matches!(p.destroy(&Id("process-nope".into())).await, Err(infrakit_spi::Error::NotFound(_))));
}

/// Processes of a process group that still run (zombies waiting for a reaper do not count).
fn running_in_group(pgid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        let Some(close) = stat.rfind(')') else { continue };
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        if fields.first() != Some(&"Z") && fields.get(2).and_then(|g| g.parse::<i32>().ok()) == Some(pgid) {
            out.push(pid);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_that_exits_at_once_fails_the_provision() {
    let state = tempfile::tempdir().unwrap();
    let p = ProcessInstance::open(state.path()).await.unwrap();
    let err = p.provision(spec("echo boom >&2; exit 3", None, None)).await.unwrap_err().to_string();
    assert!(err.contains("exited at once") && err.contains("exit status: 3") && err.contains("boom"), "{err}");
    assert!(p.describe_instances(&Tags::new(), false).await.unwrap().is_empty());
    let err = p.provision(spec("/no/such/program", None, None)).await.unwrap_err().to_string();
    assert!(err.contains("exited at once"), "{err}");
    let mut nothing = spec("", None, None);
    nothing.properties = None;
    let err = p.provision(nothing).await.unwrap_err().to_string();
    assert!(err.contains("nothing to run"), "{err}");
    let bad = Any::from_json(r#"{"Cmd":"x","StopGrace":"soon"}"#).unwrap();
    assert!(p.validate(Some(&bad)).await.unwrap_err().to_string().contains("Properties.StopGrace"));
}

#[tokio::test]
async fn destroy_stops_the_whole_process_group() {
    let state = tempfile::tempdir().unwrap();
    let p = ProcessInstance::open(state.path()).await.unwrap();
    // A shell with a child that ignores SIGTERM: the group is killed after the grace period.
    let id = p.provision(spec("trap '' TERM; sleep 60 & wait", None, None)).await.unwrap();
    let pid = pid_of(&p.describe_instances(&Tags::new(), true).await.unwrap()[0].properties);
    let start = Instant::now();
    p.destroy(&id).await.unwrap();
    assert!(start.elapsed() >= Duration::from_millis(900), "SIGKILL only after the grace period");
    // SIGKILL is delivered asynchronously: give the kernel a moment to finish the group off.
    let start = Instant::now();
    while !running_in_group(pid).is_empty() && start.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(running_in_group(pid), Vec::<i32>::new(), "no process of the group survives");
}

#[tokio::test]
async fn unwritable_state_is_a_clear_error() {
    let file = tempfile::NamedTempFile::new().unwrap();
    let err = ProcessInstance::open(file.path()).await.err().unwrap().to_string();
    assert!(err.contains(&file.path().display().to_string()), "{err}");
}

/// Network namespaces need root and iproute2 (both in CI); elsewhere the test says why it is skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn netns_mode_gives_each_pet_its_own_host() {
    use infrakit_instance_process::Network;
    // SAFETY: geteuid(2) has no preconditions.
    if unsafe { libc::geteuid() } != 0 || std::process::Command::new("ip").arg("-V").output().is_err() {
        println!("SKIPPED netns_mode_gives_each_pet_its_own_host: needs root and iproute2");
        return;
    }
    let bridge = format!("ikt{}", std::process::id() % 100_000);
    let state = tempfile::tempdir().unwrap();
    let network = Network::Netns { bridge: bridge.clone(), prefix: 24 };
    let p = ProcessInstance::open_with(state.path(), network).await.unwrap();
    // Two hosts on a subnet that exists only inside the namespaces this test creates.
    let server = r#"exec python3 -c "
import socket, os
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((os.environ['INFRAKIT_ADDRESS'], 7000)); s.listen(4)
while True:
    c, a = s.accept(); c.sendall(('hello from ' + os.environ['INFRAKIT_ADDRESS'] + ' to ' + a[0]).encode()); c.close()
""#;
    // The reply is written to a temporary file and renamed: once `reply` exists, it is complete. The client keeps
    // trying for a minute: on a busy machine the server may be slow to listen.
    let client = r#"exec python3 -c "
import socket, time, os
deadline = time.time() + 60
while time.time() < deadline:
    try:
        s = socket.create_connection(('10.213.7.1', 7000), timeout=1)
        reply = os.environ['INFRAKIT_VOLUME'] + '/reply'
        open(reply + '.tmp', 'w').write(s.recv(100).decode()); os.rename(reply + '.tmp', reply); break
    except OSError:
        time.sleep(0.1)
time.sleep(60)
""#;
    /// Whatever happens, the namespaces and the bridge this test made are removed, and when the test fails, the
    /// instances' processes are killed (instances outlive their plugin: they would hold their namespaces).
    struct Cleanup(String, Vec<i32>);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            if std::thread::panicking() {
                for pgid in &self.1 {
                    // SAFETY: kill(2) on a process group this test started; no memory is shared.
                    unsafe {
                        libc::kill(-pgid, libc::SIGKILL);
                    }
                }
            }
            let out = std::process::Command::new("ip").args(["netns", "list"]).output();
            for line in out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default().lines() {
                let name = line.split_whitespace().next().unwrap_or("");
                if name.starts_with("ik-ce") && self.0.contains(name) {
                    let _ = std::process::Command::new("ip").args(["netns", "del", name]).status();
                }
            }
        }
    }
    let mut cleanup = Cleanup(String::new(), Vec::new());
    let a = p.provision(spec(server, Some("10.213.7.1"), Some("net-a"))).await.unwrap();
    let b = p.provision(spec(client, Some("10.213.7.2"), Some("net-b"))).await.unwrap();
    for d in p.describe_instances(&Tags::new(), true).await.unwrap() {
        cleanup.0.push_str(&format!("{} ", d.properties.as_ref().unwrap().to_value()["Netns"].as_str().unwrap_or("")));
        cleanup.1.push(pid_of(&d.properties));
    }
    let _bridge = BridgeGone(bridge.clone());
    let reply = state.path().join("volumes/net-b/reply");
    wait_until("the client's reply", || reply.exists()).await;
    assert_eq!(std::fs::read_to_string(&reply).unwrap(), "hello from 10.213.7.1 to 10.213.7.2");
    let listed = p.describe_instances(&Tags::new(), true).await.unwrap();
    let namespaces: Vec<String> = listed
        .iter()
        .map(|d| d.properties.as_ref().unwrap().to_value()["Netns"].as_str().unwrap().to_string())
        .collect();
    // Destroy returns once the instance is gone, namespace and veth pair included: checked at once, not polled.
    p.destroy(&a).await.unwrap();
    p.destroy(&b).await.unwrap();
    let left = std::process::Command::new("ip").args(["netns", "list"]).output().unwrap();
    let left = String::from_utf8_lossy(&left.stdout);
    for ns in namespaces {
        assert!(!left.contains(&ns), "namespace {ns} removed with its instance");
        let host = format!("ikh{}", &ns[ns.len() - 12..]);
        assert!(!std::path::Path::new("/sys/class/net").join(&host).exists(), "veth {host} removed with its instance");
    }
}

/// Deletes the test's bridge (and the firewall rule the plugin added for it) when dropped.
struct BridgeGone(String);

impl Drop for BridgeGone {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip").args(["link", "del", &self.0]).status();
        let rule = ["-D", "FORWARD", "-i", &self.0, "-o", &self.0, "-j", "ACCEPT"];
        let _ = std::process::Command::new("iptables").args(rule).output();
    }
}
