//! Task `deadline`, at random: replicas cut off and reconnected at random times, clients
//! with waits and fallbacks of their own, and every read keeping to its policy.

use std::sync::Arc;
use std::time::Duration;

use crate::student::Router;
use read_your_writes_given::{Cluster, Config, Fallback, LEADER_DELAY, Node, Policy};
use testkit::rng::Rng;
use testkit::shrink::RunSize;

use crate::common::{Client, MS, Outcome, Run, pause, run_all};
use crate::random::{Failure, each_seed, replicas};

const STALLS_START: RunSize = RunSize {
    nodes: 4,
    clients: 3,
    ops: 30,
    faults: 25,
};

/// Seeds of the randomized test.
const SEEDS: u64 = 40;

fn describe_stalls(size: &RunSize) -> String {
    format!(
        "Scenario: {} replicas lagging 1-20 ms behind the leader; {} times a replica is cut \
         off or reconnected, every 5-20 ms; {} clients (ids 10 and up), each with its own wait \
         (0-30 ms) and fallback, each doing {} operations on its own key or a shared key x.",
        replicas(size),
        size.faults,
        size.clients,
        size.ops
    )
}

/// Replicas cut off and reconnected at random, clients with waits and fallbacks of
/// their own: every read keeps to its policy.
pub fn random_stalls_keep_every_policy() {
    each_seed(SEEDS, STALLS_START, describe_stalls, |seed, size| {
        stalls(seed, *size).map_err(Failure::from)
    });
}

fn stalls(seed: u64, size: RunSize) -> Result<(), String> {
    suite_harness::block_on_paused(async move {
        let n = replicas(&size);
        let cluster = Cluster::new(Config::new(n, seed));
        let run = Run::new(&cluster);
        let mut rng = Rng::new(seed);
        let mut chaos = rng.fork();
        let director = cluster.clone();
        let faults = tokio::spawn(async move {
            let mut stalled = vec![false; n];
            for _ in 0..size.faults {
                tokio::time::sleep(Duration::from_millis(chaos.between(5, 20))).await;
                let i = chaos.index(n);
                stalled[i] = !stalled[i];
                if stalled[i] {
                    director.stall(i);
                } else {
                    director.resume(i);
                }
            }
            (0..n).for_each(|i| director.resume(i));
        });
        let clients = (0..size.clients)
            .map(|c| {
                let id = 10 + c as u32;
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
                    for i in 0..size.ops {
                        pause(&mut rng, 5).await;
                        let key = if rng.chance(0.5) { own.as_str() } else { "x" };
                        if rng.chance(0.4) {
                            client.write(key, i64::from(id) * 1000 + i as i64).await?;
                            continue;
                        }
                        let out = client.read(key).await?;
                        obeys(id, &out, policy)?;
                    }
                    Ok(())
                }
            })
            .collect();
        let failures = run_all(clients).await;
        faults.await.expect("the fault schedule runs to its end");
        match failures.into_iter().next() {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    })
}

/// The rules of the task for one read of the randomized test, under `policy`.
///
/// What a read answered is not judged here. A read below its floor is rule ryw.3 when
/// it went there at once and deadline.5 when it went there at the deadline, and in a
/// random run the two cannot be told apart (a replica may reach the floor minus one at
/// the deadline); the hand-built scenarios above judge deadline.5 where they can. Nor
/// are `needed` and `best`, which the scenario at the deadline checks exactly: in a
/// random run a floor computed too high (task `efficiency`) shows in them first.
fn obeys(id: u32, out: &Outcome, policy: Policy) -> Result<(), String> {
    let wrong = match (&out.result, policy.fallback) {
        (Err(_), Fallback::Leader) => {
            "With Fallback::Leader a read never fails: at the deadline the leader serves it \
             (deadline.2)."
        }
        (Ok(read), Fallback::Error) if read.node == Node::Leader && out.took <= LEADER_DELAY => {
            "With Fallback::Error the leader never serves a read (deadline.3); this one went \
             there at once, and if your router sends every read to the leader, task efficiency \
             fails too: check it first."
        }
        (Ok(read), Fallback::Error) if read.node == Node::Leader => {
            "With Fallback::Error the leader never serves a read (deadline.3)."
        }
        (Ok(_), _) if out.took > policy.wait + LEADER_DELAY + MS => {
            "It answered later than its wait and a read of the leader allow (deadline.1)."
        }
        (Err(_), _) => {
            if out.took != policy.wait {
                "It failed before or after its deadline, which is exactly its wait after the \
                 call (deadline.1)."
            } else if out.floor_after != out.floor_before {
                "A read that fails leaves the session's floor where it was (deadline.4)."
            } else {
                return Ok(());
            }
        }
        _ => return Ok(()),
    };
    Err(format!("{} ({policy:?}).\n{wrong}", out.describe(id)))
}
