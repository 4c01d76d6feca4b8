//! An engine restart under the plugin (its own dockerd: this binary restarts it): the event stream is
//! re-subscribed with a resync, containers that the engine restarts are listed again, and a kill after the restart
//! is still pushed.

mod common;

use common::*;
use futures::StreamExt;
use infrakit_spi::instance::Instance;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plugin_survives_an_engine_restart() {
    let Some(engine) = engine().await else { return };
    let p = plugin(engine, "restart");
    let mut changes = p.changes().expect("a change stream");
    let always = format!(
        r#"{{"Config":{{"Image":"{}","Cmd":["sleep","1000000"]}},"HostConfig":{{"RestartPolicy":{{"Name":"always"}}}}}}"#,
        infrakit_docker_testkit::IMAGE
    );
    let kept = p.provision(spec("restart", &always)).await.expect("provision");
    let lost = p.provision(spec("restart", &sleeper())).await.expect("provision");
    tokio::time::sleep(Duration::from_millis(300)).await;
    while tokio::time::timeout(Duration::from_millis(100), changes.next()).await.is_ok() {}

    tokio::task::spawn_blocking(|| engine.stop()).await.expect("stop");
    let down = p.describe_instances(&group("restart"), false).await.err().map(|e| e.to_string());
    assert!(down.as_deref().is_some_and(|e| e.contains("unreachable")), "a clear error while it is down: {down:?}");
    tokio::task::spawn_blocking(|| engine.start()).await.expect("start");

    // The container with a restart policy runs again and is listed; the other one died with the engine.
    wait_for("the restarted engine's listing", LIMIT, || async {
        p.describe_instances(&group("restart"), false).await.is_ok_and(|l| l.iter().map(|d| &d.id).eq([&kept]))
    })
    .await;
    assert!(!listed(&p, "restart").await.contains(&lost));
    // The watcher re-subscribed and pushed a resync.
    let pushed = tokio::time::timeout(LIMIT, changes.next()).await;
    assert!(matches!(pushed, Ok(Some(()))), "a change after the restart");

    // Events flow again: a kill after the restart is pushed.
    let fresh = p.provision(spec("restart", &sleeper())).await.expect("provision after the restart");
    tokio::time::sleep(Duration::from_millis(300)).await;
    while tokio::time::timeout(Duration::from_millis(100), changes.next()).await.is_ok() {}
    docker(engine, &["kill", &fresh.0]).await.expect("kill");
    let pushed = tokio::time::timeout(LIMIT, changes.next()).await;
    assert!(matches!(pushed, Ok(Some(()))), "the die event after the restart was pushed");
    assert!(!listed(&p, "restart").await.contains(&fresh));
    p.destroy(&kept).await.expect("destroy");
}
