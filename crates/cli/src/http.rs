//! `--http ADDR` of `infrakit up` and `infrakit manager start`: metrics, events and the web view
//! (`infrakit_web`), on a loopback address unless `--http-allow-remote`.

use anyhow::Result;
use clap::Args;
use infrakit_group::observe::Observing;
use infrakit_node::controller::Controller;
use infrakit_web::{Bound, Recorder, WebServer};
use std::sync::Arc;

/// The flags.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "web view and metrics")]
pub struct HttpFlags {
    /// Serve the live web view at /, Prometheus metrics at /metrics and the controller's events at /events
    /// (Server-Sent Events; `infrakit events` follows them) on this address, e.g. 127.0.0.1:8080 (port 0: any free
    /// port; the address is printed). A loopback address unless --http-allow-remote.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<String>,
    /// Let --http listen on an address other hosts can reach: they get the web view, its rollout controls and the
    /// metrics without authentication, so only on a trusted network.
    #[arg(long, requires = "http")]
    pub http_allow_remote: bool,
}

/// The web surfaces, bound before anything starts (a bad address changes nothing), served once the controller runs.
pub struct Web {
    bound: Bound,
    recorder: Arc<Recorder>,
}

impl HttpFlags {
    /// Listens on `--http`, if given.
    pub async fn bind(&self) -> Result<Option<Web>> {
        let Some(addr) = self.http.as_deref() else { return Ok(None) };
        let bound = Bound::bind(addr, self.http_allow_remote).await?;
        Ok(Some(Web { bound, recorder: Arc::new(Recorder::default()) }))
    }
}

impl Web {
    /// What the controller must be told to observe with.
    pub fn observer(&self) -> Observing {
        Observing(self.recorder.clone())
    }

    /// Serves `controller` and says where.
    pub fn serve(self, controller: &Controller) -> WebServer {
        let addr = self.bound.addr();
        let server = self.bound.serve(controller.clone(), self.recorder);
        eprintln!(
            "web view at http://{addr}/ (metrics at /metrics, events at /events: `infrakit events --http {addr}`)"
        );
        server
    }
}

/// `web`'s observer, or the one that observes nothing.
pub fn observer(web: &Option<Web>) -> Observing {
    web.as_ref().map(Web::observer).unwrap_or_default()
}
