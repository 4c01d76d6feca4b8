//! EBS volumes: attachments of Type `ebs` are volumes found by the tag `docker-infrakit-volume` (= the attachment's
//! ID), each attached at a device of its own once the instance runs; an attach is retried while the volume is still
//! attached to the instance being replaced.

use crate::properties::AttachVolumeInput;
use crate::{errors, Inner, VOLUME_TAG};
use aws_sdk_ec2::types::{Filter, VolumeState};
use infrakit_spi::instance::Attachment;
use infrakit_spi::{Error, Result};
use std::time::Instant;

/// The attachment type of EBS volumes.
pub const EBS: &str = "ebs";

/// A volume to attach: its ID and device.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// `vol-...`.
    pub volume: String,
    /// `/dev/sdf`...
    pub device: String,
    /// What it was asked for as (`Attachments[0] (data-1)`, `AttachVolumeInputs[1]`).
    pub what: String,
}

/// The volumes of `attachments` (found by tag) and `inputs`, each at its own device: `AttachVolumeInputs` at
/// theirs, the others from `/dev/sdf` on, skipping devices taken.
pub async fn plan(inner: &Inner, attachments: &[Attachment], inputs: &[AttachVolumeInput]) -> Result<Vec<Planned>> {
    let mut planned: Vec<Planned> = inputs
        .iter()
        .enumerate()
        .map(|(i, a)| Planned {
            volume: a.volume_id.clone(),
            device: a.device.clone(),
            what: format!("AttachVolumeInputs[{i}]"),
        })
        .collect();
    let mut ids = Vec::new();
    for (i, a) in attachments.iter().enumerate() {
        if a.kind != EBS {
            return Err(Error::invalid(
                format!("Attachments[{i}].Type"),
                format!("{:?}: instance-aws attaches EBS volumes only (Type \"ebs\")", a.kind),
            ));
        }
        ids.push(a.id.clone());
    }
    if ids.is_empty() {
        return Ok(planned);
    }
    let mut filters = vec![Filter::builder().name(format!("tag:{VOLUME_TAG}")).set_values(Some(ids.clone())).build()];
    filters.extend(
        inner.options.namespace.iter().map(|(k, v)| Filter::builder().name(format!("tag:{k}")).values(v).build()),
    );
    let mut pages = inner.ec2.describe_volumes().set_filters(Some(filters)).into_paginator().send();
    let mut found: Vec<(String, String)> = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| errors::on("describe volumes", e))?;
        for v in page.volumes() {
            let tag = v.tags().iter().find(|t| t.key() == Some(VOLUME_TAG)).and_then(|t| t.value());
            if let (Some(tag), Some(id)) = (tag, v.volume_id()) {
                found.push((tag.to_string(), id.to_string()));
            }
        }
    }
    let mut devices = (b'f'..=b'p').map(|c| format!("/dev/sd{}", c as char));
    for (i, id) in ids.iter().enumerate() {
        let hits: Vec<&String> = found.iter().filter(|(t, _)| t == id).map(|(_, v)| v).collect();
        let volume = match hits.as_slice() {
            [one] => (*one).clone(),
            [] => {
                return Err(Error::failed(format!(
                    "Attachments[{i}]: no EBS volume is tagged {VOLUME_TAG}={id}{}: create it in the instance's \
                     availability zone with that tag",
                    namespace_note(inner)
                )))
            }
            several => {
                return Err(Error::failed(format!(
                    "Attachments[{i}]: volumes {} are all tagged {VOLUME_TAG}={id}: keep the tag on one",
                    several.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                )))
            }
        };
        let device = devices
            .find(|d| !planned.iter().any(|p| &p.device == d))
            .ok_or_else(|| Error::invalid("Attachments", "more EBS volumes than devices /dev/sdf to /dev/sdp"))?;
        planned.push(Planned { volume, device, what: format!("Attachments[{i}] ({id})") });
    }
    Ok(planned)
}

fn namespace_note(inner: &Inner) -> String {
    if inner.options.namespace.is_empty() {
        return String::new();
    }
    let tags: Vec<String> = inner.options.namespace.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(" and {}", tags.join(","))
}

/// Waits until `instance` runs, then attaches every volume of `planned`, each retried (until the plugin's wait is
/// over) while it is still attached elsewhere or the instance is not ready.
pub async fn attach_all(inner: &Inner, instance: &str, planned: &[Planned]) -> Result<()> {
    let deadline = Instant::now() + inner.options.wait;
    wait_running(inner, instance, deadline).await?;
    for p in planned {
        attach(inner, instance, p, deadline).await?;
    }
    Ok(())
}

async fn wait_running(inner: &Inner, instance: &str, deadline: Instant) -> Result<()> {
    loop {
        // Right after the launch EC2 may not know the ID yet (its eventual consistency): that is waited out too.
        let state = instance_state(inner, instance).await?;
        match state.as_deref() {
            Some("running") => return Ok(()),
            Some("shutting-down" | "terminated" | "stopping" | "stopped") => {
                return Err(Error::failed(format!("instance {instance} stopped before it ran ({state:?})")))
            }
            _ if Instant::now() >= deadline => {
                return Err(Error::failed(format!(
                    "instance {instance} did not reach running within {:?} (last seen {state:?})",
                    inner.options.wait
                )))
            }
            _ => tokio::time::sleep(inner.options.poll).await,
        }
    }
}

/// The state of `instance` (`pending`, `running`...), `None` when EC2 does not know it.
pub async fn instance_state(inner: &Inner, instance: &str) -> Result<Option<String>> {
    match inner.ec2.describe_instances().instance_ids(instance).send().await {
        Ok(out) => Ok(out
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .find_map(|i| i.state().and_then(|s| s.name()).map(|n| n.as_str().to_string()))),
        Err(e) if errors::code(&e) == Some("InvalidInstanceID.NotFound") => Ok(None),
        Err(e) => Err(errors::on(&format!("instance {instance}"), e)),
    }
}

async fn attach(inner: &Inner, instance: &str, p: &Planned, deadline: Instant) -> Result<()> {
    loop {
        let sent = inner.ec2.attach_volume().instance_id(instance).volume_id(&p.volume).device(&p.device).send().await;
        let err = match sent {
            Ok(_) => {
                tracing::info!(instance, volume = p.volume, device = p.device, "instance-aws: volume attached");
                return Ok(());
            }
            Err(e) => e,
        };
        let code = errors::code(&err).unwrap_or_default().to_string();
        let retry = matches!(code.as_str(), "VolumeInUse" | "IncorrectState" | "IncorrectInstanceState");
        if code == "VolumeInUse" && attached_to(inner, &p.volume).await?.as_deref() == Some(instance) {
            return Ok(()); // An earlier attempt landed; its answer was lost.
        }
        if !retry || Instant::now() >= deadline {
            let holder = attached_to(inner, &p.volume).await.ok().flatten();
            let note = holder.map(|h| format!(" (still attached to {h})")).unwrap_or_default();
            return Err(Error::failed(format!(
                "{}: attaching volume {} to {instance} at {}{note}: {}",
                p.what,
                p.volume,
                p.device,
                errors::on("attach", err)
            )));
        }
        tracing::debug!(instance, volume = p.volume, code, "instance-aws: volume not free yet; retrying");
        tokio::time::sleep(inner.options.poll).await;
    }
}

/// The instance `volume` is attached to, if any.
async fn attached_to(inner: &Inner, volume: &str) -> Result<Option<String>> {
    let out = inner
        .ec2
        .describe_volumes()
        .volume_ids(volume)
        .send()
        .await
        .map_err(|e| errors::on(&format!("volume {volume}"), e))?;
    let v = out.volumes().first();
    if v.and_then(|v| v.state()) == Some(&VolumeState::Available) {
        return Ok(None);
    }
    Ok(v.and_then(|v| v.attachments().first()).and_then(|a| a.instance_id()).map(str::to_string))
}
