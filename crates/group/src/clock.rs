//! Time as the controller sees it: milliseconds from an injected clock, so tests are deterministic and rollout state
//! can be persisted and resumed by another process.

use std::sync::atomic::{AtomicU64, Ordering};

/// Milliseconds since the UNIX epoch (system clock) or since the start of a test (manual clock).
pub type Millis = u64;

/// A source of time.
pub trait Clock: Send + Sync {
    /// Now, in milliseconds.
    fn now(&self) -> Millis;
}

/// The system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
    }
}

/// A clock that only moves when told to.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock at `start`.
    pub fn new(start: Millis) -> ManualClock {
        ManualClock(AtomicU64::new(start))
    }

    /// Moves time forward by `ms`.
    pub fn advance(&self, ms: Millis) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Millis {
        self.0.load(Ordering::SeqCst)
    }
}
