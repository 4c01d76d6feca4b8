//! `instance-aws` as a built-in plugin: its flags and how it starts.

use crate::client::{connect, ClientOptions};
use crate::{AwsInstance, Options};
use infrakit_spi::builtin::{BoxFuture, Builtin, Served, StartArgs};
use infrakit_spi::instance::{Instance, Tags};
use infrakit_spi::plugin::Name;
use infrakit_spi::{Error, Result};
use std::sync::Arc;
use std::time::Duration;

/// The sub-type InfraKit v0.5 configs name (`instance-aws/ec2-instance`).
pub const SUB_TYPE: &str = "ec2-instance";

/// The entry a host lists and starts.
pub const BUILTIN: Builtin = Builtin::new(
    "instance-aws",
    "instances are EC2 instances; logical IDs are private IPs (held on their own interfaces), attachments EBS volumes",
    start,
)
.with_flags(<AwsFlags as clap::Args>::augment_args);

/// instance-aws's flags (credentials come from the SDK's standard chain: environment, profile, roles).
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "instance-aws")]
pub struct AwsFlags {
    /// The AWS region of instance-aws (else AWS_REGION or the profile's).
    #[arg(long = "aws-region")]
    pub aws_region: Option<String>,
    /// The AWS profile instance-aws takes credentials and region from (else AWS_PROFILE or default).
    #[arg(long = "aws-profile")]
    pub aws_profile: Option<String>,
    /// The EC2 endpoint of instance-aws (else AWS_ENDPOINT_URL, else the region's).
    #[arg(long = "aws-endpoint-url")]
    pub aws_endpoint_url: Option<String>,
    /// Retries of one EC2 call of instance-aws, with the SDK's back-off (throttling included).
    #[arg(long = "aws-retries", default_value_t = 5)]
    pub aws_retries: u32,
    /// The time limit of one EC2 request of instance-aws.
    #[arg(long = "aws-timeout", default_value = "30s", value_parser = infrakit_spi::duration::parse)]
    pub aws_timeout: Duration,
    /// Tags (key=value, comma-separated or repeated) instance-aws sets on every instance and interface it creates
    /// and requires of every one it lists (InfraKit v0.5's --namespace-tags).
    #[arg(long = "aws-namespace-tags", value_delimiter = ',')]
    pub aws_namespace_tags: Vec<String>,
    /// How long a launched instance may stay missing from EC2's listing (its eventual consistency); the group
    /// controller waits this long before it presumes a launch lost.
    #[arg(long = "aws-listing-lag", default_value = "30s", value_parser = infrakit_spi::duration::parse)]
    pub aws_listing_lag: Duration,
    /// How long an instance-aws provision waits for the instance to run and for its volumes and address to be
    /// freed by the instance it replaces.
    #[arg(long = "aws-wait", default_value = "5m", value_parser = infrakit_spi::duration::parse)]
    pub aws_wait: Duration,
    /// The group plugin instance-aws asks which logical IDs a group still has (pets' network interfaces of
    /// logical IDs no group has are deleted); empty: never delete them.
    #[arg(long = "aws-group-plugin", default_value = "group")]
    pub aws_group_plugin: String,
    /// How often instance-aws looks for pets' network interfaces no group needs any more.
    #[arg(long = "aws-sweep", default_value = "30s", value_parser = infrakit_spi::duration::parse)]
    pub aws_sweep: Duration,
}

impl AwsFlags {
    /// The namespace tags as a map.
    pub fn namespace(&self) -> Result<Tags> {
        let mut tags = Tags::new();
        for kv in self.aws_namespace_tags.iter().filter(|s| !s.is_empty()) {
            match kv.split_once('=') {
                Some((k, v)) if !k.is_empty() && !v.contains('=') && !k.starts_with("aws:") => {
                    tags.insert(k.to_string(), v.to_string());
                }
                _ => {
                    return Err(Error::invalid(
                        "--aws-namespace-tags",
                        format!("{kv:?}: namespace tags must be formatted as key=value (keys not starting with aws:)"),
                    ))
                }
            }
        }
        Ok(tags)
    }

    /// How to reach EC2.
    pub fn client(&self) -> ClientOptions {
        ClientOptions {
            region: self.aws_region.clone(),
            profile: self.aws_profile.clone(),
            endpoint: self.aws_endpoint_url.clone(),
            max_attempts: self.aws_retries.saturating_add(1),
            attempt_timeout: self.aws_timeout,
            static_credentials: None,
        }
    }
}

fn start(args: StartArgs<'_>) -> BoxFuture<'_, Result<Served>> {
    Box::pin(async move {
        let flags: AwsFlags = args.parse()?;
        let namespace = flags.namespace()?;
        let ec2 = connect(&flags.client()).await?;
        let groups =
            (!flags.aws_group_plugin.is_empty()).then(|| (args.lookup.clone(), Name::new(&flags.aws_group_plugin)));
        let options = Options {
            namespace,
            listing_lag: flags.aws_listing_lag,
            wait: flags.aws_wait,
            groups,
            sweep: flags.aws_sweep,
            ..Options::default()
        };
        let plugin: Arc<dyn Instance> = Arc::new(AwsInstance::new(ec2, options));
        tracing::info!(region = ?flags.aws_region, "instance-aws: started");
        Ok(Served {
            instance: Some(plugin.clone()),
            instances: [(SUB_TYPE.to_string(), plugin)].into(),
            ..Served::default()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Args, FromArgMatches};

    fn flags(args: &[&str]) -> Option<AwsFlags> {
        let cmd = AwsFlags::augment_args(clap::Command::new("t"));
        let m = cmd.try_get_matches_from(std::iter::once("t").chain(args.iter().copied())).ok()?;
        AwsFlags::from_arg_matches(&m).ok()
    }

    #[test]
    fn namespace_tags_and_defaults() {
        let f =
            flags(&["--aws-namespace-tags", "a=1,b=2", "--aws-region", "eu-west-1"]).unwrap_or_else(|| panic!("flags"));
        assert_eq!(f.namespace().map(|t| t.len()).ok(), Some(2));
        assert_eq!(f.client().region.as_deref(), Some("eu-west-1"));
        assert_eq!(f.client().max_attempts, 6);
        assert_eq!(f.aws_listing_lag, Duration::from_secs(30));
        let bad = flags(&["--aws-namespace-tags", "aws:x=1"]).map(|f| f.namespace().is_err());
        assert_eq!(bad, Some(true));
    }
}
