//! Every client of one engine in a process shares its connections and its API version negotiation (the instance
//! plugin, the Swarm leadership and store, the Swarm flavor), on this test binary's own dockerd.

use infrakit_docker::Docker;
use infrakit_docker_testkit::Engine;
use std::time::Duration;

#[tokio::test]
async fn clients_of_one_engine_share_its_connections_and_negotiation() {
    let Some(engine) = Engine::shared() else { return };
    let socket = engine.socket();
    // The same engine, spelled two ways, with different time limits.
    let plugin = Docker::new(&engine.host(), Duration::from_secs(30)).expect("client");
    let leadership = Docker::new(&socket.to_string_lossy(), Duration::from_secs(5)).expect("client");
    let elsewhere = Docker::new("unix:///nonexistent/docker.sock", Duration::from_secs(5)).expect("client");
    assert!(plugin.shares_connections_with(&leadership));
    assert!(!plugin.shares_connections_with(&elsewhere));
    assert_eq!(leadership.api_version().await, None, "nothing negotiated before the first call");

    // One negotiates; the other has the version without a call of its own, and keeps its own time limit.
    plugin.ping().await.expect("ping");
    let version = leadership.api_version().await.expect("negotiated through the other client");
    assert!(version.starts_with("1."), "{version}");
    assert_eq!(leadership.api().await.expect("api").timeout(), Duration::from_secs(5));
    assert_eq!(plugin.api().await.expect("api").timeout(), Duration::from_secs(30));
    leadership.version().await.expect("the leadership's client works");

    // Connections belong to the runtime that made them: a client on another runtime negotiates its own.
    let host = engine.host();
    let elsewhere = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async move {
            let client = Docker::new(&host, Duration::from_secs(5)).expect("client");
            let before = client.api_version().await;
            (before, client.ping().await.is_ok(), client.api_version().await.is_some())
        })
    });
    assert_eq!(elsewhere.join().expect("the other runtime"), (None, true, true));
    plugin.ping().await.expect("this runtime's connections still work");

    // Once its last client is gone, the engine is forgotten: a new client negotiates afresh.
    drop((plugin, leadership));
    let later = Docker::new(&engine.host(), Duration::from_secs(5)).expect("client");
    assert_eq!(later.api_version().await, None);
    later.ping().await.expect("ping");
    assert!(later.api_version().await.is_some());
}
