//! The plugin in this process against a real EC2 API endpoint (a moto server, `infrakit-aws-testkit`): launches
//! tagged at launch, Init as UserData, labels, pets on their own interfaces with their EBS volumes, and EC2's own
//! message when a launch is refused.

use infrakit_aws_testkit::{Moto, REGION};
use infrakit_instance_aws::{connect, AwsInstance, ClientOptions, Options};
use infrakit_spi::instance::{Attachment, Id, Instance, LogicalId, Spec, Tags};
use infrakit_spi::Any;
use std::time::Duration;

async fn plugin(moto: &Moto, namespace: &str) -> AwsInstance {
    plugin_paged(moto, namespace, Options::default().page_size).await
}

async fn plugin_paged(moto: &Moto, namespace: &str, page_size: i32) -> AwsInstance {
    let options = ClientOptions {
        region: Some(REGION.into()),
        endpoint: Some(moto.endpoint()),
        max_attempts: 3,
        attempt_timeout: Duration::from_secs(60),
        static_credentials: Some(("testing".into(), "testing".into())),
        ..ClientOptions::default()
    };
    let ec2 = connect(&options).await.expect("a client of the endpoint");
    let namespace = [("test".to_string(), namespace.to_string())].into();
    AwsInstance::new(ec2, Options { namespace, poll: Duration::from_millis(200), page_size, ..Options::default() })
}

fn group(g: &str) -> Tags {
    [("infrakit.group".to_string(), g.to_string())].into()
}

fn spec(g: &str, properties: serde_json::Value) -> Spec {
    Spec { properties: Some(Any::from_value(&properties).expect("json")), tags: group(g), ..Spec::default() }
}

fn boto(moto: &Moto, code: &str) -> serde_json::Value {
    moto.boto(code).expect("boto3")
}

#[tokio::test]
async fn a_launch_is_tagged_at_launch_listed_labelled_and_terminated() {
    let Some(moto) = Moto::shared() else { return };
    let p = plugin(moto, "basic").await;
    let props = serde_json::json!({"Tags": {"role": "worker", "aws:no": "x"},
        "RunInstancesInput": {"ImageId": moto.image(), "InstanceType": "t2.micro"}});
    let mut s = spec("basic", props);
    s.init = "#!/bin/sh\necho hello".into();
    let id = p.provision(s).await.expect("provision");
    let tags = boto(moto, &format!(
        "out = {{t['Key']: t['Value'] for t in ec2.describe_instances(InstanceIds=['{id}'])['Reservations'][0]['Instances'][0]['Tags']}}"
    ));
    assert_eq!(tags["role"], "worker");
    assert_eq!(tags["infrakit.group"], "basic");
    assert_eq!(tags["test"], "basic", "the namespace is set at launch");
    assert!(tags.get("aws:no").is_none(), "aws: keys are EC2's");
    let user_data = boto(moto, &format!(
        "import base64\nout = base64.b64decode(ec2.describe_instance_attribute(InstanceId='{id}', Attribute='userData')['UserData']['Value']).decode()"
    ));
    assert_eq!(user_data, "#!/bin/sh\necho hello", "the Init is the UserData");

    let listed = p.describe_instances(&group("basic"), true).await.expect("describe");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert!(listed[0].logical_id.is_some(), "the logical ID is the private IP");
    let state = listed[0].properties.as_ref().map(|p| p.to_value()).unwrap_or_default();
    assert_eq!(state["PrivateIpAddress"].as_str(), listed[0].logical_id.as_ref().map(|l| l.0.as_str()));
    assert!(p.describe_instances(&group("other"), false).await.expect("describe").is_empty());

    p.label(&id, &[("color".to_string(), "blue".to_string())].into()).await.expect("label");
    let listed = p.describe_instances(&[("color".to_string(), "blue".to_string())].into(), false).await.expect("d");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].tags.get("role").map(String::as_str), Some("worker"), "labels merge");
    let missing = p.label(&Id("i-0000000000000000f".into()), &[("a".into(), "b".into())].into()).await;
    assert!(matches!(missing, Err(infrakit_spi::Error::NotFound(_))), "{missing:?}");

    p.destroy(&id).await.expect("destroy");
    assert!(p.describe_instances(&group("basic"), false).await.expect("describe").is_empty());
}

#[tokio::test]
async fn the_listing_is_read_page_by_page() {
    let Some(moto) = Moto::shared() else { return };
    let p = plugin_paged(moto, "paged", 5).await;
    let props = serde_json::json!({"RunInstancesInput": {"ImageId": moto.image()}});
    let mut made = Vec::new();
    for _ in 0..7 {
        made.push(p.provision(spec("paged", props.clone())).await.expect("provision"));
    }
    let mut listed: Vec<Id> =
        p.describe_instances(&group("paged"), false).await.expect("describe").into_iter().map(|d| d.id).collect();
    listed.sort();
    made.sort();
    assert_eq!(listed, made, "7 instances over pages of 5");
    let paged = boto(
        moto,
        "out = 'NextToken' in ec2.describe_instances(MaxResults=5, Filters=[{'Name': 'tag:test', 'Values': ['paged']}])",
    );
    assert_eq!(paged, true, "the endpoint pages (else this test proves nothing)");
    for id in &made {
        p.destroy(id).await.expect("destroy");
    }
}

#[tokio::test]
async fn a_refused_launch_says_why() {
    let Some(moto) = Moto::shared() else { return };
    let p = plugin(moto, "refused").await;
    let bad_ami = spec("refused", serde_json::json!({"RunInstancesInput": {"ImageId": "ami-00000000deadbeef0"}}));
    let e = p.provision(bad_ami).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("InvalidAMIID") && e.contains("ami-00000000deadbeef0"), "{e}");
    let image = moto.image();
    let bad_subnet =
        spec("refused", serde_json::json!({"RunInstancesInput": {"ImageId": image, "SubnetId": "subnet-0nope"}}));
    let e = p.provision(bad_subnet).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("InvalidSubnetID.NotFound") && e.contains("subnet-0nope"), "{e}");
    let typo = serde_json::json!({"RunInstancesInput": {"ImageId": image, "InstanceTyp": "t2.micro"}});
    let e = p.validate(Some(&Any::from_value(&typo).expect("json"))).await.err().map(|e| e.to_string());
    assert!(e.unwrap_or_default().contains("Properties.RunInstancesInput.InstanceTyp: unknown field"));
    let missing = Spec {
        attachments: vec![Attachment { id: "no-such-volume".into(), kind: "ebs".into() }],
        ..spec("refused", serde_json::json!({"RunInstancesInput": {"ImageId": image}}))
    };
    let e = p.provision(missing).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("docker-infrakit-volume=no-such-volume"), "{e}");
    assert!(p.describe_instances(&group("refused"), false).await.expect("describe").is_empty(), "nothing launched");
}

#[tokio::test]
async fn a_pet_keeps_its_address_and_volumes_across_instances() {
    let Some(moto) = Moto::shared() else { return };
    let p = plugin(moto, "pet").await;
    let ip = "172.31.14.77";
    for v in ["pet-a", "pet-b"] {
        boto(moto, &format!(
            "out = ec2.create_volume(AvailabilityZone='us-east-1a', Size=1, TagSpecifications=[{{'ResourceType': 'volume', \
             'Tags': [{{'Key': 'docker-infrakit-volume', 'Value': '{v}'}}, {{'Key': 'test', 'Value': 'pet'}}]}}])['VolumeId']"
        ));
    }
    let pet = || Spec {
        logical_id: Some(LogicalId(ip.into())),
        attachments: ["pet-a", "pet-b"].iter().map(|v| Attachment { id: v.to_string(), kind: "ebs".into() }).collect(),
        ..spec("pets", serde_json::json!({"RunInstancesInput": {"ImageId": moto.image()}}))
    };
    let volumes = |id: &Id| {
        boto(moto, &format!(
            "out = sorted((a['Device'], t['Value']) \
             for v in ec2.describe_volumes(Filters=[{{'Name': 'attachment.instance-id', 'Values': ['{id}']}}])['Volumes'] \
             for a in v['Attachments'] for t in v.get('Tags', []) if t['Key'] == 'docker-infrakit-volume')"
        ))
    };
    let first = p.provision(pet()).await.expect("provision");
    let listed = p.describe_instances(&group("pets"), false).await.expect("describe");
    assert_eq!(listed.iter().map(|d| d.logical_id.clone()).collect::<Vec<_>>(), [Some(LogicalId(ip.into()))]);
    assert_eq!(volumes(&first), serde_json::json!([["/dev/sdf", "pet-a"], ["/dev/sdg", "pet-b"]]), "a device each");
    let interface = |id: &Id| {
        boto(moto, &format!(
            "out = ec2.describe_instances(InstanceIds=['{id}'])['Reservations'][0]['Instances'][0]['NetworkInterfaces'][0]['NetworkInterfaceId']"
        ))
    };
    let eni = interface(&first);

    // Terminated behind the plugin's back: the next instance takes over the address and both volumes.
    moto.terminate(&first.0).expect("terminate");
    let second = p.provision(pet()).await.expect("provision again");
    assert_ne!(first, second);
    let listed = p.describe_instances(&group("pets"), false).await.expect("describe");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, second);
    assert_eq!(listed[0].logical_id, Some(LogicalId(ip.into())), "the same address");
    assert_eq!(interface(&second), eni, "on the same interface");
    assert_eq!(volumes(&second), serde_json::json!([["/dev/sdf", "pet-a"], ["/dev/sdg", "pet-b"]]), "the same volumes");

    // While an instance that still runs holds the address, another is refused, saying which.
    let e = p.provision(pet()).await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains(&second.0) && e.contains(ip), "{e}");
    p.destroy(&second).await.expect("destroy");
}
