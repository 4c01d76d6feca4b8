//! The one composition of an InfraKit node, used by `infrakit up`, `infrakit manager start` and
//! `infrakit plugin start`:
//!
//! - [`catalog`]: the built-in plugin families, as data (each family's crate exports a `Builtin` entry);
//! - [`controller`]: the group controller, always run as a manager replica (leadership and stores from URLs; a
//!   single replica is one that always leads), and the `group` built-in that starts it;
//! - [`host`]: starts built-ins, registers them for in-process calls, serves them on sockets;
//! - [`up`]: the defaults of `infrakit up` (a replica that always leads, specs and rollouts in files);
//! - [`home`]: where state lives by default (`$INFRAKIT_HOME`).

pub mod catalog;
pub mod controller;
pub mod error;
pub mod home;
pub mod host;
pub mod up;

pub use error::{NodeError, Result};
