//! When to plan again: every time-based decision is due at its time, not at the next resync.

use super::Ctx;
use crate::clock::Millis;
use crate::model::DestroyState;
use crate::rollout::Rollout;
use infrakit_spi::flavor::Health;

/// The earliest future time something deferred becomes due: a failed destroy's retry, the end of a create
/// back-off, an unlisted create given up, an unhealthy instance's grace or timeout, a new instance's monitor period
/// while `rolling`, the next health check of a new instance still short of `Updating.Count` checks while `rolling`,
/// the `rollout`'s deadline.
pub(super) fn at(ctx: &Ctx<'_>, rolling: bool, rollout: Option<&Rollout>) -> Option<Millis> {
    let (cfg, ledger, now) = (ctx.cfg, ctx.ledger, ctx.now);
    let mut due: Vec<Millis> = ledger
        .destroying
        .values()
        .filter_map(|d| match d.state {
            DestroyState::Failed { retry_at } if retry_at > now => Some(retry_at),
            _ => None,
        })
        .collect();
    if ctx.backing_off() {
        due.push(ledger.create_not_before);
    }
    due.extend(ledger.next_expiry(ctx.listing_grace));
    for m in ctx.members.iter().filter(|m| !ledger.destroying.contains_key(m.id())) {
        if m.health == Health::Unhealthy {
            due.push(m.first_seen.saturating_add(cfg.health.grace.0));
            if let Some(t) = m.unhealthy_since {
                due.push(t.saturating_add(cfg.health.timeout.0));
            }
        }
        if rolling && m.health == Health::Healthy && ctx.is_current(m) {
            if let Some(t) = m.healthy_since {
                due.push(t.saturating_add(cfg.updating.monitor_ms()));
            }
            if m.healthy_count < cfg.updating.count && ctx.check_interval > 0 {
                due.push(now.saturating_add(ctx.check_interval));
            }
        }
    }
    if let Some(r) = rollout.filter(|r| r.is_running() && cfg.updating.deadline.0 > 0) {
        due.push(r.last_progress.saturating_add(cfg.updating.deadline.0).saturating_add(1));
    }
    due.into_iter().filter(|t| *t > now).min()
}
