//! `instance-aws`: each instance is an EC2 instance, launched through `aws-sdk-ec2`. `Properties` are
//! infrakit.aws's (`Tags`, `RunInstancesInput` with the EC2 API's field names, `AttachVolumeInputs`), so a spec
//! written for Go's plugin runs unchanged; it answers as `instance-aws` and as `instance-aws/ec2-instance` (the
//! name InfraKit v0.5 configs use). What Go lacked:
//!
//! - tags applied at launch (`TagSpecifications`): no instance ever exists untagged;
//! - pets hold their private IP (the logical ID) on a network interface of their own, created with that IP, tagged
//!   with the group and logical ID, attached with `DeleteOnTermination` false and reused by every replacement;
//!   deleted once the group no longer has that logical ID (a sweep that asks the group plugin);
//! - attachments of Type `ebs` (volumes tagged `docker-infrakit-volume`) each at its own device, the attach
//!   retried while the volume is still attached to the instance being replaced; a launch whose volumes cannot be
//!   attached is terminated;
//! - the listing read page by page, and declared eventually consistent (`ListingLag`), so the group controller
//!   waits for a new instance to show instead of launching it twice;
//! - unknown `Properties` fields named; EC2's own message on a failed launch; missing credentials say what to set.

mod builtin;
mod client;
mod describe;
mod eni;
mod errors;
mod janitor;
mod launch;
mod properties;
mod volumes;

pub use builtin::{AwsFlags, BUILTIN, SUB_TYPE};
pub use client::{connect, ClientOptions};
pub use errors::CREDENTIALS_HINT;
pub use properties::Properties;
pub use volumes::EBS;

use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;
use infrakit_spi::instance::{Description, Id, Instance, Spec, Tags};
use infrakit_spi::lookup::PluginLookup;
use infrakit_spi::plugin::Name;
use infrakit_spi::{Any, Error, Result};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{oneshot, Notify};

/// The tag naming the volume an `ebs` attachment means (infrakit.aws's `VolumeTag`).
pub const VOLUME_TAG: &str = "docker-infrakit-volume";

/// The tag carrying a pet's logical ID on its instance and on the network interface that holds its IP.
pub const LOGICAL_ID_TAG: &str = "infrakit-aws.logical-id";

/// How the plugin behaves, beside the client it talks through.
#[derive(Clone)]
pub struct Options {
    /// Tags set on every instance and interface created and required of every one listed.
    pub namespace: Tags,
    /// What the plugin declares as its listing's lag (EC2's listing is eventually consistent).
    pub listing_lag: Duration,
    /// How long a provision waits for the instance to run, a volume or interface to be freed.
    pub wait: Duration,
    /// The pause between two looks at a state that is being waited for.
    pub poll: Duration,
    /// The group plugin asked which logical IDs a group still has, with the lookup that finds it; without one,
    /// pets' network interfaces are never deleted.
    pub groups: Option<(Arc<dyn PluginLookup>, Name)>,
    /// How often unused network interfaces are looked for (and at once after each destroy).
    pub sweep: Duration,
    /// Instances per page of `DescribeInstances` (5 to 1000).
    pub page_size: i32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            namespace: Tags::new(),
            listing_lag: Duration::from_secs(30),
            wait: Duration::from_secs(300),
            poll: Duration::from_secs(1),
            groups: None,
            sweep: Duration::from_secs(30),
            page_size: 500,
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("namespace", &self.namespace)
            .field("listing_lag", &self.listing_lag)
            .field("groups", &self.groups.as_ref().map(|(_, n)| n.to_string()))
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    ec2: aws_sdk_ec2::Client,
    options: Options,
    /// Wakes the sweep of unused network interfaces.
    sweep: Notify,
}

/// The EC2 instance plugin.
#[derive(Clone)]
pub struct AwsInstance {
    inner: Arc<Inner>,
    /// Dropped with the last clone: the sweep stops.
    _stop: Arc<oneshot::Sender<()>>,
}

impl AwsInstance {
    /// A plugin on `ec2`; starts the sweep of pets' unused network interfaces when `options.groups` is set. Must be
    /// called within a tokio runtime.
    pub fn new(ec2: aws_sdk_ec2::Client, options: Options) -> AwsInstance {
        let (stop, stopped) = oneshot::channel();
        let inner = Arc::new(Inner { ec2, options, sweep: Notify::new() });
        if inner.options.groups.is_some() {
            tokio::spawn(janitor::run(Arc::downgrade(&inner), stopped));
        }
        AwsInstance { inner, _stop: Arc::new(stop) }
    }

    /// The EC2 client.
    pub fn ec2(&self) -> &aws_sdk_ec2::Client {
        &self.inner.ec2
    }

    /// Deletes, at once, the network interfaces of pets that no instance uses and whose group no longer has their
    /// logical ID (what the background sweep does); returns the IDs deleted.
    pub async fn sweep(&self) -> Result<Vec<String>> {
        janitor::sweep(&self.inner, &mut janitor::Seen::default(), true).await
    }
}

#[async_trait]
impl Instance for AwsInstance {
    async fn validate(&self, properties: Option<&Any>) -> Result<()> {
        Properties::parse(properties).map(|_| ())
    }

    async fn provision(&self, spec: Spec) -> Result<Id> {
        launch::provision(&self.inner, spec).await
    }

    /// Merges `labels` into the instance's tags (`aws:` keys are EC2's and left alone).
    async fn label(&self, id: &Id, labels: &Tags) -> Result<()> {
        let tags: Tags =
            labels.iter().filter(|(k, _)| !k.starts_with("aws:")).map(|(k, v)| (k.clone(), v.clone())).collect();
        if tags.is_empty() {
            return Ok(());
        }
        // CreateTags on an unknown ID may succeed on some endpoints: the instance is looked up first.
        let known = self
            .inner
            .ec2
            .describe_instances()
            .instance_ids(&id.0)
            .send()
            .await
            .map_err(|e| errors::on(&format!("instance {id}"), e))?;
        if known.reservations().iter().all(|r| r.instances().is_empty()) {
            return Err(Error::NotFound(format!("instance {id}: no such instance")));
        }
        self.inner
            .ec2
            .create_tags()
            .resources(&id.0)
            .set_tags(Some(launch::ec2_tags(&tags)))
            .send()
            .await
            .map_err(|e| errors::on(&format!("instance {id}"), e))?;
        Ok(())
    }

    async fn destroy(&self, id: &Id) -> Result<()> {
        self.inner
            .ec2
            .terminate_instances()
            .instance_ids(&id.0)
            .send()
            .await
            .map_err(|e| errors::on(&format!("instance {id}"), e))?;
        tracing::info!(instance = %id, "instance-aws: terminated");
        self.inner.sweep.notify_one();
        Ok(())
    }

    async fn describe_instances(&self, tags: &Tags, properties: bool) -> Result<Vec<Description>> {
        describe::describe(&self.inner, tags, properties).await
    }

    /// EC2's listing is eventually consistent: a launched instance may be missing from `DescribeInstances` for a
    /// while. The controller waits this long before it presumes an unlisted launch lost.
    async fn listing_lag(&self) -> Option<Duration> {
        Some(self.inner.options.listing_lag)
    }
}

/// A filter on tag `key` = `value`.
pub(crate) fn tag_filter(key: &str, value: &str) -> Filter {
    Filter::builder().name(format!("tag:{key}")).values(value).build()
}
