//! Byte-for-byte round trips of the JSON examples of the spec (§2): decode, re-encode as Go would, compare.

use infrakit_rpc::messages::{
    flavor as fm, group as gm, handshake as hm, instance as im, manager as mgr, metadata as mm,
};
use infrakit_spi::gojson;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn round_trip<T: Serialize + DeserializeOwned>(json: &str) {
    let value: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("decode {json}: {e}"));
    let out = gojson::to_string(&value).unwrap();
    assert_eq!(out, json, "re-encoding differs");
}

const SPEC: &str = r#"{"Properties":{"Note":"Instance properties version 1.0"},"Tags":{"infrakit.config_sha":"x4nrsdaibscmj7awpkxzx5vvpt6pilw2","infrakit.group":"cattle","project":"infrakit","tier":"web"},"Init":"docker pull nginx:alpine\ndocker run -d -p 80:80 nginx-alpine","LogicalID":null,"Attachments":[{"ID":"attachid","Type":"attachtype"}]}"#;
const DESC: &str = r#"{"ID":"instance-5577006791947779410","LogicalID":null,"Tags":{"infrakit.config_sha":"x4nrsdaibscmj7awpkxzx5vvpt6pilw2","infrakit.group":"cattle"}}"#;
const FLAVOR_PROPS: &str = r#"{"Init":["docker pull nginx:alpine","docker run -d -p 80:80 nginx-alpine"],"Tags":{"project":"infrakit","tier":"web"}}"#;

#[test]
fn instance_methods() {
    round_trip::<im::ValidateRequest>(r#"{"Type":"","Properties":{"Note":"Instance properties version 1.0"}}"#);
    round_trip::<im::OkResponse>(r#"{"Type":"","OK":true}"#);
    round_trip::<im::ProvisionRequest>(&format!(r#"{{"Type":"","Spec":{SPEC}}}"#));
    round_trip::<im::ProvisionResponse>(r#"{"Type":"","ID":"instance-123"}"#);
    round_trip::<im::LabelRequest>(r#"{"Type":"","Instance":"instance-123","Labels":{"k":"v"}}"#);
    round_trip::<im::DestroyRequest>(r#"{"Type":"","Instance":"instance-123"}"#);
    round_trip::<im::DescribeRequest>(r#"{"Type":"","Tags":{"infrakit.group":"cattle"},"Properties":false}"#);
    round_trip::<im::DescribeResponse>(&format!(r#"{{"Type":"","Descriptions":[{DESC}]}}"#));
    round_trip::<im::DescribeResponse>(
        r#"{"Type":"","Descriptions":[{"ID":"i-1","LogicalID":"10.0.0.1","Tags":{"a":"b"},"Properties":{"State":"running"}}]}"#,
    );
    round_trip::<im::DescribeResponse>(r#"{"Type":"","Descriptions":null}"#);
}

#[test]
fn flavor_methods() {
    round_trip::<fm::ValidateRequest>(&format!(
        r#"{{"Type":"","Properties":{FLAVOR_PROPS},"Allocation":{{"Size":5,"LogicalIDs":null}}}}"#
    ));
    round_trip::<fm::ValidateRequest>(
        r#"{"Type":"manager","Properties":null,"Allocation":{"Size":0,"LogicalIDs":["192.168.1.200","192.168.1.201"]}}"#,
    );
    round_trip::<fm::PrepareRequest>(&format!(
        r#"{{"Type":"","Properties":{FLAVOR_PROPS},"Spec":{SPEC},"Allocation":{{"Size":5,"LogicalIDs":null}},"Index":{{"Group":"cattle","Sequence":5}}}}"#
    ));
    round_trip::<fm::PrepareResponse>(&format!(r#"{{"Type":"","Spec":{SPEC}}}"#));
    round_trip::<fm::InstanceRequest>(&format!(r#"{{"Type":"","Properties":{FLAVOR_PROPS},"Instance":{DESC}}}"#));
    round_trip::<fm::HealthyResponse>(r#"{"Type":"","Health":1}"#);
    round_trip::<fm::HealthyResponse>(r#"{"Type":"","Health":2}"#);
    round_trip::<im::OkResponse>(r#"{"Type":"","OK":true}"#);
}

#[test]
fn group_methods() {
    let props = format!(
        r#"{{"Allocation":{{"Size":5}},"Instance":{{"Plugin":"instance-file","Properties":{{"Note":"Instance properties version 1.0"}}}},"Flavor":{{"Plugin":"flavor-vanilla","Properties":{FLAVOR_PROPS}}}}}"#
    );
    round_trip::<gm::CommitRequest>(&format!(r#"{{"Spec":{{"ID":"cattle","Properties":{props}}},"Pretend":false}}"#));
    round_trip::<gm::CommitResponse>(r#"{"Details":"Managing 5 instances"}"#);
    round_trip::<gm::IdRequest>(r#"{"ID":"cattle"}"#);
    round_trip::<gm::OkResponse>(r#"{"OK":true}"#);
    round_trip::<gm::DescribeResponse>(&format!(r#"{{"Description":{{"Instances":[{DESC}],"Converged":true}}}}"#));
    round_trip::<gm::InspectRequest>(r#"{}"#);
    round_trip::<gm::InspectResponse>(&format!(r#"{{"Groups":[{{"ID":"cattle","Properties":{props}}}]}}"#));
    round_trip::<gm::InspectResponse>(r#"{"Groups":null}"#);
    round_trip::<mgr::IsLeaderResponse>(r#"{"Leader":true}"#);
}

#[test]
fn metadata_methods() {
    round_trip::<mm::PathRequest>(r#"{"Path":"specs/cattle"}"#);
    round_trip::<mm::ListResponse>(r#"{"Nodes":["Properties","ID"]}"#);
    round_trip::<mm::ListResponse>(r#"{"Nodes":null}"#);
    round_trip::<mm::GetResponse>(r#"{"Value":true}"#);
    round_trip::<mm::GetResponse>(r#"{"Value":null}"#);
    // v0.4.1 sent the path as an array; it is accepted and answered in the v0.5 form.
    let old: mm::PathRequest = serde_json::from_str(r#"{"Path":["specs","cattle"]}"#).unwrap();
    assert_eq!(gojson::to_string(&old).unwrap(), r#"{"Path":"specs/cattle"}"#);
}

#[test]
fn handshake_methods() {
    round_trip::<hm::ImplementsResponse>(r#"{"APIs":[{"Name":"Instance","Version":"0.5.0"}]}"#);
    round_trip::<hm::TypesResponse>(
        r#"{"Types":{"Flavor/0.1.0":["manager","worker"],"Metadata/0.1.0":[".","manager","worker"]}}"#,
    );
}

#[test]
fn properties_are_compacted_like_go() {
    // Go re-compacts embedded raw JSON and escapes HTML characters in it.
    let v: im::ValidateRequest = serde_json::from_str("{\"Type\":\"\",\"Properties\":{ \"a\" : \"<b>\" }}").unwrap();
    assert_eq!(gojson::to_string(&v).unwrap(), r#"{"Type":"","Properties":{"a":"\u003cb\u003e"}}"#);
}
