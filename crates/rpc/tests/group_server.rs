//! A group server lists exactly the interfaces InfraKit v0.5's group plugin lists (`cmd/group/main.go @ v0.5`
//! serves `Metadata/0.1.0` and `Group/0.1.0`); the rollout controls are extension methods of `Group`, reached through
//! the same client.

mod fakes;

use fakes::Recorder;
use infrakit_rpc::clients::{GroupClient, PluginClient};
use infrakit_rpc::services::{GroupControlService, ManagerService};
use infrakit_rpc::{RpcClient, Server, ServerBuilder, Target};
use infrakit_spi::group::{Group, GroupControl, Id};
use infrakit_spi::plugin::InterfaceSpec;
use std::collections::BTreeSet;
use std::sync::Arc;

/// What Go v0.5's group plugin answers to `Handshake.Implements`.
fn go_group_interfaces() -> BTreeSet<InterfaceSpec> {
    [InterfaceSpec::new("Metadata", "0.1.0"), InterfaceSpec::new("Group", "0.1.0")].into()
}

/// The group server as the CLI assembles it.
async fn group_server(dir: &std::path::Path, plugin: &Arc<Recorder>) -> Server {
    ServerBuilder::new("group")
        .metadata(plugin.clone())
        .group(plugin.clone())
        .service(Arc::new(GroupControlService(plugin.clone())))
        .serve(dir)
        .await
        .unwrap()
}

fn client(server: &Server) -> PluginClient {
    PluginClient::new(RpcClient::new(server.name(), Target::Unix(server.socket().into())), "")
}

#[tokio::test]
async fn a_group_server_implements_what_go_s_group_implements() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = Arc::new(Recorder::default());
    let server = group_server(dir.path(), &plugin).await;
    let c = client(&server);

    let implements: Vec<InterfaceSpec> = c.implements().await.unwrap().to_vec();
    assert_eq!(implements.len(), 2, "{implements:?}");
    assert_eq!(implements.into_iter().collect::<BTreeSet<_>>(), go_group_interfaces());
    // v0.5's CLI lists interfaces from `Handshake.Types`.
    let types = c.types().await.unwrap().types;
    assert_eq!(types.keys().map(String::as_str).collect::<Vec<_>>(), ["Group/0.1.0", "Metadata/0.1.0"]);
    assert!(types.values().all(|t| t == &["."]), "{types:?}");

    // `/info/api.json` tells the same, with the rollout controls among Group's methods.
    let resp = c.rpc().get_stream("/info/api.json").await.unwrap();
    use http_body_util::BodyExt;
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let info: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let listed: BTreeSet<InterfaceSpec> = serde_json::from_value(info["Implements"].clone()).unwrap();
    assert_eq!(listed, go_group_interfaces());
    let interfaces = info["Interfaces"].as_array().unwrap();
    assert_eq!(interfaces.len(), 2);
    let group = interfaces.iter().find(|i| i["Name"] == "Group").unwrap();
    let methods: Vec<&str> =
        group["Methods"].as_array().unwrap().iter().map(|m| m["Request"]["method"].as_str().unwrap()).collect();
    assert!(methods.contains(&"Group.CommitGroup") && methods.contains(&"Group.PauseRollout"), "{methods:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_rollout_controls_work_through_the_group_client() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = Arc::new(Recorder::default());
    let server = group_server(dir.path(), &plugin).await;
    let g = GroupClient(client(&server));
    let id = Id("cattle".into());

    g.pause(&id).await.unwrap();
    g.resume(&id).await.unwrap();
    g.rollback(&id).await.unwrap();
    let status = g.status(&id).await.unwrap();
    assert_eq!(status.id.0, "cattle");
    // The Group methods on the same client and socket.
    assert!(g.inspect_groups().await.unwrap().is_empty());
    assert_eq!(
        plugin.take(),
        ["control.pause", "control.resume", "control.rollback", "control.status", "group.inspect_groups"]
    );

    // Against a group plugin without the extension (InfraKit v0.5's), the control fails and says why.
    let plain = ServerBuilder::new("group-v05").group(plugin.clone()).serve(dir.path()).await.unwrap();
    let err = GroupClient(client(&plain)).pause(&id).await.unwrap_err().to_string();
    assert!(err.contains(r#"can't find method "Group.PauseRollout""#), "{err}");
    plain.shutdown().await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_manager_lists_no_interface_v05_does_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = Arc::new(Recorder::default());
    let server = ServerBuilder::new("manager")
        .metadata(plugin.clone())
        .group(plugin.clone())
        .service(Arc::new(ManagerService(plugin.clone())))
        .service(Arc::new(GroupControlService(plugin.clone())))
        .serve(dir.path())
        .await
        .unwrap();
    let names: Vec<String> = client(&server).implements().await.unwrap().iter().map(|a| a.encode()).collect();
    assert_eq!(names, ["Metadata/0.1.0", "Group/0.1.0", "Manager/0.1.0"]);
    GroupClient(client(&server)).pause(&Id("g".into())).await.unwrap();
    assert_eq!(plugin.take(), ["control.pause"]);
    server.shutdown().await;
}
