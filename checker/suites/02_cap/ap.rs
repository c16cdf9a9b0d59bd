//! AP mode: answers during a partition, honest staleness, last-writer-wins, and
//! convergence after the heal.

use std::collections::BTreeMap;
use std::time::Duration;

use cap_given::{CONVERGE_ROUNDS, Mode, ROUND, Request, Response, STALE_AFTER, Stamp};
use testkit::rng::Rng;
use testkit::sim::{Call, Config};

use crate::common::*;

fn stale_of(call: &Call<Request, Response>, seed: u64) -> (Option<String>, bool) {
    match answer(call, seed) {
        Response::Value { value, stale } => (value.clone(), *stale),
        other => panic!(
            "in AP mode a read answers with a value; c{} got {other:?} from n{} (seed {seed})",
            call.client, call.node
        ),
    }
}

/// 5 AP nodes split {n0 n1} | {n2 n3 n4}: every node answers at once; reads during the
/// partition say they may be stale, reads on a healthy network do not.
pub fn every_node_answers_and_owns_up_to_staleness() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut w = world(Mode::Ap, 5, Config::new(seed));
        let scenario = "5 AP replicas; x=old written at n2 on a healthy network; then the \
                        partition {n0 n1} | {n2 n3 n4}; x=new written at n3, x=left at n1; \
                        reads on both sides";
        w.call_and_wait(9, 2, put("x", "old"));
        w.run_for(ROUND * 6);
        let healthy = w.call_and_wait(8, 0, get("x")).clone();
        let (value, stale) = stale_of(&healthy, seed);
        assert!(
            value.as_deref() == Some("old") && !stale,
            "{scenario}.\nOn a healthy network, {:?} after the write, a read at n0 should \
             return old and not be marked stale (every peer was heard from recently); \
             it returned {value:?}, stale: {stale} (seed {seed}).",
            ROUND * 6
        );
        w.partition(&[&[0, 1], &[2, 3, 4]]);
        let writes = [
            w.call(0, 3, put("x", "new")),
            w.call(1, 1, put("x", "left")),
        ];
        w.run_for(STALE_AFTER + ROUND * 2);
        let reads = [w.call(2, 0, get("x")), w.call(3, 4, get("x"))];
        w.run_for(MAX_DELAY * 3);
        for id in writes.into_iter().chain(reads) {
            let call = &w.calls()[id];
            let got = answer(call, seed);
            assert!(
                !matches!(got, Response::Unavailable { .. }),
                "{scenario}.\nIn AP mode every node answers during a partition; n{} answered \
                 {:?} with {got:?} (seed {seed}).",
                call.node,
                call.request
            );
            let took = call.outcome.ended().unwrap() - call.called;
            assert!(
                took <= 2 * MAX_DELAY,
                "{scenario}.\nAn AP node answers from its own copy, without waiting for \
                 peers; n{} took {took:?} (seed {seed}).",
                call.node
            );
        }
        for id in reads {
            let (value, stale) = stale_of(&w.calls()[id], seed);
            let node = w.calls()[id].node;
            assert!(
                stale,
                "{scenario}.\nn{node} has not heard from the other side for more than \
                 STALE_AFTER ({STALE_AFTER:?}): writes may have happened there (one did), so \
                 its read must say stale: true. It returned {value:?}, stale: false (seed {seed})."
            );
        }
    }
}

/// Two writes of one key accepted at the same virtual instant on two nodes: the stamps
/// tie on time, and the larger node id must win everywhere, whatever arrived last.
pub fn ties_break_by_node_id_not_arrival() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0x71E);
        let mut nodes: Vec<usize> = (0..5).collect();
        rng.shuffle(&mut nodes);
        let (first, second) = (nodes[0], nodes[1]);
        let fixed = Duration::from_millis(2);
        let mut w = world(Mode::Ap, 5, Config::new(seed).delay(fixed, fixed));
        w.run_for(Duration::from_millis(3));
        let at = w.now() + fixed;
        let a = w.call(0, first, put("k", &format!("from-n{first}")));
        let b = w.call(1, second, put("k", &format!("from-n{second}")));
        w.run_for(ROUND * CONVERGE_ROUNDS);
        let scenario = format!(
            "5 AP replicas, messages take exactly 2ms; c0 writes k=from-n{first} at n{first} \
             and c1 writes k=from-n{second} at n{second} at the same instant, so both are \
             accepted at {at:?}"
        );
        let time = u64::try_from(at.as_nanos()).unwrap();
        for (id, node) in [(a, first), (b, second)] {
            let got = answer(&w.calls()[id], seed);
            let expected = Response::Written {
                stamp: Stamp { time, node },
            };
            assert!(
                *got == expected,
                "{scenario}.\nA write is stamped with the virtual time its node accepted it \
                 (in nanoseconds) and that node's id: n{node} should answer {expected:?}, it \
                 answered {got:?} (seed {seed})."
            );
        }
        let winner = first.max(second);
        for node in 0..5 {
            let held = held_by(&w, node).get("k").cloned();
            assert!(
                held == Some(format!("from-n{winner}")),
                "{scenario}.\nThe stamps tie on time, so the larger node id wins: every replica \
                 must end with k=from-n{winner}, whichever write reached it last. After {} \
                 rounds n{node} holds k={held:?}. Breaking ties by arrival order makes \
                 replicas disagree forever (seed {seed}).",
                CONVERGE_ROUNDS
            );
        }
    }
}

/// Writes on both sides of a random partition, on a network that loses and duplicates a
/// fifth of the messages; after the heal every replica must hold, for every key, the
/// write with the largest stamp, within CONVERGE_ROUNDS rounds.
pub fn replicas_converge_after_the_heal() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut rng = Rng::new(seed ^ 0xC0);
        let config = Config::new(seed).loss(0.2).duplicate(0.2).trace(false);
        let mut w = world(Mode::Ap, 5, config);
        let mut ids: Vec<usize> = (0..5).collect();
        rng.shuffle(&mut ids);
        let cut = 1 + rng.index(4);
        let (left, right) = ids.split_at(cut);
        w.partition(&[left, right]);
        let mut value = 0;
        for _ in 0..20 {
            for c in 0..4u32 {
                if w.is_waiting(c) || !rng.chance(0.6) {
                    continue;
                }
                value += 1;
                let key = ["k0", "k1", "k2"][rng.index(3)];
                w.call(c, rng.index(5), put(key, &format!("v{value}")));
            }
            w.run_for(Duration::from_millis(10));
        }
        w.run_for(MAX_DELAY * 3);
        w.heal();
        let healed = w.now();
        w.run_for(ROUND * CONVERGE_ROUNDS);
        let mut winners: BTreeMap<String, (Stamp, String)> = BTreeMap::new();
        for call in w.calls() {
            let Request::Put { key, value } = &call.request else {
                continue;
            };
            let Some(Response::Written { stamp }) = call.outcome.response() else {
                panic!(
                    "an AP replica must acknowledge every write; n{} answered {:?} to {:?} \
                     (seed {seed})",
                    call.node, call.outcome, call.request
                );
            };
            let entry = winners
                .entry(key.clone())
                .or_insert((*stamp, value.clone()));
            if *stamp > entry.0 {
                *entry = (*stamp, value.clone());
            }
        }
        let expected: BTreeMap<String, String> =
            winners.into_iter().map(|(k, (_, v))| (k, v)).collect();
        for node in 0..5 {
            let held = held_by(&w, node);
            assert!(
                held == expected,
                "5 AP replicas split {left:?} | {right:?}, writes on both sides, 20% loss and \
                 20% duplication; healed at {healed:?}.\nWithin CONVERGE_ROUNDS ({CONVERGE_ROUNDS}) \
                 rounds of {ROUND:?} every replica must hold, per key, the acknowledged write \
                 with the largest stamp:\n  {expected:?}\nn{node} holds\n  {held:?}\n\
                 Replicas must keep exchanging state after the heal (anti-entropy), not only \
                 when a write happens, and a lost exchange must be repeated (seed {seed})."
            );
        }
    }
}
