//! Who gets an answer: JSON-RPC only as `POST` with `Content-Type: application/json`, no untrusted `Origin`, TCP
//! only with mutual TLS; and error answers never echo a request back whole.

use infrakit_instance_file::FileInstance;
use infrakit_rpc::clients::{InstanceClient, PluginClient};
use infrakit_rpc::server::TcpListen;
use infrakit_rpc::tls::issue::Ca;
use infrakit_rpc::tls::TlsFiles;
use infrakit_rpc::{RpcClient, Server, ServerBuilder, Target};
use infrakit_spi::instance::{Instance, Spec, Tags};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

const VALIDATE: &str = r#"{"jsonrpc":"2.0","method":"Instance.Validate","params":{},"id":1}"#;

async fn file_server(dir: &Path, builder: impl FnOnce(ServerBuilder) -> ServerBuilder) -> (Server, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let plugin = Arc::new(FileInstance::new(data.path()).unwrap());
    let server = builder(ServerBuilder::new("instance-file").instance(plugin)).serve(dir).await.unwrap();
    (server, data)
}

/// Sends `request` and returns everything written back until the peer closes or goes quiet (or an error ends it).
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, request: &[u8]) -> String {
    if s.write_all(request).await.is_err() {
        return String::new();
    }
    let mut out = Vec::new();
    let mut buf = vec![0u8; 65536];
    loop {
        match tokio::time::timeout(Duration::from_millis(1500), s.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn unix(server: &Server, request: &[u8]) -> String {
    exchange(tokio::net::UnixStream::connect(server.socket()).await.unwrap(), request).await
}

fn request(method: &str, path: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: h\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn json_post(body: &str) -> Vec<u8> {
    request("POST", "/", "Content-Type: application/json\r\n", body)
}

fn body_of(resp: &str) -> &str {
    resp.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("")
}

#[tokio::test]
async fn rpc_needs_json_content_type_and_no_foreign_origin() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _data) = file_server(dir.path(), |b| b.trust_origin("https://console.example")).await;

    // What Go's http.Post(url, "application/json", body) sends is answered, parameters and case aside.
    for ct in ["application/json", "Application/JSON", "application/json; charset=utf-8"] {
        let r = unix(&server, &request("POST", "/", &format!("Content-Type: {ct}\r\n"), VALIDATE)).await;
        assert!(r.starts_with("HTTP/1.1 200") && body_of(&r).contains(r#""OK":true"#), "{ct}: {r}");
    }
    // No Content-Type, or a type a browser may send without asking: no RPC.
    let r = unix(&server, &request("POST", "/", "", VALIDATE)).await;
    assert!(r.starts_with("HTTP/1.1 415") && r.contains("Content-Type: application/json required"), "{r}");
    for ct in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        let r = unix(&server, &request("POST", "/", &format!("Content-Type: {ct}\r\n"), VALIDATE)).await;
        assert!(r.starts_with("HTTP/1.1 415") && r.contains("rpc: unrecognized Content-Type"), "{ct}: {r}");
    }
    // A foreign Origin is refused on every path, with or without a JSON type; a trusted one is answered.
    let evil = "Origin: http://evil.example\r\n";
    for req in [
        request("POST", "/", evil, VALIDATE),
        request("POST", "/", &format!("{evil}Content-Type: application/json\r\n"), VALIDATE),
        request("GET", "/info/api.json", evil, ""),
        request("GET", "/events?topic=instance/changes", evil, ""),
        request("POST", "/", "Origin: null\r\nContent-Type: application/json\r\n", VALIDATE),
    ] {
        let r = unix(&server, &req).await;
        assert!(r.starts_with("HTTP/1.1 403") && r.contains("is not trusted"), "{r}");
        assert!(!r.contains(r#""OK":true"#), "{r}");
    }
    let trusted = "Origin: https://console.example\r\nContent-Type: application/json\r\n";
    let r = unix(&server, &request("POST", "/", trusted, VALIDATE)).await;
    assert!(r.starts_with("HTTP/1.1 200") && body_of(&r).contains(r#""OK":true"#), "{r}");
    // What exists beside JSON-RPC keeps working.
    let r = unix(&server, &request("GET", "/info/api.json", "", "")).await;
    assert!(r.starts_with("HTTP/1.1 200") && body_of(&r).contains(r#""Implements""#), "{r}");
    server.shutdown().await;
}

#[tokio::test]
async fn error_answers_do_not_echo_a_request_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _data) = file_server(dir.path(), |b| b).await;

    // A small request with a wrong version is echoed in data, as Go's json2 codec does.
    let small = r#"{"jsonrpc":"1.0","method":"Instance.Validate","params":{},"id":3}"#;
    let r = unix(&server, &json_post(small)).await;
    assert!(body_of(&r).contains(r#""data":{"jsonrpc":"1.0""#), "{r}");

    // A large one is not: data holds its first KiB and says it was cut.
    let big = format!(
        r#"{{"jsonrpc":"1.0","method":"Instance.Validate","params":{{"P":"{}"}},"id":3}}"#,
        "x".repeat(1 << 20)
    );
    let r = unix(&server, &json_post(&big)).await;
    let body = body_of(&r);
    assert!(body.contains(r#""code":-32600,"message":"jsonrpc must be 2.0""#), "{}", &body[..body.len().min(400)]);
    assert!(body.len() < 2048, "answer of {} bytes", body.len());
    assert!(body.contains(&format!("(cut: {} bytes in all)", big.len())), "{body}");
    let answer: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(answer["id"], 3);

    // Bad params are not echoed whole either, nor is a huge method name in the message.
    let params = format!(
        r#"{{"jsonrpc":"2.0","method":"Instance.Destroy","params":{{"Instance":[{}1]}},"id":4}}"#,
        "1,".repeat(1 << 16)
    );
    let body = unix(&server, &json_post(&params)).await;
    assert!(body_of(&body).len() < 12 * 1024, "answer of {} bytes", body.len());
    let method = format!(r#"{{"jsonrpc":"2.0","method":"Instance.{}","params":{{}},"id":5}}"#, "m".repeat(1 << 20));
    let body = unix(&server, &json_post(&method)).await;
    assert!(body_of(&body).contains("can't find method") && body.len() < 12 * 1024, "answer of {} bytes", body.len());
    // An id too long to echo is refused.
    let id = format!(r#"{{"jsonrpc":"2.0","method":"Instance.Validate","params":{{}},"id":"{}"}}"#, "i".repeat(4096));
    let body = unix(&server, &json_post(&id)).await;
    assert!(body_of(&body).contains("id longer than 1024 bytes") && body.len() < 2048, "{body}");
    server.shutdown().await;
}

/// A CA and two identities issued by it, plus one from another CA, as TLS directories.
struct Pki {
    _dir: tempfile::TempDir,
    server: TlsFiles,
    client: TlsFiles,
    stranger: TlsFiles,
}

fn pki() -> Pki {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::generate(2).unwrap();
    let names = |n: &str| vec![n.to_string(), "127.0.0.1".to_string()];
    let write = |ca: &Ca, n: &str| {
        let issued = ca.issue(n, &names(n), 1).unwrap();
        ca.write_node(&dir.path().join(n), &issued, false).unwrap();
        TlsFiles::in_dir(&dir.path().join(n))
    };
    let other = Ca::generate(2).unwrap();
    let (server, client, stranger) = (write(&ca, "server"), write(&ca, "client"), write(&other, "stranger"));
    Pki { _dir: dir, server, client, stranger }
}

#[tokio::test]
async fn tcp_is_mutual_tls_only() {
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let tls = pki.server.server_config().await.unwrap();
    let (server, _data) =
        file_server(dir.path(), |b| b.listen_tls(TcpListen { addr: "127.0.0.1:0".into(), tls })).await;
    let addr = server.tcp_addr().unwrap();
    let listen = std::fs::read_to_string(dir.path().join("instance-file.listen")).unwrap();
    assert_eq!(listen, format!("tls://{addr}"));

    // A client holding a certificate from the cluster CA is answered.
    let config = pki.client.client_config().await.unwrap();
    let client = RpcClient::with_tls("instance-file", Target::Tls(addr.to_string()), config.clone());
    let plugin = InstanceClient(PluginClient::new(client, ""));
    let id = plugin.provision(Spec::default()).await.unwrap();
    assert_eq!(plugin.describe_instances(&Tags::new(), false).await.unwrap()[0].id, id);

    // Plain HTTP gets no RPC.
    let r = exchange(tokio::net::TcpStream::connect(addr).await.unwrap(), &json_post(VALIDATE)).await;
    assert!(!r.contains("HTTP/1.1 200") && !r.contains(r#""OK""#), "{r}");

    // TLS without a client certificate, or with one from another CA, gets no RPC.
    let roots = {
        let mut roots = rustls::RootCertStore::empty();
        let pem = std::fs::read(&pki.server.ca).unwrap();
        use rustls::pki_types::pem::PemObject;
        for c in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
            roots.add(c.unwrap()).unwrap();
        }
        roots
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let anonymous = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(anonymous));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = infrakit_rpc::tls::server_name(&addr.to_string()).unwrap();
    let r = match connector.connect(name, tcp).await {
        Ok(stream) => exchange(stream, &json_post(VALIDATE)).await,
        Err(e) => e.to_string(),
    };
    assert!(!r.contains("HTTP/1.1 200") && !r.contains(r#""OK""#), "{r}");
    let stranger = pki.stranger.client_config().await.unwrap();
    let client = RpcClient::with_tls("instance-file", Target::Tls(addr.to_string()), stranger);
    let err = InstanceClient(PluginClient::new(client, "")).describe_instances(&Tags::new(), false).await.unwrap_err();
    assert!(err.to_string().contains("instance-file at tls://"), "{err}");

    // With a good certificate, a cross-origin POST with no Content-Type is still refused.
    let connector = tokio_rustls::TlsConnector::from(config);
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = infrakit_rpc::tls::server_name(&addr.to_string()).unwrap();
    let stream = connector.connect(name, tcp).await.unwrap();
    let r = exchange(stream, &request("POST", "/", "Origin: http://evil.example\r\n", VALIDATE)).await;
    assert!(r.starts_with("HTTP/1.1 403"), "{r}");
    server.shutdown().await;
    assert!(!dir.path().join("instance-file.listen").exists());
}
