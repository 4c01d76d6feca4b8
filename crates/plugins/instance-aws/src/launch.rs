//! Provision: one `RunInstances` (`MinCount` = `MaxCount` = 1, a fresh `ClientToken` so the SDK's retries cannot
//! launch twice) with every tag applied at launch (`TagSpecifications`: no untagged instance ever exists), the
//! `Init` as base64 `UserData`, a pet on its own network interface; then the volumes. A launch whose volumes cannot
//! be attached is terminated, so a failed provision leaves nothing behind.

use crate::properties::{NetworkInterface, Properties, RunInstancesInput};
use crate::volumes;
use crate::{eni, errors, Inner, LOGICAL_ID_TAG};
use aws_sdk_ec2::types::{
    BlockDeviceMapping, EbsBlockDevice, IamInstanceProfileSpecification, InstanceNetworkInterfaceSpecification,
    InstanceType, Placement, ResourceType, RunInstancesMonitoringEnabled, ShutdownBehavior, Tag, TagSpecification,
    Tenancy, VolumeType,
};
use infrakit_spi::hash::GROUP_TAG;
use infrakit_spi::instance::{Id, Spec, Tags};
use infrakit_spi::{Error, Result};

/// Launches the instance `spec` describes; returns its ID.
pub async fn provision(inner: &Inner, spec: Spec) -> Result<Id> {
    let props = Properties::parse(spec.properties.as_ref())?;
    let planned = volumes::plan(inner, &spec.attachments, &props.attach).await?;
    let tags = instance_tags(inner, &props, &spec);
    let mut run = props.run;
    if let Some(lid) = &spec.logical_id {
        if !run.security_groups.is_empty() {
            return Err(Error::invalid(
                "Properties.RunInstancesInput.SecurityGroups",
                "a pet runs on its own network interface: give SecurityGroupIds (sg-...), not group names",
            ));
        }
        let group = spec.tags.get(GROUP_TAG).map(String::as_str).unwrap_or("");
        let held = eni::hold(inner, group, lid, &run).await?;
        let mut rest: Vec<NetworkInterface> = run.network_interfaces.drain(..).skip(1).collect();
        rest.insert(
            0,
            NetworkInterface {
                device_index: Some(0),
                network_interface_id: Some(held),
                delete_on_termination: Some(false),
                ..NetworkInterface::default()
            },
        );
        run.network_interfaces = rest;
        run.subnet_id = None;
        run.security_group_ids.clear();
        run.private_ip_address = None;
    }
    if !spec.init.is_empty() {
        run.user_data = Some(spec.init.clone());
    }
    let what = match &spec.logical_id {
        Some(lid) => format!("launch of {lid}"),
        None => "launch".to_string(),
    };
    let out = request(inner, run, &tags)?.send().await.map_err(|e| Error::failed(errors::on(&what, e)))?;
    let id = out
        .instances()
        .first()
        .and_then(|i| i.instance_id())
        .map(str::to_string)
        .ok_or_else(|| Error::failed(format!("{what}: EC2 answered without an instance")))?;
    tracing::info!(instance = id, logical_id = ?spec.logical_id, "instance-aws: launched");
    if !planned.is_empty() {
        if let Err(e) = volumes::attach_all(inner, &id, &planned).await {
            let gone = inner.ec2.terminate_instances().instance_ids(&id).send().await;
            let note = if gone.is_ok() { "terminated it" } else { "could not terminate it: destroy it by hand" };
            return Err(Error::failed(format!("instance {id}: {e}; {note}")));
        }
    }
    Ok(Id(id))
}

/// The tags of a new instance: the properties' `Tags`, then the spec's, then the namespace (later wins, as in
/// infrakit.aws), the logical ID of a pet, and no `aws:` keys (EC2 reserves them).
fn instance_tags(inner: &Inner, props: &Properties, spec: &Spec) -> Tags {
    let mut tags = props.tags.clone();
    tags.extend(spec.tags.iter().map(|(k, v)| (k.clone(), v.clone())));
    tags.extend(inner.options.namespace.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Some(lid) = &spec.logical_id {
        tags.insert(LOGICAL_ID_TAG.to_string(), lid.0.clone());
    }
    tags.retain(|k, _| !k.starts_with("aws:"));
    tags
}

/// `tags` as EC2 tags.
pub fn ec2_tags(tags: &Tags) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

fn request(
    inner: &Inner,
    run: RunInstancesInput,
    tags: &Tags,
) -> Result<aws_sdk_ec2::operation::run_instances::builders::RunInstancesFluentBuilder> {
    let mut specs = Vec::new();
    let mut instance_tags = ec2_tags(tags);
    for t in &run.tag_specifications {
        let kind = t.resource_type.clone().unwrap_or_default();
        let extra: Vec<Tag> = t.tags.iter().map(|t| Tag::builder().key(&t.key).value(&t.value).build()).collect();
        if kind == "instance" {
            // The plugin's tags win: they are what the group lists by.
            instance_tags.extend(extra.into_iter().filter(|t| !tags.contains_key(t.key().unwrap_or_default())));
        } else {
            specs.push(
                TagSpecification::builder()
                    .resource_type(ResourceType::from(kind.as_str()))
                    .set_tags(Some(extra))
                    .build(),
            );
        }
    }
    specs.push(TagSpecification::builder().resource_type(ResourceType::Instance).set_tags(Some(instance_tags)).build());
    let monitoring = run.monitoring.map(|m| RunInstancesMonitoringEnabled::builder().enabled(m.enabled).build());
    let interfaces: Vec<InstanceNetworkInterfaceSpecification> = run
        .network_interfaces
        .into_iter()
        .map(|n| {
            InstanceNetworkInterfaceSpecification::builder()
                .set_device_index(n.device_index)
                .set_subnet_id(n.subnet_id)
                .set_private_ip_address(n.private_ip_address)
                .set_groups((!n.groups.is_empty()).then_some(n.groups))
                .set_associate_public_ip_address(n.associate_public_ip_address)
                .set_delete_on_termination(n.delete_on_termination)
                .set_description(n.description)
                .set_network_interface_id(n.network_interface_id)
                .set_secondary_private_ip_address_count(n.secondary_private_ip_address_count)
                .build()
        })
        .collect();
    let mappings: Vec<BlockDeviceMapping> = run
        .block_device_mappings
        .into_iter()
        .map(|b| {
            BlockDeviceMapping::builder()
                .set_device_name(b.device_name)
                .set_virtual_name(b.virtual_name)
                .set_no_device(b.no_device)
                .set_ebs(b.ebs.map(|e| {
                    EbsBlockDevice::builder()
                        .set_delete_on_termination(e.delete_on_termination)
                        .set_encrypted(e.encrypted)
                        .set_iops(e.iops)
                        .set_kms_key_id(e.kms_key_id)
                        .set_snapshot_id(e.snapshot_id)
                        .set_volume_size(e.volume_size)
                        .set_volume_type(e.volume_type.as_deref().map(VolumeType::from))
                        .set_throughput(e.throughput)
                        .build()
                }))
                .build()
        })
        .collect();
    let placement = run.placement.map(|p| {
        Placement::builder()
            .set_availability_zone(p.availability_zone)
            .set_group_name(p.group_name)
            .set_tenancy(p.tenancy.as_deref().map(Tenancy::from))
            .set_host_id(p.host_id)
            .set_affinity(p.affinity)
            .build()
    });
    let profile = run
        .iam_instance_profile
        .map(|p| IamInstanceProfileSpecification::builder().set_arn(p.arn).set_name(p.name).build());
    let user_data = run.user_data.map(|u| data_encoding::BASE64.encode(u.as_bytes()));
    Ok(inner
        .ec2
        .run_instances()
        .min_count(1)
        .max_count(1)
        .client_token(token())
        .set_image_id(run.image_id)
        .set_instance_type(run.instance_type.as_deref().map(InstanceType::from))
        .set_key_name(run.key_name)
        .set_subnet_id(run.subnet_id)
        .set_private_ip_address(run.private_ip_address)
        .set_security_group_ids((!run.security_group_ids.is_empty()).then_some(run.security_group_ids))
        .set_security_groups((!run.security_groups.is_empty()).then_some(run.security_groups))
        .set_user_data(user_data)
        .set_kernel_id(run.kernel_id)
        .set_ramdisk_id(run.ramdisk_id)
        .set_additional_info(run.additional_info)
        .set_instance_initiated_shutdown_behavior(run.shutdown_behavior.as_deref().map(ShutdownBehavior::from))
        .set_ebs_optimized(run.ebs_optimized)
        .set_disable_api_termination(run.disable_api_termination)
        .set_dry_run(run.dry_run)
        .set_monitoring(monitoring)
        .set_placement(placement)
        .set_iam_instance_profile(profile)
        .set_network_interfaces((!interfaces.is_empty()).then_some(interfaces))
        .set_block_device_mappings((!mappings.is_empty()).then_some(mappings))
        .set_tag_specifications(Some(specs)))
}

/// A fresh idempotency token (EC2 allows 64 ASCII characters).
fn token() -> String {
    format!("infrakit-{:032x}", rand::random::<u128>())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_fresh_and_short() {
        let (a, b) = (super::token(), super::token());
        assert_ne!(a, b);
        assert!(a.len() <= 64 && a.is_ascii());
    }
}
