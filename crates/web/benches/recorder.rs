//! Benchmark (prints figures, asserts nothing): what `--http`'s recorder costs the controller per pass, which is
//! what `Observer::listed` does with a group's members (the no-op default costs nothing).
//! `cargo bench -p infrakit-web --bench recorder`

use infrakit_group::model::Member;
use infrakit_group::observe::Observer;
use infrakit_spi::flavor::Health;
use infrakit_spi::group::Id as GroupId;
use infrakit_spi::instance::{Description, Id};
use infrakit_web::Recorder;
use std::sync::Arc;
use std::time::Instant;

fn members(n: usize, from: usize) -> Vec<Member> {
    (from..from + n)
        .map(|i| Member {
            desc: Arc::new(Description {
                id: Id(format!("instance-{i:08}")),
                logical_id: None,
                tags: Default::default(),
                properties: None,
            }),
            sha: None,
            health: Health::Healthy,
            first_seen: 0,
            first_listing: 1,
            unhealthy_since: None,
            healthy_since: Some(0),
            healthy_count: 1,
        })
        .collect()
}

fn main() {
    let group = GroupId("bench".into());
    for n in [1_000usize, 10_000, 100_000] {
        let recorder = Recorder::default();
        let steady = members(n, 0);
        recorder.listed(&group, &steady, 0);
        let rounds = (1_000_000 / n).clamp(5, 200);
        let start = Instant::now();
        for _ in 0..rounds {
            recorder.listed(&group, &steady, 0);
        }
        let per = start.elapsed().as_secs_f64() * 1000.0 / rounds as f64;
        // One lost and one new each pass: the events and the replacement histogram too.
        let mut churn = members(n, 0);
        let start = Instant::now();
        for r in 0..rounds {
            churn.remove(0);
            churn.extend(members(1, n + r));
            recorder.listed(&group, &churn, 0);
        }
        let churned = start.elapsed().as_secs_f64() * 1000.0 / rounds as f64;
        println!(
            "recorder: listed() of {n:>7} members  steady {per:>8.3} ms/pass   one lost+one new {churned:>8.3} ms/pass"
        );
    }
}
