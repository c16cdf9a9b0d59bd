//! Task `monotonic`: what a client read raises its floor, so its reads never go back.

use std::sync::Arc;
use std::time::Duration;

use read_your_writes::Router;
use read_your_writes_given::{Cluster, Config, Policy};
use testkit::check::causal::Guarantee;
use testkit::rng::Rng;

use crate::common::{Client, Run, SEEDS, assert_keeps, pause, run_all};

const SCENARIO: &str = "Scenario: a leader and 4 replicas lagging 1-40 ms behind it; client 0 \
    writes x = 1, 2, ..., 30 (0-3 ms apart); clients 1-3 only read x, 30 times each, 0-3 ms \
    apart, with Policy::LEADER_AT_ONCE.";

pub fn reads_never_go_back() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let (history, failures) = suite_harness::block_on_paused(async move {
            let config =
                Config::new(4, seed).lag(Duration::from_millis(1), Duration::from_millis(40));
            let cluster = Cluster::new(config);
            let router = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
            let run = Run::new(&cluster, SCENARIO, seed);
            let mut rng = Rng::new(seed);
            let mut writer = Client::new(0, &router, &run);
            let mut writer_rng = rng.fork();
            let mut clients: Vec<std::pin::Pin<Box<dyn Future<Output = _> + Send>>> =
                vec![Box::pin(async move {
                    for value in 1..=30 {
                        pause(&mut writer_rng, 3).await;
                        writer.write("x", value).await;
                    }
                    Ok(())
                })];
            for id in 1..4u32 {
                let mut reader = Client::new(id, &router, &run);
                let mut rng = rng.fork();
                clients.push(Box::pin(async move {
                    let mut last = None;
                    for _ in 0..30 {
                        pause(&mut rng, 3).await;
                        let (floor, result) = reader.read("x").await;
                        let read = result.map_err(|e| {
                            format!("client {id} got the error \"{e}\" with LEADER_AT_ONCE")
                        })?;
                        if read.version < floor {
                            return Err(format!(
                                "client {id} had been served x={last:?} at version {floor}, \
                                 then x={:?} by {:?} at version {}",
                                read.value, read.node, read.version
                            ));
                        }
                        last = read.value;
                    }
                    Ok(())
                }));
            }
            let failures = run_all(clients).await;
            (run.history(), failures)
        });
        assert_keeps(&history, Guarantee::MonotonicReads, SCENARIO, seed);
        if let Some(failure) = failures.first() {
            panic!(
                "{SCENARIO}\nOnce a client was served by a node at version v, every later read \
                 of that client must come from a node at v or beyond, or it may see time go \
                 backwards. This one did not (seed {seed}): {failure}"
            );
        }
    }
}
