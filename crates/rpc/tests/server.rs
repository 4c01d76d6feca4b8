//! The server on a real UNIX socket: the JSON-RPC fixtures of the spec (§13), bad input, socket lifecycle, and the
//! typed clients driving real plugins through it.

use infrakit_flavor_vanilla::VanillaFlavor;
use infrakit_instance_file::FileInstance;
use infrakit_rpc::clients::{FlavorClient, InstanceClient, PluginClient};
use infrakit_rpc::server::{Limits, ServeError};
use infrakit_rpc::{Discovery, Registry, RpcClient, ServerBuilder, Target};
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Index, Prepare};
use infrakit_spi::instance::{Instance, Spec, Tags};
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::plugin::Name;
use infrakit_spi::Any;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

async fn file_server(dir: &Path, name: &str) -> (infrakit_rpc::Server, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let plugin = Arc::new(FileInstance::new(data.path()).unwrap());
    let server = ServerBuilder::new(name).instance(plugin).serve(dir).await.unwrap();
    (server, data)
}

/// Sends raw bytes, returns everything the server wrote until it closed the connection or went quiet.
async fn raw(socket: &Path, request: &[u8]) -> String {
    let mut s = UnixStream::connect(socket).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 65536];
    loop {
        match tokio::time::timeout(Duration::from_millis(1500), s.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) => break,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Ok(Err(_)) => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn post(body: &str) -> Vec<u8> {
    format!(
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn body_of(resp: &str) -> &str {
    resp.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("")
}

#[tokio::test]
async fn spec_fixtures_and_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _data) = file_server(dir.path(), "instance-file").await;
    let sock = server.socket().to_path_buf();

    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"Group.Nope","params":{},"id":1}"#)).await;
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    assert_eq!(body_of(&r), "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"rpc: can't find service \\\"Group.Nope\\\"\",\"data\":null},\"id\":1}\n");

    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"Instance.Nope","params":{},"id":1}"#)).await;
    assert_eq!(body_of(&r), "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"rpc: can't find method \\\"Instance.Nope\\\"\",\"data\":null},\"id\":1}\n");

    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"Handshake.Implements","params":{},"id":7}"#)).await;
    assert_eq!(
        body_of(&r),
        "{\"jsonrpc\":\"2.0\",\"result\":{\"APIs\":[{\"Name\":\"Instance\",\"Version\":\"0.5.0\"}]},\"id\":7}\n"
    );
    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"Handshake.Types","params":{},"id":"x"}"#)).await;
    assert_eq!(body_of(&r), "{\"jsonrpc\":\"2.0\",\"result\":{\"Types\":{\"Instance/0.5.0\":[\".\"]}},\"id\":\"x\"}\n");
    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"Plugin.Implements","id":8}"#)).await;
    assert!(body_of(&r).contains(r#""APIs":[{"Name":"Instance","Version":"0.5.0"}]"#), "{r}");

    // Malformed JSON: -32700 with a null id.
    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"#)).await;
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    assert!(body_of(&r).contains(r#""code":-32700"#) && body_of(&r).ends_with(",\"id\":null}\n"), "{r}");
    // Wrong version.
    let r = raw(&sock, &post(r#"{"jsonrpc":"1.0","method":"Instance.Validate","params":{},"id":3}"#)).await;
    assert!(body_of(&r).contains(r#""code":-32600,"message":"jsonrpc must be 2.0""#), "{r}");
    // Ill-formed method name.
    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"NoDot","params":{},"id":3}"#)).await;
    assert!(body_of(&r).contains("service/method request ill-formed"), "{r}");
    // Unknown sub-type.
    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"Instance.Validate","params":{"Type":"big"},"id":3}"#)).await;
    assert!(body_of(&r).contains(r#""message":"no-plugin:big""#), "{r}");
    // Params as a one-element array; unparsable Properties name the field.
    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"Instance.Validate","params":[{"Properties":[1]}],"id":4}"#))
        .await;
    assert!(body_of(&r).contains("invalid Properties"), "{r}");
    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"Instance.Validate","params":[{"Properties":{}}],"id":4}"#))
        .await;
    assert_eq!(body_of(&r), "{\"jsonrpc\":\"2.0\",\"result\":{\"Type\":\"\",\"OK\":true},\"id\":4}\n");
    // Wrongly typed params.
    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"Instance.Destroy","params":{"Instance":5},"id":5}"#)).await;
    assert!(body_of(&r).contains(r#""code":-32600"#), "{r}");
    // Notification: answered with an empty body.
    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"Instance.Validate","params":{}}"#)).await;
    assert!(r.starts_with("HTTP/1.1 200") && body_of(&r).is_empty(), "{r}");
    // Wrong HTTP method and media type.
    let r = raw(&sock, b"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").await;
    assert!(r.starts_with("HTTP/1.1 405") && body_of(&r).contains("rpc: POST method required, received GET"), "{r}");
    let r = raw(
        &sock,
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Type: text/xml\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 415"), "{r}");
    let r = raw(&sock, b"GET /info/api.json HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").await;
    assert!(body_of(&r).contains(r#""Implements":[{"Name":"Instance","Version":"0.5.0"}]"#), "{r}");
    assert!(body_of(&r).contains(r#""method":"Instance.DescribeInstances""#), "{r}");
    server.shutdown().await;
}

#[tokio::test]
async fn oversized_and_endless_bodies_are_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let limits =
        Limits { max_body: 1024, header_timeout: Duration::from_secs(2), body_timeout: Duration::from_millis(300) };
    let server = ServerBuilder::new("small")
        .instance(Arc::new(FileInstance::new(data.path()).unwrap()))
        .limits(limits)
        .serve(dir.path())
        .await
        .unwrap();
    let sock = server.socket().to_path_buf();

    let big = format!(
        r#"{{"jsonrpc":"2.0","method":"Instance.Validate","params":{{"Properties":"{}"}},"id":1}}"#,
        "x".repeat(4096)
    );
    let r = raw(&sock, &post(&big)).await;
    assert!(body_of(&r).contains("request body larger than 1024 bytes"), "{r}");

    // Announces 100 bytes, sends 10, then stalls: answered with an error and closed, no hung worker.
    let start = std::time::Instant::now();
    let r = raw(
        &sock,
        b"POST / HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"",
    )
    .await;
    assert!(body_of(&r).contains("request body not received within"), "{r}");
    assert!(start.elapsed() < Duration::from_secs(10));

    // The server still answers normally afterwards.
    let r = raw(&sock, &post(r#"{"jsonrpc":"2.0","method":"Instance.Validate","params":{},"id":2}"#)).await;
    assert!(body_of(&r).contains(r#""OK":true"#), "{r}");
    server.shutdown().await;
}

#[tokio::test]
async fn socket_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _data) = file_server(dir.path(), "files").await;
    let sock = dir.path().join("files");
    let mode = std::fs::metadata(&sock).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "socket must be owner-only");
    let pid = std::fs::read_to_string(dir.path().join("files.pid")).unwrap();
    assert_eq!(pid, std::process::id().to_string());

    // A second server under the same name is refused while the first answers.
    let data2 = tempfile::tempdir().unwrap();
    let second = ServerBuilder::new("files")
        .instance(Arc::new(FileInstance::new(data2.path()).unwrap()))
        .serve(dir.path())
        .await;
    assert!(matches!(second, Err(ServeError::AlreadyRunning { .. })));

    server.shutdown().await;
    assert!(!sock.exists() && !dir.path().join("files.pid").exists(), "files removed on clean exit");

    // A stale socket (bound, then abandoned as by a crash) is replaced on start.
    let stale = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    drop(stale);
    assert!(sock.exists());
    let (server, _data) = file_server(dir.path(), "files").await;
    let rpc = RpcClient::new("files", Target::Unix(sock.clone()));
    let client = PluginClient::new(rpc, "");
    client.require("Instance", "0.5.0").await.unwrap();
    let err = client.require("Instance", "0.3.0").await.unwrap_err().to_string();
    assert!(err.contains("supports Instance interface version 0.5.0, client requires 0.3.0"), "{err}");
    let err = client.require("Group", "0.1.0").await.unwrap_err().to_string();
    assert!(err.contains("does not support interface Group/0.1.0"), "{err}");
    server.shutdown().await;

    // A regular file in the socket's place is never deleted.
    std::fs::write(&sock, "mine").unwrap();
    let data3 = tempfile::tempdir().unwrap();
    let refused = ServerBuilder::new("files")
        .instance(Arc::new(FileInstance::new(data3.path()).unwrap()))
        .serve(dir.path())
        .await;
    assert!(refused.is_err());
    assert_eq!(std::fs::read_to_string(&sock).unwrap(), "mine");
}

#[tokio::test]
async fn typed_clients_drive_plugins_through_discovery() {
    let dir = tempfile::tempdir().unwrap();
    let (files, _data) = file_server(dir.path(), "instance-file").await;
    let vanilla = ServerBuilder::new("flavor-vanilla")
        .flavor(Arc::new(VanillaFlavor::default()))
        .serve(dir.path())
        .await
        .unwrap();
    let tcp_data = tempfile::tempdir().unwrap();
    let pki = tempfile::tempdir().unwrap();
    let ca = infrakit_rpc::tls::issue::Ca::generate(1).unwrap();
    ca.write_node(pki.path(), &ca.issue("node", &["127.0.0.1".into()], 1).unwrap(), false).unwrap();
    let identity = infrakit_rpc::tls::TlsFiles::in_dir(pki.path());
    let tls = identity.server_config().await.unwrap();
    let over_tcp = ServerBuilder::new("instance-tcp")
        .instance(Arc::new(FileInstance::new(tcp_data.path()).unwrap()))
        .listen_tls(infrakit_rpc::server::TcpListen { addr: "127.0.0.1:0".into(), tls })
        .serve(dir.path())
        .await
        .unwrap();

    let discovery = Discovery::new(dir.path());
    let names: Vec<String> = discovery.list().unwrap().into_iter().map(|e| e.name).collect();
    assert_eq!(names, ["flavor-vanilla", "instance-file", "instance-tcp"]);

    let registry = Registry::new(Some(discovery));
    let flavor = registry.flavor(&Name::from("flavor-vanilla")).await.unwrap();
    let instance = registry.instance(&Name::from("instance-file")).await.unwrap();
    // The plugin's listing consistency travels too (an extension InfraKit v0.5's plugins lack).
    assert_eq!(instance.listing_lag().await, Some(std::time::Duration::ZERO));
    let props = Any::from_json(r#"{"Init":["echo hello"],"Tags":{"tier":"web"}}"#).unwrap();
    let alloc = AllocationMethod { size: 1, logical_ids: vec![] };
    flavor.validate(Some(&props), &alloc).await.unwrap();
    let spec = Spec { tags: [("infrakit.group".to_string(), "g".to_string())].into(), ..Spec::default() };
    let spec = flavor
        .prepare(Prepare {
            properties: Some(&props),
            spec,
            allocation: &alloc,
            index: &Index { group: "g".into(), sequence: 0 },
        })
        .await
        .unwrap();
    assert_eq!(spec.init, "echo hello");
    let id = instance.provision(spec).await.unwrap();
    let listed = instance.describe_instances(&[("tier".to_string(), "web".to_string())].into(), true).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert!(listed[0].properties.is_some());
    assert_eq!(flavor.healthy(Some(&props), &listed[0]).await.unwrap(), Health::Healthy);
    instance.destroy(&id).await.unwrap();
    // "Not found" means the same over the wire as in process (the kind travels in the error's data).
    let err = instance.destroy(&id).await.unwrap_err();
    assert!(matches!(err, infrakit_spi::Error::NotFound(_)), "{err:?}");
    assert!(err.to_string().contains("not found"), "{err}");
    assert!(instance.describe_instances(&Tags::new(), false).await.unwrap().is_empty());

    // The TCP (mutual TLS) view of the third plugin works the same way.
    let addr = over_tcp.tcp_addr().unwrap();
    let rpc =
        RpcClient::with_tls("instance-tcp", Target::Tls(addr.to_string()), identity.client_config().await.unwrap());
    let tcp = InstanceClient(PluginClient::new(rpc, ""));
    let id = tcp.provision(Spec::default()).await.unwrap();
    assert_eq!(tcp.describe_instances(&Tags::new(), false).await.unwrap()[0].id, id);

    // A flavor client against an instance plugin fails the handshake with a clear error.
    let wrong =
        FlavorClient(PluginClient::new(RpcClient::new("instance-file", Target::Unix(files.socket().into())), ""));
    let err = wrong.validate(None, &alloc).await.unwrap_err().to_string();
    assert!(err.contains("does not support interface Flavor/0.1.0"), "{err}");
    let err = registry.instance(&Name::from("instance-nope")).await.err().unwrap().to_string();
    assert!(err.contains("plugin not found: instance-nope"), "{err}");

    files.shutdown().await;
    vanilla.shutdown().await;
    over_tcp.shutdown().await;
    assert!(!dir.path().join("instance-tcp.listen").exists());
}
