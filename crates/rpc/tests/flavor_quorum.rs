//! `Flavor.Quorum` over a socket: a flavor's quorum travels as an extension method of `Flavor/0.1.0` (the handshake
//! lists no interface of its own), and a flavor that does not know the method (InfraKit v0.5) keeps no quorum.

mod fakes;

use fakes::Recorder;
use infrakit_rpc::clients::{FlavorClient, PluginClient};
use infrakit_rpc::services::FlavorService;
use infrakit_rpc::{RpcClient, ServerBuilder, Target};
use infrakit_spi::flavor::{Flavor, Health, Quorum};
use infrakit_spi::instance::{Description, Id};
use infrakit_spi::Any;
use std::sync::Arc;

fn client(dir: &std::path::Path, name: &str) -> FlavorClient {
    FlavorClient(PluginClient::new(RpcClient::new(name, Target::Unix(dir.join(name))), ""))
}

#[tokio::test]
async fn a_quorum_travels_and_a_flavor_without_the_method_keeps_none() {
    let dir = tempfile::tempdir().unwrap();
    let ours =
        ServerBuilder::new("flavor-ensemble").flavor(Arc::new(Recorder::ensemble())).serve(dir.path()).await.unwrap();
    // A v0.5 flavor: the Flavor methods only.
    let plain = [(String::new(), Arc::new(Recorder::ensemble()) as Arc<dyn Flavor>)].into();
    let old =
        ServerBuilder::new("flavor-old").service(Arc::new(FlavorService::new(plain))).serve(dir.path()).await.unwrap();

    let instances = [
        Description { id: Id("a".into()), ..Description::default() },
        Description { id: Id("b".into()), ..Description::default() },
    ];
    let props = Any::from_json("{}").unwrap();
    let ensemble = client(dir.path(), "flavor-ensemble");
    let q = ensemble.quorum(Some(&props), &instances).await.unwrap();
    assert_eq!(q, Some(Quorum { healthy: true, leader: Some(Id("b".into())) }));
    assert_eq!(ensemble.quorum(None, &[]).await.unwrap(), Some(Quorum { healthy: false, leader: None }));
    // The handshake lists Flavor once: the extension is no interface of its own.
    let apis = ensemble.0.implements().await.unwrap();
    assert_eq!(apis.iter().filter(|a| a.name == "Flavor").count(), 1, "{apis:?}");
    assert_eq!(apis.len(), 1, "{apis:?}");

    let v05 = client(dir.path(), "flavor-old");
    assert_eq!(v05.quorum(Some(&props), &instances).await.unwrap(), None, "can't find method: no quorum");
    assert_eq!(v05.healthy(None, &instances[0]).await.unwrap(), Health::Healthy);

    ours.shutdown().await;
    old.shutdown().await;
}
