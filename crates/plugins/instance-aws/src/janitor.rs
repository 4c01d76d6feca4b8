//! The sweep of pets' network interfaces: an interface that no instance uses and whose group (asked of the group
//! plugin) no longer has its logical ID is deleted, once it has been seen so at two sweeps in a row (a group
//! plugin that just restarted and knows no group yet does not cost a pet its address at once).

use crate::{errors, tag_filter, Inner, LOGICAL_ID_TAG};
use aws_sdk_ec2::types::{Filter, NetworkInterfaceStatus};
use infrakit_spi::group::GroupProperties;
use infrakit_spi::hash::GROUP_TAG;
use infrakit_spi::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Weak;
use tokio::sync::oneshot;

/// Interfaces found unwanted at the last sweep.
#[derive(Debug, Default)]
pub struct Seen(BTreeSet<String>);

/// Sweeps every `Options::sweep`, and at once after a destroy, until `stopped`.
pub async fn run(inner: Weak<Inner>, mut stopped: oneshot::Receiver<()>) {
    let mut seen = Seen::default();
    loop {
        let Some(plugin) = inner.upgrade() else { return };
        tokio::select! {
            _ = &mut stopped => return,
            _ = tokio::time::sleep(plugin.options.sweep) => {}
            _ = plugin.sweep.notified() => {}
        }
        if let Err(e) = sweep(&plugin, &mut seen, false).await {
            tracing::debug!(error = %e, "instance-aws: the sweep of unused network interfaces failed; next time");
        }
    }
}

struct Free {
    id: String,
    group: String,
    lid: String,
    attachment: Option<String>,
}

/// One sweep; with `now`, unwanted interfaces are deleted at the first sighting. Returns the IDs deleted.
pub async fn sweep(inner: &Inner, seen: &mut Seen, now: bool) -> Result<Vec<String>> {
    let Some((lookup, name)) = inner.options.groups.as_ref() else { return Ok(Vec::new()) };
    let free = free(inner).await?;
    if free.is_empty() {
        seen.0.clear();
        return Ok(Vec::new());
    }
    let specs = lookup.group(name).await?.inspect_groups().await?;
    let mut wanted: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
    for s in specs {
        let lids = s
            .properties
            .as_ref()
            .and_then(|p| p.decode::<GroupProperties>().ok())
            .map(|p| p.allocation.logical_ids.into_iter().map(|l| l.0).collect());
        wanted.insert(s.id.0, lids);
    }
    let unwanted: Vec<&Free> = free
        .iter()
        .filter(|f| match wanted.get(&f.group) {
            None => true,
            Some(None) => false, // A spec that does not decode: kept.
            Some(Some(lids)) => !lids.contains(&f.lid),
        })
        .collect();
    let mut deleted = Vec::new();
    let mut next = BTreeSet::new();
    for f in unwanted {
        if !now && !seen.0.contains(&f.id) {
            next.insert(f.id.clone());
            continue;
        }
        match delete(inner, f).await {
            Ok(()) => {
                tracing::info!(
                    interface = f.id,
                    group = f.group,
                    logical_id = f.lid,
                    "instance-aws: network interface deleted: the group no longer has its logical ID"
                );
                deleted.push(f.id.clone());
            }
            Err(e) => {
                tracing::warn!(interface = f.id, error = %e, "instance-aws: cannot delete an unused network interface");
                next.insert(f.id.clone());
            }
        }
    }
    seen.0 = next;
    Ok(deleted)
}

/// Pets' interfaces that no live instance holds.
async fn free(inner: &Inner) -> Result<Vec<Free>> {
    let mut filters = vec![Filter::builder().name("tag-key").values(LOGICAL_ID_TAG).build()];
    filters.extend(inner.options.namespace.iter().map(|(k, v)| tag_filter(k, v)));
    let mut pages = inner.ec2.describe_network_interfaces().set_filters(Some(filters)).into_paginator().send();
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| errors::on("describe network interfaces", e))?;
        found.extend(page.network_interfaces().iter().cloned());
    }
    // Attached ones are free only when their instance is gone (some endpoints keep a terminated one attached).
    let holders: Vec<String> = found
        .iter()
        .filter(|n| n.status() != Some(&NetworkInterfaceStatus::Available))
        .filter_map(|n| n.attachment().and_then(|a| a.instance_id()).map(str::to_string))
        .collect();
    let live = live_instances(inner, holders).await?;
    let mut out = Vec::new();
    for n in &found {
        let tag = |key: &str| n.tag_set().iter().find(|t| t.key() == Some(key)).and_then(|t| t.value());
        let (Some(id), Some(lid)) = (n.network_interface_id(), tag(LOGICAL_ID_TAG)) else { continue };
        let attachment = n.attachment();
        if n.status() != Some(&NetworkInterfaceStatus::Available) {
            match attachment.and_then(|a| a.instance_id()) {
                Some(holder) if !live.contains(holder) => {}
                _ => continue,
            }
        }
        out.push(Free {
            id: id.to_string(),
            group: tag(GROUP_TAG).unwrap_or_default().to_string(),
            lid: lid.to_string(),
            attachment: attachment.and_then(|a| a.attachment_id()).map(str::to_string),
        });
    }
    Ok(out)
}

/// Which of `ids` are instances that are not terminated (one paged call; unknown IDs are simply absent).
async fn live_instances(inner: &Inner, ids: Vec<String>) -> Result<BTreeSet<String>> {
    let mut live = BTreeSet::new();
    for chunk in ids.chunks(200) {
        let filters = vec![
            Filter::builder().name("instance-id").set_values(Some(chunk.to_vec())).build(),
            Filter::builder()
                .name("instance-state-name")
                .set_values(Some(
                    ["pending", "running", "shutting-down", "stopping", "stopped"].map(String::from).to_vec(),
                ))
                .build(),
        ];
        let mut pages = inner.ec2.describe_instances().set_filters(Some(filters)).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| errors::on("describe instances", e))?;
            live.extend(
                page.reservations()
                    .iter()
                    .flat_map(|r| r.instances())
                    .filter_map(|i| i.instance_id())
                    .map(str::to_string),
            );
        }
    }
    Ok(live)
}

async fn delete(inner: &Inner, f: &Free) -> Result<()> {
    let gone = |e: &Option<&str>| e.is_some_and(|c| c.ends_with("NotFound"));
    let first = match inner.ec2.delete_network_interface().network_interface_id(&f.id).send().await {
        Ok(_) => return Ok(()),
        Err(e) if gone(&errors::code(&e)) => return Ok(()),
        Err(e) => e,
    };
    // Still attached to an instance that is gone: detached first (not possible for every device index).
    let Some(attachment) = &f.attachment else { return Err(failed(f, first)) };
    if let Err(e) = inner.ec2.detach_network_interface().attachment_id(attachment).force(true).send().await {
        if !gone(&errors::code(&e)) {
            return Err(failed(f, e));
        }
    }
    match inner.ec2.delete_network_interface().network_interface_id(&f.id).send().await {
        Ok(_) => Ok(()),
        Err(e) if gone(&errors::code(&e)) => Ok(()),
        Err(e) => Err(failed(f, e)),
    }
}

fn failed<E, R>(f: &Free, e: aws_sdk_ec2::error::SdkError<E, R>) -> Error
where
    E: aws_sdk_ec2::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match errors::on(&format!("network interface {}", f.id), e) {
        Error::NotFound(m) => Error::failed(m),
        other => other,
    }
}
