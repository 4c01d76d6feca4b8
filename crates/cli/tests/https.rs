//! Templates fetched over https:// (cargo feature `https`) from a local TLS server with a certificate this test makes.
#![cfg(feature = "https")]

mod common;

use common::*;
use std::io::BufRead;
use std::process::{Command, Stdio};

#[test]
fn templates_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A test CA, and a server certificate for 127.0.0.1 signed by it.
    std::fs::write(d.join("ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n").unwrap();
    let steps: [&[&str]; 3] = [
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=infrakit-test-ca",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
        &["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "key.pem", "-out", "leaf.csr"],
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-out",
            "cert.pem",
            "-extfile",
            "ext.cnf",
        ],
    ];
    let made = steps
        .iter()
        .all(|args| Command::new("openssl").args(*args).current_dir(d).output().is_ok_and(|o| o.status.success()));
    if !made {
        assert!(std::env::var_os("CI").is_none(), "CI needs openssl to make a test certificate");
        println!("SKIPPED templates_over_https: no openssl to make a certificate");
        return;
    }
    std::fs::write(d.join("main.ikt"), r#"main {{ include "part.ikt" }} {{ var "who" }}"#).unwrap();
    std::fs::write(d.join("part.ikt"), r#"part"#).unwrap();
    let server = r#"
import http.server, ssl, sys
s = http.server.HTTPServer(('127.0.0.1', 0), http.server.SimpleHTTPRequestHandler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain('cert.pem', 'key.pem')
s.socket = ctx.wrap_socket(s.socket, server_side=True)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(server)
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3");
    let mut port = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut port).unwrap();
    let _server = Daemon(child);
    let url = format!("https://127.0.0.1:{}/main.ikt", port.trim());

    let out = Command::new(infrakit_bin())
        .args(["template", &url, "--var", "who=tls"])
        .env("SSL_CERT_FILE", d.join("ca.pem"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "main part tls");

    // A server this machine does not trust is refused, with the URL named.
    let out = Command::new(infrakit_bin()).args(["template", &url]).env("SSL_CERT_FILE", "/dev/null").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains(&url), "{err}");
}
