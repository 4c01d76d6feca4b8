//! flavor-swarm against a real single-node swarm: this test binary's own Docker engine (Debian's docker.io,
//! started by `infrakit-docker-testkit`; skipped where it cannot run, outside CI).

use infrakit_docker_testkit::Engine;
use infrakit_flavor_swarm::link::{LINK_CONTEXT_LABEL, LINK_LABEL, SWARM_ID_TAG};
use infrakit_flavor_swarm::templates::REJOIN_GUARD;
use infrakit_flavor_swarm::SwarmFlavor;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Index, Prepare};
use infrakit_spi::instance::{Description, Id, LogicalId, Spec};
use infrakit_spi::Any;
use std::time::{Duration, Instant};

/// The tests share one engine, and one of them restarts it.
static ENGINE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The engine, in a single-node swarm advertised at 127.0.0.1.
fn engine() -> Option<&'static Engine> {
    let engine = Engine::shared()?;
    let state = engine.docker(&["info", "--format", "{{.Swarm.LocalNodeState}}"]).unwrap_or_default();
    if state.trim() != "active" {
        engine.docker(&["swarm", "init", "--advertise-addr", "127.0.0.1"]).expect("docker swarm init");
    }
    wait_for_nodes(engine);
    Some(engine)
}

/// Waits until the engine lists its nodes (a swarm manager that restarted elects itself first).
fn wait_for_nodes(engine: &Engine) {
    let start = Instant::now();
    while engine.docker(&["node", "ls", "-q"]).is_err() {
        assert!(start.elapsed() < Duration::from_secs(60), "the swarm did not come back");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn out(engine: &Engine, args: &[&str]) -> String {
    engine.docker(args).unwrap().trim().to_string()
}

fn props(engine: &Engine, extra: &str) -> Any {
    Any::from_json(&format!(r#"{{"Docker": {{"Host": "{}"}}{extra}}}"#, engine.host())).unwrap()
}

async fn prepare(flavor: &SwarmFlavor, props: &Any, lid: Option<&str>, allocation: &AllocationMethod) -> Spec {
    let spec = Spec { logical_id: lid.map(|l| LogicalId(l.into())), ..Spec::default() };
    let index = Index { group: "g".into(), sequence: 1 };
    flavor
        .prepare(Prepare { properties: Some(props), spec, allocation, index: &index })
        .await
        .unwrap_or_else(|e| panic!("prepare: {e}"))
}

fn described(id: &str, spec: &Spec) -> Description {
    Description { id: Id(id.into()), logical_id: spec.logical_id.clone(), tags: spec.tags.clone(), properties: None }
}

#[tokio::test]
async fn prepare_reads_the_swarm_and_links_the_instance() {
    let _one = ENGINE.lock().await;
    let Some(engine) = engine() else { return };
    let swarm_id = out(engine, &["info", "--format", "{{.Swarm.Cluster.ID}}"]);
    let worker_token = out(engine, &["swarm", "join-token", "-q", "worker"]);
    let manager_token = out(engine, &["swarm", "join-token", "-q", "manager"]);
    let (manager, worker) = SwarmFlavor::pair(Default::default());

    // A worker (v0.5's TestWorker, on a real engine): the worker token and the manager's address.
    let spec = prepare(&worker, &props(engine, ""), None, &AllocationMethod { size: 3, logical_ids: vec![] }).await;
    assert!(spec.init.contains(&format!("docker swarm join --token {worker_token} 127.0.0.1:2377")), "{}", spec.init);
    assert!(!spec.init.contains(&manager_token));
    assert!(spec.init.contains(&spec.tags[LINK_LABEL]), "the engine gets the link label");
    assert_eq!(spec.tags[SWARM_ID_TAG], swarm_id);
    assert_eq!(spec.tags[LINK_CONTEXT_LABEL], format!("swarm::{swarm_id}::worker"));

    // A manager of an initialised swarm joins, even at the SwarmJoinIP address.
    let allocation = AllocationMethod { size: 0, logical_ids: vec![LogicalId("127.0.0.1".into())] };
    let p = props(engine, r#", "SwarmJoinIP": "127.0.0.1""#);
    let spec = prepare(&manager, &p, Some("127.0.0.1"), &allocation).await;
    assert!(spec.init.contains(&format!("docker swarm join --token {manager_token} 127.0.0.1:2377")), "{}", spec.init);
    assert!(!spec.init.contains("swarm init"));
    assert_eq!(spec.tags[LINK_CONTEXT_LABEL], format!("swarm::{swarm_id}::manager"));

    // Every swarm function.
    let tpl = r#", "InitScriptTemplateURL": "str://{{ SWARM_INITIALIZED }} {{ SWARM_CLUSTER_ID }} {{ SWARM_MANAGER_ADDR }} {{ SWARM_JOIN_TOKENS.Worker }} {{ SWARM_JOIN_TOKENS.Manager }}""#;
    let spec = prepare(&manager, &props(engine, tpl), Some("127.0.0.1"), &allocation).await;
    assert_eq!(spec.init, format!("true {swarm_id} 127.0.0.1:2377 {worker_token} {manager_token}"));

    // v0.5's own example template, from a file, with its relative include.
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    infrakit_template::SourcePolicy::install(infrakit_template::SourcePolicy {
        allow_dirs: vec![data.clone()],
        ..Default::default()
    });
    let file = data.join("examples/flavor/swarm/worker-init.sh");
    let tpl = format!(r#", "InitScriptTemplateURL": "file://{}""#, file.display());
    let spec = prepare(&worker, &props(engine, &tpl), None, &AllocationMethod { size: 1, logical_ids: vec![] }).await;
    assert!(spec.init.contains("get.docker.com"), "install-docker.sh is included: {}", spec.init);
    assert!(spec.init.contains(&format!("docker swarm join --token {worker_token} :2377")), "{}", spec.init);
}

#[tokio::test]
async fn healthy_follows_the_engine_label_and_quorum_names_the_leader() {
    let _one = ENGINE.lock().await;
    let Some(engine) = engine() else { return };
    let (manager, worker) = SwarmFlavor::pair(Default::default());
    let allocation = AllocationMethod { size: 0, logical_ids: vec![LogicalId("127.0.0.1".into())] };
    let p = props(engine, "");
    let spec = prepare(&manager, &p, Some("127.0.0.1"), &allocation).await;
    let me = described("inst-1", &spec);
    let link = spec.tags[LINK_LABEL].clone();

    // No link tag: unhealthy. A link no engine carries yet: unknown (not joined).
    let bare = Description { id: Id("bare".into()), ..Description::default() };
    assert_eq!(manager.healthy(Some(&p), &bare).await.unwrap(), Health::Unhealthy);
    assert_eq!(manager.healthy(Some(&p), &me).await.unwrap(), Health::Unknown);
    let q = manager.quorum(Some(&p), std::slice::from_ref(&me)).await.unwrap().unwrap();
    assert!(!q.healthy, "the only manager is no instance's");

    // What the init script does: the link becomes an engine label (the engine restarted to take it).
    std::fs::write(engine.config_file(), format!(r#"{{"labels": ["{LINK_LABEL}={link}"]}}"#)).unwrap();
    engine.restart();
    wait_for_nodes(engine);
    let start = Instant::now();
    loop {
        match manager.healthy(Some(&p), &me).await {
            Ok(Health::Healthy) => break,
            other => assert!(start.elapsed() < Duration::from_secs(60), "not healthy: {other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(worker.healthy(Some(&p), &me).await.unwrap(), Health::Healthy);

    // The single manager is the Raft leader: the quorum is whole and its instance leads.
    let q = manager.quorum(Some(&p), std::slice::from_ref(&me)).await.unwrap().unwrap();
    assert!(q.healthy, "{q:?}");
    assert_eq!(q.leader, Some(Id("inst-1".into())));
    // An instance whose node is missing breaks it; workers keep no quorum.
    let other = described("inst-2", &prepare(&manager, &p, Some("127.0.0.1"), &allocation).await);
    let q = manager.quorum(Some(&p), &[me.clone(), other]).await.unwrap().unwrap();
    assert!(!q.healthy);
    assert_eq!(q.leader, Some(Id("inst-1".into())));
    assert_eq!(worker.quorum(Some(&p), std::slice::from_ref(&me)).await.unwrap(), None);

    // Draining a manager whose address stays in the group (a replacement) keeps its entry.
    manager.drain(Some(&p), &me).await.unwrap();
    assert_eq!(out(engine, &["info", "--format", "{{.Swarm.ControlAvailable}}"]), "true");

    std::fs::write(engine.config_file(), "{}\n").unwrap();
}

fn guard(engine: &Engine) -> String {
    let script = format!("{REJOIN_GUARD}\necho \"JOIN=$INFRAKIT_SWARM_JOIN STATE=$INFRAKIT_SWARM_STATE\"");
    let out = std::process::Command::new("sh")
        .args(["-c", &script])
        .env("DOCKER_HOST", engine.host())
        .env_remove("DOCKER_CONTEXT")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().to_string()
}

#[tokio::test]
async fn the_rejoin_guard_joins_only_a_fresh_engine() {
    let _one = ENGINE.lock().await;
    let Some(engine) = engine() else { return };
    // An engine already in a swarm (as one that came back on its data): no second join.
    assert_eq!(guard(engine), "JOIN=0 STATE=active");
    // A fresh engine joins.
    engine.docker(&["swarm", "leave", "--force"]).unwrap();
    assert_eq!(guard(engine), "JOIN=1 STATE=inactive");
    // Back in a swarm for the other tests.
    engine.docker(&["swarm", "init", "--advertise-addr", "127.0.0.1"]).unwrap();
    wait_for_nodes(engine);
}
