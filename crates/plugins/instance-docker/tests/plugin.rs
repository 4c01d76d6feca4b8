//! instance-docker against a real engine (one dockerd for this test binary): cattle, pets with fixed addresses
//! and volumes, Init, pushed events, metadata, bad input.

mod common;

use common::*;
use futures::StreamExt;
use infrakit_spi::instance::{Id, Instance, Tags};
use infrakit_spi::metadata::{Metadata, Path};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cattle_are_provisioned_listed_and_destroyed() {
    let Some(engine) = engine().await else { return };
    let p = plugin(engine, "cattle");
    let a = p.provision(spec("cattle", &sleeper())).await.expect("provision");
    let b = p.provision(spec("cattle", &sleeper())).await.expect("provision");
    assert_eq!(a.0.len(), 12, "v0.5's IDs: 12 hex digits: {a}");
    assert!(a.0.chars().all(|c| c.is_ascii_hexdigit()));
    let mut ids = listed(&p, "cattle").await;
    ids.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(ids, want, "listed at once (read-your-writes)");

    // v0.5's shape: the logical ID is the container's name, the tags its labels, namespace tags included.
    let all = p.describe_instances(&Tags::new(), true).await.expect("describe");
    let d = all.iter().find(|d| d.id == a).expect("a listed");
    let name = docker(engine, &["inspect", "--format", "{{.Name}}", &a.0]).await.expect("inspect");
    assert_eq!(d.logical_id.as_ref().map(|l| format!("/{l}")), Some(name.trim().to_string()));
    assert_eq!(d.tags.get("test").map(String::as_str), Some("cattle"), "namespace tags are set at create");
    assert!(d.properties.as_ref().is_some_and(|p| p.as_str().contains("running")), "{:?}", d.properties);
    // Another namespace sees none of them.
    assert!(listed(&plugin(engine, "other"), "cattle").await.is_empty());

    // Labels cannot change: what is there is fine, anything else says why.
    p.label(&a, &group("cattle")).await.expect("labels already there");
    let err = p.label(&a, &[("new".to_string(), "x".to_string())].into()).await.err().map(|e| e.to_string());
    assert!(err.as_deref().is_some_and(|e| e.contains("cannot change the labels") && e.contains("new=x")), "{err:?}");

    p.destroy(&a).await.expect("destroy");
    assert_eq!(listed(&p, "cattle").await, vec![b.clone()]);
    let gone = docker(engine, &["ps", "-aq", "--filter", &format!("id={}", a.0)]).await.expect("ps");
    assert!(gone.trim().is_empty(), "removed, not just stopped: {gone}");
    let again = p.destroy(&a).await.err();
    assert!(matches!(again, Some(infrakit_spi::Error::NotFound(_))), "{again:?}");
    let missing = p.label(&a, &Tags::new()).await.err();
    assert!(matches!(missing, Some(infrakit_spi::Error::NotFound(_))), "{missing:?}");
    p.destroy(&b).await.expect("destroy");
}

fn pet_properties(network: &str, subnet: &str) -> String {
    format!(
        r#"{{"Config":{{"Image":"{}","Cmd":["sh","-c","ip -4 addr show >> /data/addresses; exec sleep 1000000"]}},
            "NetworkAttachments":[{{"Name":"{network}","Driver":"bridge","IPAM":{{"Config":[{{"Subnet":"{subnet}"}}]}}}}]}}"#,
        infrakit_docker_testkit::IMAGE
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_pet_comes_back_at_its_address_with_its_volume() {
    let Some(engine) = engine().await else { return };
    let p = plugin(engine, "pets");
    let props = pet_properties("ik-pets", "198.18.10.0/24");
    let first = p.provision(pet("pets", &props, "198.18.10.5", &["ik-pet-5"])).await.expect("provision");
    let addr = docker(engine, &["exec", "198.18.10.5", "ip", "-4", "addr", "show"]).await.expect("exec");
    assert!(addr.contains("198.18.10.5/24"), "the logical ID is its address: {addr}");
    docker(engine, &["exec", "198.18.10.5", "sh", "-c", "echo kept > /data/mine"]).await.expect("write");
    wait_for("the first life's address in the volume", LIMIT, || async {
        let history = docker(engine, &["exec", "198.18.10.5", "cat", "/data/addresses"]).await.unwrap_or_default();
        history.matches("198.18.10.5/24").count() == 1
    })
    .await;

    // While it lives, its name and its volume are its own.
    let twin = p.provision(pet("pets", &props, "198.18.10.5", &[])).await.err().map(|e| e.to_string());
    assert!(twin.as_deref().is_some_and(|e| e.contains("held by live container")), "{twin:?}");
    let thief = p.provision(pet("pets", &props, "198.18.10.6", &["ik-pet-5"])).await.err().map(|e| e.to_string());
    assert!(thief.as_deref().is_some_and(|e| e.contains("volume ik-pet-5 is held")), "{thief:?}");

    docker(engine, &["kill", "198.18.10.5"]).await.expect("kill");
    wait_for("the killed pet to leave the listing", LIMIT, || async { listed(&p, "pets").await.is_empty() }).await;
    // Its old container still holds the name: the replacement removes it first.
    let second = p.provision(pet("pets", &props, "198.18.10.5", &["ik-pet-5"])).await.expect("replacement");
    assert_ne!(first, second);
    assert_eq!(listed(&p, "pets").await, vec![second.clone()]);
    let kept = docker(engine, &["exec", "198.18.10.5", "cat", "/data/mine"]).await.expect("read");
    assert_eq!(kept.trim(), "kept", "the same volume, with its data");
    // Both lives wrote their address into the same volume (the second one once its command runs).
    wait_for("the second life's address in the volume", LIMIT, || async {
        let history = docker(engine, &["exec", "198.18.10.5", "cat", "/data/addresses"]).await.unwrap_or_default();
        history.matches("198.18.10.5/24").count() == 2
    })
    .await;
    let old = docker(engine, &["ps", "-aq", "--filter", &format!("id={}", first.0)]).await.expect("ps");
    assert!(old.trim().is_empty(), "the old container was removed");

    // Destroy keeps the named volume for the next replacement.
    p.destroy(&second).await.expect("destroy");
    let volumes = docker(engine, &["volume", "ls", "-q"]).await.expect("volumes");
    assert!(volumes.lines().any(|v| v == "ik-pet-5"), "{volumes}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_volumes_mount_under_the_volume_mount() {
    let Some(engine) = engine().await else { return };
    let p = plugin(engine, "volumes");
    let props = format!(
        r#"{{"Config":{{"Image":"{}","Cmd":["sleep","1000000"]}},"VolumeMount":"/var/lib/app"}}"#,
        infrakit_docker_testkit::IMAGE
    );
    let id = p.provision(pet("volumes", &props, "ik-vols", &["ik-vol-a", "ik-vol-b"])).await.expect("provision");
    let mounts = docker(engine, &["exec", "ik-vols", "cat", "/proc/mounts"]).await.expect("mounts");
    assert!(mounts.contains("/var/lib/app/ik-vol-a") && mounts.contains("/var/lib/app/ik-vol-b"), "{mounts}");
    p.destroy(&id).await.expect("destroy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_runs_after_start_and_a_failing_one_destroys_the_container() {
    let Some(engine) = engine().await else { return };
    let p = plugin(engine, "init");
    let mut s = spec("init", &sleeper());
    s.init = "echo \"ran in $(hostname)\" > /tmp/init-ran\n".into();
    let id = p.provision(s).await.expect("provision");
    let ran = docker(engine, &["exec", &id.0, "cat", "/tmp/init-ran"]).await.expect("read");
    assert!(ran.starts_with("ran in "), "{ran}");

    let mut failing = spec("init", &sleeper());
    failing.init = "echo about to fail\nexit 3\n".into();
    let err = p.provision(failing).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("init script failed with code 3") && err.contains("about to fail"), "{err}");
    assert_eq!(listed(&p, "init").await, vec![id.clone()], "the failed one is gone");
    let all = docker(engine, &["ps", "-aq", "--filter", "label=test=init"]).await.expect("ps");
    assert_eq!(all.split_whitespace().count(), 1, "not even an exited container is left: {all}");
    p.destroy(&id).await.expect("destroy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_is_pushed_at_once() {
    let Some(engine) = engine().await else { return };
    let p = plugin(engine, "events");
    let mut changes = p.changes().expect("a change stream");
    // The watcher is subscribed once the engine answered it; a first provision is seen either way.
    let id = p.provision(spec("events", &sleeper())).await.expect("provision");
    tokio::time::sleep(Duration::from_millis(300)).await;
    while tokio::time::timeout(Duration::from_millis(100), changes.next()).await.is_ok() {}
    docker(engine, &["kill", &id.0]).await.expect("kill");
    let pushed = tokio::time::timeout(LIMIT, changes.next()).await;
    assert!(matches!(pushed, Ok(Some(()))), "the die event was pushed");
    assert!(listed(&p, "events").await.is_empty(), "and the listing no longer shows it");
    let _ = docker(engine, &["rm", "-f", &id.0]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_shows_the_managed_containers() {
    let Some(engine) = engine().await else { return };
    let p = plugin(engine, "meta");
    let id = p.provision(spec("meta", &sleeper())).await.expect("provision");
    let ids = p.list(&Path::parse("containers")).await.expect("list").unwrap_or_default();
    let full = ids.iter().find(|i| i.starts_with(&id.0)).cloned().expect("the container is listed by full ID");
    let image = p.get(&Path::parse(&format!("containers/{full}/Config/Image"))).await.expect("get");
    assert_eq!(image.map(|a| a.to_value()), Some(serde_json::json!(infrakit_docker_testkit::IMAGE)));
    assert!(p.get(&Path::parse("containers/nonexistent/Id")).await.expect("get").is_none());
    p.destroy(&id).await.expect("destroy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_what_is_wrong() {
    let Some(engine) = engine().await else { return };
    let p = plugin(engine, "bad");
    let err = |r: infrakit_spi::Result<Id>| r.err().map(|e| e.to_string()).unwrap_or_default();

    // An image that is not there and cannot be pulled (its registry refuses on the loopback).
    let missing = r#"{"Config":{"Image":"127.0.0.1:9/infrakit/none:1","Cmd":["true"]}}"#;
    let e = err(p.provision(spec("bad", missing)).await);
    assert!(e.contains("image 127.0.0.1:9/infrakit/none:1 is not present") && e.contains("cannot be pulled"), "{e}");

    let e = err(p.provision(spec("bad", r#"{"Config":{"Image":"x","Cmd":["true"]},"HostConfig":{"Bindz":[]}}"#)).await);
    assert!(e.contains("Properties.HostConfig.Bindz: unknown field"), "{e}");
    assert!(p.validate(Some(&infrakit_spi::Any::from_json(r#"{"Confg":{}}"#).expect("json"))).await.is_err());

    // A fixed address on a network without that subnet.
    docker(engine, &["network", "create", "ik-nosubnet"]).await.expect("network");
    let e = err(p.provision(pet("bad", &pet_properties("ik-nosubnet", "198.18.20.0/24"), "198.18.20.5", &[])).await);
    assert!(e.contains("ik-nosubnet") && e.contains("subnet"), "{e}");
    // An address outside the attachment's subnet.
    let e = err(p.provision(pet("bad", &pet_properties("ik-pets2", "198.18.21.0/24"), "198.18.22.5", &[])).await);
    assert!(e.contains("198.18.22.5 is not in the subnet 198.18.21.0/24"), "{e}");
    // An attachment that is not a volume.
    let mut s = pet("bad", &sleeper(), "ik-ebs", &[]);
    s.attachments.push(infrakit_spi::instance::Attachment { id: "vol-1".into(), kind: "ebs".into() });
    let e = err(p.provision(s).await);
    assert!(e.contains("Attachments[0]") && e.contains("\"ebs\""), "{e}");
    // A command that does not exist fails the start, and leaves nothing behind.
    let e = err(p
        .provision(spec(
            "bad",
            &format!(r#"{{"Config":{{"Image":"{}","Cmd":["/nonexistent"]}}}}"#, infrakit_docker_testkit::IMAGE),
        ))
        .await);
    assert!(e.contains("start container"), "{e}");
    let left = docker(engine, &["ps", "-aq", "--filter", "label=test=bad"]).await.expect("ps");
    assert!(left.trim().is_empty(), "{left}");
}
