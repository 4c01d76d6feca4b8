//! The EC2 client: the SDK's standard chain for credentials and region (environment, profile, web identity,
//! container and instance roles), `AWS_ENDPOINT_URL` to point it elsewhere, rustls with ring for TLS, and the SDK's
//! standard retries (which back off on `RequestLimitExceeded`).

use crate::errors::CREDENTIALS_HINT;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_ec2::config::ProvideCredentials;
use infrakit_spi::{Error, Result};
use std::time::Duration;

/// How to reach EC2.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// The region; else the standard chain's (`AWS_REGION`, the profile).
    pub region: Option<String>,
    /// The profile; else `AWS_PROFILE` or `default`.
    pub profile: Option<String>,
    /// Another endpoint (else `AWS_ENDPOINT_URL`, else EC2's).
    pub endpoint: Option<String>,
    /// Attempts per call, the first included (the SDK's standard retry mode, with back-off on throttling).
    pub max_attempts: u32,
    /// The time limit of one attempt.
    pub attempt_timeout: Duration,
    /// An access key ID and secret access key to use instead of the standard chain.
    pub static_credentials: Option<(String, String)>,
}

/// An EC2 client; fails, saying what to set, when there is no region or no credentials.
pub async fn connect(options: &ClientOptions) -> Result<aws_sdk_ec2::Client> {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(RetryConfig::standard().with_max_attempts(options.max_attempts.max(1)))
        .timeout_config(TimeoutConfig::builder().operation_attempt_timeout(options.attempt_timeout).build());
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(endpoint) = &options.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    if let Some((id, secret)) = &options.static_credentials {
        loader = loader.credentials_provider(aws_sdk_ec2::config::Credentials::new(id, secret, None, None, "static"));
    }
    let conf = loader.load().await;
    if conf.region().is_none() {
        return Err(Error::invalid(
            "--aws-region",
            "no AWS region: pass --aws-region, or set AWS_REGION (or a region in the profile's ~/.aws/config)",
        ));
    }
    let Some(credentials) = conf.credentials_provider() else {
        return Err(Error::Unavailable(format!("instance-aws: no AWS credentials provider; {CREDENTIALS_HINT}")));
    };
    if let Err(e) = credentials.provide_credentials().await {
        let profile = options.profile.clone().or_else(|| std::env::var("AWS_PROFILE").ok());
        let which = profile.map(|p| format!(" (profile {p:?})")).unwrap_or_default();
        return Err(Error::Unavailable(format!(
            "instance-aws: no AWS credentials{which}: {}; {CREDENTIALS_HINT}",
            aws_sdk_ec2::error::DisplayErrorContext(&e)
        )));
    }
    Ok(aws_sdk_ec2::Client::new(&conf))
}
