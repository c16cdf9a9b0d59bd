//! Convergence: after a heal, anti-entropy brings every replica to the same values.
//!
//! What a replica holds is read by the suite through the replica's own answers (an AP
//! read answers from the node's copy), and `snapshot()` is then held to those reads.
//! Which of a key's writes must win is task `ap`'s rule (ap.3): here the replicas must
//! agree, keep every written key, and hold only values that were written; a message
//! says when they agree on a loser, but the verdict is `ap`'s.

use std::collections::BTreeMap;
use std::time::Duration;

use cap::Replica;
use cap_given::{CONVERGE_ROUNDS, Mode, ROUND, Request, Response, Stamp};
use testkit::rng::Rng;
use testkit::shrink::{Budget, RunSize, shrink};
use testkit::sim::{Config, Endpoint, Event, Fate, NodeId, World};

use crate::common::*;

/// How many seeds the random test runs, from the suite's seed on.
const SEEDS: u64 = 100;

/// Smaller runs a failure of the random test may try while it shrinks.
const SHRINK_TRIES: usize = 60;

/// The keys the random runs write.
const KEYS: [&str; 3] = ["k0", "k1", "k2"];

/// Reads every key of `keys` at every node at one instant, and returns per node what it
/// answered, or a failure naming the node that did not answer a read.
fn hold(w: &mut World<Replica>, keys: &[String]) -> Result<Vec<BTreeMap<String, String>>, String> {
    let mut ids = Vec::new();
    for node in 0..w.len() {
        for (k, key) in keys.iter().enumerate() {
            let client = READER + (node * keys.len() + k) as u32;
            ids.push((node, key.clone(), w.call(client, node, get(key))));
        }
    }
    w.run_until(|w| {
        ids.iter()
            .all(|&(_, _, id)| !w.calls()[id].outcome.is_pending())
    });
    let mut held = vec![BTreeMap::new(); w.len()];
    for (node, key, id) in ids {
        match w.calls()[id].outcome.response() {
            Some(Response::Value { value, .. }) => {
                if let Some(value) = value {
                    held[node].insert(key, value.clone());
                }
            }
            other => {
                return Err(format!(
                    "a read of {key} at n{node}, made to see what it holds, got {other:?}: an AP \
                     replica answers every read from its own copy (ap.1). This also fails when \
                     task ap is wrong: check it first"
                ));
            }
        }
    }
    Ok(held)
}

/// What is wrong with the replicas of `w` once they had time to converge since the heal
/// at `healed`: a key missing or a value never written, replicas that disagree, or a
/// `snapshot()` that is not what the replica's reads answer. Reads every key written,
/// at every node.
fn convergence_failure(w: &mut World<Replica>, healed: Duration) -> Option<String> {
    let writes = writes_by_key(w.calls());
    let keys: Vec<String> = writes.keys().cloned().collect();
    let held = match hold(w, &keys) {
        Ok(held) => held,
        Err(why) => return Some(why),
    };
    for (key, written) in &writes {
        let Some((stamp, _)) = &written.best else {
            continue;
        };
        for (node, map) in held.iter().enumerate() {
            match map.get(key) {
                None => {
                    return Some(format!(
                        "n{node} holds no value of {key}, which was written (the write with the \
                         largest stamp, {stamp:?}, was acknowledged): every key written on \
                         either side must reach every replica"
                    ));
                }
                Some(v) if !written.values.contains(v) => {
                    return Some(format!(
                        "n{node} holds {key}={v}, a value no client wrote to {key}"
                    ));
                }
                Some(_) => {}
            }
        }
    }
    if let Some(node) = (1..held.len()).find(|&n| held[n] != held[0]) {
        return Some(disagreement(w, &held, node, healed));
    }
    for (node, map) in held.iter().enumerate() {
        let snapshot = w.node(node).snapshot();
        let said: BTreeMap<&String, &String> =
            snapshot.iter().filter(|(k, _)| keys.contains(k)).collect();
        let read: BTreeMap<&String, &String> = map.iter().collect();
        if said != read {
            return Some(format!(
                "n{node}'s reads answered {map:?}, but its snapshot() says {snapshot:?}: \
                 snapshot() is the replica's own copy, the values its reads answer \
                 (convergence.5)"
            ));
        }
    }
    None
}

/// Why replicas n0 and `node` disagree, as far as the evidence goes: the stamps of what
/// each holds, and how many messages from its peers the one behind received since the
/// heal. None at all means no exchange reached it; many mean exchanges reached it and
/// its merge kept the smaller stamp, which is the last-writer-wins rule of task `ap`.
fn disagreement(
    w: &World<Replica>,
    held: &[BTreeMap<String, String>],
    node: NodeId,
    healed: Duration,
) -> String {
    let stamps: BTreeMap<&str, Stamp> = w
        .calls()
        .iter()
        .filter_map(|c| match (&c.request, c.outcome.response()) {
            (Request::Put { value, .. }, Some(Response::Written { stamp })) => {
                Some((value.as_str(), *stamp))
            }
            _ => None,
        })
        .collect();
    let key = held[0]
        .keys()
        .chain(held[node].keys())
        .find(|k| held[0].get(*k) != held[node].get(*k))
        .cloned()
        .unwrap_or_default();
    let stamp_of = |n: usize| {
        let value = held[n].get(&key)?;
        Some((value.clone(), stamps.get(value.as_str()).copied()))
    };
    let (a, b) = (stamp_of(0), stamp_of(node));
    let behind = if a.as_ref().map(|v| v.1) < b.as_ref().map(|v| v.1) {
        0
    } else {
        node
    };
    let received = w
        .trace()
        .events()
        .iter()
        .filter(|e| {
            e.at >= healed
                && matches!(
                    &e.event,
                    Event::Message {
                        from: Endpoint::Node(_),
                        to: Endpoint::Node(to),
                        fate: Fate::Delivered,
                        ..
                    } if *to == behind
                )
        })
        .count();
    let cause = if received == 0 {
        format!(
            "n{behind} received no message from any peer after the heal: replicas must keep              exchanging state, every round, not only when a write happens"
        )
    } else {
        format!(
            "n{behind} received {received} messages from its peers after the heal, yet keeps              the value with the smaller stamp. If those exchanges carried the newer write, the              merge is what is wrong: of two writes the larger stamp wins, whatever order they              arrived in (ap.3). This also fails when task ap is wrong: check it first.              Otherwise a lost exchange was not repeated"
        )
    };
    format!(
        "the replicas disagree on {key}: n0 holds {a:?} and n{node} holds {b:?} (value,          stamp). {cause}"
    )
}

/// One random run until the bound: its world, and the partitions it went through.
fn random_run(seed: u64, size: &RunSize, trace: bool) -> (World<Replica>, Vec<String>, Duration) {
    let mut rng = Rng::new(seed ^ 0xC0);
    let n = size.nodes;
    let config = Config::new(seed).loss(0.2).duplicate(0.2).trace(trace);
    let mut w = world(Mode::Ap, n, config);
    let mut splits = Vec::new();
    let mut value = 0;
    for round in 0..size.ops {
        if round % 6 == 0 && round / 6 < size.faults {
            splits.push(random_split(&mut w, n, &mut rng));
        }
        for c in 0..size.clients as u32 {
            if w.is_waiting(c) || !rng.chance(0.6) {
                continue;
            }
            value += 1;
            let key = KEYS[rng.index(KEYS.len())];
            w.call(c, rng.index(n), put(key, &format!("v{value}")));
        }
        w.run_for(ms(10));
    }
    w.run_for(MAX_DELAY * 3);
    w.heal();
    let healed = w.now();
    w.run_for(ROUND * CONVERGE_ROUNDS);
    (w, splits, healed)
}

fn random_failure(seed: u64, size: &RunSize, trace: bool) -> Option<String> {
    let (mut w, _, healed) = random_run(seed, size, trace);
    convergence_failure(&mut w, healed)
}

/// Writes on both sides of random partitions, on a network that loses and duplicates a
/// fifth of the messages, 3 to 7 replicas; CONVERGE_ROUNDS rounds after the heal every
/// replica holds the same values, every key written, each a value written to it. A
/// failing run is shrunk to the smallest that still fails.
pub fn replicas_converge_after_the_heal() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let size = RunSize {
            nodes: 3 + Rng::new(seed).index(5),
            clients: 4,
            ops: 20,
            faults: 3,
        };
        if random_failure(seed, &size, false).is_none() {
            continue;
        }
        // The message is drawn from a traced run: the failure's explanation reads the
        // messages each replica received.
        let failure = random_failure(seed, &size, true).unwrap_or_default();
        let fails = |s: &RunSize| random_failure(seed, s, false);
        let small = shrink(
            size,
            failure,
            Budget {
                tries: SHRINK_TRIES,
            },
            fails,
        );
        let (_, splits, _) = random_run(seed, &small.params, true);
        let failure = random_failure(seed, &small.params, true).unwrap_or(small.failure);
        let s = &small.params;
        fail_at(
            Some(seed),
            format!(
                "{} AP replicas, {} clients writing random keys at random nodes for {} rounds of \
                 10ms, 20% loss and 20% duplication, partitions every 60ms: {}; then the heal \
                 and CONVERGE_ROUNDS ({CONVERGE_ROUNDS}) rounds of {ROUND:?} (seed {seed}).\n\
                 Within them every replica must hold the same values (convergence.1-3): {}.\n\
                 The run that failed first had {size} (seed {seed}); it shrank in {} tries to \
                 the smallest run that still fails, with {s}.",
                s.nodes,
                s.clients,
                s.ops,
                if splits.is_empty() {
                    "none".to_owned()
                } else {
                    splits.join(", ")
                },
                failure,
                small.tries,
            ),
        );
    }
}

/// A world with no tick at all: replicas must run their rounds on their own. Split 2/2
/// (on 4 nodes) and 2/3 (on 5), each side writes, then the heal: CONVERGE_ROUNDS rounds
/// later every replica holds the same values. A failure says whether the same schedule
/// converges with the world's default tick.
pub fn rounds_are_the_replicas_own() {
    for n in [4, 5] {
        let Some(failure) = untimed(n, None) else {
            continue;
        };
        let compared = if untimed(n, Config::new(0).tick).is_none() {
            "On the same schedule in a world with the default tick they converge: a replica \
             sets its own round in on_start (convergence.4), whatever the world's default."
        } else {
            "They do not converge with the world's default tick either."
        };
        suite_harness::fail(format!(
            "{n} AP replicas in a world configured with no tick at all (Config::tick(None)), \
             split {{n0 n1}} | the rest; x, y and z written on the two sides; then the heal \
             and CONVERGE_ROUNDS ({CONVERGE_ROUNDS}) rounds of {ROUND:?}.\n{failure}.\n\
             {compared}"
        ));
    }
}

/// The schedule of [`rounds_are_the_replicas_own`] in a world whose tick is `tick`:
/// what is wrong at its end, if anything.
fn untimed(n: usize, tick: Option<Duration>) -> Option<String> {
    let config = Config::new(SCENARIO_SEED).tick(tick);
    let mut w = world(Mode::Ap, n, config);
    w.partition(&[&[0, 1], &(2..n).collect::<Vec<_>>()]);
    w.call_and_wait(0, 0, put("x", "left"));
    w.call_and_wait(1, n - 1, put("x", "right"));
    w.call_and_wait(2, 1, put("y", "only-left"));
    w.call_and_wait(3, 2, put("z", "only-right"));
    w.run_for(ROUND * 3);
    w.heal();
    let healed = w.now();
    w.run_for(ROUND * CONVERGE_ROUNDS);
    convergence_failure(&mut w, healed)
}
