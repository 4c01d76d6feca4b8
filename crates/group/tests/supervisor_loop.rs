//! The group loop itself, on paused tokio time against an in-memory instance plugin: what wakes it (a pushed change,
//! the end of a listing grace) and what does not need a resync. Virtual time makes seconds of waiting instant and
//! the outcome independent of the machine's load.

mod common;

use common::memory::{controller as memory_controller, memory_spec, within, Memory};
use infrakit_flavor_vanilla::VanillaFlavor;
use infrakit_group::plugin::GroupPlugin;
use infrakit_spi::group::{self, Group, GroupControl};
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

#[tokio::test(start_paused = true)]
async fn answers_trickling_in_while_creates_are_queued_share_passes() {
    // 2,000 creates of about 30 ms each, 32 at a time: about two seconds of answers, nearly one per millisecond.
    // A pass per answer would be more than a thousand passes, each a full listing; the loop defers a pass while
    // the executor still has work queued (at most 100 ms), so a few dozen do.
    let plugin = Memory::slow(Duration::ZERO, Duration::from_millis(30));
    let g = controller(plugin.clone());
    g.commit_group(spec(2000), false).await.expect("commit");
    let gid = group::Id("g".into());
    within(Duration::from_secs(60), "2,000 instances", async || {
        g.describe_group(&gid).await.is_ok_and(|d| d.converged)
    })
    .await;
    assert_eq!(plugin.provisions(), 2000, "no create is made twice");
    let passes = g.snapshot(&gid).await.expect("snapshot").status.passes;
    assert!(passes < 200, "{passes} passes for 2,000 answers");
}

/// The vanilla flavor, counting the `Healthy` calls it gets; with `constant`, it says its instances are always
/// healthy (as the vanilla flavor does), without, each must be asked about.
struct Counting {
    inner: VanillaFlavor,
    constant: bool,
    calls: std::sync::atomic::AtomicU64,
}

#[async_trait::async_trait]
impl infrakit_spi::flavor::Flavor for Counting {
    async fn validate(
        &self,
        p: Option<&infrakit_spi::Any>,
        a: &infrakit_spi::flavor::AllocationMethod,
    ) -> infrakit_spi::Result<()> {
        self.inner.validate(p, a).await
    }
    async fn prepare(
        &self,
        r: infrakit_spi::flavor::Prepare<'_>,
    ) -> infrakit_spi::Result<infrakit_spi::instance::Spec> {
        self.inner.prepare(r).await
    }
    async fn healthy(
        &self,
        p: Option<&infrakit_spi::Any>,
        d: &infrakit_spi::instance::Description,
    ) -> infrakit_spi::Result<infrakit_spi::flavor::Health> {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.inner.healthy(p, d).await
    }
    async fn drain(
        &self,
        p: Option<&infrakit_spi::Any>,
        d: &infrakit_spi::instance::Description,
    ) -> infrakit_spi::Result<()> {
        self.inner.drain(p, d).await
    }
    fn constant_health(&self) -> Option<infrakit_spi::flavor::Health> {
        self.inner.constant_health().filter(|_| self.constant)
    }
}

/// A flavor whose health is constant is never asked about an instance, yet its instances count as healthy, and a
/// rollout still waits for `Updating.Count` checks: one when an instance is first listed, then one per health
/// interval. The same rollout with a flavor that is asked about each instance gets the same result.
#[tokio::test(start_paused = true)]
async fn a_flavor_of_constant_health_is_not_asked_and_rollouts_still_count_checks() {
    for constant in [false, true] {
        let plugin = Memory::new(Duration::ZERO);
        let flavor = Arc::new(Counting { inner: VanillaFlavor::default(), constant, calls: Default::default() });
        let g = memory_controller(plugin.clone(), flavor.clone());
        let id = group::Id("g".into());
        g.commit_group(spec(3), false).await.expect("commit");
        within(Duration::from_secs(10), "3 healthy instances", async || {
            g.status(&id).await.is_ok_and(|s| s.counts.healthy == 3 && s.counts.converged)
        })
        .await;
        let before = plugin.ids();
        // A rollout that needs each new instance healthy for 3 checks: done, every old one replaced.
        let rolled = memory_spec(r#"{"Size":3}"#, r#"{"Note":"v2"}"#, r#","Updating":{"Count":3}"#);
        g.commit_group(rolled, false).await.expect("commit the rollout");
        within(Duration::from_secs(120), "the rollout", async || {
            let ids = plugin.ids();
            ids.len() == 3
                && !ids.iter().any(|i| before.contains(i))
                && g.status(&id).await.is_ok_and(|s| s.counts.converged && s.counts.healthy == 3)
        })
        .await;
        let calls = flavor.calls.load(std::sync::atomic::Ordering::SeqCst);
        if constant {
            assert_eq!(calls, 0, "a flavor of constant health was asked about instances");
        } else {
            assert!(calls >= 9, "each new instance checked at least 3 times: {calls} calls");
        }
    }
}
