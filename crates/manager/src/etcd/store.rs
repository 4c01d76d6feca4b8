//! Specs (with history) and what group controllers keep (rollouts, in-flight records) in etcd under a key prefix.
//! Every write is a transaction that also checks this replica still holds its election key, so a deposed leader
//! cannot overwrite the store.

use super::Fence;
use async_trait::async_trait;
use etcd_client::{Client, Compare, CompareOp, GetOptions, Txn, TxnOp};
use infrakit_group::clock::{Clock, SystemClock};
use infrakit_spi::group::{self, Id};
use infrakit_spi::store::{SpecStore, SpecVersion, StateKind, StateStore};
use infrakit_spi::{Any, Error, Result};
use std::sync::Arc;

/// The etcd store.
pub struct EtcdStore {
    client: Client,
    prefix: String,
    fence: Option<Arc<dyn Fence>>,
}

fn etcd_err(e: etcd_client::Error) -> Error {
    Error::Unavailable(format!("etcd: {e}"))
}

impl EtcdStore {
    /// A store under `prefix`; with a `fence`, writes succeed only while the fence holds.
    pub fn new(client: Client, prefix: &str, fence: Option<Arc<dyn Fence>>) -> EtcdStore {
        EtcdStore { client, prefix: prefix.trim_end_matches('/').to_string(), fence }
    }

    fn key(&self, kind: &str, rest: &str) -> String {
        format!("{}/{kind}/{rest}", self.prefix)
    }

    /// Commits `ops` if the fence holds; a failed fence is a clear error.
    async fn fenced(&self, ops: Vec<TxnOp>) -> Result<()> {
        let mut client = self.client.clone();
        let compares = match &self.fence {
            None => Vec::new(),
            Some(f) => {
                let (key, rev) = f.current().ok_or_else(|| {
                    Error::Unavailable("this replica does not hold the election key: it is not the leader".into())
                })?;
                vec![Compare::create_revision(key, CompareOp::Equal, rev)]
            }
        };
        let resp = client.txn(Txn::new().when(compares).and_then(ops)).await.map_err(etcd_err)?;
        if resp.succeeded() {
            Ok(())
        } else {
            Err(Error::Unavailable(
                "fenced: this replica's election key is gone, it no longer leads; nothing was written".into(),
            ))
        }
    }

    async fn write(&self, id: &Id, spec: Option<&group::Spec>) -> Result<u64> {
        if id.0.is_empty() || id.0.contains('/') {
            return Err(Error::invalid("ID", format!("{:?} cannot name a stored group", id.0)));
        }
        let version = self.history(id).await?.last().map(|v| v.version + 1).unwrap_or(1);
        let record = SpecVersion { version, time: SystemClock.now(), spec: spec.cloned() };
        let body = serde_json::to_vec(&record).map_err(Error::failed)?;
        let mut ops = vec![TxnOp::put(self.key("history", &format!("{}/{version:010}", id.0)), body, None)];
        match spec {
            Some(s) => {
                ops.push(TxnOp::put(self.key("specs", &id.0), serde_json::to_vec(s).map_err(Error::failed)?, None))
            }
            None => ops.push(TxnOp::delete(self.key("specs", &id.0), None)),
        }
        self.fenced(ops).await?;
        Ok(version)
    }
}

#[async_trait]
impl SpecStore for EtcdStore {
    async fn put(&self, spec: &group::Spec) -> Result<u64> {
        self.write(&spec.id, Some(spec)).await
    }

    async fn remove(&self, id: &Id) -> Result<()> {
        self.write(id, None).await.map(|_| ())
    }

    async fn specs(&self) -> Result<Vec<group::Spec>> {
        let mut client = self.client.clone();
        let resp = client.get(self.key("specs", ""), Some(GetOptions::new().with_prefix())).await.map_err(etcd_err)?;
        let mut out = Vec::new();
        for kv in resp.kvs() {
            // One damaged spec must not stop the others from being managed: it is reported and skipped.
            match serde_json::from_slice::<group::Spec>(kv.value()) {
                Ok(spec) => out.push(spec),
                Err(e) => {
                    tracing::error!(key = %String::from_utf8_lossy(kv.key()), error = %e, "skipping an unparsable stored spec")
                }
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    async fn history(&self, id: &Id) -> Result<Vec<SpecVersion>> {
        let mut client = self.client.clone();
        let prefix = self.key("history", &format!("{}/", id.0));
        let resp = client.get(prefix, Some(GetOptions::new().with_prefix())).await.map_err(etcd_err)?;
        let mut out = Vec::new();
        for kv in resp.kvs() {
            let v: SpecVersion = serde_json::from_slice(kv.value()).map_err(|e| {
                Error::failed(format!("etcd key {}: unparsable version: {e}", String::from_utf8_lossy(kv.key())))
            })?;
            out.push(v);
        }
        out.sort_by_key(|v| v.version);
        Ok(out)
    }
}

/// The key prefix of a kind of controller state: `<prefix>/rollouts/<group>`, `<prefix>/inflight/<group>`.
fn state_prefix(kind: StateKind) -> &'static str {
    match kind {
        StateKind::Rollout => "rollouts",
        StateKind::InFlight => "inflight",
    }
}

#[async_trait]
impl StateStore for EtcdStore {
    async fn save(&self, group: &Id, kind: StateKind, doc: &Any) -> Result<()> {
        let key = self.key(state_prefix(kind), &group.0);
        self.fenced(vec![TxnOp::put(key, doc.as_str(), None)]).await
    }

    async fn load(&self, group: &Id, kind: StateKind) -> Result<Option<Any>> {
        let mut client = self.client.clone();
        let key = self.key(state_prefix(kind), &group.0);
        let resp = client.get(key.as_str(), None).await.map_err(etcd_err)?;
        match resp.kvs().first() {
            Some(kv) => serde_json::from_slice(kv.value())
                .map(Some)
                .map_err(|e| Error::failed(format!("etcd key {key}: unparsable stored {kind} of {group}: {e}"))),
            None => Ok(None),
        }
    }

    async fn remove(&self, group: &Id, kind: StateKind) -> Result<()> {
        self.fenced(vec![TxnOp::delete(self.key(state_prefix(kind), &group.0), None)]).await
    }
}
