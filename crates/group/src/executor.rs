//! The executor: sends a pass's actions to the plugins with bounded concurrency and a time limit each, and reports
//! every outcome to the loop. An action is checked once more when it may run: a stopped group or a replica that
//! may no longer act sends nothing.

use crate::config::GroupConfig;
use crate::model::{Action, Outcome};
use crate::supervisor::{ActGuard, Options};
use infrakit_spi::flavor::{Flavor, Index, Prepare};
use infrakit_spi::hash::{CONFIG_SHA_TAG, GROUP_TAG, LOGICAL_ID_TAG};
use infrakit_spi::instance::{Description, Instance, Spec, Tags};
use infrakit_spi::Error;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;

/// Where an action goes: the plugins, the config it is made with, and (for a destroy) the instance's description.
pub struct Target {
    /// The instance plugin.
    pub instance: Arc<dyn Instance>,
    /// The flavor plugin.
    pub flavor: Arc<dyn Flavor>,
    /// The config the action is made with.
    pub cfg: Arc<GroupConfig>,
    /// The instance, for a destroy (its flavor drains it first).
    pub desc: Option<Description>,
}

/// Sends actions, at most `max_parallel` at once, each cut at `action_timeout`.
pub struct Executor {
    permits: Arc<Semaphore>,
    done: mpsc::UnboundedSender<Outcome>,
    stopping: Arc<AtomicBool>,
    guard: Option<ActGuard>,
    limit: Duration,
    running: JoinSet<()>,
    observer: crate::observe::Observing,
}

impl Executor {
    /// An executor that reports outcomes on `done` and asks `guard` before each action.
    pub fn new(options: &Options, guard: Option<ActGuard>, done: mpsc::UnboundedSender<Outcome>) -> Executor {
        Executor {
            permits: Arc::new(Semaphore::new(options.max_parallel.max(1))),
            done,
            stopping: Arc::new(AtomicBool::new(false)),
            guard,
            limit: options.action_timeout,
            running: JoinSet::new(),
            observer: options.observer.clone(),
        }
    }

    /// Starts `action`; its outcome arrives on the loop's channel.
    pub fn send(&mut self, action: Action, to: Target) {
        let (permits, done, stopping, guard, limit) =
            (self.permits.clone(), self.done.clone(), self.stopping.clone(), self.guard.clone(), self.limit);
        let observer = self.observer.clone();
        self.running.spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else { return };
            // Checked again once it may run: a replica that lost leadership, or a stopped group, sends nothing.
            let refused = stopping.load(Ordering::SeqCst) || guard.is_some_and(|may_act| !may_act());
            let outcome = if refused {
                refusal(&action)
            } else {
                observer.sending(to.cfg.id(), &action);
                let started = std::time::Instant::now();
                let sent = execute(action.clone(), &to.cfg, to.instance.as_ref(), to.flavor.as_ref(), to.desc);
                let outcome = match tokio::time::timeout(limit, sent).await {
                    Ok(o) => o,
                    Err(_) => timed_out(&action, limit),
                };
                observer.finished(to.cfg.id(), &action, &outcome, started.elapsed());
                outcome
            };
            let _ = done.send(outcome);
        });
    }

    /// Forgets the actions that have finished.
    pub fn reap(&mut self) {
        while self.running.try_join_next().is_some() {}
    }

    /// How many actions have not finished: running, or waiting for one of the `max_parallel` slots.
    pub fn unfinished(&mut self) -> usize {
        self.reap();
        self.running.len()
    }

    /// Starts nothing more and waits (at most `limit`) for what runs; true when everything finished.
    pub async fn drain(&mut self, limit: Duration) -> bool {
        self.stopping.store(true, Ordering::SeqCst);
        let running = &mut self.running;
        tokio::time::timeout(limit, async { while running.join_next().await.is_some() {} }).await.is_ok()
    }
}

/// The outcome of an action that was not sent.
fn refusal(action: &Action) -> Outcome {
    let why = "not sent: the group stopped or this replica may not act".to_string();
    match action {
        Action::Provision { intent, .. } => Outcome::ProvisionFailed { intent: *intent, error: why },
        Action::Destroy { id, .. } => Outcome::DestroyFailed { id: id.clone(), error: why },
        Action::Label { id, .. } => Outcome::Labeled { id: id.clone() },
    }
}

/// The outcome of an action that took too long (a create may still land).
fn timed_out(action: &Action, limit: Duration) -> Outcome {
    let why = format!("no answer within {limit:?}");
    match action {
        Action::Provision { intent, .. } => Outcome::ProvisionUnknown { intent: *intent, error: why },
        Action::Destroy { id, .. } => Outcome::DestroyFailed { id: id.clone(), error: why },
        Action::Label { id, .. } => Outcome::Labeled { id: id.clone() },
    }
}

/// Destroys `id`: an instance that is already gone is success, whatever words its plugin uses for it. Only an error
/// without a kind (`Remote`: InfraKit v0.5's plugins) is read for its words; `Unavailable` and `Failed` never are.
pub async fn destroy(instance: &dyn Instance, id: &infrakit_spi::instance::Id) -> Result<(), Error> {
    match instance.destroy(id).await {
        Ok(()) | Err(Error::NotFound(_)) => Ok(()),
        // InfraKit v0.5's plugins send only a message: one that says the instance does not exist is success.
        Err(Error::Remote(m)) if says_not_found(&m) => Ok(()),
        Err(e) => Err(e),
    }
}

/// True for the messages plugins that carry no error kind use for "no such instance" (Go's file plugin: "no such
/// file or directory"; Docker: "No such container"; others: "... not found").
fn says_not_found(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("not found") || m.contains("no such")
}

/// Sends one action to the plugins and says how it ended.
pub async fn execute(
    action: Action,
    cfg: &GroupConfig,
    instance: &dyn Instance,
    flavor: &dyn Flavor,
    desc: Option<Description>,
) -> Outcome {
    match action {
        Action::Provision { intent, logical_id, attachments } => {
            let mut tags: Tags =
                [(GROUP_TAG.to_string(), cfg.id().0.clone()), (CONFIG_SHA_TAG.to_string(), cfg.hash.clone())].into();
            if let Some(l) = &logical_id {
                tags.insert(LOGICAL_ID_TAG.to_string(), l.0.clone());
            }
            let sequence = match &logical_id {
                Some(l) => cfg.allocation.logical_ids.iter().position(|x| x == l).unwrap_or(0) as u64,
                None => intent,
            };
            let spec = Spec {
                properties: cfg.instance.properties.clone(),
                tags,
                init: String::new(),
                logical_id,
                attachments,
            };
            let index = Index { group: cfg.id().0.clone(), sequence };
            let prepared = flavor
                .prepare(Prepare {
                    properties: cfg.flavor.properties.as_ref(),
                    spec,
                    allocation: &cfg.allocation_method(),
                    index: &index,
                })
                .await;
            let result = match prepared {
                Ok(spec) => instance.provision(spec).await,
                Err(e) => Err(Error::failed(format!("flavor {} Prepare: {e}", cfg.flavor.plugin))),
            };
            match result {
                Ok(id) => {
                    tracing::info!(group = %cfg.id(), instance = %id, "provisioned");
                    Outcome::Provisioned { intent, id }
                }
                Err(e @ Error::Unavailable(_)) => {
                    // No answer: the create may have landed (or land later). Its slot stays taken a while.
                    tracing::warn!(group = %cfg.id(), error = %e, "provision got no answer");
                    Outcome::ProvisionUnknown { intent, error: e.to_string() }
                }
                Err(e) => {
                    tracing::warn!(group = %cfg.id(), error = %e, "provision failed");
                    Outcome::ProvisionFailed { intent, error: e.to_string() }
                }
            }
        }
        Action::Destroy { id, reason } => {
            if let Some(d) = &desc {
                if let Err(e) = flavor.drain(cfg.flavor.properties.as_ref(), d).await {
                    tracing::warn!(group = %cfg.id(), instance = %id, error = %e, "drain failed; destroying anyway");
                }
            }
            match destroy(instance, &id).await {
                Ok(()) => {
                    tracing::info!(group = %cfg.id(), instance = %id, %reason, "destroyed");
                    Outcome::Destroyed { id }
                }
                Err(e) => {
                    tracing::warn!(group = %cfg.id(), instance = %id, error = %e, "destroy failed; will retry");
                    Outcome::DestroyFailed { id, error: e.to_string() }
                }
            }
        }
        Action::Label { id, tags } => {
            if let Err(e) = instance.label(&id, &tags).await {
                tracing::warn!(group = %cfg.id(), instance = %id, error = %e, "label failed");
            }
            Outcome::Labeled { id }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{cfg, Fake, Plain};
    use async_trait::async_trait;
    use infrakit_spi::instance::Id;
    use infrakit_spi::{Any, Result};

    /// Fails every call the way it is told to.
    struct Failing(fn() -> Error);

    #[async_trait]
    impl Instance for Failing {
        async fn validate(&self, _: Option<&Any>) -> Result<()> {
            Ok(())
        }
        async fn provision(&self, _: Spec) -> Result<Id> {
            Err((self.0)())
        }
        async fn label(&self, _: &Id, _: &Tags) -> Result<()> {
            Ok(())
        }
        async fn destroy(&self, _: &Id) -> Result<()> {
            Err((self.0)())
        }
        async fn describe_instances(&self, _: &Tags, _: bool) -> Result<Vec<Description>> {
            Ok(Vec::new())
        }
    }

    async fn outcome(action: Action, err: fn() -> Error) -> Outcome {
        execute(action, &cfg(), &Failing(err), &Fake(Plain), None).await
    }

    #[tokio::test]
    async fn a_destroy_of_what_is_gone_succeeds_whatever_the_plugin_calls_it() {
        let destroy = || Action::Destroy { id: Id("i-1".into()), reason: crate::model::DestroyReason::ScaleDown };
        let gone = Outcome::Destroyed { id: Id("i-1".into()) };
        assert_eq!(outcome(destroy(), || Error::NotFound("instance i-1".into())).await, gone);
        assert_eq!(outcome(destroy(), || Error::Remote("remove /x/i-1: no such file or directory".into())).await, gone);
        assert_eq!(outcome(destroy(), || Error::Remote("Instance i-1 not found".into())).await, gone);
        let failed = outcome(destroy(), || Error::Remote("permission denied".into())).await;
        assert!(matches!(failed, Outcome::DestroyFailed { .. }), "{failed:?}");
        // Only a message without a kind is read for its words: an engine that is down is no instance that is gone.
        let down = || Error::Unavailable("dial unix /var/run/docker.sock: No such file or directory".into());
        let failed = outcome(destroy(), down).await;
        assert!(matches!(failed, Outcome::DestroyFailed { .. }), "{failed:?}");
        let failed = outcome(destroy(), || Error::Failed("no such file or directory".into())).await;
        assert!(matches!(failed, Outcome::DestroyFailed { .. }), "{failed:?}");
    }

    #[tokio::test]
    async fn a_create_without_an_answer_may_have_landed() {
        let create = || Action::Provision { intent: 7, logical_id: None, attachments: Vec::new() };
        let unknown = outcome(create(), || Error::Unavailable("timed out".into())).await;
        assert!(matches!(unknown, Outcome::ProvisionUnknown { intent: 7, .. }), "{unknown:?}");
        let failed = outcome(create(), || Error::Remote("quota exceeded".into())).await;
        assert!(matches!(failed, Outcome::ProvisionFailed { intent: 7, .. }), "{failed:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_is_sent_once_stopping_or_not_allowed_and_slow_actions_are_cut() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let options = Options { action_timeout: Duration::from_secs(5), ..Options::default() };
        let target = || Target {
            instance: Arc::new(Failing(|| Error::Remote("sent".into()))),
            flavor: Arc::new(Fake(Plain)),
            cfg: cfg(),
            desc: None,
        };
        let create = |intent| Action::Provision { intent, logical_id: None, attachments: Vec::new() };
        // A replica that may not act sends nothing.
        let mut refusing = Executor::new(&options, Some(Arc::new(|| false)), tx.clone());
        refusing.send(create(1), target());
        let got = rx.recv().await.expect("outcome");
        assert!(matches!(&got, Outcome::ProvisionFailed { error, .. } if error.starts_with("not sent")), "{got:?}");
        // A stopped executor sends nothing either.
        let mut ex = Executor::new(&options, None, tx);
        assert!(ex.drain(Duration::from_secs(1)).await);
        ex.send(create(2), target());
        let got = rx.recv().await.expect("outcome");
        assert!(matches!(&got, Outcome::ProvisionFailed { error, .. } if error.starts_with("not sent")), "{got:?}");
    }
}
