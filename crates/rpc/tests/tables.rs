//! Every method of every method table is dispatched by its interface's service (and reaches the trait method of
//! the same job); a method missing from the table is "can't find method", as in InfraKit v0.5.

mod fakes;

use fakes::Recorder;
use infrakit_rpc::dispatch::Router;
use infrakit_rpc::iface::{flavor, group, handshake, instance, manager, metadata, rollout};
use infrakit_rpc::methods::MethodTable;
use infrakit_rpc::services::{
    FlavorService, GroupControlService, GroupService, InstanceService, ManagerService, MetadataService, Service,
};
use std::sync::Arc;

fn router(plugin: &Arc<Recorder>) -> Router {
    let services: Vec<Arc<dyn Service>> = vec![
        Arc::new(InstanceService::new([(String::new(), plugin.clone() as _)].into())),
        Arc::new(FlavorService::new([(String::new(), plugin.clone() as _)].into())),
        Arc::new(GroupService(plugin.clone())),
        Arc::new(GroupControlService(plugin.clone())),
        Arc::new(ManagerService(plugin.clone())),
        Arc::new(MetadataService::new([(String::new(), plugin.clone() as _)].into())),
    ];
    Router::new(services)
}

async fn call(router: &Router, method: &str) -> serde_json::Value {
    let body = format!(r#"{{"jsonrpc":"2.0","method":"{method}","params":{{}},"id":1}}"#);
    let answer = router.handle(body.as_bytes()).await.expect("a request with an id is answered");
    serde_json::from_slice(&answer).unwrap()
}

/// Calls every method of `M` in table order; returns the trait methods reached.
async fn call_all<M: MethodTable>(router: &Router, plugin: &Recorder) -> Vec<&'static str> {
    for m in M::ALL {
        let answer = call(router, &m.wire_name()).await;
        assert!(answer.get("error").is_none(), "{}: {answer}", m.wire_name());
        assert!(answer.get("result").is_some_and(|r| !r.is_null()), "{}: {answer}", m.wire_name());
    }
    plugin.take()
}

#[tokio::test]
async fn every_method_in_every_table_is_dispatched() {
    let plugin = Arc::new(Recorder::default());
    let router = router(&plugin);
    let reached = call_all::<instance::Method>(&router, &plugin).await;
    let expected = ["validate", "provision", "label", "destroy", "describe_instances", "listing_lag", "validate_spec"];
    assert_eq!(reached, expected.map(|m| format!("instance.{m}")));
    let reached = call_all::<flavor::Method>(&router, &plugin).await;
    assert_eq!(reached, ["validate", "prepare", "healthy", "drain"].map(|m| format!("flavor.{m}")));
    let reached = call_all::<group::Method>(&router, &plugin).await;
    let expected = ["commit_group", "free_group", "describe_group", "destroy_group", "inspect_groups"];
    assert_eq!(reached, expected.map(|m| format!("group.{m}")));
    let reached = call_all::<rollout::Method>(&router, &plugin).await;
    assert_eq!(reached, ["pause", "resume", "rollback", "status"].map(|m| format!("control.{m}")));
    let reached = call_all::<manager::Method>(&router, &plugin).await;
    assert_eq!(reached, ["is_leader", "status", "history", "rollback_to"].map(|m| format!("manager.{m}")));
    let reached = call_all::<metadata::Method>(&router, &plugin).await;
    assert_eq!(reached, ["metadata.list", "metadata.get"]);
    let reached = call_all::<handshake::Method>(&router, &plugin).await;
    assert!(reached.is_empty(), "the handshake is answered by the server itself: {reached:?}");
}

#[tokio::test]
async fn a_method_not_in_the_table_is_not_found() {
    let plugin = Arc::new(Recorder::default());
    let router = router(&plugin);
    for method in ["Instance.Nope", "Flavor.Nope", "Group.Nope", "Manager.Nope", "Metadata.Nope", "Handshake.Nope"] {
        let answer = call(&router, method).await;
        let expected = serde_json::json!({
            "jsonrpc": "2.0",
            "error": {"code": -32000, "message": format!("rpc: can't find method {method:?}"), "data": null},
            "id": 1,
        });
        assert_eq!(answer, expected);
    }
    // The rollout controls moved onto `Group`: their old interface is no service at all.
    let answer = call(&router, "GroupControl.Pause").await;
    assert_eq!(answer["error"]["message"], r#"rpc: can't find service "GroupControl.Pause""#);
    assert!(plugin.take().is_empty());
}

#[test]
fn names_are_written_once_and_parse_back() {
    fn check<M: MethodTable + PartialEq + std::fmt::Debug>() {
        assert_eq!(M::ALL.len(), M::NAMES.len());
        for (m, name) in M::ALL.iter().zip(M::NAMES) {
            assert_eq!(m.name(), *name);
            assert_eq!(M::parse(name), Some(*m));
            assert_eq!(m.wire_name(), format!("{}.{name}", M::INTERFACE.name));
        }
        assert_eq!(M::parse("Nope"), None);
    }
    check::<instance::Method>();
    check::<flavor::Method>();
    check::<group::Method>();
    check::<rollout::Method>();
    check::<manager::Method>();
    check::<metadata::Method>();
    check::<handshake::Method>();
    assert_eq!(rollout::Method::PauseRollout.wire_name(), "Group.PauseRollout");
    const { assert!(<rollout::Method as MethodTable>::EXTENSION && !<group::Method as MethodTable>::EXTENSION) };
}
