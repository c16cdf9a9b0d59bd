//! Task `ryw`: a client always reads its own latest write.

use std::sync::Arc;

use crate::student::Router;
use crate::student::Session;
use read_your_writes_given::{Cluster, Config, Event, Node, Policy, Version};
use testkit::check::causal::Guarantee;
use testkit::rng::Rng;
use testkit::shrink::RunSize;

use crate::common::{Client, Clock, MS, Outcome, Run, node_name, pause, run_all, value_text};
use crate::random::{Failure, each_seed, replicas, violation};

/// Seeds of the randomized test: the hand-built scenarios below catch the mistakes that
/// need a precise moment, so these runs only have to mix many clients.
const SEEDS: u64 = 40;

const START: RunSize = RunSize {
    nodes: 4,
    clients: 4,
    ops: 25,
    faults: 0,
};

fn describe(size: &RunSize) -> String {
    format!(
        "Scenario: a leader and {} replicas lagging 1-30 ms behind it; {} clients (ids 10 \
         and up), each writing its own key and reading it back ({} operations each, 0-4 ms \
         apart), with Policy::LEADER_AT_ONCE.",
        replicas(size),
        size.clients,
        size.ops
    )
}

pub fn own_writes_are_always_seen() {
    each_seed(SEEDS, START, describe, |seed, size| {
        let size = *size;
        let (history, failures) = suite_harness::block_on_paused(async move {
            let config = Config::new(replicas(&size), seed).lag(MS, 30 * MS);
            let cluster = Cluster::new(config);
            let router = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
            let run = Run::new(&cluster);
            let mut rng = Rng::new(seed);
            let clients = (0..size.clients)
                .map(|c| {
                    let client = Client::new(10 + c as u32, &router, &run);
                    write_and_read_back(client, rng.fork(), size.ops)
                })
                .collect();
            let failures = run_all(clients).await;
            (run.history(), failures)
        });
        let title = format!("{} (seed {seed})", describe(&size));
        let found = violation(&history, Guarantee::ReadYourWrites, &title);
        match (failures.first(), found) {
            (None, None) => Ok(()),
            (None, Some(found)) => Err(found),
            (Some(failure), found) => Err(Failure {
                message: match &found {
                    Some(found) => format!("{failure}\nThe history:\n{}", found.message),
                    None => failure.clone(),
                },
                report: found.and_then(|f| f.report),
            }),
        }
    });
}

/// One client of the randomized test: writes its own key now and then, reads it back
/// otherwise, and checks each answer against the rules of the task.
async fn write_and_read_back(mut client: Client, mut rng: Rng, ops: usize) -> Result<(), String> {
    let id = client.id;
    let key = format!("k{id}");
    let mut mine: Option<(i64, Version)> = None;
    for i in 0..ops {
        pause(&mut rng, 4).await;
        if rng.chance(0.4) {
            let value = i64::from(id) * 1000 + i as i64;
            let version = client.write(&key, value).await?;
            remembers(&client, &key, value, version)?;
            mine = Some((value, version));
            continue;
        }
        let out = client.read(&key).await?;
        sees_own_write(id, &out, mine)?;
    }
    Ok(())
}

/// ryw.2: after `Router::write` returned `version`, the floor is at least that.
fn remembers(client: &Client, key: &str, value: i64, version: Version) -> Result<(), String> {
    let floor = client.floor();
    if floor < version {
        return Err(format!(
            "client {} wrote {key}={value} and Router::write returned version {version}, but \
             then session.floor() was {floor}: the session must remember the version of the \
             client's write (ryw.2).",
            client.id
        ));
    }
    Ok(())
}

/// ryw.3, ryw.4, ryw.5 for one read with `Policy::LEADER_AT_ONCE`, `mine` being the
/// client's latest write of the key and its version.
fn sees_own_write(id: u32, out: &Outcome, mine: Option<(i64, Version)>) -> Result<(), String> {
    let read = out.result.as_ref().map_err(|_| {
        format!(
            "{}.\nWith Policy::LEADER_AT_ONCE a read for which no replica is recent enough \
             goes to the leader at once, and never fails (ryw.4).",
            out.describe(id)
        )
    })?;
    if read.version < out.floor_before {
        return Err(format!(
            "{}.\nThat node was below the session's floor: a read goes only to a node at the \
             floor or beyond (ryw.3).",
            out.describe(id)
        ));
    }
    let (value, version) = (mine.map(|m| m.0), mine.map_or(0, |m| m.1));
    if read.value != value {
        // The node was at the floor, so the floor itself was below the client's write.
        return Err(format!(
            "{}.\nThe client's latest write of {} was {} at version {version} (ryw.5); the \
             floor when it read was {}, below that version, so the session had forgotten the \
             write (ryw.2).",
            out.describe(id),
            out.key,
            value_text(value),
            out.floor_before
        ));
    }
    Ok(())
}

const ONE_BEHIND: &str = "Scenario: a leader and {n} replicas that apply each write exactly \
    10 ms after the leader took it. Clients 10 and 11 share one router, client 12 has a \
    router of its own, all with Policy::LEADER_AT_ONCE. At 0 ms the three write their own \
    key at the same instant; at 20 ms (every replica has those writes) they write it again, \
    at the same instant, and read it back as soon as the write returns (25 ms): every \
    replica is then one, two or three writes behind the client; at 40 ms they read again.";

/// A replica exactly one write behind a client's floor must not serve it, in clusters of
/// two and three replicas, with three writes and three reads at one instant.
pub fn a_replica_one_write_behind_is_too_old() {
    for n in [2, 3] {
        let scenario = ONE_BEHIND.replace("{n}", &n.to_string());
        if let Err(message) = suite_harness::block_on_paused(one_behind(n)) {
            panic!("{scenario}\n{message}");
        }
    }
}

async fn one_behind(n: usize) -> Result<(), String> {
    let cluster = Cluster::new(Config::new(n, 4).lag(10 * MS, 10 * MS));
    let run = Run::new(&cluster);
    let shared = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
    let own = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
    let clock = Clock::start();
    let clients = [(10, &shared), (11, &shared), (12, &own)]
        .into_iter()
        .map(|(id, router)| {
            let mut client = Client::new(id, router, &run);
            async move {
                let key = format!("k{id}");
                let first = i64::from(id) * 10;
                let version = client.write(&key, first).await?;
                remembers(&client, &key, first, version)?;
                clock.at(20).await;
                let version = client.write(&key, first + 1).await?;
                remembers(&client, &key, first + 1, version)?;
                let out = client.read(&key).await?;
                sees_own_write(id, &out, Some((first + 1, version)))?;
                let leader_at_once =
                    matches!(&out.result, Ok(r) if r.node == Node::Leader) && out.took == 5 * MS;
                if !leader_at_once {
                    return Err(format!(
                        "{}.\nNo replica had the client's write at version {version} yet, so \
                         the leader must serve the read at once (ryw.4): answered in 5 ms.",
                        out.describe(id)
                    ));
                }
                clock.at(40).await;
                let out = client.read(&key).await?;
                sees_own_write(id, &out, Some((first + 1, version)))
            }
        })
        .collect();
    if let Some(failure) = run_all(clients).await.into_iter().next() {
        return Err(failure);
    }
    is_the_cluster(&shared, &cluster, "the router of clients 10 and 11").await?;
    is_the_cluster(&own, &cluster, "the router of client 12").await
}

/// ryw.6: `Router::cluster` hands back the cluster the router was built on: a write made
/// through it is one the course's cluster took.
async fn is_the_cluster(router: &Router, cluster: &Cluster, name: &str) -> Result<(), String> {
    let mark = cluster.journal_len();
    let version = router.cluster().write("probe", 1).await;
    let took = cluster.journal_since(mark);
    if took != [Event::wrote("probe", 1, version)]
        || router.cluster().replicas() != cluster.replicas()
    {
        return Err(format!(
            "A write of probe=1 through Router::cluster() of {name} was not taken by the \
             cluster the router was built on (it recorded {took:?}): Router::cluster must \
             return that cluster (ryw.6)."
        ));
    }
    Ok(())
}

const NO_REPLICA: &str = "Scenario: a cluster of {n}; clients 10, 11 and 12 share a router \
    with Policy::LEADER_AT_ONCE and each write their own key and read it back three times, \
    all at the same instants.";

/// A cluster without replicas, and one whose only replica never catches up: every read
/// of a client that wrote goes to the leader, and none fails.
pub fn a_cluster_without_replicas_reads_the_leader() {
    for n in [0, 1] {
        let cluster_text = if n == 0 {
            "a leader and no replica".to_owned()
        } else {
            "a leader and 1 replica, cut off from the start (it stays at version 0)".to_owned()
        };
        let scenario = NO_REPLICA.replace("{n}", &cluster_text);
        if let Err(message) = suite_harness::block_on_paused(no_replica(n)) {
            panic!("{scenario}\n{message}");
        }
    }
}

async fn no_replica(n: usize) -> Result<(), String> {
    let cluster = Cluster::new(Config::new(n, 9));
    (0..n).for_each(|i| cluster.stall(i));
    let run = Run::new(&cluster);
    let router = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
    let clients = (10..13)
        .map(|id| {
            let mut client = Client::new(id, &router, &run);
            async move {
                let key = format!("k{id}");
                for round in 0..3 {
                    let value = i64::from(id) * 10 + round;
                    let version = client.write(&key, value).await?;
                    remembers(&client, &key, value, version)?;
                    let out = client.read(&key).await?;
                    sees_own_write(id, &out, Some((value, version)))?;
                    if let Ok(read) = &out.result
                        && read.node != Node::Leader
                    {
                        return Err(format!(
                            "{}: no replica has the write, only the leader may serve (ryw.4).",
                            node_name(read.node)
                        ));
                    }
                }
                Ok(())
            }
        })
        .collect();
    match run_all(clients).await.into_iter().next() {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

/// `Session::wrote` on its own: the floor covers every version noted, in whatever order
/// the versions come, and a lower read does not lower it.
pub fn session_keeps_the_latest_write() {
    let mut session = Session::new();
    let mut noted = Vec::new();
    let mut highest = 0;
    for (write, version) in [(true, 5), (true, 3), (true, 12), (false, 1), (true, 11)] {
        if write {
            session.wrote(version);
            highest = Version::max(highest, version);
            noted.push(format!("wrote({version})"));
        } else {
            session.read(version);
            noted.push(format!("read({version})"));
        }
        let floor = session.floor();
        if floor < highest {
            panic!(
                "A new session, then {}: session.floor() is {floor}. Once Session::wrote(v) was \
                 called the floor is at least v, and noting a lower version afterwards never \
                 lowers it (ryw.2).",
                noted.join(", ")
            );
        }
    }
}
