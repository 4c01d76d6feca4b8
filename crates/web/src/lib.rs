//! Observability of a group controller over HTTP (`--http ADDR` on `infrakit up` and `infrakit manager start`):
//!
//! - [`recorder`]: the controller's [`Observer`](infrakit_group::observe::Observer): it keeps the [`metrics`] and
//!   publishes what the controller decides on the [`bus`] as [`event`]s;
//! - [`server`]: `/metrics` (Prometheus text), `/events` (Server-Sent Events), `/api/state` and the rollout
//!   controls, and `/`, a live web view whose assets are embedded in the binary;
//! - [`follow`]: the client side of `/events`, for `infrakit events`.

pub mod addr;
pub mod bus;
pub mod error;
pub mod event;
pub mod follow;
pub mod metrics;
pub mod recorder;
pub mod server;
mod sse;
mod view;

pub use error::WebError;
pub use recorder::Recorder;
pub use server::{Bound, WebServer};
