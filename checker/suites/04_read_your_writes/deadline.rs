//! Task `deadline`: a read waits for a replica until its deadline, then reads from the
//! leader or fails, and never answers with a state older than the session's floor.
//!
//! Reads are judged against the floor the session had when they were called
//! (`Session::floor`), so that a session that forgets what the client read (task
//! `monotonic`) does not cost this task too; a read that goes below that floor at once,
//! without waiting, is reported as the rule ryw.3 it breaks. The randomized runs of the
//! task are in `stalls.rs`.

use std::sync::Arc;
use std::time::Duration;

use crate::student::Router;
use read_your_writes_given::{
    Cluster, Config, Fallback, LEADER_DELAY as LEADER, Node, Policy, ReadError, Version,
};
use testkit::history::Millis;

use crate::common::{Client, Clock, MS, Outcome, Run, node_name, run_all, versions};

/// Fails unless the session's floor is the version the client just wrote: every
/// expectation of these scenarios is counted from it.
fn floor_is_own_write(client: &Client, version: Version) -> Result<(), String> {
    let floor = client.floor();
    if floor == version {
        return Ok(());
    }
    Err(format!(
        "Client {} wrote its key and Router::write returned version {version}, but then \
         session.floor() was {floor}: the floor of a client that wrote version {version} and \
         read nothing is {version} (ryw.2, efficiency.2). This scenario is counted from that \
         floor, so this also fails when task ryw or efficiency is wrong: check them first.",
        client.id
    ))
}

/// A read that answered below its floor: stale data at the deadline (deadline.5) when
/// it had waited, otherwise a router that does not respect its floor at all (ryw.3).
fn never_stale(id: u32, out: &Outcome, wait: Duration) -> Result<(), String> {
    let Some(blame) = out.below_floor(id) else {
        return Ok(());
    };
    if wait.is_zero() {
        return Err(format!(
            "{}.\nThe node was below the session's floor. With a wait of zero the deadline is \
             the call itself, so this is either a read sent below the floor (ryw.3) or stale \
             data at the deadline, where a read answers from the leader or fails and never \
             from the freshest replica (deadline.5). If task ryw fails too, check it first.",
            out.describe(id)
        ));
    }
    if out.took >= wait {
        return Err(format!(
            "{}.\nAt the deadline a read answers from the leader or fails; it never answers \
             from a replica below the floor, even the freshest one (deadline.5).",
            out.describe(id)
        ));
    }
    Err(blame)
}

const CATCH_UP: &str = "Scenario: a leader and 3 replicas that apply each write exactly 10 ms \
    after the leader took it; replica 0 is cut off from the start. Client 9 writes x at 1, 6 \
    and 11 ms (versions 1 to 3). At 15 ms clients 10 and 12 (sharing a router with Policy { \
    wait: 40 ms, fallback: Error }) and client 11 (Policy { wait: 40 ms, fallback: Leader }) \
    write their own keys at the same instant (versions 4 to 6) and read them back at once, \
    at 20 ms. Replicas 1 and 2 reach version 2 at 21 ms, still below every floor, and are cut \
    off at 23 ms; client 9 writes x again at 20 ms (version 7). At 36 ms replica 0 is \
    reconnected and applies everything at once: version 7.";

const EXACTLY: &str = "Scenario: a leader and 2 replicas that apply each write exactly 10 \
    ms after the leader took it, both cut off from the start. Client 9 writes x at 0 ms \
    (version 1); client 10, with Policy { wait: 30 ms, fallback: {fallback} }, writes k10 at \
    5 ms (version 2) and reads it back at once, at 10 ms. At 25 ms both replicas are \
    reconnected and apply both writes at once: they reach exactly the client's floor, and \
    nothing beyond.";

/// Three reads wait at once for a replica; the replicas move without reaching the floor,
/// then one jumps past it, and every read must be served there at once. Then two reads
/// whose replicas reach exactly their floor and no further.
pub fn a_read_waits_for_a_replica_to_catch_up() {
    if let Err(message) = suite_harness::block_on_paused(catch_up()) {
        panic!("{CATCH_UP}\n{message}");
    }
    for fallback in [Fallback::Error, Fallback::Leader] {
        if let Err(message) = suite_harness::block_on_paused(exactly_to_the_floor(fallback)) {
            let scenario = EXACTLY.replace("{fallback}", &format!("{fallback:?}"));
            panic!("{scenario}\n{message}");
        }
    }
}

async fn exactly_to_the_floor(fallback: Fallback) -> Result<(), String> {
    let cluster = Cluster::new(Config::new(2, 6).lag(10 * MS, 10 * MS));
    let run = Run::new(&cluster);
    let policy = Policy {
        wait: 30 * MS,
        fallback,
    };
    let router = Arc::new(Router::new(cluster.clone(), policy));
    let writes = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
    let clock = Clock::start();
    (0..2).for_each(|i| cluster.stall(i));
    let director = cluster.clone();
    let faults = tokio::spawn(async move {
        clock.at(25).await;
        (0..2).for_each(|i| director.resume(i));
    });
    Client::new(9, &writes, &run).write("x", 1).await?;
    let mut client = Client::new(10, &router, &run);
    let version = client.write("k10", 10).await?;
    floor_is_own_write(&client, version)?;
    let out = client.read("k10").await?;
    faults.await.expect("the fault schedule runs to its end");
    never_stale(10, &out, policy.wait)?;
    let served = matches!(&out.result, Ok(read)
        if matches!(read.node, Node::Replica(_)) && read.value == Some(10));
    if served && out.took <= 17 * MS {
        return Ok(());
    }
    Err(format!(
        "{}.\nThe replicas reached exactly the floor 15 ms after the call, so a correct read \
         is served by a replica 16 ms after it: a replica at the floor is recent enough, also \
         for a read that waits (deadline.1, efficiency.2). If task efficiency fails too, check \
         it first.",
        out.describe(10)
    ))
}

async fn catch_up() -> Result<(), String> {
    let cluster = Cluster::new(Config::new(3, 2).lag(10 * MS, 10 * MS));
    let run = Run::new(&cluster);
    let wait = 40 * MS;
    let to_error = Arc::new(Router::new(
        cluster.clone(),
        Policy {
            wait,
            fallback: Fallback::Error,
        },
    ));
    let to_leader = Arc::new(Router::new(
        cluster.clone(),
        Policy {
            wait,
            fallback: Fallback::Leader,
        },
    ));
    let writes = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
    let clock = Clock::start();
    cluster.stall(0);
    let director = cluster.clone();
    let faults = tokio::spawn(async move {
        clock.at(23).await;
        director.stall(1);
        director.stall(2);
        clock.at(36).await;
        director.resume(0);
    });
    let mut writer = Client::new(9, &writes, &run);
    let mut clients: Vec<std::pin::Pin<Box<dyn Future<Output = _> + Send>>> =
        vec![Box::pin(async move {
            for (at, value) in [(1, 1), (6, 2), (11, 3), (20, 7)] {
                clock.at(at).await;
                writer.write("x", value).await?;
            }
            Ok(())
        })];
    for (id, router, fallback) in [
        (10, &to_error, Fallback::Error),
        (11, &to_leader, Fallback::Leader),
        (12, &to_error, Fallback::Error),
    ] {
        let mut client = Client::new(id, router, &run);
        clients.push(Box::pin(async move {
            clock.at(15).await;
            let key = format!("k{id}");
            let version = client.write(&key, i64::from(id)).await?;
            floor_is_own_write(&client, version)?;
            let out = client.read(&key).await?;
            never_stale(id, &out, wait)?;
            served_once_caught_up(id, &out, fallback, i64::from(id))
        }));
    }
    let failures = run_all(clients).await;
    faults.await.expect("the fault schedule runs to its end");
    match failures.into_iter().next() {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

/// The read of the catch-up scenario, called at 20 ms: replica 0 reaches the floor at
/// 36 ms, so a correct read is served there and answers at 37 ms.
fn served_once_caught_up(
    id: u32,
    out: &Outcome,
    fallback: Fallback,
    own: i64,
) -> Result<(), String> {
    let caught_up = 16 * MS;
    let served = out.result.as_ref().ok();
    let on_time = out.took <= caught_up + 2 * MS;
    if let Some(read) = served
        && matches!(read.node, Node::Replica(_))
        && read.value == Some(own)
        && on_time
    {
        return Ok(());
    }
    let why = match served {
        Some(read) if read.node == Node::Leader && out.took <= LEADER => {
            "It went to the leader at once, without waiting for a replica (deadline.1); if your \
             router sends every read to the leader, task efficiency fails too: check it first."
                .to_owned()
        }
        Some(read) if read.node == Node::Leader => format!(
            "It went to the leader {} into a wait of 40 ms (deadline.1){}.",
            Millis::of(out.took - LEADER),
            if fallback == Fallback::Error {
                ", and with Fallback::Error the leader never serves (deadline.3)"
            } else {
                ""
            }
        ),
        Some(_) => format!(
            "It was served {} after the call; replica 0 reached the floor 16 ms after it, \
             and a read is served as soon as a replica reaches the floor, not later \
             (deadline.1).",
            Millis::of(out.took)
        ),
        None if out.took.is_zero() => {
            "It gave up at once, though it may wait 40 ms (deadline.1).".to_owned()
        }
        None if out.took < caught_up => format!(
            "It gave up after {}, when replicas 1 and 2 moved to version 2, still below \
             the floor: a read waits until a replica reaches the floor or the deadline \
             passes, not just until the next change (deadline.1).",
            Millis::of(out.took)
        ),
        None => "It failed although replica 0 reached the floor 16 ms after the call, within \
                 the wait of 40 ms (deadline.1)."
            .to_owned(),
    };
    Err(format!(
        "{}.\nA correct read waits until replica 0 reaches the floor at 36 ms and reads its \
         own write there, answering 17 ms after the call. {why}",
        out.describe(id)
    ))
}

const DEADLINE: &str = "Scenario: a leader and 2 replicas that apply each write exactly 10 ms \
    after the leader took it; every read waits at most {wait} ms. Client 9 writes x at 0, 5 \
    and 10 ms (versions 1 to 3); client 11 (fallback Leader) writes k11 at 11 ms (version 4); \
    client 10 (fallback Error) writes k10 at 12 ms (version 5). Both replicas reach version \
    1 at 15 ms and version 2 at 20 ms, and are cut off at 21 ms. At 18 ms client 10 reads \
    k10; when it returns, client 11 reads k11. Then client 9 writes x (version 6), replica 1 \
    is reconnected (it applies versions 3 to 6 at once) and client 10 reads k10 again.";

/// At the deadline, the leader or an error (with its `needed` and `best`), after exactly
/// the wait and for waits of 7, 30 and 0 ms; a failed read reads nothing; a reconnected
/// replica then serves.
pub fn at_the_deadline_the_leader_or_an_error() {
    for wait_ms in [7, 30, 0] {
        let scenario = DEADLINE.replace("{wait}", &wait_ms.to_string());
        if let Err(message) = suite_harness::block_on_paused(deadline(wait_ms * MS)) {
            panic!("{scenario}\n{message}");
        }
    }
}

async fn deadline(wait: Duration) -> Result<(), String> {
    let cluster = Cluster::new(Config::new(2, 3).lag(10 * MS, 10 * MS));
    let run = Run::new(&cluster);
    let policy = |fallback| Policy { wait, fallback };
    let to_error = Arc::new(Router::new(cluster.clone(), policy(Fallback::Error)));
    let to_leader = Arc::new(Router::new(cluster.clone(), policy(Fallback::Leader)));
    let writes = Arc::new(Router::new(cluster.clone(), Policy::LEADER_AT_ONCE));
    let clock = Clock::start();
    let director = cluster.clone();
    let faults = tokio::spawn(async move {
        clock.at(21).await;
        director.stall(0);
        director.stall(1);
    });
    // What the replicas hold at client 10's deadline: the `best` its error must name.
    let observer = cluster.clone();
    let at_deadline = tokio::spawn(async move {
        clock.at(18).await;
        tokio::time::sleep(wait).await;
        versions(&observer).into_iter().max().unwrap_or(0)
    });
    let mut writer = Client::new(9, &writes, &run);
    let mut c10 = Client::new(10, &to_error, &run);
    let mut c11 = Client::new(11, &to_leader, &run);
    let (x, v11, v10) = tokio::join!(
        async {
            for value in 1..=3 {
                writer.write("x", value).await?;
            }
            Ok::<_, String>(())
        },
        async {
            clock.at(11).await;
            c11.write("k11", 11).await
        },
        async {
            clock.at(12).await;
            c10.write("k10", 10).await
        },
    );
    let (_, v11, v10) = (x?, v11?, v10?);
    floor_is_own_write(&c11, v11)?;
    floor_is_own_write(&c10, v10)?;
    clock.at(18).await;

    let out = c10.read("k10").await?;
    let best = at_deadline.await.expect("the observer ends");
    fails_at_the_deadline(&out, wait, best)?;
    let out = c11.read("k11").await?;
    never_stale(11, &out, wait)?;
    leader_at_the_deadline(&out, wait)?;
    faults.await.expect("the fault schedule runs to its end");

    let start = tokio::time::Instant::now();
    writer.write("x", 6).await?;
    tokio::time::sleep_until(start + 20 * MS).await;
    cluster.resume(1);
    // A millisecond for the reconnected replica to apply what it missed.
    tokio::time::sleep(MS).await;
    let out = c10.read("k10").await?;
    never_stale(10, &out, wait)?;
    match &out.result {
        Ok(read) if read.node == Node::Replica(1) && read.value == Some(10) => Ok(()),
        _ => Err(format!(
            "{}.\nReplica 1, reconnected, was at version 6, beyond the floor: a replica at \
             the floor serves the read at once, with no wait and no error (deadline.1).",
            out.describe(10)
        )),
    }
}

/// Client 10's first read, with fallback Error: it fails exactly at the deadline with
/// the floor and `best`, the best replica version then, and reads nothing.
fn fails_at_the_deadline(out: &Outcome, wait: Duration, best: Version) -> Result<(), String> {
    never_stale(10, out, wait)?;
    let expected = ReadError::Deadline {
        needed: out.floor_before,
        best,
    };
    let mut wrong = Vec::new();
    match &out.result {
        Ok(read) if read.node == Node::Leader => wrong.push(format!(
            "With Fallback::Error the leader never serves a read (deadline.3){}.",
            if out.took <= LEADER {
                "; it went there at once, and if your router sends every read to the leader, \
                 task efficiency fails too: check it first"
            } else {
                ""
            }
        )),
        Ok(read) => wrong.push(format!(
            "No replica reached the floor, yet {} served it.",
            node_name(read.node)
        )),
        Err(ReadError::Deadline {
            needed,
            best: answered,
        }) => {
            if *needed != out.floor_before {
                wrong.push(format!(
                    "needed was {needed}, but the session's floor was {} (deadline.3).",
                    out.floor_before
                ));
            }
            if *answered != best {
                let at_call = out.versions_at_call.iter().max().copied().unwrap_or(0);
                let hint = if *answered == at_call && at_call != best {
                    ": that was the best when the read began, and the replicas moved since"
                } else {
                    ""
                };
                wrong.push(format!(
                    "best was {answered}, but the highest replica version at the deadline was \
                     {best}{hint} (deadline.3)."
                ));
            }
            if out.took != wait {
                let late = if out.took > wait {
                    ": a change of the replicas that does not reach the floor does not restart \
                     the wait"
                } else {
                    ""
                };
                wrong.push(format!(
                    "It failed {} after the call; the deadline is exactly {} after it \
                     (deadline.1){late}.",
                    Millis::of(out.took),
                    Millis::of(wait)
                ));
            }
            if !out.served.is_empty() {
                wrong.push(format!(
                    "The cluster served {:?} during the call: a read that fails reads nothing \
                     (deadline.4).",
                    out.served
                ));
            }
            if out.floor_after != out.floor_before {
                wrong.push(
                    "A read that fails leaves the session's floor where it was (deadline.4)."
                        .to_owned(),
                );
            }
        }
    }
    if wrong.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{}.\nNo replica reaches the floor, so a correct read fails at the deadline with \
         {expected:?} and reads nothing. {}",
        out.describe(10),
        wrong.join(" ")
    ))
}

/// Client 11's read, with fallback Leader: the leader serves it once the wait is over.
fn leader_at_the_deadline(out: &Outcome, wait: Duration) -> Result<(), String> {
    let why = match &out.result {
        Ok(read) if read.node == Node::Leader => {
            if out.took >= wait + LEADER && out.took <= wait + LEADER + MS {
                return Ok(());
            }
            if out.took < wait + LEADER {
                "It went to the leader before the deadline: with the leader to fall back on, a \
                 read still waits for a replica first (deadline.1)."
            } else {
                "It went to the leader after the deadline (deadline.1)."
            }
        }
        Ok(_) => "No replica reached the floor (deadline.2).",
        Err(_) => {
            "With Fallback::Leader a read never fails: the leader serves it at the \
                   deadline (deadline.2)."
        }
    };
    Err(format!(
        "{}.\nA correct read waits {}, then reads k11=11 from the leader, which answers 5 ms \
         later. {why}",
        out.describe(11),
        Millis::of(wait)
    ))
}
