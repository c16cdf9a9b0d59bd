//! Task `quorum`: the replicated register on the simulated network.
//!
//! Requests and responses are the course's (`linearizable_given`), named from there: the
//! calls below send the course's `Request`, and `history` reads answers as the course's
//! `Response`, so a replica that speaks look-alike types of its own does not compile
//! here. The replica is the student's; the world runs it, and the history is made from
//! what the world saw it answer.

use std::time::Duration;

use linearizable::Replica;
use linearizable_given::{Request, Response};
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::history::{Action, History, Output, Value};
use testkit::model::ModelKind;
use testkit::report::CheckReport;
use testkit::rng::Rng;
use testkit::sim::{Answer, CallOutcome, Config, Restart, World};

const NODES: usize = 5;

/// What the clients saw, as a history. It is read here, with the suite's own mapping of
/// the course's types, rather than with `World::history`: that would take the mapping
/// from a `Recordable` impl, and a crate can write one for the course's `Request` and a
/// response type of its own.
fn history(world: &World<Replica>, seed: u64) -> History {
    let recorded = world.history_with(
        |request| match request {
            Request::Read => (None, Action::Read),
            Request::Write(v) => (None, Action::Write(Value::Int(*v))),
        },
        |_, response| match response {
            Response::Value(v) => Answer::Ok(Output::Value(v.map(Value::Int))),
            Response::Written => Answer::Ok(Output::Done),
        },
    );
    match recorded {
        Ok(history) => history,
        Err(error) => suite_harness::fail(format!(
            "seed {seed}: the history is malformed ({error}); does a node answer a read with \
             Written, or a write with a value?"
        )),
    }
}

fn check(history: &History, seed: u64, scenario: &str, world: &World<Replica>) {
    let verdict = match Linearizable::new(ModelKind::Register).check(history) {
        Ok(verdict) => verdict,
        Err(error) => suite_harness::fail(format!("seed {seed}: the checker refused: {error}")),
    };
    if let Some(violation) = verdict.violation() {
        let report = CheckReport::new(
            format!("{scenario} (seed {seed})"),
            "linearizability",
            history,
            Some(ModelKind::Register),
            &verdict,
        )
        .with_trace(history, world.trace());
        suite_harness::attach("check-report", &report.to_json());
        suite_harness::fail(format!(
            "{scenario} (seed {seed}). The clients' history must be linearizable: once a read \
             returns a value, no later read may return an older one. A read that returns the \
             newest value it saw without first storing it on a majority lets a later read, \
             through another majority, miss it.\n\n{}\n\nthe last events:\n{}",
            violation.explain(history),
            world.trace().tail(30)
        ));
    }
    if !verdict.holds() {
        suite_harness::fail(format!(
            "seed {seed}: the checker could not decide: {verdict:?}"
        ));
    }
}

/// Five replicas; five clients read and write (unique values) through random nodes
/// while messages are delayed 1-10 ms, reordered, lost (5%) and duplicated (5%), the
/// network splits into random partitions and heals, and nodes crash and come back with
/// what they had stored. Clients give up after 200 ms.
pub fn linearizable_under_faults() {
    let base = suite_harness::seed();
    for seed in base..base + crate::SEEDS {
        let config = Config::new(seed)
            .delay(Duration::from_millis(1), Duration::from_millis(10))
            .loss(0.05)
            .duplicate(0.05)
            .client_timeout(Duration::from_millis(200));
        let mut world = World::from_factory(config, NODES, |_| Replica::new());
        let mut rng = Rng::new(seed ^ 0xAB_D0);
        let mut next_value = 0;
        for _ in 0..60 {
            let down: Vec<usize> = (0..NODES).filter(|&n| !world.is_up(n)).collect();
            let roll = rng.below(100);
            if roll < 20 {
                let mut nodes: Vec<usize> = (0..NODES).collect();
                rng.shuffle(&mut nodes);
                let cut = 1 + rng.index(2);
                world.partition(&[&nodes[..cut], &nodes[cut..]]);
            } else if roll < 35 {
                world.heal();
            } else if roll < 45 && down.len() < 2 {
                let up: Vec<usize> = (0..NODES).filter(|&n| world.is_up(n)).collect();
                world.crash(up[rng.index(up.len())]);
            } else if roll < 60 && !down.is_empty() {
                world.restart(down[rng.index(down.len())], Restart::KeepState);
            }
            for client in 0..5 {
                if world.is_waiting(client) || rng.chance(0.2) {
                    continue;
                }
                let node = rng.index(NODES);
                let request = if rng.chance(0.5) {
                    Request::Read
                } else {
                    next_value += 1;
                    Request::Write(next_value)
                };
                world.call(client, node, request);
            }
            world.run_for(Duration::from_millis(rng.between(2, 20)));
        }
        world.heal();
        for node in 0..NODES {
            if !world.is_up(node) {
                world.restart(node, Restart::KeepState);
            }
        }
        world.run_until_quiet();
        let history = history(&world, seed);
        check(
            &history,
            seed,
            "five clients read and wrote through random nodes of five under delays, loss, \
             duplication, partitions and crashes",
            &world,
        );
    }
}

/// A write coordinated by node 0 reaches one replica and then node 0 crashes. A read
/// through a majority that includes that replica returns the new value; a later read
/// through a majority without it must return the new value too, which only works if
/// the first read stored what it returns on a majority before returning.
pub fn reads_write_back() {
    let base = suite_harness::seed();
    for seed in base..base + 20 {
        let config = Config::new(seed).delay(Duration::from_millis(1), Duration::from_millis(10));
        let mut world = World::from_factory(config, NODES, |_| Replica::new());
        world.call_and_wait(0, 0, Request::Write(1));
        // Node 0 can reach 1 and 2 only: its write queries {0, 1, 2} and sends its new
        // value to 1 and 2. The run stops as soon as one of them holds it.
        world.partition(&[&[0, 1, 2], &[3, 4]]);
        world.call(0, 0, Request::Write(2));
        let new = |w: &World<Replica>, n: usize| w.node(n).stored().1 == Some(2);
        world.run_until(|w| new(w, 1) || new(w, 2));
        let Some(holder) = [1, 2].into_iter().find(|&n| new(&world, n)) else {
            suite_harness::fail(format!(
                "seed {seed}: node 0 coordinated a write of 2 while it could reach nodes 1 and \
                 2, and neither ever stored it (Replica::stored); a write must reach a \
                 majority"
            ));
        };
        let other = 3 - holder;
        world.crash(0);
        // First read: only {holder, 3, 4} can talk, a majority that sees the new value.
        world.partition(&[&[holder, 3, 4], &[other]]);
        world.call(1, holder, Request::Read);
        world.run_until(|w| !w.is_waiting(1));
        // Second read: only {other, 3, 4}, which never got the write from node 0.
        world.partition(&[&[other, 3, 4], &[holder]]);
        world.call(2, 4, Request::Read);
        world.run_until(|w| !w.is_waiting(2));
        for (client, what) in [(1, "first"), (2, "second")] {
            let returned = world
                .calls()
                .iter()
                .any(|c| c.client == client && matches!(c.outcome, CallOutcome::Returned { .. }));
            if !returned {
                suite_harness::fail(format!(
                    "seed {seed}: the {what} read went to a node that could reach a majority \
                     (three of five) and never returned; the last events:\n{}",
                    world.trace().tail(30)
                ));
            }
        }
        let history = history(&world, seed);
        check(
            &history,
            seed,
            &format!(
                "node 0 wrote 2 to node {holder} only and crashed; a read through nodes \
                 {holder}, 3, 4 came first, then a read through nodes {other}, 3, 4"
            ),
            &world,
        );
    }
}

/// Two of five nodes are cut off; messages are lost (20%) and duplicated (10%). Clients
/// that call the three connected nodes must get an answer to every operation: a majority
/// is there, so a node that resends what got lost can always finish.
pub fn completes_with_a_majority() {
    let base = suite_harness::seed();
    for seed in base..base + crate::SEEDS / 2 {
        let config = Config::new(seed)
            .delay(Duration::from_millis(1), Duration::from_millis(10))
            .loss(0.2)
            .duplicate(0.1)
            .trace(true);
        let mut world = World::from_factory(config, NODES, |_| Replica::new());
        let mut rng = Rng::new(seed ^ 0x11FE);
        let mut nodes: Vec<usize> = (0..NODES).collect();
        rng.shuffle(&mut nodes);
        let (majority, minority) = nodes.split_at(3);
        world.partition(&[majority, minority]);
        let mut value = 0;
        for round in 0..8 {
            for client in 0..3 {
                let node = majority[rng.index(3)];
                let request = if rng.chance(0.5) {
                    Request::Read
                } else {
                    value += 1;
                    Request::Write(value)
                };
                world.call(client, node, request.clone());
            }
            world.run_until(|w| (0..3).all(|c| !w.is_waiting(c)));
            if let Some(stuck) = (0..3).find(|&c| world.is_waiting(c)) {
                suite_harness::fail(format!(
                    "seed {seed}: nodes {majority:?} are connected (a majority of five) and nodes \
                     {minority:?} are cut off; in round {round} client {stuck}'s call to a \
                     connected node never returned, under 20% message loss. Every operation \
                     must finish while a majority is connected: resend what has not been \
                     answered (on_tick is called every 10 ms). The last events:\n{}",
                    world.trace().tail(30)
                ));
            }
        }
        let history = history(&world, seed);
        check(
            &history,
            seed,
            "three connected nodes of five served three clients under loss and duplication",
            &world,
        );
    }
}
