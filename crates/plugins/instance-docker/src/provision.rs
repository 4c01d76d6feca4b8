//! Provision: image, volumes and networks first, then the container (re-created when an old, dead container of
//! the pet holds its name), connected, its Init copied in, started, its Init run. Whatever fails after the
//! container exists removes it.

use crate::address::Subnet;
use crate::describe::{short, LIVE};
use crate::errors;
use crate::properties::{NetworkAttachment, Properties};
use crate::Inner;
use infrakit_docker::models::{
    ContainerCreateBody, EndpointIpamConfig, EndpointSettings, Ipam, IpamConfig, Mount, MountType,
    NetworkCreateRequest, NetworkingConfig, RestartPolicyNameEnum,
};
use infrakit_spi::instance::{Attachment, Id, LogicalId, Spec, Tags};
use infrakit_spi::{Error, Result};
use std::collections::HashMap;
use std::net::Ipv4Addr;

/// The attachment type this plugin mounts.
pub(crate) const VOLUME: &str = "volume";

/// Creates and starts a container for `spec`; returns its short ID.
pub(crate) async fn provision(inner: &Inner, spec: Spec) -> Result<Id> {
    let props = Properties::parse(spec.properties.as_ref())?;
    tracing::debug!("provision");
    let name = spec.logical_id.as_ref().map(|l| l.0.as_str()).filter(|n| !n.is_empty());
    if let Some(n) = name {
        check_name("LogicalID", n, "container")?;
    }
    let fixed = fixed_address(&props, spec.logical_id.as_ref())?;
    let image = props.config.image.clone().unwrap_or_default();
    ensure_image(inner, &image).await?;
    let mounts = volumes(inner, &spec.attachments, &props.volume_mount).await?;
    let mut networks = Vec::new();
    for (i, n) in props.networks.iter().enumerate() {
        networks.push(network(inner, i, n, if i == 0 { fixed } else { None }, spec.logical_id.as_ref()).await?);
    }
    let mut body = body(&props, &spec, &inner.options.namespace, mounts);
    let rest = first_network(&mut body, &networks, fixed);
    let id = create(inner, name, body).await?;
    tracing::debug!(container = %short(&id), "created");
    let restarts = props.host_config.as_ref().and_then(|h| h.restart_policy.as_ref()).and_then(|r| r.name);
    let restarts = restarts.is_some_and(|n| !matches!(n, RestartPolicyNameEnum::EMPTY | RestartPolicyNameEnum::NO));
    inner.deaths.started(&id, restarts);
    match finish(inner, &id, rest, &spec.init).await {
        Ok(()) => {
            tracing::info!(instance = %short(&id), name = name.unwrap_or(""), "container started");
            Ok(Id(short(&id)))
        }
        Err(e) => {
            inner.deaths.removed(&id);
            if let Err(cleanup) = inner.docker.remove_container(&id, true).await {
                tracing::warn!(container = %short(&id), error = %cleanup, "cannot remove the failed container");
            }
            Err(e)
        }
    }
}

/// Docker's rule for container and volume names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
fn check_name(field: &str, name: &str, what: &str) -> Result<()> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = name.len() >= 2 && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err(Error::invalid(field, format!("{name:?} is not a valid Docker {what} name ([a-zA-Z0-9][a-zA-Z0-9_.-]+)")))
    }
}

/// A pet's fixed address: its logical ID, when that is an IPv4 address and the first network attachment carries
/// a subnet (which must hold it). A `HostConfig.NetworkMode` naming another network is refused: the container would
/// join that one and the address would be dropped without a word.
fn fixed_address(props: &Properties, lid: Option<&LogicalId>) -> Result<Option<Ipv4Addr>> {
    let Some(ip) = lid.and_then(|l| l.0.parse::<Ipv4Addr>().ok()) else { return Ok(None) };
    let Some(first) = props.networks.first() else { return Ok(None) };
    let Some(subnet) = first.subnet() else { return Ok(None) };
    let subnet = Subnet::parse(subnet).map_err(|e| Error::invalid("Properties.NetworkAttachments[0].IPAM", e))?;
    if !subnet.contains(ip) {
        return Err(Error::invalid(
            "LogicalID",
            format!("{ip} is not in the subnet {subnet} of network {} (NetworkAttachments[0])", first.name),
        ));
    }
    let mode = props.host_config.as_ref().and_then(|h| h.network_mode.as_deref()).unwrap_or("");
    if !(mode.is_empty() || mode == "default" || mode == first.name) {
        return Err(Error::invalid(
            "Properties.HostConfig.NetworkMode",
            format!(
                "{mode:?} is not Properties.NetworkAttachments[0] ({}), which gives pet {ip} its fixed address: \
                 leave NetworkMode out or set it to {}",
                first.name, first.name
            ),
        ));
    }
    Ok(Some(ip))
}

/// Makes sure the image is there: pulled when missing, within the pull time limit.
async fn ensure_image(inner: &Inner, image: &str) -> Result<()> {
    let docker = &inner.docker;
    if docker.has_image(image).await.map_err(|e| errors::on(&format!("inspect image {image}"), e))? {
        return Ok(());
    }
    let limit = inner.options.pull_timeout;
    tracing::info!(image, "pulling a missing image");
    match tokio::time::timeout(limit, docker.pull_image(image)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) if e.is_unreachable() => Err(errors::on(&format!("pull image {image}"), e)),
        Ok(Err(e)) => Err(Error::invalid(
            "Properties.Config.Image",
            format!("image {image} is not present on the engine and cannot be pulled: {e}"),
        )),
        Err(_) => Err(Error::invalid(
            "Properties.Config.Image",
            format!("image {image} is not present on the engine and was not pulled within {limit:?}"),
        )),
    }
}

/// The mounts of the volume attachments: each a named volume (created when missing) that no live container holds.
async fn volumes(inner: &Inner, attachments: &[Attachment], root: &str) -> Result<Vec<Mount>> {
    let count = attachments.len();
    let mut mounts = Vec::new();
    for (i, a) in attachments.iter().enumerate() {
        let field = format!("Attachments[{i}]");
        if a.kind != VOLUME {
            return Err(Error::invalid(
                &field,
                format!("type {:?} is not supported by instance-docker: attachments are of Type \"volume\"", a.kind),
            ));
        }
        check_name(&format!("{field}.ID"), &a.id, "volume")?;
        let docker = &inner.docker;
        if docker.volume(&a.id).await.map_err(|e| errors::on(&format!("inspect volume {}", a.id), e))?.is_none() {
            let labels: HashMap<String, String> = inner.options.namespace.clone().into_iter().collect();
            docker.create_volume(&a.id, labels).await.map_err(|e| errors::on(&format!("create volume {}", a.id), e))?;
            tracing::info!(volume = %a.id, "volume created");
        }
        let mut filters = HashMap::new();
        filters.insert("volume".to_string(), vec![a.id.clone()]);
        filters.insert("status".to_string(), LIVE.iter().map(|s| s.to_string()).collect());
        let holders = docker
            .list_containers(&filters, false)
            .await
            .map_err(|e| errors::on(&format!("list the holders of volume {}", a.id), e))?;
        if let Some(h) = holders.first() {
            return Err(Error::invalid(
                &field,
                format!("volume {} is held by live container {}", a.id, short(h.id.as_deref().unwrap_or("?"))),
            ));
        }
        let target = if count == 1 { root.to_string() } else { format!("{root}/{}", a.id) };
        mounts.push(Mount {
            typ: Some(MountType::VOLUME),
            source: Some(a.id.clone()),
            target: Some(target),
            ..Default::default()
        });
    }
    Ok(mounts)
}

/// The network of attachment `i` (created when missing); with a fixed address, its subnet must hold it.
async fn network(
    inner: &Inner,
    i: usize,
    n: &NetworkAttachment,
    fixed: Option<Ipv4Addr>,
    lid: Option<&LogicalId>,
) -> Result<(String, String)> {
    let field = format!("Properties.NetworkAttachments[{i}]");
    let docker = &inner.docker;
    let _one_at_a_time = inner.networks.lock().await;
    let found = docker
        .networks_named(&n.name, n.driver.as_deref())
        .await
        .map_err(|e| errors::on(&format!("list networks named {}", n.name), e))?;
    let (id, subnets) = match found.as_slice() {
        [] => {
            let id = docker
                .create_network(create_request(n, &inner.options.namespace))
                .await
                .map_err(|e| errors::on(&format!("create network {}", n.name), e))?;
            tracing::info!(network = %n.name, "network created");
            (id, n.subnet().map(|s| vec![s.to_string()]).unwrap_or_default())
        }
        [one] => {
            let subnets = one.ipam.as_ref().and_then(|i| i.config.as_ref()).into_iter().flatten();
            let subnets = subnets.filter_map(|c| c.subnet.clone()).collect::<Vec<_>>();
            (one.id.clone().unwrap_or_else(|| n.name.clone()), subnets)
        }
        more => {
            return Err(Error::failed(format!("too many ({}) networks found with name {}", more.len(), n.name)));
        }
    };
    if let Some(ip) = fixed {
        let lid = lid.map(|l| l.0.as_str()).unwrap_or("");
        let v4: Vec<Subnet> = subnets.iter().filter_map(|s| Subnet::parse(s).ok()).collect();
        if v4.is_empty() {
            return Err(Error::invalid(
                format!("{field}.IPAM"),
                format!(
                    "network {} exists without a configured IPv4 subnet, so it cannot give pet {lid} a fixed address \
                     (the engine allows fixed addresses only on networks created with a subnet): remove the network, \
                     or name one created with --subnet",
                    n.name
                ),
            ));
        }
        if !v4.iter().any(|s| s.contains(ip)) {
            let list: Vec<String> = v4.iter().map(|s| s.to_string()).collect();
            return Err(Error::invalid(
                "LogicalID",
                format!("{ip} is not in the subnet ({}) of the existing network {}", list.join(", "), n.name),
            ));
        }
    }
    Ok((id, n.name.clone()))
}

fn create_request(n: &NetworkAttachment, namespace: &Tags) -> NetworkCreateRequest {
    let ipam = n.ipam.as_ref().map(|i| Ipam {
        driver: i.driver.clone(),
        options: i.options.clone(),
        config: i.config.as_ref().map(|pools| {
            pools
                .iter()
                .map(|p| IpamConfig {
                    subnet: p.subnet.clone(),
                    ip_range: p.ip_range.clone(),
                    gateway: p.gateway.clone(),
                    auxiliary_addresses: p.auxiliary_addresses.clone(),
                })
                .collect()
        }),
    });
    let mut labels = n.labels.clone().unwrap_or_default();
    labels.extend(namespace.iter().map(|(k, v)| (k.clone(), v.clone())));
    NetworkCreateRequest {
        name: n.name.clone(),
        driver: n.driver.clone().filter(|d| !d.is_empty()),
        scope: n.scope.clone().filter(|s| !s.is_empty()),
        internal: n.internal,
        attachable: Some(n.attachable.unwrap_or(true)),
        ipam,
        enable_ipv6: n.enable_ipv6,
        options: n.options.clone(),
        labels: Some(labels),
        ..Default::default()
    }
}

/// The create body: `Config` with the labels (its own, then the spec's tags, then `Properties.Tags`, then the
/// namespace tags, each winning over the ones before), `HostConfig` with the volume mounts.
fn body(props: &Properties, spec: &Spec, namespace: &Tags, mounts: Vec<Mount>) -> ContainerCreateBody {
    let mut config = props.config.clone();
    let mut labels = config.labels.take().unwrap_or_default();
    for tags in [&spec.tags, &props.tags, namespace] {
        labels.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    config.labels = Some(labels);
    let mut host = props.host_config.clone().unwrap_or_default();
    if !mounts.is_empty() {
        host.mounts.get_or_insert_with(Vec::new).extend(mounts);
    }
    config.host_config = Some(host);
    config
}

/// The first network is the container's own (`NetworkMode`, as `docker run --network` does), with the fixed
/// address when there is one, unless `HostConfig.NetworkMode` names another; returns the networks left to connect.
fn first_network<'a>(
    body: &mut ContainerCreateBody,
    networks: &'a [(String, String)],
    fixed: Option<Ipv4Addr>,
) -> &'a [(String, String)] {
    let Some((_, name)) = networks.first() else { return networks };
    let host = body.host_config.get_or_insert_with(Default::default);
    let mode = host.network_mode.as_deref().unwrap_or("");
    if !(mode.is_empty() || mode == "default" || mode == name) {
        return networks;
    }
    host.network_mode = Some(name.clone());
    let mut endpoint = EndpointSettings::default();
    if let Some(ip) = fixed {
        endpoint.ipam_config = Some(EndpointIpamConfig { ipv4_address: Some(ip.to_string()), ..Default::default() });
    }
    body.networking_config =
        Some(NetworkingConfig { endpoints_config: Some([(name.clone(), endpoint)].into_iter().collect()) });
    &networks[1..]
}

/// Creates the container; a pet whose name an old container that is not live holds gets that one removed first.
async fn create(inner: &Inner, name: Option<&str>, body: ContainerCreateBody) -> Result<String> {
    let docker = &inner.docker;
    let err = match docker.create_container(name, body.clone()).await {
        Ok(id) => return Ok(id),
        Err(e) => e,
    };
    let Some(name) = name.filter(|_| err.is_conflict()) else {
        return Err(errors::on("create container", err));
    };
    match docker.inspect_container(name).await {
        Ok(old) => {
            let state = old.state.unwrap_or_default();
            let old_id = old.id.unwrap_or_default();
            let live = [state.running, state.restarting, state.paused].contains(&Some(true));
            if live {
                return Err(Error::invalid(
                    "LogicalID",
                    format!("{name} is held by live container {}", short(&old_id)),
                ));
            }
            let status = state.status.map(|s| s.to_string()).unwrap_or_default();
            tracing::info!(container = %short(&old_id), status, name, "removing the old container that holds the pet's name");
            docker
                .remove_container(&old_id, true)
                .await
                .map_err(|e| errors::on(&format!("remove the old container {} named {name}", short(&old_id)), e))?;
        }
        Err(e) if e.is_not_found() => {} // removed meanwhile
        Err(e) => return Err(errors::on(&format!("inspect the container named {name}"), e)),
    }
    docker.create_container(Some(name), body).await.map_err(|e| errors::on("create container", e))
}

/// Connects the other networks, copies the Init in, starts, runs the Init.
async fn finish(inner: &Inner, id: &str, networks: &[(String, String)], init: &str) -> Result<()> {
    let docker = &inner.docker;
    for (net, name) in networks {
        let endpoint = EndpointSettings::default();
        docker
            .connect_network(net, id, endpoint)
            .await
            .map_err(|e| errors::on(&format!("connect to network {name}"), e))?;
    }
    let script = (!init.trim().is_empty()).then(|| format!("/var/lib/infrakit-init-{:016x}", rand::random::<u64>()));
    if let Some(path) = &script {
        docker
            .put_file(id, path, init.as_bytes(), 0o755)
            .await
            .map_err(|e| errors::on(&format!("copy the Init script into container {}", short(id)), e))?;
    }
    docker.start_container(id).await.map_err(|e| errors::on(&format!("start container {}", short(id)), e))?;
    let Some(path) = script else { return Ok(()) };
    let limit = inner.options.init_timeout;
    let ran = tokio::time::timeout(limit, docker.exec(id, vec!["/bin/sh".into(), path.clone()])).await;
    let out = match ran {
        Ok(r) => r.map_err(|e| errors::on(&format!("run the Init script in container {}", short(id)), e))?,
        Err(_) => {
            return Err(Error::failed(format!(
                "the Init script of container {} did not finish within {limit:?}",
                short(id)
            )))
        }
    };
    match out.exit_code {
        Some(0) => Ok(()),
        code => {
            let tail: Vec<&str> = out.output.lines().rev().take(10).collect::<Vec<_>>().into_iter().rev().collect();
            Err(Error::failed(format!(
                "init script failed with code {} for container {}; its last output:\n{}",
                code.map(|c| c.to_string()).unwrap_or_else(|| "?".into()),
                short(id),
                tail.join("\n")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrakit_spi::Any;

    fn props(json: &str) -> Properties {
        Properties::parse(Some(&Any::from_json(json).expect("json"))).expect("valid")
    }

    #[test]
    fn names() {
        assert!(check_name("LogicalID", "198.18.0.5", "container").is_ok());
        assert!(check_name("LogicalID", "db-1_a", "container").is_ok());
        for bad in ["", "a", "-x", "a b", "x/y"] {
            assert!(check_name("LogicalID", bad, "container").is_err(), "{bad}");
        }
    }

    #[test]
    fn fixed_addresses() {
        let p = props(
            r#"{"Config":{"Image":"x"},"NetworkAttachments":[{"Name":"n","IPAM":{"Config":[{"Subnet":"198.18.0.0/24"}]}}]}"#,
        );
        let lid = |s: &str| LogicalId(s.to_string());
        assert_eq!(fixed_address(&p, Some(&lid("198.18.0.5"))).ok().flatten(), Some(Ipv4Addr::new(198, 18, 0, 5)));
        assert_eq!(fixed_address(&p, Some(&lid("db-1"))).ok().flatten(), None);
        assert_eq!(fixed_address(&p, None).ok().flatten(), None);
        let e = fixed_address(&p, Some(&lid("198.19.0.5"))).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("not in the subnet 198.18.0.0/24"), "{e}");
        let plain = props(r#"{"Config":{"Image":"x"},"NetworkAttachments":[{"Name":"n"}]}"#);
        assert_eq!(fixed_address(&plain, Some(&lid("198.18.0.5"))).ok().flatten(), None);
        let elsewhere = props(
            r#"{"Config":{"Image":"x"},"HostConfig":{"NetworkMode":"bridge"},
                "NetworkAttachments":[{"Name":"n","IPAM":{"Config":[{"Subnet":"198.18.0.0/24"}]}}]}"#,
        );
        let e = fixed_address(&elsewhere, Some(&lid("198.18.0.5"))).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("HostConfig.NetworkMode") && e.contains("NetworkAttachments[0]"), "{e}");
        assert_eq!(fixed_address(&elsewhere, Some(&lid("db-1"))).ok().flatten(), None, "no fixed address: allowed");
        let same = props(
            r#"{"Config":{"Image":"x"},"HostConfig":{"NetworkMode":"n"},
                "NetworkAttachments":[{"Name":"n","IPAM":{"Config":[{"Subnet":"198.18.0.0/24"}]}}]}"#,
        );
        assert!(fixed_address(&same, Some(&lid("198.18.0.5"))).is_ok_and(|a| a.is_some()));
    }

    #[test]
    fn labels_and_mounts() {
        let p = props(r#"{"Tags":{"t":"props"},"Config":{"Image":"x","Labels":{"own":"1","t":"config"}}}"#);
        let spec = Spec {
            tags: [("t".to_string(), "spec".to_string()), ("g".to_string(), "1".to_string())].into(),
            ..Default::default()
        };
        let ns: Tags = [("ns".to_string(), "a".to_string())].into();
        let mount = Mount { target: Some("/data".into()), ..Default::default() };
        let b = body(&p, &spec, &ns, vec![mount]);
        let labels = b.labels.unwrap_or_default();
        assert_eq!(labels.get("t").map(String::as_str), Some("props"));
        assert_eq!(labels.get("own").map(String::as_str), Some("1"));
        assert_eq!(labels.get("ns").map(String::as_str), Some("a"));
        assert_eq!(labels.get("g").map(String::as_str), Some("1"));
        assert_eq!(b.host_config.and_then(|h| h.mounts).map(|m| m.len()), Some(1));
    }
}
