//! Task `deadline`: a read waits for a replica until its deadline, then reads from the
//! leader or fails, and never answers with a state older than the session's floor.

use std::sync::Arc;
use std::time::Duration;

use read_your_writes::Router;
use read_your_writes_given::{Cluster, Config, Fallback, Node, Policy, ReadError};
use testkit::check::causal::Guarantee;
use testkit::rng::Rng;
use tokio::time::Instant;

use crate::common::{Client, Run, SEEDS, assert_keeps, pause, run_all};

const MS: Duration = Duration::from_millis(1);

const CATCH_UP: &str = "Scenario: 3 replicas lagging 10-30 ms behind the leader; a client \
    writes k, then reads it at once with Policy { wait: 100 ms, fallback: Error }. No replica \
    has the write yet, but every one has it within 30 ms.";

pub fn a_read_waits_for_a_replica_to_catch_up() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        suite_harness::block_on_paused(async move {
            let config = Config::new(3, seed).lag(10 * MS, 30 * MS);
            let policy = Policy {
                wait: 100 * MS,
                fallback: Fallback::Error,
            };
            let cluster = Cluster::new(config);
            let router = Arc::new(Router::new(cluster.clone(), policy));
            let mut client = Client::new(0, &router, &Run::new(&cluster, CATCH_UP, seed));
            let value = i64::try_from(seed % 1_000_000).unwrap_or(0);
            let version = client.write("k", value).await;
            let start = Instant::now();
            let (_, result) = client.read("k").await;
            let took = start.elapsed();
            match result {
                Ok(read)
                    if matches!(read.node, Node::Replica(_))
                        && read.value == Some(value)
                        && read.version >= version
                        && took <= 32 * MS => {}
                other => panic!(
                    "{CATCH_UP}\nA correct read waits until the first replica reaches version \
                     {version}, then reads there: k={value} from a replica within about \
                     31 ms. This one answered {other:?} after {took:?} (seed {seed})."
                ),
            }
        });
    }
}

const DEADLINE: &str = "Scenario: 2 replicas; a client writes k=1, 30 ms later k=2 (version \
    2), and both replicas are cut off from the leader at once, before they apply k=2. Reads \
    wait at most 50 ms.";

pub fn at_the_deadline_the_leader_or_an_error() {
    let base = suite_harness::seed();
    for seed in base..base + 10 {
        suite_harness::block_on_paused(async move {
            let cluster = Cluster::new(Config::new(2, seed));
            let wait = 50 * MS;
            let to_leader = Arc::new(Router::new(
                cluster.clone(),
                Policy {
                    wait,
                    fallback: Fallback::Leader,
                },
            ));
            let to_error = Arc::new(Router::new(
                cluster.clone(),
                Policy {
                    wait,
                    fallback: Fallback::Error,
                },
            ));
            let mut client = Client::new(0, &to_leader, &Run::new(&cluster, DEADLINE, seed));
            client.write("k", 1).await;
            tokio::time::sleep(30 * MS).await;
            let version = client.write("k", 2).await;
            cluster.stall(0);
            cluster.stall(1);

            let start = Instant::now();
            let (_, result) = client.read("k").await;
            let took = start.elapsed();
            let ok = matches!(&result, Ok(r) if r.node == Node::Leader && r.value == Some(2));
            assert!(
                ok && took >= wait && took <= wait + 6 * MS,
                "{DEADLINE}\nWith fallback Leader a correct read waits the full 50 ms for a \
                 replica, then reads k=2 from the leader (5 ms more). This one answered \
                 {result:?} after {took:?} (seed {seed})."
            );

            client.router = to_error;
            let before = cluster.stats();
            let start = Instant::now();
            let (_, result) = client.read("k").await;
            let took = start.elapsed();
            let expected = ReadError::Deadline {
                needed: version,
                best: 1,
            };
            assert!(
                result == Err(expected) && took >= wait && took <= wait + MS,
                "{DEADLINE}\nWith fallback Error a correct read waits the full 50 ms, then \
                 fails with {expected:?}: the replicas only have k=1, and answering that \
                 would silently show the client a state older than its own write. This one \
                 answered {result:?} after {took:?} (seed {seed})."
            );
            assert_eq!(
                cluster.stats(),
                before,
                "{DEADLINE}\nA read that fails at its deadline must not have been served by \
                 any node (seed {seed})."
            );

            cluster.resume(1);
            let (_, result) = client.read("k").await;
            let ok = matches!(&result, Ok(r) if r.node == Node::Replica(1) && r.value == Some(2));
            assert!(
                ok,
                "{DEADLINE}\nOnce replica 1 is reconnected it applies k=2 at once, so a read \
                 with fallback Error succeeds there. This one answered {result:?} \
                 (seed {seed})."
            );
        });
    }
}

const STALLS: &str = "Scenario: 3 replicas lagging 1-20 ms behind the leader, cut off and \
    reconnected at random every 5-20 ms; 3 clients, each with its own wait (0-30 ms) and \
    fallback, writing and reading their own key and a shared key x.";

pub fn stalls_never_show_stale_data() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let (history, failures) = suite_harness::block_on_paused(async move {
            let cluster = Cluster::new(Config::new(3, seed));
            let run = Run::new(&cluster, STALLS, seed);
            let mut rng = Rng::new(seed);
            let mut chaos = rng.fork();
            let chaos_cluster = cluster.clone();
            let chaos = tokio::spawn(async move {
                let mut stalled = [false; 3];
                for _ in 0..25 {
                    tokio::time::sleep(Duration::from_millis(chaos.between(5, 20))).await;
                    let i = chaos.index(3);
                    stalled[i] = !stalled[i];
                    if stalled[i] {
                        chaos_cluster.stall(i);
                    } else {
                        chaos_cluster.resume(i);
                    }
                }
                (0..3).for_each(|i| chaos_cluster.resume(i));
            });
            let clients = (0..3u32)
                .map(|id| {
                    let mut rng = rng.fork();
                    let policy = Policy {
                        wait: Duration::from_millis(rng.between(0, 30)),
                        fallback: if rng.chance(0.5) {
                            Fallback::Leader
                        } else {
                            Fallback::Error
                        },
                    };
                    let router = Arc::new(Router::new(cluster.clone(), policy));
                    let mut client = Client::new(id, &router, &run);
                    async move {
                        let own = format!("k{id}");
                        for i in 0..30 {
                            pause(&mut rng, 5).await;
                            let key = if rng.chance(0.5) { own.as_str() } else { "x" };
                            if rng.chance(0.4) {
                                client.write(key, i64::from(id) * 1000 + i).await;
                                continue;
                            }
                            let (floor, result) = client.read(key).await;
                            match result {
                                Ok(read) if read.version < floor => {
                                    return Err(format!(
                                        "client {id} ({policy:?}) had seen version {floor}, \
                                         then read {key}={:?} from {:?} at version {}",
                                        read.value, read.node, read.version
                                    ));
                                }
                                Err(e) if policy.fallback == Fallback::Leader => {
                                    return Err(format!(
                                        "client {id} ({policy:?}) got the error \"{e}\", \
                                         although its fallback is the leader"
                                    ));
                                }
                                _ => {}
                            }
                        }
                        Ok(())
                    }
                })
                .collect();
            let failures = run_all(clients).await;
            chaos.await.expect("the fault schedule runs to its end");
            (run.history(), failures)
        });
        if let Some(failure) = failures.first() {
            panic!(
                "{STALLS}\nA read answers from a node at the session's floor or beyond, from \
                 the leader, or with an error; never with older data. This run broke that \
                 (seed {seed}): {failure}"
            );
        }
        assert_keeps(&history, Guarantee::ReadYourWrites, STALLS, seed);
        assert_keeps(&history, Guarantee::MonotonicReads, STALLS, seed);
    }
}
