//! Task `efficiency`: once a replica has caught up with a client, the client's reads go
//! to replicas, not to the leader.

use std::sync::{Arc, Mutex};

use read_your_writes::Router;
use read_your_writes_given::{Cluster, Config, Node, Policy};
use testkit::rng::Rng;

use crate::common::{Client, Run, SEEDS, pause, run_all};

const SCENARIO: &str = "Scenario: a leader and 3 replicas lagging 1-20 ms behind it; 3 clients, \
    each writing its own key, then reading it 4 times 0-10 ms apart, 15 rounds, with \
    Policy::LEADER_AT_ONCE.";

/// The share of eligible reads (some replica had reached the client's floor when the
/// read was called) that replicas must serve.
const REQUIRED: f64 = 0.9;

#[derive(Default)]
struct Tally {
    eligible: u64,
    by_replica: u64,
    said_replica: u64,
}

pub fn caught_up_replicas_serve_reads() {
    let base = suite_harness::seed();
    let mut eligible = 0;
    let mut by_replica = 0;
    for seed in base..base + SEEDS {
        let (tally, stats) = suite_harness::block_on_paused(async move {
            let cluster = Cluster::new(Config::new(3, seed));
            let router = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
            let run = Run::new(&cluster, SCENARIO, seed);
            let tally = Arc::new(Mutex::new(Tally::default()));
            let mut rng = Rng::new(seed);
            let clients = (0..3u32)
                .map(|id| {
                    let mut client = Client::new(id, &router, &run);
                    let mut rng = rng.fork();
                    let tally = Arc::clone(&tally);
                    let cluster = cluster.clone();
                    async move {
                        let key = format!("k{id}");
                        for round in 0..15 {
                            client.write(&key, i64::from(id) * 1000 + round).await;
                            for _ in 0..4 {
                                pause(&mut rng, 10).await;
                                let ready = (0..cluster.replicas())
                                    .any(|i| cluster.version(i) >= client.floor);
                                let (_, result) = client.read(&key).await;
                                let read = result.map_err(|e| {
                                    format!("client {id} got the error \"{e}\" with LEADER_AT_ONCE")
                                })?;
                                let mut t = tally.lock().unwrap();
                                let on_replica = matches!(read.node, Node::Replica(_));
                                t.said_replica += u64::from(on_replica);
                                if ready {
                                    t.eligible += 1;
                                    t.by_replica += u64::from(on_replica);
                                }
                            }
                        }
                        Ok(())
                    }
                })
                .collect();
            let failures = run_all(clients).await;
            if let Some(f) = failures.first() {
                panic!("{SCENARIO}\n{f} (seed {seed})");
            }
            let tally = std::mem::take(&mut *tally.lock().unwrap());
            (tally, cluster.stats())
        });
        assert_eq!(
            tally.said_replica, stats.replica_reads,
            "{SCENARIO}\nThe reads whose Read::node is a replica must be exactly the reads \
             the replicas served (seed {seed}); the cluster counted {stats:?}"
        );
        eligible += tally.eligible;
        by_replica += tally.by_replica;
    }
    let share = by_replica as f64 / eligible.max(1) as f64;
    assert!(
        eligible > 0 && share >= REQUIRED,
        "{SCENARIO}\nOver seeds {base}..{}: {eligible} reads were called when some replica \
         had already reached the client's floor; replicas served {by_replica} of them \
         ({:.0}%). At least {:.0}% must go to a replica: the leader is the slowest and busiest \
         node, and any replica at the floor is just as correct.",
        base + SEEDS,
        share * 100.0,
        REQUIRED * 100.0
    );
}
