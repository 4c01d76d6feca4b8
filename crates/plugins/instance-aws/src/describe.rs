//! Listing: `DescribeInstances` filtered on `instance-state-name` (pending, running) and on every tag asked for
//! plus the namespace, read page by page; the logical ID is the private IP (as in infrakit.aws).

use crate::{errors, Inner};
use aws_sdk_ec2::types::{Filter, Instance as Ec2Instance};
use infrakit_spi::instance::{tags_match, Description, Id, LogicalId, Tags};
use infrakit_spi::{Any, Result};
use serde_json::json;

/// The instances whose tags hold every pair of `tags` (and the namespace's).
pub async fn describe(inner: &Inner, tags: &Tags, properties: bool) -> Result<Vec<Description>> {
    let mut wanted = inner.options.namespace.clone();
    wanted.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut filters = vec![Filter::builder().name("instance-state-name").values("pending").values("running").build()];
    filters.extend(wanted.iter().map(|(k, v)| Filter::builder().name(format!("tag:{k}")).values(v).build()));
    let mut pages = inner
        .ec2
        .describe_instances()
        .set_filters(Some(filters))
        .max_results(inner.options.page_size.clamp(5, 1000))
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| errors::on("describe instances", e))?;
        for i in page.reservations().iter().flat_map(|r| r.instances()) {
            let Some(id) = i.instance_id() else { continue };
            let found = tags_of(i);
            // EC2 filters already; checked again so that a lenient endpoint cannot leak other groups' instances.
            if !tags_match(&found, &wanted) {
                continue;
            }
            out.push(Description {
                id: Id(id.to_string()),
                logical_id: i.private_ip_address().map(|ip| LogicalId(ip.to_string())),
                tags: found,
                properties: if properties { Some(state(i)?) } else { None },
            });
        }
    }
    Ok(out)
}

/// An instance's tags as a map.
pub fn tags_of(i: &Ec2Instance) -> Tags {
    i.tags().iter().filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string()))).collect()
}

/// What `Properties` of a description carry: the instance's state, addresses, placement, interfaces and volumes.
fn state(i: &Ec2Instance) -> Result<Any> {
    let interfaces: Vec<_> = i
        .network_interfaces()
        .iter()
        .map(|n| json!({"NetworkInterfaceId": n.network_interface_id(), "PrivateIpAddress": n.private_ip_address()}))
        .collect();
    let volumes: Vec<_> = i
        .block_device_mappings()
        .iter()
        .map(|b| json!({"DeviceName": b.device_name(), "VolumeId": b.ebs().and_then(|e| e.volume_id())}))
        .collect();
    Any::from_value(&json!({
        "InstanceId": i.instance_id(),
        "State": i.state().and_then(|s| s.name()).map(|n| n.as_str()),
        "ImageId": i.image_id(),
        "InstanceType": i.instance_type().map(|t| t.as_str()),
        "PrivateIpAddress": i.private_ip_address(),
        "PublicIpAddress": i.public_ip_address(),
        "SubnetId": i.subnet_id(),
        "VpcId": i.vpc_id(),
        "LaunchTime": i.launch_time().map(|t| t.to_string()),
        "Placement": {"AvailabilityZone": i.placement().and_then(|p| p.availability_zone())},
        "NetworkInterfaces": interfaces,
        "BlockDeviceMappings": volumes,
    }))
}
