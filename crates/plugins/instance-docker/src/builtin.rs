//! `instance-docker` as a built-in plugin: its flags and how it starts.

use crate::{DockerInstance, Options};
use infrakit_spi::builtin::{BoxFuture, Builtin, Served, StartArgs};
use infrakit_spi::instance::Tags;
use infrakit_spi::{Error, Result};
use std::sync::Arc;
use std::time::Duration;

/// The entry a host lists and starts.
pub const BUILTIN: Builtin = Builtin::new(
    "instance-docker",
    "instances are Docker containers; logical IDs are names (and fixed addresses), attachments named volumes",
    start,
)
.with_flags(<DockerFlags as clap::Args>::augment_args);

/// instance-docker's flags.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "instance-docker")]
pub struct DockerFlags {
    /// The Docker engine of instance-docker: unix:///path/docker.sock, /path/docker.sock or tcp://host:port.
    #[arg(long = "docker-host", env = "DOCKER_HOST", default_value = infrakit_docker::DEFAULT_HOST)]
    pub docker_host: String,
    /// Tags (key=value, comma-separated or repeated) instance-docker sets on every container it creates and
    /// requires of every container it lists (InfraKit v0.5's --namespace-tags).
    #[arg(long = "docker-namespace-tags", value_delimiter = ',')]
    pub docker_namespace_tags: Vec<String>,
    /// The time limit of one Docker API request of instance-docker.
    #[arg(long = "docker-timeout", default_value = "30s", value_parser = infrakit_spi::duration::parse)]
    pub docker_timeout: Duration,
    /// How long instance-docker may pull a missing image before the provision fails.
    #[arg(long = "docker-pull-timeout", default_value = "2m", value_parser = infrakit_spi::duration::parse)]
    pub docker_pull_timeout: Duration,
    /// How long an instance-docker Init script may run before the provision fails.
    #[arg(long = "docker-init-timeout", default_value = "10m", value_parser = infrakit_spi::duration::parse)]
    pub docker_init_timeout: Duration,
}

impl DockerFlags {
    /// The namespace tags as a map.
    pub fn namespace(&self) -> Result<Tags> {
        let mut tags = Tags::new();
        for kv in self.docker_namespace_tags.iter().filter(|s| !s.is_empty()) {
            match kv.split_once('=') {
                Some((k, v)) if !k.is_empty() && !v.contains('=') => {
                    tags.insert(k.to_string(), v.to_string());
                }
                _ => {
                    return Err(Error::invalid(
                        "--docker-namespace-tags",
                        format!("{kv:?}: namespace tags must be formatted as key=value"),
                    ))
                }
            }
        }
        Ok(tags)
    }
}

fn start(args: StartArgs<'_>) -> BoxFuture<'_, Result<Served>> {
    Box::pin(async move {
        let flags: DockerFlags = args.parse()?;
        let docker = infrakit_docker::Docker::new(&flags.docker_host, flags.docker_timeout)
            .map_err(|e| Error::invalid("--docker-host", e))?;
        match docker.version().await {
            Ok(v) => {
                let api = docker.api_version().await.unwrap_or_default();
                let engine = v.version.unwrap_or_default();
                tracing::info!(host = docker.host(), engine, api, "instance-docker: engine reached");
            }
            Err(e) => {
                tracing::warn!(error = %e, "instance-docker: the engine does not answer yet; calls fail until it does")
            }
        }
        let options = Options {
            namespace: flags.namespace()?,
            pull_timeout: flags.docker_pull_timeout,
            init_timeout: flags.docker_init_timeout,
        };
        let plugin = Arc::new(DockerInstance::new(docker, options));
        Ok(Served { instance: Some(plugin.clone()), metadata: Some(plugin), ..Served::default() })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Args, FromArgMatches};

    fn flags(args: &[&str]) -> DockerFlags {
        let cmd = DockerFlags::augment_args(clap::Command::new("t"));
        let m = cmd.try_get_matches_from(std::iter::once("t").chain(args.iter().copied())).expect("flags");
        DockerFlags::from_arg_matches(&m).expect("flags")
    }

    #[test]
    fn namespace_tags() {
        let f = flags(&["--docker-namespace-tags", "a=1,b=2", "--docker-namespace-tags", "c=3"]);
        let ns = f.namespace().expect("tags");
        assert_eq!(ns.len(), 3);
        assert_eq!(ns.get("b").map(String::as_str), Some("2"));
        let bad = flags(&["--docker-namespace-tags", "a"]).namespace().err().map(|e| e.to_string());
        assert!(bad.is_some_and(|e| e.contains("key=value")));
        assert_eq!(flags(&["--docker-timeout", "5s"]).docker_timeout, Duration::from_secs(5));
    }
}
