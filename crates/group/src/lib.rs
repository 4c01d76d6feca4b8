//! The group controller: keeps groups of instances converged to their specs.
//!
//! - [`plan`]: the pure planner; [`reconciler`]: the state machine around it (members, intent ledger, rollout).
//! - [`supervisor`]: the async loop per group that observes through the plugins, plans, and hands actions to the
//!   [`executor`] (bounded concurrency, a time limit each), reacting to pushed changes at once and resyncing on a
//!   jittered interval; [`health`] and [`quorum`] checks run beside it.
//! - [`plugin`]: the `Group` plugin (`Group/0.1.0`) over all supervised groups.
//! - [`persisted`]: the typed view of what a controller keeps across restarts (its [`rollout`], what is in flight),
//!   over `infrakit_spi::store::StateStore`; the group crate does no I/O of its own to keep it.

pub mod clock;
pub mod config;
pub mod dry_run;
pub mod executor;
pub mod explain;
pub mod health;
#[cfg(feature = "memory-instance")]
pub mod memory;
pub mod model;
pub mod observe;
mod offpass;
pub mod persisted;
pub mod plan;
pub mod plugin;
mod probe;
pub mod quorum;
pub mod reconciler;
pub mod retired;
pub mod rollout;
pub mod supervisor;
#[cfg(test)]
pub(crate) mod testing;
