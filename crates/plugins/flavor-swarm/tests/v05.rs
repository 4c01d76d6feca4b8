//! InfraKit v0.5's own configs and test cases of the swarm flavor (`examples/flavor/swarm`), without an engine:
//! its example groups validate unchanged, its invalid cases are refused with its messages, and its template and
//! attachment cases prepare as it did.

use infrakit_flavor_swarm::link::{LINK_CONTEXT_LABEL, LINK_CREATED_LABEL, LINK_LABEL, SWARM_ID_TAG};
use infrakit_flavor_swarm::{Role, SwarmFlavor};
use infrakit_spi::flavor::{AllocationMethod, Flavor, Index, Prepare};
use infrakit_spi::instance::{Attachment, LogicalId, Spec};
use infrakit_spi::Any;
use infrakit_template::{Options, SourcePolicy, Template, Value};
use std::path::PathBuf;

/// The test data directory, which the template source policy of this test process allows (as an operator would
/// with `--template-allow-dir`).
fn testdata() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata");
    SourcePolicy::install(SourcePolicy { allow_dirs: vec![dir.clone()], ..SourcePolicy::default() });
    dir
}

fn any(json: &str) -> Any {
    Any::from_json(json).unwrap()
}

fn ids(list: &[&str]) -> AllocationMethod {
    AllocationMethod { size: 0, logical_ids: list.iter().map(|l| LogicalId(l.to_string())).collect() }
}

fn size(n: u64) -> AllocationMethod {
    AllocationMethod { size: n, logical_ids: vec![] }
}

/// v0.5's example file rendered as the CLI would, with `PWD` the test data directory (which holds
/// `examples/flavor/swarm/`).
fn example(name: &str) -> Vec<serde_json::Value> {
    let pwd = testdata().display().to_string();
    let options = Options::default().func("env", move |a| {
        Ok(Value::String(if a.first().and_then(Value::as_str) == Some("PWD") { pwd.clone() } else { String::new() }))
    });
    let path = testdata().join("examples/flavor/swarm").join(name);
    let text =
        Template::from_url(&format!("file://{}", path.display()), &options).unwrap().render(&Value::Null).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"))
}

#[tokio::test]
async fn v05_example_groups_validate_unchanged() {
    for file in ["groups.json", "groups-fast.json"] {
        let groups = example(file);
        assert_eq!(groups.len(), 2, "{file}");
        for g in groups {
            let props = &g["Properties"]["Properties"];
            let plugin = props["Flavor"]["Plugin"].as_str().unwrap();
            let role = match plugin {
                "flavor-swarm/manager" => Role::Manager,
                "flavor-swarm/worker" => Role::Worker,
                other => panic!("{other}"),
            };
            let allocation: AllocationMethod = serde_json::from_value(props["Allocation"].clone()).unwrap();
            let flavor_props = any(&props["Flavor"]["Properties"].to_string());
            let url = props["Flavor"]["Properties"]["InitScriptTemplateURL"].as_str().unwrap();
            assert!(url.starts_with("file:///"), "{url}");
            SwarmFlavor::new(role)
                .validate(Some(&flavor_props), &allocation)
                .await
                .unwrap_or_else(|e| panic!("{file} {plugin}: {e}"));
        }
    }
}

async fn refused(role: Role, props: &str, allocation: AllocationMethod) -> String {
    let p = any(props);
    match SwarmFlavor::new(role).validate(Some(&p), &allocation).await {
        Ok(()) => panic!("{props} was accepted"),
        Err(e) => e.to_string(),
    }
}

const HOST: &str = r#""Docker" : {"Host":"unix:///var/run/docker.sock"}"#;

#[tokio::test]
async fn v05_validate_cases() {
    let (manager, worker) = (SwarmFlavor::new(Role::Manager), SwarmFlavor::new(Role::Worker));
    worker.validate(Some(&any(&format!("{{{HOST}}}"))), &size(5)).await.unwrap();
    manager.validate(Some(&any(&format!("{{{HOST}}}"))), &ids(&["127.0.0.1"])).await.unwrap();
    // A logical ID with several attachments is allowed.
    let two = format!(
        r#"{{{HOST}, "Attachments": {{"127.0.0.1": [{{"ID": "a", "Type": "ebs"}}, {{"ID": "b", "Type": "ebs"}}]}}}}"#
    );
    manager.validate(Some(&any(&two)), &ids(&["127.0.0.1"])).await.unwrap();
    // Attachments for all.
    let all = format!(r#"{{{HOST}, "Attachments": {{"*": [{{"ID": "a", "Type": "NFSVolume"}}]}}}}"#);
    manager.validate(Some(&any(&all)), &ids(&["127.0.0.1"])).await.unwrap();

    // A logical ID used more than once.
    let err = refused(Role::Manager, &format!("{{{HOST}}}"), ids(&["127.0.0.1", "127.0.0.1", "127.0.0.2"])).await;
    assert_eq!(err, "invalid Allocation.LogicalIDs[1]: LogicalID 127.0.0.1 specified more than once");
    // An attachment associated with several logical IDs.
    let twice = format!(
        r#"{{{HOST}, "Attachments": {{"127.0.0.1": [{{"ID": "a", "Type": "ebs"}}], "127.0.0.2": [{{"ID": "a", "Type": "ebs"}}]}}}}"#
    );
    let err = refused(Role::Manager, &twice, ids(&["127.0.0.1", "127.0.0.2", "127.0.0.3"])).await;
    assert_eq!(err, "invalid Properties.Attachments.127.0.0.2[0].ID: Attachment a specified more than once");
    // The other v0.5 checks.
    assert_eq!(refused(Role::Worker, "null", size(1)).await, "invalid Properties: missing config");
    assert_eq!(refused(Role::Worker, "{}", size(1)).await, "invalid Properties.Docker: no docker connect info");
    let stray = format!(r#"{{{HOST}, "Attachments": {{"10.0.0.9": [{{"ID": "a", "Type": "ebs"}}]}}}}"#);
    let err = refused(Role::Manager, &stray, ids(&["127.0.0.1"])).await;
    assert!(err.ends_with("LogicalID 10.0.0.9 used for an attachment but is not in group LogicalIDs"), "{err}");
    let untyped = format!(r#"{{{HOST}, "Attachments": {{"*": [{{"ID": "a"}}]}}}}"#);
    assert!(refused(Role::Worker, &untyped, size(2)).await.ends_with("no attachment type"));
    let even = refused(Role::Manager, &format!("{{{HOST}}}"), ids(&["127.0.0.1", "127.0.0.2"])).await;
    assert_eq!(even, "invalid Allocation.LogicalIDs: must have odd number for quorum");
    assert!(refused(Role::Manager, &format!("{{{HOST}}}"), size(3)).await.ends_with("must have odd number for quorum"));
    // Beyond v0.5: TLS is refused rather than silently ignored, a missing template is caught.
    let tls =
        r#"{"Docker":{"Host":"tcp://h:2376","TLS":{"CAFile":"ca.pem","CertFile":"cert.pem","KeyFile":"key.pem"}}}"#;
    let err = refused(Role::Worker, tls, size(1)).await;
    assert!(err.contains("Properties.Docker.TLS") && err.contains("not supported"), "{err}");
    let missing = format!(r#"{{{HOST}, "InitScriptTemplateURL": "file:///nonexistent/init.sh"}}"#);
    assert!(refused(Role::Worker, &missing, size(1)).await.contains("/nonexistent/init.sh"));
    // The template URL comes from the spec: it is read only where the template source policy allows.
    let data = testdata();
    let missing_here = format!(r#"{{{HOST}, "InitScriptTemplateURL": "file://{}/nonexistent.sh"}}"#, data.display());
    let err = refused(Role::Worker, &missing_here, size(1)).await;
    assert!(err.contains("nonexistent.sh") && !err.contains("policy"), "{err}");
    let outside = format!(r#"{{{HOST}, "InitScriptTemplateURL": "file:///etc/passwd"}}"#);
    let err = refused(Role::Worker, &outside, size(1)).await;
    assert!(err.contains("/etc/passwd") && err.contains("source policy"), "{err}");
}

async fn prepare(role: Role, props: &str, lid: Option<&str>, allocation: AllocationMethod, index: Index) -> Spec {
    let p = any(props);
    let spec = Spec {
        tags: [("a".to_string(), "b".to_string())].into(),
        logical_id: lid.map(|l| LogicalId(l.into())),
        ..Spec::default()
    };
    SwarmFlavor::new(role)
        .prepare(Prepare { properties: Some(&p), spec, allocation: &allocation, index: &index })
        .await
        .unwrap_or_else(|e| panic!("{props}: {e}"))
}

fn att(id: &str, kind: &str) -> Attachment {
    Attachment { id: id.into(), kind: kind.into() }
}

#[tokio::test]
async fn v05_template_functions_and_attachments() {
    // v0.5's TestTemplateFunctions.
    let tpl = r#"{{/* totally not useful init script just for test*/}}{{ INDEX.Group }},{{ INDEX.Sequence }}"#;
    let props = format!(
        r#"{{"Attachments": {{"10.20.100.1": [{{"ID": "a", "Type": "gpu"}}]}}, "InitScriptTemplateURL": "str://{tpl}"}}"#
    );
    let index = Index { group: "group".into(), sequence: 100 };
    let spec = prepare(Role::Manager, &props, Some("10.20.100.1"), ids(&["10.20.100.1"]), index).await;
    assert_eq!(spec.init, "group,100");
    assert_eq!(spec.attachments, vec![att("a", "gpu")]);
    assert_eq!(spec.tags["a"], "b");
    assert_eq!(spec.tags[SWARM_ID_TAG], "?", "no engine to ask");
    assert_eq!(spec.tags[LINK_LABEL].len(), 16);
    assert_eq!(spec.tags[LINK_CONTEXT_LABEL], "swarm::?::manager");
    assert!(spec.tags[LINK_CREATED_LABEL].ends_with('Z'));

    // v0.5's TestManager attachment cases: the instance's own, then the shared ones.
    let own = r#"{"InitScriptTemplateURL": "str://x", "Attachments" : {
        "10.20.100.1" : [ { "ID" : "disk01", "Type" : "disk" }, { "ID" : "nic01", "Type" : "nic" } ],
        "10.20.100.2" : [ { "ID" : "disk02", "Type" : "disk" }, { "ID" : "nic02", "Type" : "nic" } ] } }"#;
    let spec = prepare(Role::Manager, own, Some("10.20.100.1"), ids(&["10.20.100.1"]), Index::default()).await;
    assert_eq!(spec.attachments, vec![att("disk01", "disk"), att("nic01", "nic")]);
    let shared = r#"{"InitScriptTemplateURL": "str://x", "Attachments": {"*": [{"ID": "nfs", "Type": "NFSVolume"}]}}"#;
    for lid in [Some("10.20.100.2"), None] {
        let spec = prepare(Role::Worker, shared, lid, size(10), Index::default()).await;
        assert_eq!(spec.attachments, vec![att("nfs", "NFSVolume")]);
    }

    // Every function, and the labels the engine gets.
    let all = r#"{"EngineLabels": {"zone": "a"}, "SwarmJoinIP": "10.0.0.1", "InitScriptTemplateURL":
        "str://{{ INSTANCE_LOGICAL_ID }}|{{ SPEC.SwarmJoinIP }}|{{ ALLOCATIONS.LogicalIDs }}|{{ SWARM_INITIALIZED }}|{{ INFRAKIT_LABELS | jsonEncode }}"}"#;
    let spec = prepare(Role::Manager, all, Some("10.0.0.1"), ids(&["10.0.0.1"]), Index::default()).await;
    let link = &spec.tags[LINK_LABEL];
    let fields: Vec<&str> = spec.init.split('|').collect();
    assert_eq!(fields[..4], ["10.0.0.1", "10.0.0.1", "[10.0.0.1]", "false"]);
    let labels: Vec<String> = serde_json::from_str(fields[4]).unwrap();
    assert_eq!(labels[0], "zone=a");
    assert_eq!(labels[1], format!("infrakit-link={link}"));
    assert_eq!(labels[2], "infrakit-link-context=swarm::?::manager");
}

#[tokio::test]
async fn the_first_manager_is_prepared_before_its_swarm_exists() {
    // The default manager template: the SwarmJoinIP node initialises the swarm when the engine named by Docker
    // does not answer yet (v0.5's bootstrap), behind the rejoin guard.
    let props = r#"{"SwarmJoinIP": "10.0.0.1", "Docker": {"Host": "unix:///nonexistent/docker.sock"}}"#;
    let spec = prepare(Role::Manager, props, Some("10.0.0.1"), ids(&["10.0.0.1"]), Index::default()).await;
    assert!(spec.init.starts_with("#!/bin/sh\n"), "{}", spec.init);
    assert!(spec.init.contains("docker swarm init --advertise-addr 10.0.0.1"), "{}", spec.init);
    let guard = spec.init.find("INFRAKIT_SWARM_JOIN=1").unwrap();
    assert!(guard < spec.init.find("docker swarm init").unwrap());
    assert!(spec.init.contains(&spec.tags[LINK_LABEL]));
    // Another manager needs the join token: without a swarm to ask, Prepare fails with v0.5's reason.
    let p = any(props);
    let spec = Spec { logical_id: Some(LogicalId("10.0.0.2".into())), ..Spec::default() };
    let (allocation, index) = (ids(&["10.0.0.1", "10.0.0.2", "10.0.0.3"]), Index::default());
    let err = SwarmFlavor::new(Role::Manager)
        .prepare(Prepare { properties: Some(&p), spec, allocation: &allocation, index: &index })
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot prepare"), "{err}");
}
