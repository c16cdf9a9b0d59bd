//! Replicas that gossip: convergence under loss, duplication, reordering and partitions.
//!
//! The protocol, the stamps and the timing are the course's (`eventual_given`): the
//! suite waits the course's `CONVERGE_ROUNDS`, however many a submission declares, and
//! what clients got is recorded by the simulated world from the course's `Response`s.
//! Replicas are read through `counter().value()`, `counter().counts()`, `map().entries()`
//! and `map().get()`, which return std and given types.

use std::collections::BTreeMap;
use std::time::Duration;

use eventual::Replica;
use eventual_given::{CONVERGE_ROUNDS, ROUND, Request, Response, Stamp};
use testkit::rng::Rng;
use testkit::sim::{Config, World};

/// How many seeds each randomized test runs, from the suite's seed on.
const SEEDS: u64 = 100;

const NODES: usize = 5;

fn world(config: Config) -> World<Replica> {
    World::new(config, (0..NODES).map(|_| Replica::new()).collect())
}

fn put(key: &str, value: &str) -> Request {
    Request::Put {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

/// A random split of the five nodes into two groups, or `None` for a healthy network.
fn random_split(rng: &mut Rng) -> Option<(Vec<usize>, Vec<usize>)> {
    if rng.chance(0.25) {
        return None;
    }
    let mut ids: Vec<usize> = (0..NODES).collect();
    rng.shuffle(&mut ids);
    let cut = 1 + rng.index(NODES - 1);
    let (left, right) = ids.split_at(cut);
    Some((left.to_vec(), right.to_vec()))
}

/// Five replicas under 20% loss, 20% duplication and delays of 1 to 8 ms (so messages
/// overtake each other), through three phases of random partitions with clients
/// incrementing and writing at random nodes; after the heal, within CONVERGE_ROUNDS
/// rounds, every replica holds the acknowledged increments, each exactly once, and for
/// every key the write with the largest stamp.
pub fn replicas_converge_under_loss_duplication_and_partitions() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0x60551);
        let config = Config::new(seed)
            .delay(Duration::from_millis(1), Duration::from_millis(8))
            .loss(0.2)
            .duplicate(0.2)
            .trace(false);
        let mut w = world(config);
        let mut phases = Vec::new();
        let mut value = 0;
        for _ in 0..3 {
            let split = random_split(&mut rng);
            match &split {
                Some((left, right)) => w.partition(&[left, right]),
                None => w.heal(),
            }
            phases.push(split);
            for _ in 0..6 {
                for c in 0..4u32 {
                    if w.is_waiting(c) || !rng.chance(0.7) {
                        continue;
                    }
                    let node = rng.index(NODES);
                    if rng.chance(0.6) {
                        w.call(c, node, Request::Increment);
                    } else {
                        value += 1;
                        let key = ["k0", "k1", "k2"][rng.index(3)];
                        w.call(c, node, put(key, &format!("v{value}")));
                    }
                }
                w.run_for(ROUND);
            }
        }
        w.run_for(ROUND);
        w.heal();
        let healed = w.now();
        w.run_for(ROUND * CONVERGE_ROUNDS);
        let scenario = format!(
            "5 replicas, 20% loss, 20% duplication, delays of 1-8ms; three phases of 60ms \
             with these partitions (None: healthy) while clients increment and write at \
             random nodes:\n  {phases:?}\nhealed at {healed:?}, then {CONVERGE_ROUNDS} rounds \
             of {ROUND:?}"
        );

        let mut acknowledged = 0u64;
        let mut writes: Vec<(String, String, Stamp)> = Vec::new();
        for call in w.calls() {
            let answer = call.outcome.response();
            match (&call.request, answer) {
                (Request::Increment, Some(Response::Incremented)) => acknowledged += 1,
                (Request::Put { key, value }, Some(Response::Written { stamp })) => {
                    assert!(
                        stamp.node == call.node,
                        "{scenario}.\nA write's stamp names the node that accepted it: n{} \
                         stamped {:?} with {stamp:?} (seed {seed}).",
                        call.node,
                        call.request
                    );
                    writes.push((key.clone(), value.clone(), *stamp));
                }
                (request, answer) => panic!(
                    "{scenario}.\nEvery replica answers every request from its own copy, \
                     during a partition too: {request:?} at n{} got {answer:?} ({:?}) \
                     (seed {seed}).",
                    call.node, call.outcome
                ),
            }
        }
        let mut winners: BTreeMap<String, (Stamp, String)> = BTreeMap::new();
        for (key, value, stamp) in &writes {
            let entry = winners
                .entry(key.clone())
                .or_insert((*stamp, value.clone()));
            if *stamp > entry.0 {
                *entry = (*stamp, value.clone());
            }
        }
        let first_counts: BTreeMap<usize, u64> = w.node(0).counter().counts();
        for node in 0..NODES {
            let replica = w.node(node);
            let count: u64 = replica.counter().value();
            assert!(
                count == acknowledged,
                "{scenario}.\nClients got {acknowledged} acknowledged increments, so once the \
                 network has healed every replica's counter must equal {acknowledged}: no \
                 increment lost, none counted twice. n{node} holds {count} (counts per node \
                 {:?}).\nGossip the whole state every round, so that what a lost message \
                 carried arrives with a later one, and merge by the larger count per node, so \
                 that states arriving twice count once (seed {seed}).",
                replica.counter().counts()
            );
            let counts: BTreeMap<usize, u64> = replica.counter().counts();
            assert!(
                counts == first_counts,
                "{scenario}.\nAfter convergence every replica holds the same counter: n0 has \
                 counts {first_counts:?}, n{node} has {counts:?} (seed {seed})."
            );
            let held: BTreeMap<String, (Stamp, String)> = replica.map().entries();
            assert!(
                held == winners,
                "{scenario}.\nAfter convergence every replica holds, per key, the acknowledged \
                 write with the largest stamp:\n  {winners:?}\nn{node} holds\n  {held:?}\n\
                 A write made on one side of a partition crosses it only when gossip resends \
                 it after the heal (seed {seed})."
            );
        }
        // The answers clients get agree with the state.
        for node in 0..NODES {
            let call = w.call_and_wait(9, node, Request::Count).clone();
            let got = call.outcome.response().cloned();
            assert!(
                got == Some(Response::Count(acknowledged)),
                "{scenario}.\nAfter convergence, Count at n{node} must answer \
                 Count({acknowledged}); it answered {got:?} (seed {seed})."
            );
            for (key, (_, value)) in &winners {
                let call = w
                    .call_and_wait(9, node, Request::Get { key: key.clone() })
                    .clone();
                let got = call.outcome.response().cloned();
                assert!(
                    got == Some(Response::Value(Some(value.clone()))),
                    "{scenario}.\nAfter convergence, Get {key} at n{node} must answer \
                     {value:?}; it answered {got:?} (seed {seed})."
                );
            }
        }
    }
}

/// Two clients write one key at one node at the same instant: the two writes must get
/// different stamps (a stamp names one write), and every replica ends with the one whose
/// stamp is larger.
pub fn writes_at_one_instant_get_distinct_stamps() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0x60552);
        let node = rng.index(NODES);
        let fixed = Duration::from_millis(2);
        let mut w = world(Config::new(seed).delay(fixed, fixed));
        w.run_for(Duration::from_millis(1 + rng.below(20)));
        let a = w.call(0, node, put("k", "first"));
        let b = w.call(1, node, put("k", "second"));
        w.run_for(ROUND * CONVERGE_ROUNDS);
        let stamp_of = |id: usize| match w.calls()[id].outcome.response() {
            Some(Response::Written { stamp }) => *stamp,
            other => panic!(
                "a Put is answered with Written {{ stamp }}; n{node} answered {other:?} \
                 (seed {seed})"
            ),
        };
        let (sa, sb) = (stamp_of(a), stamp_of(b));
        let scenario = format!(
            "5 replicas, messages take exactly 2ms; c0 writes k=first and c1 writes k=second \
             at n{node}, both reaching it at the same instant"
        );
        assert!(
            sa != sb,
            "{scenario}.\nA stamp names one write: two writes must never share one, or \
             replicas cannot decide between them. Both got {sa:?}. When the clock has not \
             moved since the node's last stamp, move the time one nanosecond past it \
             (seed {seed})."
        );
        let winner = if sa > sb { "first" } else { "second" };
        for n in 0..NODES {
            let held: Option<String> = w.node(n).map().get("k").map(str::to_owned);
            assert!(
                held.as_deref() == Some(winner),
                "{scenario}; they were stamped {sa:?} and {sb:?}.\nEvery replica must end \
                 with the write with the larger stamp, k={winner}; n{n} holds {held:?} \
                 (seed {seed})."
            );
        }
    }
}
