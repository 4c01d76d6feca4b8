//! Time as the controller sees it: milliseconds from an injected clock, so tests are deterministic and rollout state
//! can be persisted and resumed by another process.

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

/// Time as tokio's clock tells it, from `start` at the moment it was made: on paused tokio time (tests), the
/// controller's clock moves exactly as its timers do.
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    origin: tokio::time::Instant,
    start: Millis,
}

impl TokioClock {
    /// A clock that reads `start` now.
    pub fn new(start: Millis) -> TokioClock {
        TokioClock { origin: tokio::time::Instant::now(), start }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> Millis {
        self.start + self.origin.elapsed().as_millis() as Millis
    }
}
