//! The plumbing of checks that run off the reconcile pass ([`crate::health`], [`crate::quorum`]): their tasks, the
//! channel their verdicts arrive on, and the generation that tells a current verdict from one of a former flavor.

use std::future::Future;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// The tasks of checks under way and the verdicts `V` they send; a verdict carries the generation it was checked
/// in, so that what arrives after [`Inbox::forget`] can be dropped.
pub(crate) struct Inbox<V> {
    /// Bumped by [`Inbox::forget`].
    generation: u64,
    tx: mpsc::UnboundedSender<V>,
    rx: mpsc::UnboundedReceiver<V>,
    tasks: JoinSet<()>,
}

impl<V: Send + 'static> Inbox<V> {
    /// No check under way, generation 0.
    pub(crate) fn new() -> Inbox<V> {
        let (tx, rx) = mpsc::unbounded_channel();
        Inbox { generation: 0, tx, rx, tasks: JoinSet::new() }
    }

    /// Whether a verdict of `generation` is of the current one (not of a former flavor).
    pub(crate) fn is_current(&self, generation: u64) -> bool {
        generation == self.generation
    }

    /// Reaps the tasks that have finished.
    pub(crate) fn reap(&mut self) {
        while self.tasks.try_join_next().is_some() {}
    }

    /// Runs `check` as a task of its own, given where to send its verdicts and the current generation. Returns at
    /// once.
    pub(crate) fn spawn<F, Fut>(&mut self, check: F)
    where
        F: FnOnce(mpsc::UnboundedSender<V>, u64) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.tasks.spawn(check(self.tx.clone(), self.generation));
    }

    /// The next verdict to arrive.
    pub(crate) async fn next(&mut self) -> Option<V> {
        self.rx.recv().await
    }

    /// Every verdict already arrived, in the order it did.
    pub(crate) fn drain(&mut self) -> Vec<V> {
        std::iter::from_fn(|| self.rx.try_recv().ok()).collect()
    }

    /// Starts a new generation: verdicts of checks already started are no longer current.
    pub(crate) fn forget(&mut self) {
        self.generation += 1;
    }
}
