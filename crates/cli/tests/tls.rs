//! A plugin over TCP, set up as SECURITY.md says (`infrakit certs`, then `plugin start --listen`): a CLI call through
//! a `.listen` file with a certificate from the cluster CA is answered; plain HTTP, TLS without a client certificate,
//! a client of another CA and a cross-origin POST with no Content-Type get no RPC.

mod common;

use common::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

const VALIDATE: &str = r#"{"jsonrpc":"2.0","method":"Instance.Validate","params":{},"id":1}"#;

/// Runs the CLI with exactly these INFRAKIT_* variables (and HOME) set.
fn infrakit(env: &[(&str, &Path)], args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(infrakit_bin());
    cmd.args(args).env_remove("INFRAKIT_TLS_DIR").env_remove("INFRAKIT_HOME").env_remove("INFRAKIT_PLUGINS_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `plugin start instance-file --listen <addr> <extra>`, its stderr in `log`.
fn start(env: &[(&str, &Path)], data: &Path, addr: &str, extra: &[&str], log: &Path) -> Daemon {
    let mut cmd = Command::new(infrakit_bin());
    cmd.args(["plugin", "start", "instance-file", "--dir"]).arg(data).args(["--listen", addr]).args(extra);
    cmd.env_remove("INFRAKIT_TLS_DIR").env_remove("INFRAKIT_HOME").env_remove("INFRAKIT_PLUGINS_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let stderr = std::fs::File::create(log).unwrap();
    Daemon(cmd.stdout(Stdio::null()).stderr(stderr).spawn().unwrap())
}

fn wait_for_file(path: &Path) -> String {
    wait_until(&format!("{} to appear", path.display()), Duration::from_secs(60), || path.exists());
    std::fs::read_to_string(path).unwrap()
}

/// A rustls client trusting `tls_dir`'s CA, presenting its certificate when `present`.
fn tls_client(tls_dir: &Path, present: bool) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(tls_dir.join("ca.pem")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    Arc::new(if present {
        let certs = CertificateDer::pem_file_iter(tls_dir.join("cert.pem")).unwrap().map(Result::unwrap).collect();
        let key = PrivateKeyDer::from_pem_file(tls_dir.join("key.pem")).unwrap();
        builder.with_client_auth_cert(certs, key).unwrap()
    } else {
        builder.with_no_client_auth()
    })
}

/// Writes `request` and reads what comes back (until close, error or 3 s of silence).
fn exchange<S: Read + Write>(stream: &mut S, request: &str) -> String {
    let _ = stream.write_all(request.as_bytes()).and_then(|()| stream.flush());
    let mut out = Vec::new();
    let mut buf = [0u8; 16384];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn tcp(addr: &str) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    s
}

/// Over TLS with `config` (the handshake completes as the first request is written).
fn over_tls(config: Arc<rustls::ClientConfig>, addr: &str, request: &str) -> String {
    let conn = rustls::ClientConnection::new(config, ServerName::try_from("127.0.0.1").unwrap()).unwrap();
    let mut stream = rustls::StreamOwned::new(conn, tcp(addr));
    exchange(&mut stream, request)
}

fn post(headers: &str, body: &str) -> String {
    format!("POST / HTTP/1.1\r\nHost: h\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
}

#[test]
fn a_cluster_over_tcp_with_mutual_tls() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (ca, home, data) = (t.join("ca"), t.join("home"), t.join("instances"));
    let (server_plugins, client_plugins) = (t.join("server-plugins"), t.join("client-plugins"));
    let base: Vec<(&str, &Path)> = vec![("HOME", &home), ("INFRAKIT_HOME", &home)];

    // Command 1: a CA and two identities.
    let made = ok(&infrakit(&base, &["certs", "--dir", ca.to_str().unwrap(), "node=127.0.0.1", "admin"], ""));
    let made: serde_json::Value = serde_json::from_str(&made).unwrap();
    assert_eq!(made["CreatedCA"], true, "{made}");
    assert!(made["Nodes"][0]["Names"].as_array().unwrap().iter().any(|n| n == "127.0.0.1"), "{made}");
    for key in [ca.join("ca-key.pem"), ca.join("node/key.pem"), ca.join("admin/key.pem")] {
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600, "{}", key.display());
    }
    // Reissuing refuses to overwrite; another node later reuses the same CA.
    let again = infrakit(&base, &["certs", "--dir", ca.to_str().unwrap(), "node"], "");
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("--force"));
    let later = ok(&infrakit(&base, &["certs", "--dir", ca.to_str().unwrap(), "late"], ""));
    assert!(later.contains(r#""CreatedCA": false"#) || later.contains(r#""CreatedCA":false"#), "{later}");
    // A client of another CA.
    let other = t.join("other-ca");
    ok(&infrakit(&base, &["certs", "--dir", other.to_str().unwrap(), "stranger"], ""));

    // --listen without an identity is refused, saying what to do.
    let mut env = base.clone();
    env.push(("INFRAKIT_PLUGINS_DIR", &server_plugins));
    let out = infrakit(&env, &["plugin", "start", "instance-file", "--listen", "127.0.0.1:0"], "");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("infrakit certs") && err.contains("--tls-dir"), "{err}");

    // Command 2: the plugin on TCP with the node's identity.
    let node_dir = ca.join("node");
    let _plugin = start(&env, &data, "127.0.0.1:0", &["--tls-dir", node_dir.to_str().unwrap()], &t.join("plugin.log"));
    let listen = wait_for_file(&server_plugins.join("instance-file.listen"));
    let addr = listen.strip_prefix("tls://").unwrap_or_else(|| panic!("listen file holds {listen:?}")).to_string();

    // A client elsewhere: only the listen file in its plugins directory, and its own identity.
    std::fs::create_dir_all(&client_plugins).unwrap();
    std::fs::write(client_plugins.join("instance-file.listen"), &listen).unwrap();
    let admin = ca.join("admin");
    let mut client = base.clone();
    client.push(("INFRAKIT_PLUGINS_DIR", &client_plugins));
    client.push(("INFRAKIT_TLS_DIR", &admin));
    let id =
        ok(&infrakit(&client, &["instance", "provision", "--name", "instance-file", "-"], r#"{"Tags":{"t":"1"}}"#));
    let described = ok(&infrakit(&client, &["instance", "describe", "--name", "instance-file", "-q"], ""));
    assert!(!id.trim().is_empty() && described.contains(id.trim()), "provisioned {id}, described {described}");

    // No identity, or one from another CA: no RPC, with a clear error.
    client.pop();
    let out = infrakit(&client, &["instance", "describe", "--name", "instance-file"], "");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("no TLS client identity"), "{err}");
    let stranger = other.join("stranger");
    client.push(("INFRAKIT_TLS_DIR", &stranger));
    let out = infrakit(&client, &["instance", "describe", "--name", "instance-file"], "");
    assert!(!out.status.success(), "a stranger was answered: {}", String::from_utf8_lossy(&out.stdout));

    // Raw: plain HTTP and TLS without a client certificate get nothing; with one, the HTTP rules still hold.
    let json = "Content-Type: application/json\r\n";
    let r = exchange(&mut tcp(&addr), &post(json, VALIDATE));
    assert!(!r.contains("HTTP/1.1 200") && !r.contains("\"OK\""), "plain HTTP answered: {r}");
    let r = over_tls(tls_client(&admin, false), &addr, &post(json, VALIDATE));
    assert!(!r.contains("HTTP/1.1 200") && !r.contains("\"OK\""), "TLS without a certificate answered: {r}");
    let r = over_tls(tls_client(&admin, true), &addr, &post("Origin: http://evil.example\r\n", VALIDATE));
    assert!(r.starts_with("HTTP/1.1 403") && !r.contains("\"OK\""), "cross-origin POST answered: {r}");
    let r = over_tls(tls_client(&admin, true), &addr, &post("", VALIDATE));
    assert!(r.starts_with("HTTP/1.1 415"), "POST without Content-Type answered: {r}");
    let r = over_tls(tls_client(&admin, true), &addr, &post(json, VALIDATE));
    assert!(r.starts_with("HTTP/1.1 200") && r.contains(r#""OK":true"#), "{r}");
}

#[test]
fn a_wildcard_address_warns_and_is_announced_as_loopback() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (ca, home, plugins) = (t.join("ca"), t.join("home"), t.join("plugins"));
    let env: Vec<(&str, &Path)> = vec![("HOME", &home), ("INFRAKIT_HOME", &home), ("INFRAKIT_PLUGINS_DIR", &plugins)];
    ok(&infrakit(&env, &["certs", "--dir", ca.to_str().unwrap(), "node"], ""));
    let mut with_dir = env.clone();
    let node = ca.join("node");
    with_dir.push(("INFRAKIT_TLS_DIR", &node));
    let log = t.join("plugin.log");
    let mut plugin = start(&with_dir, &t.join("data"), "0.0.0.0:0", &[], &log);
    let listen = wait_for_file(&plugins.join("instance-file.listen"));
    assert!(listen.starts_with("tls://127.0.0.1:"), "{listen}");
    wait_until("the warning", Duration::from_secs(30), || {
        std::fs::read_to_string(&log).is_ok_and(|l| l.contains("WARNING") && l.contains("not a loopback address"))
    });
    assert!(plugin.signal_and_wait("TERM"));
}
