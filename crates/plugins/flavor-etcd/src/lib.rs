//! `flavor-etcd`: an etcd ensemble as a pets group. The group's logical IDs are the members' IP addresses (an odd
//! number); each member is named by its address and keeps its data on its first attachment (a volume that outlives
//! the instance).
//!
//! - `Validate` checks the properties and that the allocation is an ensemble (errors name the field);
//! - `Prepare` gives the member its Init: a shell script that decides at boot, by looking at its data dir and asking
//!   the ensemble with `etcdctl`, whether it restarts on its data (same member, no membership change), rejoins
//!   after its data was lost (old member removed, new one added, `existing` state, empty data dir) or bootstraps
//!   (see [`script`] for why the check runs there and not in `Prepare`). `Prepare` decides one thing itself: whether
//!   a member without data may bootstrap a new ensemble when no other member answers. Only when this flavor has never
//!   seen a member of the allocation serve and none serves now; otherwise the script exits non-zero and the
//!   provision is retried, rather than splitting an ensemble that is merely unreachable;
//! - `Healthy`: the member answers a linearizable read (as `etcdctl endpoint health`) and the ensemble lists it as
//!   started, under its name;
//! - `Quorum`: healthy when every instance's member serves, follows the same leader, and the ensemble lists exactly
//!   them, all started; the leader is the instance whose member leads;
//! - `Drain`: removes the member from the ensemble when the group shrinks. The Drain request carries only the
//!   properties and the instance, not why it is destroyed; the flavor therefore remembers the allocations it
//!   validated and prepared, and removes the member only when the newest allocation of its ensemble no longer lists
//!   its address. A member replaced under the same address is not removed: its successor restarts on its data or
//!   renews its membership at boot. Known limit: Validate cannot tell a `commit --pretend` (or a commit refused
//!   later) from a commit, so a replacement right after a pretend of a smaller ensemble removes the member; its
//!   successor then finds itself unlisted at boot and rejoins with fresh data.

mod builtin;
mod cluster;
mod error;
pub mod properties;
pub mod script;

pub use builtin::BUILTIN;
pub use error::EtcdFlavorError;

use async_trait::async_trait;
use cluster::{Clients, MemberView};
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Prepare, Quorum};
use infrakit_spi::hash::LOGICAL_ID_TAG;
use infrakit_spi::instance::{Description, Id, Spec};
use infrakit_spi::{Any, Result};
use properties::{address, ensemble, EtcdProperties};
use std::collections::{HashSet, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// How many prepared allocations are remembered (for `Drain`).
const REMEMBERED: usize = 16;
/// How often `Drain` asks the ensemble to remove a member before it gives up, and how long it waits in between.
const REMOVE_ATTEMPTS: u32 = 30;
const REMOVE_RETRY: std::time::Duration = std::time::Duration::from_secs(2);
/// How long `Prepare` asks whether a member of the ensemble serves.
const PROBE_LIMIT: std::time::Duration = std::time::Duration::from_secs(3);

/// The etcd ensemble flavor.
#[derive(Default)]
pub struct EtcdFlavor {
    clients: Arc<Clients>,
    /// Allocations seen by `Prepare`, newest first.
    allocations: Mutex<VecDeque<Vec<IpAddr>>>,
    /// Addresses this flavor has seen serve as members of an ensemble (with a quorum).
    served: Mutex<HashSet<IpAddr>>,
}

impl EtcdFlavor {
    fn remember(&self, members: &[IpAddr]) {
        if let Ok(mut seen) = self.allocations.lock() {
            seen.retain(|a| a.as_slice() != members);
            seen.push_front(members.to_vec());
            seen.truncate(REMEMBERED);
        }
    }

    fn remembered(&self) -> Vec<Vec<IpAddr>> {
        self.allocations.lock().map(|s| s.iter().cloned().collect()).unwrap_or_default()
    }

    fn saw_serve(&self, addresses: impl IntoIterator<Item = IpAddr>) {
        if let Ok(mut s) = self.served.lock() {
            s.extend(addresses);
        }
    }

    fn ever_served(&self, members: &[IpAddr]) -> bool {
        self.served.lock().map(|s| members.iter().any(|m| s.contains(m))).unwrap_or(true)
    }

    /// Whether the member at `me` may bootstrap a new ensemble of `members` if, at its boot, it has no data and no
    /// other member answers: only when it is alone in it, or when this flavor has never seen a member of it serve
    /// and none serves now.
    async fn may_bootstrap(&self, props: &EtcdProperties, members: &[IpAddr], me: IpAddr) -> bool {
        if members.iter().all(|m| *m == me) {
            return true; // A lone member: there is no ensemble to split.
        }
        if self.ever_served(members) {
            return false;
        }
        let mut checks = tokio::task::JoinSet::new();
        for m in members {
            let (clients, m, endpoint) = (self.clients.clone(), *m, props.client_url(*m));
            checks.spawn(async move { (m, clients.member(&endpoint).await.is_ok_and(|v| v.serves)) });
        }
        // The first member that serves settles it: a lost member's address may take the whole limit to time out.
        let serving = tokio::time::timeout(PROBE_LIMIT, async {
            while let Some(joined) = checks.join_next().await {
                if let Ok((m, true)) = joined {
                    return Some(m);
                }
            }
            None
        })
        .await
        .ok()
        .flatten();
        match serving {
            Some(m) => {
                self.saw_serve([m]);
                false
            }
            None => true,
        }
    }
}

/// The address the instance's logical ID stands for.
fn member_address(instance: &Description) -> Option<IpAddr> {
    let lid = instance
        .logical_id
        .clone()
        .or_else(|| instance.tags.get(LOGICAL_ID_TAG).map(|l| infrakit_spi::instance::LogicalId(l.clone())))?;
    address(&lid)
}

#[async_trait]
impl Flavor for EtcdFlavor {
    async fn validate(&self, properties: Option<&Any>, allocation: &AllocationMethod) -> Result<()> {
        EtcdProperties::parse(properties)?;
        // Remembered for `Drain`: a shrink is committed (validated) and never prepared. A `commit --pretend` of a
        // smaller ensemble is remembered too (Validate cannot tell): see the module's doc.
        let members = ensemble(allocation)?;
        self.remember(&members);
        Ok(())
    }

    async fn prepare(&self, request: Prepare<'_>) -> Result<Spec> {
        let props = EtcdProperties::parse(request.properties)?;
        let members = ensemble(request.allocation)?;
        let mut spec = request.spec;
        let lid = spec
            .logical_id
            .clone()
            .ok_or_else(|| EtcdFlavorError::invalid("LogicalID", "an etcd member needs a logical ID (its address)"))?;
        let me = address(&lid)
            .filter(|a| members.contains(a))
            .ok_or_else(|| EtcdFlavorError::invalid("LogicalID", format!("{lid} is not in Allocation.LogicalIDs")))?;
        if props.data_dir.is_none() && spec.attachments.is_empty() {
            return Err(EtcdFlavorError::invalid(
                "Allocation.Attachments",
                format!("member {lid} has no attachment for its data: give it a volume, or set Properties.DataDir"),
            )
            .into());
        }
        self.remember(&members);
        let bootstrap = self.may_bootstrap(&props, &members, me).await;
        let script = script::render(&props, &members, me, bootstrap);
        spec.init = if spec.init.trim().is_empty() { script } else { format!("{}\n{script}", spec.init) };
        Ok(spec)
    }

    async fn healthy(&self, properties: Option<&Any>, instance: &Description) -> Result<Health> {
        let props = EtcdProperties::parse(properties)?;
        let Some(me) = member_address(instance) else { return Ok(Health::Unhealthy) };
        let endpoint = props.client_url(me);
        let view = match self.clients.member(&endpoint).await {
            Ok(v) => v,
            Err(e) => {
                tracing::debug!(instance = %instance.id, error = %e, "etcd member does not answer");
                return Ok(Health::Unhealthy);
            }
        };
        if !view.serves || view.leader == 0 {
            return Ok(Health::Unknown);
        }
        self.saw_serve([me]);
        let listed = match self.clients.members(&[endpoint]).await {
            Ok(l) => l,
            Err(_) => return Ok(Health::Unknown),
        };
        let started = listed.iter().any(|m| m.id == view.id && m.name == me.to_string());
        Ok(if started { Health::Healthy } else { Health::Unknown })
    }

    async fn drain(&self, properties: Option<&Any>, instance: &Description) -> Result<()> {
        let props = EtcdProperties::parse(properties)?;
        let Some(me) = member_address(instance) else { return Ok(()) };
        let (name, peer_url) = (me.to_string(), props.peer_url(me));
        for members in self.remembered() {
            if members.contains(&me) {
                // The newest allocation of this ensemble still has the address: a replacement, not a shrink.
                tracing::debug!(instance = %instance.id, member = %name, "drain: the member stays in the ensemble");
                return Ok(());
            }
            let endpoints: Vec<String> = members.iter().map(|m| props.client_url(*m)).collect();
            let Ok(listed) = self.clients.members(&endpoints).await else { continue };
            if !listed.iter().any(|m| m.name == name || m.peer_urls.contains(&peer_url)) {
                continue; // Another ensemble's allocation.
            }
            // etcd refuses a removal that would leave too few members that have been active for a while
            // ("unhealthy cluster"), e.g. right after a member (re)started: retried, the instance still runs.
            let mut attempt = 0;
            let removed = loop {
                attempt += 1;
                match self.clients.remove(&endpoints, &name, &peer_url).await {
                    Ok(removed) => break removed,
                    Err(e) if attempt < REMOVE_ATTEMPTS => {
                        tracing::info!(instance = %instance.id, member = %name, error = %e, "drain: removal refused; retrying");
                        tokio::time::sleep(REMOVE_RETRY).await;
                    }
                    Err(e) => return Err(e.into()),
                }
            };
            tracing::info!(instance = %instance.id, member = %name, removed, "drain: the group shrinks, member removed");
            return Ok(());
        }
        tracing::info!(instance = %instance.id, member = %name,
            "drain: no prepared allocation names this ensemble; the member is left in it");
        Ok(())
    }

    async fn quorum(&self, properties: Option<&Any>, instances: &[Description]) -> Result<Option<Quorum>> {
        let props = EtcdProperties::parse(properties)?;
        let members: Vec<(Id, IpAddr)> =
            instances.iter().filter_map(|d| member_address(d).map(|a| (d.id.clone(), a))).collect();
        let mut checks = tokio::task::JoinSet::new();
        for (id, addr) in &members {
            let (clients, id, endpoint) = (self.clients.clone(), id.clone(), props.client_url(*addr));
            checks.spawn(async move { (id, clients.member(&endpoint).await.ok()) });
        }
        let mut views: Vec<(Id, Option<MemberView>)> = Vec::new();
        while let Some(joined) = checks.join_next().await {
            if let Ok(v) = joined {
                views.push(v);
            }
        }
        self.saw_serve(
            views
                .iter()
                .filter(|(_, v)| v.as_ref().is_some_and(|v| v.serves))
                .filter_map(|(i, _)| members.iter().find(|(id, _)| id == i).map(|(_, a)| *a)),
        );
        let leader = views.iter().find_map(|(_, v)| v.as_ref().map(|v| v.leader)).unwrap_or(0);
        let leader_instance = views
            .iter()
            .find(|(_, v)| v.as_ref().is_some_and(|v| leader != 0 && v.id == leader))
            .map(|(i, _)| i.clone());
        let all_serve = views.len() == members.len()
            && !members.is_empty()
            && views.iter().all(|(_, v)| v.as_ref().is_some_and(|v| v.serves && v.leader == leader && leader != 0));
        let endpoints: Vec<String> = members.iter().map(|(_, a)| props.client_url(*a)).collect();
        let listed = if all_serve { self.clients.members(&endpoints).await.ok() } else { None };
        let exact = listed.is_some_and(|l| {
            l.len() == members.len() && members.iter().all(|(_, a)| l.iter().any(|m| m.name == a.to_string()))
        });
        Ok(Some(Quorum { healthy: all_serve && exact, leader: leader_instance }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrakit_spi::instance::LogicalId;

    fn alloc(addrs: &[&str]) -> AllocationMethod {
        AllocationMethod { size: 0, logical_ids: addrs.iter().map(|a| LogicalId(a.to_string())).collect() }
    }

    fn props() -> Any {
        Any::from_json(r#"{"DataDir":"/tmp/etcd-data"}"#).unwrap()
    }

    async fn prepare(f: &EtcdFlavor, addrs: &[&str], me: &str) -> Spec {
        let allocation = alloc(addrs);
        let spec = Spec { logical_id: Some(LogicalId(me.into())), ..Spec::default() };
        let index = infrakit_spi::flavor::Index { group: "g".into(), sequence: 0 };
        let p = props();
        f.prepare(Prepare { properties: Some(&p), spec, allocation: &allocation, index: &index }).await.unwrap()
    }

    #[tokio::test]
    async fn a_committed_shrink_is_the_ensemble_drain_follows() {
        let f = EtcdFlavor::default();
        let big = ["127.0.9.1", "127.0.9.2", "127.0.9.3"];
        prepare(&f, &big, "127.0.9.1").await;
        // A shrink is validated when committed and never prepared: Drain must follow it.
        f.validate(Some(&props()), &alloc(&["127.0.9.1"])).await.unwrap();
        let newest = f.remembered().into_iter().next().unwrap();
        assert!(!newest.contains(&"127.0.9.3".parse().unwrap()), "{newest:?}");
    }

    #[tokio::test]
    async fn a_member_bootstraps_only_an_ensemble_never_seen() {
        let f = EtcdFlavor::default();
        let three = ["127.0.9.11", "127.0.9.12", "127.0.9.13"];
        // Nothing answers and nothing was ever seen: the first boot of the ensemble.
        assert!(prepare(&f, &three, "127.0.9.11").await.init.contains("BOOTSTRAP=1\n"));
        // Once a member was seen serving, a member without data never bootstraps on its own.
        f.saw_serve(["127.0.9.12".parse().unwrap()]);
        assert!(prepare(&f, &three, "127.0.9.11").await.init.contains("BOOTSTRAP=0\n"));
        // A lone member has no ensemble to split.
        assert!(prepare(&f, &["127.0.9.12"], "127.0.9.12").await.init.contains("BOOTSTRAP=1\n"));
    }
}
