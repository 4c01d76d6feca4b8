//! `Properties` of an EC2 instance: infrakit.aws's `CreateInstanceRequest` (`Tags`, `RunInstancesInput` with the
//! EC2 API's field names, `AttachVolumeInputs`). Checked without side effects: every field that is not EC2's is
//! named, and EC2 fields this plugin does not pass on yet are named as such.

use infrakit_spi::{Any, Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The top-level fields.
const FIELDS: [&str; 3] = ["Tags", "RunInstancesInput", "AttachVolumeInputs"];

/// `RunInstancesInput` fields of the EC2 API that this plugin does not pass on (named when given).
const UNSUPPORTED: [&str; 20] = [
    "CapacityReservationSpecification",
    "CpuOptions",
    "CreditSpecification",
    "DisableApiStop",
    "ElasticGpuSpecification",
    "ElasticInferenceAccelerators",
    "EnablePrimaryIpv6",
    "EnclaveOptions",
    "HibernationOptions",
    "InstanceMarketOptions",
    "Ipv6AddressCount",
    "Ipv6Addresses",
    "LaunchTemplate",
    "LicenseSpecifications",
    "MaintenanceOptions",
    "MetadataOptions",
    "NetworkPerformanceOptions",
    "Operator",
    "PrivateDnsNameOptions",
    "SecondaryInterfaces",
];

/// Parsed `Properties`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Properties {
    /// Tags for every instance (the spec's tags and the namespace win over them, as in infrakit.aws).
    #[serde(rename = "Tags", default)]
    pub tags: BTreeMap<String, String>,
    /// What to launch.
    #[serde(rename = "RunInstancesInput", default)]
    pub run: RunInstancesInput,
    /// Volumes attached once the instance runs (each retried while the volume is still attached elsewhere).
    #[serde(rename = "AttachVolumeInputs", default)]
    pub attach: Vec<AttachVolumeInput>,
}

/// EC2 `RunInstances` parameters (the EC2 API's names; `MinCount` and `MaxCount` are always 1).
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct RunInstancesInput {
    #[serde(rename = "ImageId", default)]
    pub image_id: Option<String>,
    #[serde(rename = "InstanceType", default)]
    pub instance_type: Option<String>,
    #[serde(rename = "KeyName", default)]
    pub key_name: Option<String>,
    #[serde(rename = "SubnetId", default)]
    pub subnet_id: Option<String>,
    #[serde(rename = "PrivateIpAddress", default)]
    pub private_ip_address: Option<String>,
    #[serde(rename = "SecurityGroupIds", default)]
    pub security_group_ids: Vec<String>,
    #[serde(rename = "SecurityGroups", default)]
    pub security_groups: Vec<String>,
    #[serde(rename = "UserData", default)]
    pub user_data: Option<String>,
    #[serde(rename = "KernelId", default)]
    pub kernel_id: Option<String>,
    #[serde(rename = "RamdiskId", default)]
    pub ramdisk_id: Option<String>,
    #[serde(rename = "AdditionalInfo", default)]
    pub additional_info: Option<String>,
    #[serde(rename = "InstanceInitiatedShutdownBehavior", default)]
    pub shutdown_behavior: Option<String>,
    #[serde(rename = "EbsOptimized", default)]
    pub ebs_optimized: Option<bool>,
    #[serde(rename = "DisableApiTermination", default)]
    pub disable_api_termination: Option<bool>,
    #[serde(rename = "DryRun", default)]
    pub dry_run: Option<bool>,
    /// Ignored: always 1.
    #[serde(rename = "MinCount", default)]
    pub min_count: Option<i64>,
    /// Ignored: always 1.
    #[serde(rename = "MaxCount", default)]
    pub max_count: Option<i64>,
    #[serde(rename = "Monitoring", default)]
    pub monitoring: Option<Monitoring>,
    #[serde(rename = "Placement", default)]
    pub placement: Option<Placement>,
    #[serde(rename = "IamInstanceProfile", default)]
    pub iam_instance_profile: Option<IamInstanceProfile>,
    #[serde(rename = "NetworkInterfaces", default)]
    pub network_interfaces: Vec<NetworkInterface>,
    #[serde(rename = "BlockDeviceMappings", default)]
    pub block_device_mappings: Vec<BlockDeviceMapping>,
    #[serde(rename = "TagSpecifications", default)]
    pub tag_specifications: Vec<TagSpecification>,
}

/// `Monitoring`.
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Monitoring {
    #[serde(rename = "Enabled", default)]
    pub enabled: bool,
}

/// `Placement`.
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Placement {
    #[serde(rename = "AvailabilityZone", default)]
    pub availability_zone: Option<String>,
    #[serde(rename = "GroupName", default)]
    pub group_name: Option<String>,
    #[serde(rename = "Tenancy", default)]
    pub tenancy: Option<String>,
    #[serde(rename = "HostId", default)]
    pub host_id: Option<String>,
    #[serde(rename = "Affinity", default)]
    pub affinity: Option<String>,
}

/// `IamInstanceProfile`.
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct IamInstanceProfile {
    #[serde(rename = "Arn", default)]
    pub arn: Option<String>,
    #[serde(rename = "Name", default)]
    pub name: Option<String>,
}

/// One of `NetworkInterfaces` (`InstanceNetworkInterfaceSpecification`).
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct NetworkInterface {
    #[serde(rename = "DeviceIndex", default)]
    pub device_index: Option<i32>,
    #[serde(rename = "SubnetId", default)]
    pub subnet_id: Option<String>,
    #[serde(rename = "PrivateIpAddress", default)]
    pub private_ip_address: Option<String>,
    #[serde(rename = "Groups", default)]
    pub groups: Vec<String>,
    #[serde(rename = "AssociatePublicIpAddress", default)]
    pub associate_public_ip_address: Option<bool>,
    #[serde(rename = "DeleteOnTermination", default)]
    pub delete_on_termination: Option<bool>,
    #[serde(rename = "Description", default)]
    pub description: Option<String>,
    #[serde(rename = "NetworkInterfaceId", default)]
    pub network_interface_id: Option<String>,
    #[serde(rename = "SecondaryPrivateIpAddressCount", default)]
    pub secondary_private_ip_address_count: Option<i32>,
}

/// One of `BlockDeviceMappings`.
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct BlockDeviceMapping {
    #[serde(rename = "DeviceName", default)]
    pub device_name: Option<String>,
    #[serde(rename = "VirtualName", default)]
    pub virtual_name: Option<String>,
    #[serde(rename = "NoDevice", default)]
    pub no_device: Option<String>,
    #[serde(rename = "Ebs", default)]
    pub ebs: Option<Ebs>,
}

/// `Ebs` of a block device mapping.
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Ebs {
    #[serde(rename = "DeleteOnTermination", default)]
    pub delete_on_termination: Option<bool>,
    #[serde(rename = "Encrypted", default)]
    pub encrypted: Option<bool>,
    #[serde(rename = "Iops", default)]
    pub iops: Option<i32>,
    #[serde(rename = "KmsKeyId", default)]
    pub kms_key_id: Option<String>,
    #[serde(rename = "SnapshotId", default)]
    pub snapshot_id: Option<String>,
    #[serde(rename = "VolumeSize", default)]
    pub volume_size: Option<i32>,
    #[serde(rename = "VolumeType", default)]
    pub volume_type: Option<String>,
    #[serde(rename = "Throughput", default)]
    pub throughput: Option<i32>,
}

/// One of `TagSpecifications` (tags of the instance's own are merged with the plugin's).
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct TagSpecification {
    #[serde(rename = "ResourceType", default)]
    pub resource_type: Option<String>,
    #[serde(rename = "Tags", default)]
    pub tags: Vec<Tag>,
}

/// An EC2 tag.
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct Tag {
    #[serde(rename = "Key", default)]
    pub key: String,
    #[serde(rename = "Value", default)]
    pub value: String,
}

/// One of `AttachVolumeInputs` (`InstanceId` is the new instance's, whatever is given).
#[derive(Debug, Clone, Default, Deserialize)]
#[allow(missing_docs)]
pub struct AttachVolumeInput {
    #[serde(rename = "Device", default)]
    pub device: String,
    #[serde(rename = "VolumeId", default)]
    pub volume_id: String,
    #[serde(rename = "InstanceId", default)]
    pub instance_id: Option<String>,
    #[serde(rename = "DryRun", default)]
    pub dry_run: Option<bool>,
}

impl Properties {
    /// Parses and checks `properties`.
    pub fn parse(properties: Option<&Any>) -> Result<Properties> {
        let value = match properties {
            Some(p) if !p.is_null() => p.to_value(),
            _ => return Err(Error::invalid("Properties", "Properties must be set (with RunInstancesInput.ImageId)")),
        };
        let serde_json::Value::Object(fields) = &value else {
            return Err(Error::invalid(
                "Properties",
                "must be an object with RunInstancesInput (and Tags, AttachVolumeInputs)",
            ));
        };
        if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(Error::invalid(
                format!("Properties.{unknown}"),
                format!("unknown field; instance-aws knows {}", FIELDS.join(", ")),
            ));
        }
        let p: Properties = strict(value)?;
        let run = &p.run;
        if run.image_id.as_deref().is_none_or(str::is_empty) {
            return Err(Error::invalid("Properties.RunInstancesInput.ImageId", "an AMI ID must be given (ami-...)"));
        }
        if run.tag_specifications.iter().any(|t| t.resource_type.is_none()) {
            return Err(Error::invalid(
                "Properties.RunInstancesInput.TagSpecifications",
                "each needs a ResourceType (instance, volume, network-interface...)",
            ));
        }
        for (i, a) in p.attach.iter().enumerate() {
            if a.device.is_empty() || a.volume_id.is_empty() {
                return Err(Error::invalid(format!("Properties.AttachVolumeInputs[{i}]"), "needs Device and VolumeId"));
            }
        }
        Ok(p)
    }
}

/// Decodes `value`, naming the first field EC2's shape does not have, or the field whose value does not fit.
fn strict(value: serde_json::Value) -> Result<Properties> {
    let (p, ignored) = infrakit_spi::unknown_fields::decode_noting_unknown::<Properties>(&value, "Properties")?;
    match ignored.first() {
        Some(path) => {
            let last = path.rsplit(['.', ']']).next().unwrap_or(path);
            let supported = path.starts_with("RunInstancesInput.") && UNSUPPORTED.contains(&last);
            let message = if supported {
                "an EC2 field that instance-aws does not pass on to RunInstances yet: remove it"
            } else if last == "ClientToken" {
                "instance-aws sets a fresh ClientToken for every launch (one token for all would launch only one)"
            } else {
                "unknown field: not in EC2's RunInstances/AttachVolume input for this object (the names are EC2's, e.g. ImageId, SubnetId)"
            };
            Err(Error::invalid(format!("Properties.{path}"), message))
        }
        None => Ok(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Properties> {
        Properties::parse(Some(&Any::from_json(json).expect("json")))
    }

    fn err(json: &str) -> String {
        parse(json).err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn infrakit_aws_shape() {
        let p = parse(
            r#"{"Tags":{"role":"worker"},
                "RunInstancesInput":{"ImageId":"ami-1","InstanceType":"t2.micro","KeyName":"k","SubnetId":"subnet-1",
                  "SecurityGroupIds":["sg-1"],"Placement":{"AvailabilityZone":"us-east-1a"},"Monitoring":{"Enabled":true},
                  "NetworkInterfaces":[{"DeviceIndex":0,"SubnetId":"subnet-2","Groups":["sg-2"],"AssociatePublicIpAddress":false}],
                  "BlockDeviceMappings":[{"DeviceName":"/dev/sdh","Ebs":{"VolumeSize":8,"VolumeType":"gp3"}}],
                  "IamInstanceProfile":{"Name":"p"},"MinCount":1,"MaxCount":1},
                "AttachVolumeInputs":[{"Device":"/dev/sdg","VolumeId":"vol-1"}]}"#,
        )
        .expect("valid");
        assert_eq!(p.run.image_id.as_deref(), Some("ami-1"));
        assert_eq!(p.run.network_interfaces[0].groups, ["sg-2"]);
        assert_eq!(p.run.block_device_mappings[0].ebs.as_ref().and_then(|e| e.volume_size), Some(8));
        assert_eq!(p.attach[0].volume_id, "vol-1");
        assert_eq!(p.tags.get("role").map(String::as_str), Some("worker"));
    }

    #[test]
    fn unknown_fields_are_named() {
        assert!(err(r#"{"RunInstanceInput":{}}"#).contains("Properties.RunInstanceInput: unknown field"));
        let e = err(r#"{"RunInstancesInput":{"ImageId":"ami-1","SubnetID":"s"}}"#);
        assert!(e.contains("Properties.RunInstancesInput.SubnetID: unknown field"), "{e}");
        let e = err(r#"{"RunInstancesInput":{"ImageId":"ami-1","NetworkInterfaces":[{},{"Subnet":"s"}]}}"#);
        assert!(e.contains("Properties.RunInstancesInput.NetworkInterfaces[1].Subnet: unknown field"), "{e}");
        let e = err(r#"{"RunInstancesInput":{"ImageId":"ami-1","CpuOptions":{"CoreCount":1}}}"#);
        assert!(e.contains("CpuOptions") && e.contains("does not pass on"), "{e}");
        let e = err(r#"{"RunInstancesInput":{"ImageId":"ami-1","ClientToken":"x"}}"#);
        assert!(e.contains("fresh ClientToken"), "{e}");
        let e = err(r#"{"RunInstancesInput":{"ImageId":"ami-1","SecurityGroupIds":"sg-1"}}"#);
        assert!(e.contains("SecurityGroupIds"), "{e}");
    }

    #[test]
    fn required_fields() {
        assert!(Properties::parse(None).is_err_and(|e| e.to_string().contains("Properties must be set")));
        assert!(err(r#"{"RunInstancesInput":{}}"#).contains("ImageId"));
        assert!(err(r#"{"RunInstancesInput":{"ImageId":"ami-1"},"AttachVolumeInputs":[{"Device":"/dev/sdf"}]}"#)
            .contains("AttachVolumeInputs[0]"));
    }
}
