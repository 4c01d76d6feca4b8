//! Benchmark (prints figures, asserts nothing): round-trip latency and calls per second of
//! `Instance.DescribeInstances` returning 1,000 instances over a UNIX socket.
//!   cargo bench -p infrakit-rpc --bench describe [-- json|mem|file ...]   (the cases to run; all by default)

use async_trait::async_trait;
use infrakit_instance_file::FileInstance;
use infrakit_rpc::clients::{InstanceClient, PluginClient};
use infrakit_rpc::{RpcClient, ServerBuilder, Target};
use infrakit_spi::instance::{Description, Id, Instance, LogicalId, Spec, Tags};
use infrakit_spi::{Any, Result};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// 1,000 instances held in memory, so the figures measure the transport and encoding, not a disk; a listing hands
/// out the descriptions it holds, as the file plugin's index does.
struct InMemory(Vec<Arc<Description>>);

#[async_trait]
impl Instance for InMemory {
    async fn validate(&self, _: Option<&Any>) -> Result<()> {
        Ok(())
    }
    async fn provision(&self, _: Spec) -> Result<Id> {
        Ok(Id("x".into()))
    }
    async fn label(&self, _: &Id, _: &Tags) -> Result<()> {
        Ok(())
    }
    async fn destroy(&self, _: &Id) -> Result<()> {
        Ok(())
    }
    async fn describe_instances(&self, _: &Tags, _: bool) -> Result<Vec<Description>> {
        Ok(self.0.iter().map(|d| (**d).clone()).collect())
    }
    async fn describe_shared(&self, _: &Tags, _: bool) -> Result<Vec<Arc<Description>>> {
        Ok(self.0.clone())
    }
}

fn instances(n: usize) -> Vec<Description> {
    (0..n)
        .map(|i| Description {
            id: Id(format!("instance-{i:019}")),
            logical_id: (i % 10 == 0).then(|| LogicalId(format!("10.0.{}.{}", i / 250, i % 250))),
            tags: [
                ("infrakit.group".to_string(), "cattle".to_string()),
                ("infrakit.config_sha".to_string(), "x4nrsdaibscmj7awpkxzx5vvpt6pilw2".to_string()),
                ("project".to_string(), "infrakit".to_string()),
                ("tier".to_string(), "web".to_string()),
            ]
            .into(),
            properties: None,
        })
        .collect()
}

async fn measure(label: &str, client: Arc<InstanceClient>, concurrency: usize, budget: Duration) {
    let tags: Tags = [("infrakit.group".to_string(), "cattle".to_string())].into();
    // Warm up (handshake, connections).
    for _ in 0..5 {
        assert_eq!(client.describe_instances(&tags, false).await.map(|v| v.len()).unwrap_or(0), 1000);
    }
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, tags) = (client.clone(), tags.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while start.elapsed() < budget && lat.len() < 20_000 {
                let t = Instant::now();
                let n = client.describe_instances(&tags, false).await.map(|v| v.len()).unwrap_or(0);
                assert_eq!(n, 1000);
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    let elapsed = start.elapsed();
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 - 1.0) * p) as usize];
    println!(
        "{label:<38} concurrency {concurrency:>2}: {:>6} calls in {:.2?} = {:>7.0} calls/s; latency p50 {:.2?} p99 {:.2?}",
        all.len(),
        elapsed,
        all.len() as f64 / elapsed.as_secs_f64(),
        pct(0.5),
        pct(0.99)
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mem = ServerBuilder::new("mem")
        .instance(Arc::new(InMemory(instances(1000).into_iter().map(Arc::new).collect())))
        .serve(dir.path())
        .await
        .expect("serve");
    let data = tempfile::tempdir().expect("tempdir");
    let file_plugin = FileInstance::new(data.path()).expect("file plugin");
    for d in instances(1000) {
        let spec = Spec { tags: d.tags, logical_id: d.logical_id, ..Spec::default() };
        file_plugin.provision(spec).await.expect("provision");
    }
    let files = ServerBuilder::new("files").instance(Arc::new(file_plugin)).serve(dir.path()).await.expect("serve");
    let client = |name: &str, sock: &std::path::Path| {
        Arc::new(InstanceClient(PluginClient::new(RpcClient::new(name, Target::Unix(sock.into())), "")))
    };
    let budget = Duration::from_secs(3);
    let cases: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let runs = |case: &str| cases.is_empty() || cases.iter().any(|c| c == case);
    let reply = infrakit_spi::gojson::to_vec(&instances(1000)).map(|v| v.len()).unwrap_or(0);
    println!("DescribeInstances, 1,000 instances per answer ({reply} bytes of JSON), 2 worker threads");
    // The share of the cost that is JSON work alone: encode the answer as Go JSON, decode it back.
    let list = instances(1000);
    let rounds: u32 = if runs("json") { 200 } else { 0 };
    let t = Instant::now();
    for _ in 0..rounds {
        let bytes = infrakit_spi::gojson::to_vec(&list).unwrap_or_default();
        let back: Vec<Description> = serde_json::from_slice(&bytes).unwrap_or_default();
        assert_eq!(back.len(), 1000);
    }
    if runs("json") {
        println!("{:<38} {:.2?} per answer (encode + decode, no socket)", "JSON work alone", t.elapsed() / rounds);
    }
    for c in [1, 4].into_iter().filter(|_| runs("mem")) {
        measure("in-memory plugin over UNIX socket", client("mem", mem.socket()), c, budget).await;
    }
    for c in [1, 4].into_iter().filter(|_| runs("file")) {
        measure("instance-file plugin (1,000 files)", client("files", files.socket()), c, budget).await;
    }
    mem.shutdown().await;
    files.shutdown().await;
}
