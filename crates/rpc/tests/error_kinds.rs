//! An error's kind travels with its message: a plugin's failure stays a failure on the other side, so its words are
//! never taken for "not found".

mod fakes;

use fakes::Recorder;
use infrakit_rpc::clients::{InstanceClient, PluginClient};
use infrakit_rpc::{RpcClient, ServerBuilder, Target};
use infrakit_spi::instance::{Id, Instance};
use infrakit_spi::Error;
use std::sync::Arc;

#[tokio::test]
async fn a_failure_stays_a_failure_over_the_wire() {
    let dir = tempfile::tempdir().unwrap();
    let server =
        ServerBuilder::new("instance-rec").instance(Arc::new(Recorder::default())).serve(dir.path()).await.unwrap();
    let client = InstanceClient(PluginClient::new(
        RpcClient::new("instance-rec", Target::Unix(dir.path().join("instance-rec"))),
        "",
    ));
    let err = client.destroy(&Id("unreachable".into())).await.unwrap_err();
    assert!(matches!(&err, Error::Failed(m) if m.contains("no such file")), "{err:?}");
    server.shutdown().await;
}
