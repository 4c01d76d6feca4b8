//! Helpers for tests of the Docker plugin through the CLI, on this test binary's engine (`infrakit-docker-testkit`);
//! included with `#[path]` by the Docker tests only.

use crate::common::{start_plugins, wait_for_sockets, Daemon};
use infrakit_docker_testkit::Engine;
use std::path::Path;

/// The short IDs of the running containers of group `g`.
pub fn running(engine: &Engine, g: &str) -> Vec<String> {
    let label = format!("label=infrakit.group={g}");
    engine
        .docker(&["ps", "-q", "--filter", &label, "--filter", "status=running"])
        .map(|out| out.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Starts the group controller, instance-docker on `engine` and flavor-vanilla; waits for their sockets.
pub fn docker_plugins(engine: &Engine, plugins: &Path) -> Daemon {
    let host = engine.host();
    let daemon = start_plugins(
        plugins,
        &["group", "instance-docker", "flavor-vanilla", "--docker-host", &host, "--poll-interval", "60s"],
    );
    wait_for_sockets(plugins, &["group", "instance-docker", "flavor-vanilla"]);
    daemon
}
