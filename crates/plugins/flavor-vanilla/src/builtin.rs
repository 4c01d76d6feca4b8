//! `flavor-vanilla` as a built-in plugin.

use crate::VanillaFlavor;
use infrakit_spi::builtin::{BoxFuture, Builtin, Served, StartArgs};
use infrakit_spi::Result;
use std::sync::Arc;

/// The entry a host lists and starts.
pub const BUILTIN: Builtin =
    Builtin::new("flavor-vanilla", "adds Init lines, Tags and Attachments from its properties; always healthy", start);

fn start(_: StartArgs<'_>) -> BoxFuture<'_, Result<Served>> {
    Box::pin(async move { Ok(Served { flavor: Some(Arc::new(VanillaFlavor::default())), ..Served::default() }) })
}
