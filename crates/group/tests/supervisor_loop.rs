//! The group loop itself, on paused tokio time against an in-memory instance plugin: what wakes it (a pushed change,
//! the end of a listing grace) and what does not need a resync. Virtual time makes seconds of waiting instant and
//! the outcome independent of the machine's load.

mod common;

use common::memory::{controller as memory_controller, memory_spec, within, Memory};
use infrakit_flavor_vanilla::VanillaFlavor;
use infrakit_group::plugin::GroupPlugin;
use infrakit_spi::group::{self, Group};
use std::sync::Arc;
use std::time::Duration;

/// A controller whose resync is an hour away: anything it does within minutes was woken by something else.
fn controller(plugin: Arc<Memory>) -> GroupPlugin {
    memory_controller(plugin, Arc::new(VanillaFlavor::default()))
}

fn spec(size: u64) -> group::Spec {
    memory_spec(&format!(r#"{{"Size":{size}}}"#), "{}", "")
}

#[tokio::test(start_paused = true)]
async fn a_pushed_loss_is_replaced_without_a_resync() {
    let plugin = Memory::new(Duration::ZERO);
    let g = controller(plugin.clone());
    g.commit_group(spec(3), false).await.expect("commit");
    within(Duration::from_secs(5), "3 instances", async || plugin.ids().len() == 3).await;
    let victim = plugin.ids()[0].clone();
    plugin.lose(&victim, true);
    within(Duration::from_secs(5), "the loss replaced", async || {
        let ids = plugin.ids();
        ids.len() == 3 && !ids.contains(&victim)
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_end_of_a_listing_grace_wakes_the_loop() {
    // A plugin whose listing shows a new instance 2 s after it was made; the loss is not pushed.
    let plugin = Memory::new(Duration::from_secs(2));
    let g = controller(plugin.clone());
    g.commit_group(spec(1), false).await.expect("commit");
    within(Duration::from_secs(1), "the create", async || plugin.ids().len() == 1).await;
    let victim = plugin.ids()[0].clone();
    plugin.lose(&victim, false);
    // Nothing pushes and no resync comes for an hour: only the grace's end can wake the loop, which then destroys
    // the unlisted ID (gone: fine) and makes a replacement.
    within(Duration::from_secs(30), "a replacement", async || {
        let ids = plugin.ids();
        ids.len() == 1 && !ids.contains(&victim)
    })
    .await;
    // And once the replacement is listed, the group is converged.
    within(Duration::from_secs(30), "convergence", async || {
        g.describe_group(&group::Id("g".into())).await.is_ok_and(|d| d.converged)
    })
    .await;
}
