//! Task `ryw`: a client always reads its own latest write.

use std::sync::Arc;
use std::time::Duration;

use read_your_writes::Router;
use read_your_writes_given::{Cluster, Config, Policy};
use testkit::check::causal::Guarantee;
use testkit::rng::Rng;

use crate::common::{Client, Run, SEEDS, assert_keeps, pause, run_all};

const SCENARIO: &str = "Scenario: a leader and 3 replicas lagging 1-30 ms behind it; 4 clients, \
    each writing its own key and reading it back (25 operations each, 0-4 ms apart), with \
    Policy::LEADER_AT_ONCE.";

pub fn own_writes_are_always_seen() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let (history, failures) = suite_harness::block_on_paused(async move {
            let config =
                Config::new(3, seed).lag(Duration::from_millis(1), Duration::from_millis(30));
            let cluster = Cluster::new(config);
            let router = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
            let run = Run::new(&cluster, SCENARIO, seed);
            let mut rng = Rng::new(seed);
            let clients = (0..4u32)
                .map(|id| {
                    let mut client = Client::new(id, &router, &run);
                    let mut rng = rng.fork();
                    async move {
                        let key = format!("k{id}");
                        let mut mine = None;
                        let mut written = 0;
                        for i in 0..25 {
                            pause(&mut rng, 4).await;
                            if rng.chance(0.4) {
                                let value = i64::from(id) * 1000 + i;
                                written = client.write(&key, value).await;
                                mine = Some(value);
                                continue;
                            }
                            let (_, result) = client.read(&key).await;
                            let read = result.map_err(|e| {
                                format!(
                                    "client {id} read {key} with Policy::LEADER_AT_ONCE and got \
                                     the error \"{e}\"; with that policy a read never fails"
                                )
                            })?;
                            if read.value != mine || read.version < written {
                                return Err(format!(
                                    "client {id} last wrote {key}={mine:?} at version {written}, \
                                     then read {key}={:?} from {:?} at version {}",
                                    read.value, read.node, read.version
                                ));
                            }
                        }
                        Ok(())
                    }
                })
                .collect();
            let failures = run_all(clients).await;
            (run.history(), failures)
        });
        assert_keeps(&history, Guarantee::ReadYourWrites, SCENARIO, seed);
        if let Some(failure) = failures.first() {
            panic!(
                "{SCENARIO}\nA client's read must return its own latest write, from a node \
                 whose version is at least the version of that write.\n\
                 This one did not (seed {seed}): {failure}"
            );
        }
    }
}
