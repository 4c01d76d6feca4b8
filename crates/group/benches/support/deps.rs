//! A controller's dependencies as the benchmarks build them: plugins from `registry`, the system clock, state kept
//! in memory, up to 64 actions at once.

use super::state;
use infrakit_group::clock::SystemClock;
use infrakit_group::persisted::Persisted;
use infrakit_group::supervisor::{Deps, Options};
use infrakit_rpc::Registry;
use std::sync::Arc;
use std::time::Duration;

/// The dependencies, with a resync every `resync`.
pub fn deps(registry: Registry, resync: Duration) -> Deps {
    Deps {
        guard: None,
        spec_sink: None,
        lookup: Arc::new(registry),
        clock: Arc::new(SystemClock),
        persisted: Persisted::new(Arc::new(state::Docs::default())),
        options: Options { resync, max_parallel: 64, ..Options::default() },
    }
}
