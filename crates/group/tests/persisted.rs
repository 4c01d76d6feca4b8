//! The typed view of the state store: rollouts and in-flight records round-trip, an empty record is forgotten, a
//! stored document of the wrong shape is an error naming the group.

#[path = "common/state.rs"]
mod state;

use infrakit_group::config::GroupConfig;
use infrakit_group::model::{InFlight, PendingCreate};
use infrakit_group::persisted::Persisted;
use infrakit_group::rollout::{Rollout, Start};
use infrakit_spi::group::{Id, Spec};
use infrakit_spi::store::StateKind;
use infrakit_spi::Any;
use state::Docs;
use std::sync::Arc;

fn rollout(group: &str) -> Rollout {
    let props = r#"{"Allocation":{"Size":1},"Instance":{"Plugin":"i"},"Flavor":{"Plugin":"f"}}"#;
    let spec = Spec { id: Id(group.into()), properties: Some(Any::from_json(props).expect("props")) };
    let cfg = GroupConfig::parse(&spec).expect("config");
    Rollout::begin(&cfg, Start::Update { previous: None }, 7)
}

#[tokio::test]
async fn typed_round_trips_and_an_empty_record_forgets() {
    let docs = Arc::new(Docs::default());
    let p = Persisted::new(docs.clone());
    let g = Id("g".into());
    p.save_rollout(&rollout("g")).await.expect("saved");
    assert_eq!(p.rollout(&g).await.expect("loaded"), Some(rollout("g")));
    let in_flight = InFlight {
        creates: vec![PendingCreate { plugin: None, logical_id: None, hash: "h".into(), started: 3, id: None }],
        ..Default::default()
    };
    p.save_in_flight(&g, &in_flight).await.expect("saved");
    assert_eq!(p.in_flight(&g).await.expect("loaded"), Some(in_flight));
    p.save_in_flight(&g, &InFlight::default()).await.expect("forgotten");
    assert_eq!(p.in_flight(&g).await.expect("loaded"), None);
    p.remove_rollout(&g).await.expect("removed");
    assert_eq!(p.rollout(&g).await.expect("loaded"), None);
    assert!(docs.0.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn documents_are_the_json_of_the_values() {
    let docs = Arc::new(Docs::default());
    let p = Persisted::new(docs.clone());
    let r = rollout("g");
    p.save_rollout(&r).await.expect("saved");
    let doc = docs.0.lock().expect("lock").get(&(Id("g".into()), StateKind::Rollout)).cloned();
    assert_eq!(doc.map(|d| d.as_str().to_string()), serde_json::to_string(&r).ok());
}

#[tokio::test]
async fn a_document_of_the_wrong_shape_is_an_error_naming_the_group() {
    let p = Persisted::new(Arc::new(Docs::default()));
    let g = Id("g".into());
    let doc = Any::from_json(r#"{"group":1}"#).expect("json");
    p.store().save(&g, StateKind::Rollout, &doc).await.expect("saved");
    let err = p.rollout(&g).await.expect_err("wrong shape").to_string();
    assert!(err.contains("stored rollout of g"), "{err}");
}
