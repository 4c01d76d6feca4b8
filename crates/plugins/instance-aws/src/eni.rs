//! A pet's private IP held on its own network interface: created with that IP, tagged with the group and the
//! logical ID, attached as `NetworkInterfaces[0]` with `DeleteOnTermination` false, so the IP outlives every
//! instance and each replacement takes it over. (EC2 releases a terminated instance's own IP only once its
//! termination completes, and some endpoints never do; an interface of its own has no such wait.)

use crate::properties::RunInstancesInput;
use crate::{errors, Inner, LOGICAL_ID_TAG};
use aws_sdk_ec2::types::{Filter, NetworkInterface, NetworkInterfaceStatus, ResourceType, TagSpecification};
use infrakit_spi::hash::GROUP_TAG;
use infrakit_spi::instance::LogicalId;
use infrakit_spi::{Error, Result};
use std::net::Ipv4Addr;
use std::time::Instant;

/// The interface holding `lid` of `group`: found by its tags and free (or on an instance that is gone), else
/// created in the subnet the properties name (or the one subnet that contains the address).
pub async fn hold(inner: &Inner, group: &str, lid: &LogicalId, run: &RunInstancesInput) -> Result<String> {
    let ip: Ipv4Addr = lid.0.parse().map_err(|_| {
        Error::invalid("LogicalID", format!("{lid}: instance-aws pets are private IPv4 addresses (e.g. 172.31.0.10)"))
    })?;
    let deadline = Instant::now() + inner.options.wait;
    loop {
        let held = find(inner, group, lid).await?;
        let Some(eni) = held.first() else { return create(inner, group, lid, ip, run).await };
        let id = eni.network_interface_id().unwrap_or_default().to_string();
        if eni.status() == Some(&NetworkInterfaceStatus::Available) {
            return Ok(id);
        }
        let Some(holder) = eni.attachment().and_then(|a| a.instance_id()) else { return Ok(id) };
        match crate::volumes::instance_state(inner, holder).await?.as_deref() {
            None | Some("terminated") => return Ok(id),
            Some("shutting-down") if Instant::now() < deadline => {}
            Some(state) => {
                return Err(Error::failed(format!(
                    "{lid}: its network interface {id} is still attached to instance {holder} ({state}); \
                     destroy that instance first, or wait for its termination to complete"
                )))
            }
        }
        tokio::time::sleep(inner.options.poll).await;
    }
}

/// The interfaces tagged with `lid` of `group` (and the namespace).
pub async fn find(inner: &Inner, group: &str, lid: &LogicalId) -> Result<Vec<NetworkInterface>> {
    let mut filters = vec![
        Filter::builder().name(format!("tag:{LOGICAL_ID_TAG}")).values(&lid.0).build(),
        Filter::builder().name(format!("tag:{GROUP_TAG}")).values(group).build(),
    ];
    filters.extend(
        inner.options.namespace.iter().map(|(k, v)| Filter::builder().name(format!("tag:{k}")).values(v).build()),
    );
    let out = inner
        .ec2
        .describe_network_interfaces()
        .set_filters(Some(filters))
        .send()
        .await
        .map_err(|e| errors::on(&format!("network interface of {lid}"), e))?;
    Ok(out.network_interfaces().to_vec())
}

async fn create(inner: &Inner, group: &str, lid: &LogicalId, ip: Ipv4Addr, run: &RunInstancesInput) -> Result<String> {
    let first = run.network_interfaces.first();
    let subnet = match first.and_then(|n| n.subnet_id.clone()).or_else(|| run.subnet_id.clone()) {
        Some(s) => s,
        None => subnet_of(inner, ip).await?,
    };
    let groups = match first.map(|n| n.groups.clone()).filter(|g| !g.is_empty()) {
        Some(g) => g,
        None => run.security_group_ids.clone(),
    };
    let mut tags = inner.options.namespace.clone();
    tags.insert(GROUP_TAG.to_string(), group.to_string());
    tags.insert(LOGICAL_ID_TAG.to_string(), lid.0.clone());
    let spec = TagSpecification::builder()
        .resource_type(ResourceType::NetworkInterface)
        .set_tags(Some(crate::launch::ec2_tags(&tags)))
        .build();
    let out = inner
        .ec2
        .create_network_interface()
        .subnet_id(&subnet)
        .private_ip_address(ip.to_string())
        .set_groups((!groups.is_empty()).then_some(groups))
        .description(format!("infrakit pet {lid} of group {group}"))
        .tag_specifications(spec)
        .send()
        .await
        .map_err(|e| Error::failed(errors::on(&format!("network interface for {lid} in {subnet}"), e)))?;
    let id = out.network_interface().and_then(|n| n.network_interface_id()).unwrap_or_default().to_string();
    if id.is_empty() {
        return Err(Error::failed(format!("network interface for {lid}: EC2 answered without an ID")));
    }
    tracing::info!(logical_id = %lid, group, interface = id, subnet, "instance-aws: network interface created");
    Ok(id)
}

/// The one subnet whose CIDR contains `ip`.
async fn subnet_of(inner: &Inner, ip: Ipv4Addr) -> Result<String> {
    let mut pages = inner.ec2.describe_subnets().into_paginator().send();
    let mut hits = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| errors::on("describe subnets", e))?;
        for s in page.subnets() {
            if s.cidr_block().is_some_and(|c| contains(c, ip)) {
                hits.push(s.subnet_id().unwrap_or_default().to_string());
            }
        }
    }
    match hits.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::invalid(
            "Properties.RunInstancesInput.SubnetId",
            format!("no subnet contains the logical ID {ip}: give SubnetId (or NetworkInterfaces[0].SubnetId)"),
        )),
        several => Err(Error::invalid(
            "Properties.RunInstancesInput.SubnetId",
            format!("subnets {} all contain {ip}: give SubnetId", several.join(", ")),
        )),
    }
}

/// True when the IPv4 CIDR `cidr` contains `ip`.
pub fn contains(cidr: &str, ip: Ipv4Addr) -> bool {
    let Some((net, bits)) = cidr.split_once('/') else { return false };
    let (Ok(net), Ok(bits)) = (net.parse::<Ipv4Addr>(), bits.parse::<u32>()) else { return false };
    if bits > 32 {
        return false;
    }
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    u32::from(net) & mask == u32::from(ip) & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        let ip: Ipv4Addr = "172.31.0.50".parse().unwrap_or(Ipv4Addr::UNSPECIFIED);
        assert!(contains("172.31.0.0/20", ip));
        assert!(!contains("172.31.16.0/20", ip));
        assert!(contains("0.0.0.0/0", ip));
        assert!(!contains("172.31.0.0/33", ip) && !contains("nonsense", ip));
    }
}
