//! A plugin that implements every SPI trait and records which trait method each call reached.

#![allow(dead_code)] // each test crate uses part of it

use async_trait::async_trait;
use infrakit_spi::flavor::{AllocationMethod, Flavor, Health, Prepare, Quorum};
use infrakit_spi::group::{self, Commit, Group, GroupControl};
use infrakit_spi::instance::{Changes, Description, Id, Instance, Spec, Tags};
use infrakit_spi::manager::{Manager, ManagerStatus, SpecVersion};
use infrakit_spi::metadata::{Metadata, Path};
use infrakit_spi::{Any, Result};
use std::sync::Mutex;

/// Records the trait methods called, in order; `changes` gives each subscriber `changes` changes; a flavor that
/// keeps a quorum when `quorum` is set.
#[derive(Default)]
pub struct Recorder {
    calls: Mutex<Vec<&'static str>>,
    changes: usize,
    quorum: bool,
}

impl Recorder {
    /// A recorder whose instance changes stream gives `n` changes, then ends.
    pub fn with_changes(n: usize) -> Recorder {
        Recorder { changes: n, ..Recorder::default() }
    }

    /// A recorder whose flavor keeps a quorum led by the last instance it is told about, healthy when it is given
    /// properties.
    pub fn ensemble() -> Recorder {
        Recorder { quorum: true, ..Recorder::default() }
    }

    fn record(&self, call: &'static str) {
        self.calls.lock().unwrap().push(call);
    }

    /// The calls so far, emptied.
    pub fn take(&self) -> Vec<&'static str> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

#[async_trait]
impl Instance for Recorder {
    async fn validate(&self, _: Option<&Any>) -> Result<()> {
        self.record("instance.validate");
        Ok(())
    }
    async fn provision(&self, _: Spec) -> Result<Id> {
        self.record("instance.provision");
        Ok(Id("i-1".into()))
    }
    async fn label(&self, _: &Id, _: &Tags) -> Result<()> {
        self.record("instance.label");
        Ok(())
    }
    async fn destroy(&self, id: &Id) -> Result<()> {
        self.record("instance.destroy");
        // An instance the provider cannot reach, in words that read like a missing one.
        if id.0 == "unreachable" {
            return Err(infrakit_spi::Error::Failed("dial /var/run/x.sock: no such file or directory".into()));
        }
        Ok(())
    }
    async fn describe_instances(&self, _: &Tags, _: bool) -> Result<Vec<Description>> {
        self.record("instance.describe_instances");
        Ok(Vec::new())
    }
    fn changes(&self) -> Option<Changes> {
        Some(Box::pin(tokio_stream::iter(vec![(); self.changes])))
    }
    async fn listing_lag(&self) -> Option<std::time::Duration> {
        self.record("instance.listing_lag");
        None
    }
    async fn validate_spec(&self, _spec: &Spec) -> Result<()> {
        self.record("instance.validate_spec");
        Ok(())
    }
}

#[async_trait]
impl Flavor for Recorder {
    async fn validate(&self, _: Option<&Any>, _: &AllocationMethod) -> Result<()> {
        self.record("flavor.validate");
        Ok(())
    }
    async fn prepare(&self, request: Prepare<'_>) -> Result<Spec> {
        self.record("flavor.prepare");
        Ok(request.spec)
    }
    async fn healthy(&self, _: Option<&Any>, _: &Description) -> Result<Health> {
        self.record("flavor.healthy");
        Ok(Health::Healthy)
    }
    async fn drain(&self, _: Option<&Any>, _: &Description) -> Result<()> {
        self.record("flavor.drain");
        Ok(())
    }
    async fn quorum(&self, properties: Option<&Any>, instances: &[Description]) -> Result<Option<Quorum>> {
        self.record("flavor.quorum");
        let leader = instances.last().map(|d| d.id.clone());
        Ok(self.quorum.then(|| Quorum { healthy: properties.is_some(), leader }))
    }
}

#[async_trait]
impl Group for Recorder {
    async fn commit_group(&self, _: group::Spec, _: bool) -> Result<Commit> {
        self.record("group.commit_group");
        Ok(Commit { details: "Managing 0 instances".into(), plan: None })
    }
    async fn free_group(&self, _: &group::Id) -> Result<()> {
        self.record("group.free_group");
        Ok(())
    }
    async fn describe_group(&self, _: &group::Id) -> Result<group::Description> {
        self.record("group.describe_group");
        Ok(group::Description::default())
    }
    async fn destroy_group(&self, _: &group::Id) -> Result<()> {
        self.record("group.destroy_group");
        Ok(())
    }
    async fn inspect_groups(&self) -> Result<Vec<group::Spec>> {
        self.record("group.inspect_groups");
        Ok(Vec::new())
    }
}

#[async_trait]
impl GroupControl for Recorder {
    async fn pause(&self, _: &group::Id) -> Result<()> {
        self.record("control.pause");
        Ok(())
    }
    async fn resume(&self, _: &group::Id) -> Result<()> {
        self.record("control.resume");
        Ok(())
    }
    async fn rollback(&self, _: &group::Id) -> Result<()> {
        self.record("control.rollback");
        Ok(())
    }
    async fn status(&self, id: &group::Id) -> Result<infrakit_spi::status::GroupStatus> {
        self.record("control.status");
        Ok(infrakit_spi::status::GroupStatus { id: id.clone(), ..Default::default() })
    }
}

#[async_trait]
impl Manager for Recorder {
    async fn is_leader(&self) -> Result<bool> {
        self.record("manager.is_leader");
        Ok(true)
    }
    async fn status(&self) -> Result<ManagerStatus> {
        self.record("manager.status");
        Ok(ManagerStatus { name: "m".into(), leader: true, leader_name: None, unknown: None, taking_over: None })
    }
    async fn history(&self, _: &group::Id) -> Result<Vec<SpecVersion>> {
        self.record("manager.history");
        Ok(Vec::new())
    }
    async fn rollback_to(&self, _: &group::Id, _: Option<u64>) -> Result<String> {
        self.record("manager.rollback_to");
        Ok("rolled back".into())
    }
}

#[async_trait]
impl Metadata for Recorder {
    async fn list(&self, _: &Path) -> Result<Option<Vec<String>>> {
        self.record("metadata.list");
        Ok(Some(Vec::new()))
    }
    async fn get(&self, _: &Path) -> Result<Option<Any>> {
        self.record("metadata.get");
        Ok(None)
    }
}
