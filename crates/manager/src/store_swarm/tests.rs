//! The swarm stores on a fake cluster (the real engine is exercised by `crates/cli/tests/swarm.rs`).

use super::*;
use crate::state_swarm::{state_label, SwarmStateStore};
use infrakit_spi::store::{StateKind, StateStore};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

/// A label written by v0.5's own `encode` (Go 1.19, `pkg/store/swarm/swarm.go` copied verbatim) of a
/// `globalSpec` with the groups `v05-cattle` and `v05-workers` (`Init: ["echo <hello> & bye"]`, `Note: <id>`).
const GO_LABEL: &str = "eJzsUk1LxDAQvfdXPObcQlnRQ2+CKHsRwaN6iGF2NzgkS5JWVPrfpV2r/dgWQTwIXsJk5r3HPOa9JQBAV96V+0AFDn+Aqvw00ypG4V4XoBspt8ZSAdo2nCxEFVk4BEp7IO/27KPhMCADtL5oqD3xtD+d5QF0LuK0isbZyQygW/PaLLoa9Ot0KHEpqnL+GP3L1abFZJWyRkRROkHOr3gwaE2kAneTCUCsdw73ZZ6f6B2LuLbktrM6w+ML04T1MOrUiwbXNkRlNS9bNB+obGNGB/iWw2sXeXTE5SWTY3VXfVpo9Z6df2Iffilynfp/5v5y5ror/iR0SffW7wEAAP//dWAYzg==";

/// A swarm in memory whose reads and writes yield, so concurrent writers interleave.
#[derive(Default)]
struct Fake {
    swarm: Mutex<(u64, HashMap<String, String>)>,
    conflicts: AtomicU32,
    /// Every write conflicts.
    always_stale: bool,
}

#[async_trait]
impl Cluster for Fake {
    async fn read(&self) -> Result<Snapshot> {
        tokio::task::yield_now().await;
        let s = self.swarm.lock().unwrap_or_else(|p| p.into_inner());
        Ok(Snapshot { version: s.0, spec: SwarmSpec { labels: Some(s.1.clone()), ..Default::default() } })
    }

    async fn write(&self, snapshot: Snapshot) -> Result<bool> {
        tokio::task::yield_now().await;
        let mut s = self.swarm.lock().unwrap_or_else(|p| p.into_inner());
        if s.0 != snapshot.version || self.always_stale {
            self.conflicts.fetch_add(1, Ordering::Relaxed);
            return Ok(false);
        }
        *s = (s.0 + 1, snapshot.spec.labels.unwrap_or_default());
        Ok(true)
    }
}

impl Fake {
    fn label(&self, key: &str) -> Option<String> {
        self.swarm.lock().unwrap_or_else(|p| p.into_inner()).1.get(key).cloned()
    }

    fn set_label(&self, key: &str, value: &str) {
        let mut s = self.swarm.lock().unwrap_or_else(|p| p.into_inner());
        s.0 += 1;
        s.1.insert(key.into(), value.into());
    }
}

fn stores(fake: &Arc<Fake>) -> (SwarmStore, SwarmStateStore) {
    let labels = SwarmLabels::with(fake.clone());
    (SwarmStore::new(labels.clone()), SwarmStateStore::new(labels))
}

fn spec(id: &str, n: u32) -> group::Spec {
    let props = format!(r#"{{"Allocation":{{"Size":{n}}},"Instance":{{"Plugin":"instance-file"}}}}"#);
    group::Spec { id: Id(id.into()), properties: Some(Any::from_json(&props).expect("json")) }
}

fn inflated(label: &str) -> String {
    let bytes = zlib::inflate(&zlib::base64_decode(label).expect("base64")).expect("zlib");
    String::from_utf8(bytes).expect("utf-8")
}

#[tokio::test]
async fn put_specs_history_remove() {
    let fake = Arc::new(Fake::default());
    let (store, _) = stores(&fake);
    assert!(store.specs().await.expect("specs").is_empty());
    assert_eq!(store.put(&spec("g", 1)).await.expect("put"), 1);
    assert_eq!(store.put(&spec("g", 2)).await.expect("put"), 2);
    assert_eq!(store.put(&spec("h", 1)).await.expect("put"), 1);
    assert_eq!(store.specs().await.expect("specs"), vec![spec("g", 2), spec("h", 1)]);
    store.remove(&Id("g".into())).await.expect("removed");
    assert_eq!(store.specs().await.expect("specs"), vec![spec("h", 1)]);
    let h = store.history(&Id("g".into())).await.expect("history");
    assert_eq!(h.iter().map(|v| v.version).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!((h[0].spec.clone(), h[2].spec.clone()), (Some(spec("g", 1)), None));
    assert!(h.iter().all(|v| v.time > 0));
    // Another store on the same swarm (another manager) sees the same.
    let (again, _) = stores(&fake);
    assert_eq!(again.history(&Id("g".into())).await.expect("history"), h);
    assert!(again.history(&Id("nothing".into())).await.expect("history").is_empty());
    assert!(store.put(&group::Spec::default()).await.is_err_and(|e| e.to_string().contains("empty ID")));
}

#[tokio::test]
async fn v05_labels_are_read_and_written_alike() {
    let fake = Arc::new(Fake::default());
    fake.set_label(V05_LABEL, GO_LABEL);
    let (store, _) = stores(&fake);
    let specs = store.specs().await.expect("specs");
    assert_eq!(specs.iter().map(|s| s.id.0.as_str()).collect::<Vec<_>>(), vec!["v05-cattle", "v05-workers"]);
    let props = specs[1].properties.as_ref().map(|p| p.to_value()).unwrap_or_default();
    assert_eq!(props["Flavor"]["Properties"]["Init"][0], "echo <hello> & bye");
    assert_eq!(props["Instance"]["Properties"]["Note"], "v05-workers");
    // What v0.5 wrote is the first version, of unknown time.
    let h = store.history(&Id("v05-cattle".into())).await.expect("history");
    assert_eq!(h.iter().map(|v| (v.version, v.time)).collect::<Vec<_>>(), vec![(1, 0)]);

    // Our encoding of the same global spec is v0.5's JSON byte for byte (the compressed bytes may differ).
    let go_json = inflated(GO_LABEL);
    let global: GlobalSpec = serde_json::from_str(&go_json).expect("global spec");
    assert_eq!(inflated(&encode(&global).expect("encoded")), go_json);

    // A write keeps v0.5's groups (and their plugin), adds ours with v0.5's default plugin, records both.
    assert_eq!(store.put(&spec("ours", 3)).await.expect("put"), 1);
    let written: serde_json::Value =
        serde_json::from_str(&inflated(&fake.label(V05_LABEL).expect("label"))).expect("json");
    let groups = written["Groups"].as_object().expect("groups");
    assert_eq!(groups.keys().collect::<Vec<_>>(), vec!["ours", "v05-cattle", "v05-workers"]);
    assert_eq!(written["Groups"]["ours"]["Plugin"], V05_PLUGIN);
    assert_eq!(written["Groups"]["ours"]["Properties"]["ID"], "ours");
    assert_eq!(written["Groups"]["ours"]["Properties"]["Properties"]["Allocation"]["Size"], 3);
    assert_eq!(
        written["Groups"]["v05-cattle"],
        serde_json::from_str::<serde_json::Value>(&go_json).expect("json")["Groups"]["v05-cattle"]
    );
    let recorded: History = decode(&fake.swarm.lock().expect("lock").1, HISTORY_LABEL).expect("history");
    assert_eq!(recorded.keys().collect::<Vec<_>>(), vec!["ours", "v05-cattle", "v05-workers"]);

    // v0.5 then rewrites the label with only `v05-workers`, changed: one more version each, recorded on our next
    // write; a removal recorded by v0.5 is a version with no spec.
    let mut global: GlobalSpec = serde_json::from_str(&go_json).expect("global spec");
    global.groups.remove("v05-cattle");
    let ours: group::Spec = serde_json::from_value(written["Groups"]["ours"]["Properties"].clone()).expect("spec");
    global.groups.insert(
        "ours".into(),
        PluginSpec { plugin: V05_PLUGIN.into(), properties: Some(Any::from_value(&ours).expect("any")) },
    );
    let workers = spec("v05-workers", 7);
    global.groups.insert(
        "v05-workers".into(),
        PluginSpec { plugin: "group".into(), properties: Some(Any::from_value(&workers).expect("any")) },
    );
    fake.set_label(V05_LABEL, &encode(&global).expect("encoded"));
    let h = store.history(&Id("v05-workers".into())).await.expect("history");
    assert_eq!(h.iter().map(|v| (v.version, v.time)).collect::<Vec<_>>(), vec![(1, 0), (2, 0)]);
    assert_eq!(h[1].spec, Some(workers.clone()));
    let h = store.history(&Id("v05-cattle".into())).await.expect("history");
    assert_eq!((h.len(), h[1].spec.is_none()), (2, true));
    assert_eq!(store.history(&Id("ours".into())).await.expect("history").len(), 1, "an unchanged spec is no version");
    assert_eq!(store.put(&spec("v05-workers", 8)).await.expect("put"), 3);
    let written: serde_json::Value =
        serde_json::from_str(&inflated(&fake.label(V05_LABEL).expect("label"))).expect("json");
    assert_eq!(written["Groups"]["v05-workers"]["Plugin"], "group", "the plugin v0.5 proxies for is kept");
}

#[tokio::test]
async fn concurrent_writers_all_land() {
    let fake = Arc::new(Fake::default());
    let (a, state_a) = stores(&fake);
    let (b, _) = stores(&fake);
    let doc = Any::from_json(r#"{"n":1}"#).expect("json");
    let from_a = Id("from-a".into());
    let (ra, rb, rs) = tokio::join!(
        async {
            for n in 0..8 {
                a.put(&spec("from-a", n)).await?;
            }
            Ok::<_, Error>(())
        },
        async {
            for n in 0..8 {
                b.put(&spec("from-b", n)).await?;
            }
            Ok::<_, Error>(())
        },
        state_a.save(&from_a, StateKind::Rollout, &doc),
    );
    ra.expect("a's puts");
    rb.expect("b's puts");
    rs.expect("saved");
    assert!(fake.conflicts.load(Ordering::Relaxed) > 0, "the writers never collided: the test proves nothing");
    for id in ["from-a", "from-b"] {
        let versions: Vec<u64> = a.history(&Id(id.into())).await.expect("history").iter().map(|v| v.version).collect();
        assert_eq!(versions, (1..=8).collect::<Vec<_>>(), "{id}");
    }
    assert_eq!(a.specs().await.expect("specs"), vec![spec("from-a", 7), spec("from-b", 7)]);
    assert_eq!(state_a.load(&Id("from-a".into()), StateKind::Rollout).await.expect("loaded"), Some(doc));
}

#[tokio::test]
async fn a_write_that_always_loses_gives_up() {
    let fake = Arc::new(Fake { always_stale: true, ..Default::default() });
    let (store, _) = stores(&fake);
    let err = store.put(&spec("g", 1)).await.expect_err("never lands");
    assert!(matches!(err, Error::Unavailable(_)) && err.to_string().contains("nothing was written"), "{err}");
    assert_eq!(fake.conflicts.load(Ordering::Relaxed), ATTEMPTS);
}

#[tokio::test]
async fn state_documents_round_trip() {
    let fake = Arc::new(Fake::default());
    let (_, state) = stores(&fake);
    let g = Id("web/tier 1".into());
    let doc = |t: &str| Any::from_json(t).expect("json");
    assert_eq!(state.load(&g, StateKind::Rollout).await.expect("loaded"), None);
    state.save(&g, StateKind::Rollout, &doc(r#"{"n": 1}"#)).await.expect("saved");
    state.save(&g, StateKind::InFlight, &doc(r#"{"Creates":[]}"#)).await.expect("saved");
    assert_eq!(fake.label("infrakit.state/web/tier 1/rollout").as_deref(), Some(r#"{"n":1}"#));
    assert_eq!(state_label(&g, StateKind::InFlight), "infrakit.state/web/tier 1/inflight");
    let version = fake.swarm.lock().expect("lock").0;
    state.save(&g, StateKind::Rollout, &doc(r#"{"n":1}"#)).await.expect("saved");
    assert_eq!(fake.swarm.lock().expect("lock").0, version, "an unchanged document is not written");
    let (_, again) = stores(&fake);
    assert_eq!(again.load(&g, StateKind::InFlight).await.expect("loaded"), Some(doc(r#"{"Creates":[]}"#)));
    again.remove(&g, StateKind::InFlight).await.expect("removed");
    again.remove(&g, StateKind::InFlight).await.expect("removing nothing is no error");
    assert_eq!(state.load(&g, StateKind::InFlight).await.expect("loaded"), None);
    assert!(state.load(&g, StateKind::Rollout).await.expect("loaded").is_some());
    fake.set_label(&state_label(&g, StateKind::Rollout), "{broken");
    let err = state.load(&g, StateKind::Rollout).await.expect_err("corrupt").to_string();
    assert!(err.contains("infrakit.state/web/tier 1/rollout") && err.contains("unparsable stored rollout"), "{err}");
}

#[tokio::test]
async fn damaged_labels_are_errors_naming_them() {
    let fake = Arc::new(Fake::default());
    fake.set_label(V05_LABEL, "not base64!");
    let (store, _) = stores(&fake);
    let err = store.specs().await.expect_err("damaged").to_string();
    assert!(err.contains("label \"infrakit\""), "{err}");
    assert!(store.put(&spec("g", 1)).await.is_err(), "a damaged label is not overwritten");
    assert_eq!(fake.label(V05_LABEL).as_deref(), Some("not base64!"));
}

/// Text that does not compress, `n` characters.
fn noise(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            char::from(b'a' + ((x >> 33) % 26) as u8)
        })
        .collect()
}

#[test]
fn the_history_is_bounded() {
    let mut history = History::new();
    for (g, id) in ["a", "b", "c"].iter().enumerate() {
        let versions = (1..=150u64)
            .map(|v| {
                let props =
                    Any::from_value(&serde_json::json!({ "Note": noise(v * 7 + g as u64, 1500) })).expect("any");
                SpecVersion {
                    version: v,
                    time: v * 10 + g as u64,
                    spec: Some(group::Spec { id: Id((*id).into()), properties: Some(props) }),
                }
            })
            .collect();
        history.insert((*id).into(), versions);
    }
    history.insert("gone".into(), vec![SpecVersion { version: 4, time: 1, spec: None }]);
    let encoded = bounded(&mut history).expect("encoded");
    assert!(encoded.len() <= HISTORY_BUDGET, "{}", encoded.len());
    for id in ["a", "b", "c"] {
        let vs = &history[id];
        assert!(vs.len() < MAX_VERSIONS && vs.len() > 10, "{id}: {}", vs.len());
        assert_eq!(vs.last().map(|v| v.version), Some(150), "the last version is kept");
        assert!(vs.windows(2).all(|w| w[0].version < w[1].version));
    }
    assert_eq!(history["gone"].len(), 1, "a removed group's last version stays while older versions can go");
    let decoded: History =
        decode(&HashMap::from([(HISTORY_LABEL.to_string(), encoded)]), HISTORY_LABEL).expect("decoded");
    assert_eq!(decoded, history);
}

#[tokio::test]
async fn an_engine_that_does_not_answer_is_unavailable() {
    let labels = SwarmLabels::new("/nonexistent/docker.sock").expect("labels");
    let err = SwarmStore::new(labels).specs().await.expect_err("no engine");
    assert!(matches!(err, Error::Unavailable(_)), "{err:?}");
}
