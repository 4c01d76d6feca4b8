//! Helpers for tests against this binary's real engine (see `infrakit-docker-testkit`).

#![allow(dead_code)]

use infrakit_docker::Docker;
use infrakit_docker_testkit::Engine;
use infrakit_instance_docker::{DockerInstance, Options};
use infrakit_spi::instance::{Attachment, Id, Instance, LogicalId, Spec, Tags};
use infrakit_spi::Any;
use std::time::{Duration, Instant};

/// The engine, or `None` (the test skips).
pub async fn engine() -> Option<&'static Engine> {
    tokio::task::spawn_blocking(Engine::shared).await.expect("the engine's start")
}

/// Runs the docker CLI against the engine, off the runtime.
pub async fn docker(engine: &'static Engine, args: &[&str]) -> Result<String, String> {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        engine.docker(&refs)
    })
    .await
    .expect("docker CLI")
}

/// A plugin on the engine with the namespace tag `test=<namespace>`.
pub fn plugin(engine: &Engine, namespace: &str) -> DockerInstance {
    let docker = Docker::new(&engine.host(), Duration::from_secs(30)).expect("client");
    let options = Options {
        namespace: [("test".to_string(), namespace.to_string())].into(),
        pull_timeout: Duration::from_secs(60),
        ..Options::default()
    };
    DockerInstance::new(docker, options)
}

/// Tags of group `g`.
pub fn group(g: &str) -> Tags {
    [("infrakit.group".to_string(), g.to_string())].into()
}

/// A spec of `properties` (JSON) with the tags of group `g`.
pub fn spec(g: &str, properties: &str) -> Spec {
    Spec { properties: Some(Any::from_json(properties).expect("json")), tags: group(g), ..Spec::default() }
}

/// A pet's spec: `spec` with a logical ID and volume attachments.
pub fn pet(g: &str, properties: &str, lid: &str, volumes: &[&str]) -> Spec {
    Spec {
        logical_id: Some(LogicalId(lid.to_string())),
        attachments: volumes.iter().map(|v| Attachment { id: v.to_string(), kind: "volume".into() }).collect(),
        ..spec(g, properties)
    }
}

/// Properties of a container that sleeps, on the test image.
pub fn sleeper() -> String {
    format!(r#"{{"Config":{{"Image":"{}","Cmd":["sleep","1000000"]}}}}"#, infrakit_docker_testkit::IMAGE)
}

/// The IDs the plugin lists for group `g`.
pub async fn listed(p: &DockerInstance, g: &str) -> Vec<Id> {
    p.describe_instances(&group(g), false).await.expect("describe").into_iter().map(|d| d.id).collect()
}

/// Waits (at most `limit`; the machine may be busy) until `check` holds.
pub async fn wait_for<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
