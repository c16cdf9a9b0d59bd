//! Task `efficiency`: once a replica has caught up with a client, the client's reads go
//! to replicas, not to the leader, and spread over them.

use std::sync::{Arc, Mutex};

use crate::student::Router;
use crate::student::Session;
use read_your_writes_given::{Cluster, Config, Event, Node, Policy, Version};
use testkit::rng::Rng;
use testkit::shrink::RunSize;

use crate::common::{Client, Clock, MS, Outcome, Run, node_name, pause, run_all};
use crate::random::{Failure, fail_smallest, replicas};

/// The share of eligible reads (some replica had reached the client's floor when the
/// read was called) that replicas must serve.
const REQUIRED: f64 = 0.9;

/// Seeds of the randomized test.
const SEEDS: u64 = 40;

const START: RunSize = RunSize {
    nodes: 4,
    clients: 3,
    ops: 15,
    faults: 0,
};

fn describe(size: &RunSize) -> String {
    format!(
        "Scenario: a leader and {} replicas lagging 1-20 ms behind it; {} clients (ids 10 \
         and up), each writing its own key, then reading it 4 times 0-10 ms apart, {} rounds, \
         with Policy::LEADER_AT_ONCE.",
        replicas(size),
        size.clients,
        size.ops
    )
}

/// What one run counted: reads called while a replica was at the floor, how many of them
/// a replica served, and a few of the others in words.
#[derive(Default)]
struct Tally {
    eligible: u64,
    by_replica: u64,
    examples: Vec<String>,
}

impl Tally {
    fn count(&mut self, id: u32, out: &Outcome) {
        if !out.replica_was_ready() {
            return;
        }
        self.eligible += 1;
        match &out.result {
            Ok(read) if matches!(read.node, Node::Replica(_)) => self.by_replica += 1,
            _ if self.examples.len() < 4 => self.examples.push(out.describe(id)),
            _ => {}
        }
    }

    fn share(&self) -> f64 {
        self.by_replica as f64 / self.eligible.max(1) as f64
    }

    fn too_few(&self) -> bool {
        self.eligible >= 5 && self.share() < REQUIRED
    }

    fn explain(&self) -> String {
        format!(
            "Of {} reads called while some replica was at the client's floor, replicas served \
             {} ({:.0}%); at least {:.0}% must go to a replica (efficiency.1). For example:\n  {}",
            self.eligible,
            self.by_replica,
            self.share() * 100.0,
            REQUIRED * 100.0,
            self.examples.join("\n  ")
        )
    }
}

fn one_run(seed: u64, size: RunSize) -> Result<Tally, String> {
    suite_harness::block_on_paused(async move {
        let cluster = Cluster::new(Config::new(replicas(&size), seed));
        let router = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
        let run = Run::new(&cluster);
        let tally = Arc::new(Mutex::new(Tally::default()));
        let mut rng = Rng::new(seed);
        let clients = (0..size.clients)
            .map(|c| {
                let mut client = Client::new(10 + c as u32, &router, &run);
                let mut rng = rng.fork();
                let tally = Arc::clone(&tally);
                async move {
                    let id = client.id;
                    let key = format!("k{id}");
                    for round in 0..size.ops {
                        client
                            .write(&key, i64::from(id) * 1000 + round as i64)
                            .await?;
                        for _ in 0..4 {
                            pause(&mut rng, 10).await;
                            let out = client.read(&key).await?;
                            tally.lock().unwrap().count(id, &out);
                        }
                    }
                    Ok(())
                }
            })
            .collect();
        if let Some(failure) = run_all(clients).await.into_iter().next() {
            return Err(failure);
        }
        Ok(std::mem::take(&mut *tally.lock().unwrap()))
    })
}

pub fn caught_up_replicas_serve_reads() {
    let base = suite_harness::seed();
    let mut total = Tally::default();
    let mut worst: Option<(u64, f64)> = None;
    for seed in base..base + SEEDS {
        let tally = match one_run(seed, START) {
            Ok(tally) => tally,
            Err(message) => {
                let failure = Failure::from(message);
                fail_smallest(seed, START, failure, &describe, &|seed, size| {
                    one_run(seed, *size).map(|_| ()).map_err(Failure::from)
                })
            }
        };
        if tally.too_few() && worst.is_none_or(|(_, share)| tally.share() < share) {
            worst = Some((seed, tally.share()));
        }
        total.eligible += tally.eligible;
        total.by_replica += tally.by_replica;
    }
    if total.eligible > 0 && total.share() >= REQUIRED {
        return;
    }
    let overall = format!(
        "Over seeds {base}..{}: {} reads were called while some replica had already reached \
         the client's floor, and replicas served {} of them ({:.0}%). At least {:.0}% must go \
         to a replica: the leader is the slowest and busiest node, and any replica at the \
         floor is just as correct (efficiency.1).",
        base + SEEDS,
        total.eligible,
        total.by_replica,
        total.share() * 100.0,
        REQUIRED * 100.0
    );
    let Some((seed, _)) = worst else {
        panic!("{}\n{overall}", describe(&START));
    };
    let run = |seed: u64, size: &RunSize| match one_run(seed, *size) {
        Ok(tally) if tally.too_few() => Err(Failure::from(format!(
            "{overall}\nThe run below shows it.\n{}",
            tally.explain()
        ))),
        Ok(_) => Ok(()),
        Err(message) => Err(Failure::from(message)),
    };
    let failure = run(seed, &START).expect_err("the worst seed fails");
    fail_smallest(seed, START, failure, &describe, &run)
}

const AT_THE_FLOOR: &str = "Scenario: a leader and 3 replicas that apply each write exactly \
    10 ms after the leader took it; clients 10 to 19, the even ones sharing a router and the \
    odd ones each with a router of its own, all with Policy::LEADER_AT_ONCE. (1) At 0 ms the \
    ten clients, new, read a at the same instant: every replica is at version 0, their floor. \
    (2) From 100 ms on, 30 ms apart, each client writes its own key and reads it back 20 ms \
    later: every replica is then exactly at the client's floor. (3) At 450 ms every replica \
    is cut off, and client 9 writes x twice, so the leader is two writes ahead of every \
    replica; at 500 ms the ten clients read their own keys at the same instant: every \
    replica is at or beyond their floors.";

/// A replica exactly at the floor serves, also when the leader is further ahead, and a
/// new session's floor is 0. Each client is judged on one read per step: a read the
/// leader served raises the floor to the leader's version, after which the leader is
/// right to serve that client, so only a first read can show the mistake.
pub fn a_replica_exactly_at_the_floor_serves() {
    let new_floor = Session::new().floor();
    assert!(
        new_floor == 0,
        "{AT_THE_FLOOR}\nSession::new().floor() is {new_floor}: a client that has seen \
         nothing may be served by any node, so a new session's floor is 0 (efficiency.3)."
    );
    if let Err(message) = suite_harness::block_on_paused(at_the_floor()) {
        panic!("{AT_THE_FLOOR}\n{message}");
    }
}

/// One judged read: the client, what it had seen (the highest version it wrote or was
/// served, kept by the test), and the read.
type Judged = (u32, Version, Outcome);

async fn at_the_floor() -> Result<(), String> {
    let cluster = Cluster::new(Config::new(3, 5).lag(10 * MS, 10 * MS));
    let run = Run::new(&cluster);
    let shared = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
    let clock = Clock::start();
    let director = cluster.clone();
    let mut writer = Client::new(9, &shared, &run);
    let ahead = tokio::spawn(async move {
        clock.at(450).await;
        (0..3).for_each(|i| director.stall(i));
        writer.write("x", 1).await?;
        writer.write("x", 2).await.map(|_| ())
    });
    let steps = Arc::new(Mutex::new([Vec::new(), Vec::new(), Vec::new()]));
    let clients = (0..10u32)
        .map(|i| {
            let router = if i % 2 == 0 {
                Arc::clone(&shared)
            } else {
                Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE))
            };
            let mut client = Client::new(10 + i, &router, &run);
            let steps = Arc::clone(&steps);
            async move {
                let id = client.id;
                let key = format!("k{id}");
                let mut seen = 0;
                for step in 0..3 {
                    match step {
                        0 => {}
                        1 => {
                            clock.at(100 + 30 * u64::from(i)).await;
                            seen = seen.max(client.write(&key, i64::from(id)).await?);
                            clock.at(120 + 30 * u64::from(i)).await;
                        }
                        _ => clock.at(500).await,
                    }
                    let out = client.read(if step == 0 { "a" } else { &key }).await?;
                    if let Some(blame) = out.below_floor(id) {
                        return Err(blame);
                    }
                    let before = seen;
                    if let Ok(read) = &out.result {
                        seen = seen.max(read.version);
                    }
                    steps.lock().unwrap()[step].push((id, before, out));
                }
                Ok(())
            }
        })
        .collect();
    if let Some(failure) = run_all(clients).await.into_iter().next() {
        return Err(failure);
    }
    ahead.await.expect("the writer's task ends")?;
    let steps = std::mem::take(&mut *steps.lock().unwrap());
    for (step, reads) in steps.iter().enumerate() {
        replicas_served(step + 1, reads)?;
    }
    Ok(())
}

/// At least nine of the ten reads of a step were served by a replica, when a replica had
/// what the client had seen; otherwise says what the floors show.
fn replicas_served(step: usize, reads: &[Judged]) -> Result<(), String> {
    let missed: Vec<&Judged> = reads
        .iter()
        .filter(|(_, seen, out)| {
            let by_replica =
                matches!(&out.result, Ok(read) if matches!(read.node, Node::Replica(_)));
            !by_replica && out.versions_at_call.iter().any(|v| v >= seen)
        })
        .collect();
    if missed.len() <= 1 {
        return Ok(());
    }
    let (id, seen, first) = missed[0];
    let why = if first.floor_before > *seen {
        format!(
            "session.floor() was {}, but the client had written or been served nothing above \
             version {seen}: the floor asks for no more than the client has seen \
             (efficiency.2).",
            first.floor_before
        )
    } else if let Ok(read) = &first.result
        && read.node == Node::Leader
        && first.versions_at_call.iter().all(|&v| v < read.version)
        && first
            .versions_at_call
            .iter()
            .any(|&v| v >= first.floor_before)
    {
        format!(
            "The replicas were at or beyond the client's floor {}; only the leader, at version \
             {}, was further ahead. A replica at the floor is as good as the leader for this \
             client, however far ahead the leader is (efficiency.2).",
            first.floor_before, read.version
        )
    } else if first.versions_at_call.contains(&first.floor_before) {
        "A replica was exactly at the floor: a replica at the floor is recent enough, also \
         when the leader is further ahead (efficiency.2)."
            .to_owned()
    } else {
        "Some replica was beyond the floor (efficiency.1).".to_owned()
    };
    Err(format!(
        "In step ({step}) a replica had everything each client had seen, yet {} of the 10 \
         reads were not served by a replica (at most 1 may be), for example: {}.\n{why}",
        missed.len(),
        first.describe(*id)
    ))
}

const SPREAD: &str = "Scenario: a leader and {n} replicas lagging 1-5 ms behind it; a \
    client writes x once, and from 10 ms on, when every replica has it, clients 10 and 11 \
    (sharing one router) and client 12 (with a router of its own) read x at the same \
    instants, every 2 ms, {reads} reads in all, with Policy::LEADER_AT_ONCE.";

/// With every replica at the floor, reads spread over all of them: clusters of 2 to 7
/// replicas and one of 11, three reads at each instant, two routers.
pub fn reads_spread_over_every_caught_up_replica() {
    for n in [2, 3, 4, 5, 6, 7, 11] {
        let rounds = 5 * n;
        let scenario = SPREAD
            .replace("{n}", &n.to_string())
            .replace("{reads}", &(3 * rounds).to_string());
        if let Err(message) = suite_harness::block_on_paused(spread(n, rounds)) {
            panic!("{scenario}\n{message}");
        }
    }
}

async fn spread(n: usize, rounds: usize) -> Result<(), String> {
    let cluster = Cluster::new(Config::new(n, n as u64).lag(MS, 5 * MS));
    let run = Run::new(&cluster);
    let shared = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
    let own = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
    let mut writer = Client::new(9, &own, &run);
    let clock = Clock::start();
    writer.write("x", 1).await?;
    let mark = cluster.journal_len();
    let clients = [(10, &shared), (11, &shared), (12, &own)]
        .into_iter()
        .map(|(id, router)| {
            let mut client = Client::new(id, router, &run);
            async move {
                for round in 0..rounds {
                    clock.at(10 + 2 * round as u64).await;
                    let out = client.read("x").await?;
                    if let Some(blame) = out.below_floor(id) {
                        return Err(blame);
                    }
                }
                Ok(())
            }
        })
        .collect();
    if let Some(failure) = run_all(clients).await.into_iter().next() {
        return Err(failure);
    }
    // The cluster's own account of who served, not the routers' answers.
    let mut by_replica = vec![0u64; n];
    let mut by_leader = 0u64;
    for event in cluster.journal_since(mark) {
        match event {
            Event::Served {
                node: Node::Replica(i),
                ..
            } => by_replica[i] += 1,
            Event::Served { .. } => by_leader += 1,
            Event::Wrote { .. } => {}
        }
    }
    let reads = 3 * rounds as u64;
    let idle = by_replica.contains(&0);
    let replica_share = (reads - by_leader) as f64 / reads as f64;
    if !idle && replica_share >= REQUIRED {
        return Ok(());
    }
    let counts: Vec<String> = by_replica
        .iter()
        .enumerate()
        .map(|(i, count)| format!("{} served {count}", node_name(Node::Replica(i))))
        .collect();
    let rule = if idle {
        "Every replica at the floor must serve some of them (efficiency.4): a router that \
         always asks the same replica, or the freshest one (here they are all equally fresh), \
         loads one and leaves the others idle."
    } else {
        "At least 90% of reads called while a replica is at the floor go to a replica \
         (efficiency.1)."
    };
    Err(format!(
        "With every replica at the floor, of the {reads} reads {}, and the leader served \
         {by_leader}.\n{rule}",
        counts.join(", ")
    ))
}
