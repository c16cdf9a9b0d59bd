//! Task `monotonic`: what a client read raises its floor, so its reads never go back.
//!
//! The tests judge the floor a read leaves behind (`Session::floor` after it), not which
//! node the next read goes to: a read sent below the floor is rule ryw.3, graded by task
//! `ryw`, so a router that ignores its floor does not cost this task's points too.

use std::sync::Arc;

use crate::student::Router;
use crate::student::Session;
use read_your_writes_given::{Cluster, Config, Node, Policy, Version};
use testkit::check::causal::Guarantee;
use testkit::rng::Rng;
use testkit::shrink::RunSize;

use crate::common::{Client, Clock, MS, Outcome, Run, node_name, pause, run_all};
use crate::random::{Failure, each_seed, replicas, violation};

/// Seeds of the randomized test.
const SEEDS: u64 = 30;

const START: RunSize = RunSize {
    nodes: 5,
    clients: 3,
    ops: 30,
    faults: 0,
};

fn describe(size: &RunSize) -> String {
    format!(
        "Scenario: a leader and {} replicas lagging 1-40 ms behind it; client 9 writes x = 1, \
         2, ..., {} (0-3 ms apart); {} clients (ids 10 and up) only read x, {} times each, \
         0-3 ms apart, with Policy::LEADER_AT_ONCE.",
        replicas(size),
        size.ops,
        size.clients,
        size.ops
    )
}

pub fn reads_never_go_back() {
    each_seed(SEEDS, START, describe, |seed, size| {
        let size = *size;
        let (history, failures) = suite_harness::block_on_paused(async move {
            let config = Config::new(replicas(&size), seed).lag(MS, 40 * MS);
            let cluster = Cluster::new(config);
            let router = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
            let run = Run::new(&cluster);
            let mut rng = Rng::new(seed);
            let mut writer = Client::new(9, &router, &run);
            let mut writer_rng = rng.fork();
            let mut clients: Vec<std::pin::Pin<Box<dyn Future<Output = _> + Send>>> =
                vec![Box::pin(async move {
                    for value in 1..=size.ops as i64 {
                        pause(&mut writer_rng, 3).await;
                        writer.write("x", value).await?;
                    }
                    Ok(())
                })];
            for c in 0..size.clients {
                let mut reader = Client::new(10 + c as u32, &router, &run);
                let mut rng = rng.fork();
                clients.push(Box::pin(async move {
                    for _ in 0..size.ops {
                        pause(&mut rng, 3).await;
                        let out = reader.read("x").await?;
                        raises_the_floor(reader.id, &out)?;
                    }
                    Ok(())
                }));
            }
            let failures = run_all(clients).await;
            (run.history(), failures)
        });
        let Some(failure) = failures.into_iter().next() else {
            return Ok(());
        };
        // The history shows what the lower floor led to, when it led to a read going back.
        let title = format!("{} (seed {seed})", describe(&size));
        Err(
            match violation(&history, Guarantee::MonotonicReads, &title) {
                Some(found) => Failure {
                    message: format!(
                        "{failure}\nIt led to this in the history:\n{}",
                        found.message
                    ),
                    report: found.report,
                },
                None => failure.into(),
            },
        )
    });
}

/// monotonic.1: after a read answered at version `v`, the floor is at least `v`. Says
/// which mistake the floors show: no change at all, or the version the node had when
/// the read began rather than the one it answered at.
fn raises_the_floor(id: u32, out: &Outcome) -> Result<(), String> {
    let Ok(read) = &out.result else {
        return Ok(());
    };
    if out.floor_after >= read.version {
        return Ok(());
    }
    let at_call = match read.node {
        Node::Replica(i) => out.versions_at_call.get(i).copied(),
        Node::Leader => None,
    };
    let why = if at_call == Some(out.floor_after) {
        format!(
            "{} was at version {} when the read began and applied more writes before it \
             answered; the floor stayed at that first version, as if the session noted the \
             version the replica had when it was chosen (or noted nothing). The floor must take \
             the version in the answer: the state the client saw.",
            node_name(read.node),
            out.floor_after
        )
    } else if read.node == Node::Leader && out.floor_after <= out.floor_before {
        "The leader served it, and the read did not raise the floor: a read the leader \
         served counts as much as one a replica served, since the client saw the leader's \
         state, and later writes of others with it."
            .to_owned()
    } else if out.floor_after <= out.floor_before {
        "The read did not raise the floor at all: Router::read must note the version it was \
         served at in the session (Session::read), and Session::floor must count it."
            .to_owned()
    } else {
        "The floor rose, but not to the version the client was served at.".to_owned()
    };
    Err(format!(
        "{}.\nOnce a read has answered at version {}, the session's floor is at least {} \
         (monotonic.1); otherwise a later read may go to a node further behind and show the \
         client an older state. {why}",
        out.describe(id),
        read.version,
        read.version
    ))
}

const MID_READ: &str = "Scenario: a leader and 3 replicas that apply each write exactly 10 ms \
    after the leader took it. Client 9 writes x=1 at 0 ms: the leader takes it at 5 ms and \
    every replica applies it at 15 ms. At 14.5 ms clients 10, 11 (sharing a router) and 12 \
    (with a router of its own), who never write, read x at the same instant, with \
    Policy::LEADER_AT_ONCE: the replicas are at version 0 when the reads begin and at \
    version 1 when they answer, 1 ms later. Each then reads x three more times. At 30 ms \
    client 13 writes k13 (version 2), at 31 ms client 9 writes x again (version 3), and at \
    36 ms client 13 reads k13: no replica has its write yet, so the leader serves it, at \
    version 3.";

/// A read that lands while its replica applies a write: the floor must take the version
/// the replica answered at, not the one it had when it was chosen. And a read the leader
/// serves beyond the client's own write: the floor takes the leader's version.
pub fn the_floor_takes_the_version_the_node_answered_at() {
    if let Err(message) = suite_harness::block_on_paused(mid_read()) {
        panic!("{MID_READ}\n{message}");
    }
}

async fn mid_read() -> Result<(), String> {
    let cluster = Cluster::new(Config::new(3, 11).lag(10 * MS, 10 * MS));
    let run = Run::new(&cluster);
    let shared = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
    let own = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
    let clock = Clock::start();
    let mut writer = Client::new(9, &own, &run);
    writer.write("x", 1).await?;
    clock.at(14).await;
    // Half a millisecond past the tick: the replicas apply the write on the tick of 15 ms,
    // and a read called now answers on the tick of 16 ms, so the write lands strictly
    // between the call and the answer.
    tokio::time::advance(MS / 2).await;
    let clients = [(10, &shared), (11, &shared), (12, &own)]
        .into_iter()
        .map(|(id, router)| {
            let mut client = Client::new(id, router, &run);
            async move {
                for _ in 0..4 {
                    let out = client.read("x").await?;
                    raises_the_floor(id, &out)?;
                }
                Ok(())
            }
        })
        .collect();
    if let Some(failure) = run_all(clients).await.into_iter().next() {
        return Err(failure);
    }
    let mut client = Client::new(13, &shared, &run);
    let (own_write, other_write) = tokio::join!(
        async {
            clock.at(30).await;
            client.write("k13", 13).await
        },
        async {
            clock.at(31).await;
            writer.write("x", 2).await
        },
    );
    own_write?;
    other_write?;
    let out = client.read("k13").await?;
    raises_the_floor(13, &out)
}

/// `Session::read` on its own: the floor covers the highest version read, whatever
/// order the versions come in, and a lower write does not lower it.
pub fn session_keeps_the_highest_read() {
    let mut session = Session::new();
    let mut noted = Vec::new();
    let mut highest = 0;
    for (read, version) in [(true, 7), (true, 4), (false, 2), (true, 13), (true, 10)] {
        if read {
            session.read(version);
            highest = Version::max(highest, version);
            noted.push(format!("read({version})"));
        } else {
            session.wrote(version);
            noted.push(format!("wrote({version})"));
        }
        let floor = session.floor();
        if floor < highest {
            panic!(
                "A new session, then {}: session.floor() is {floor}. Once Session::read(v) was \
                 called the floor is at least v, and noting a lower version afterwards, read or \
                 written, never lowers it (monotonic.2).",
                noted.join(", ")
            );
        }
    }
}
