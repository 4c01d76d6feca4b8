//! `flavor-etcd` as a built-in plugin.

use crate::EtcdFlavor;
use infrakit_spi::builtin::{BoxFuture, Builtin, Served, StartArgs};
use infrakit_spi::Result;
use std::sync::Arc;

/// The entry a host lists and starts.
pub const BUILTIN: Builtin = Builtin::new(
    "flavor-etcd",
    "an etcd ensemble as a pets group (logical IDs are member addresses); members replaced one at a time",
    start,
);

fn start(_: StartArgs<'_>) -> BoxFuture<'_, Result<Served>> {
    Box::pin(async move { Ok(Served { flavor: Some(Arc::new(EtcdFlavor::default())), ..Served::default() }) })
}
