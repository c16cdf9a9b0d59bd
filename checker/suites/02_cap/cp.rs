//! CP mode: refusals on the minority, none on the majority, linearizable histories.

use std::time::Duration;

use cap_given::{ANSWER_WITHIN, Mode, Response};
use testkit::rng::Rng;
use testkit::sim::Config;

use crate::common::*;

/// 5 nodes, split {n0 n1} | {n2 n3 n4}: the minority refuses reads and writes within
/// the bound, names 2 reachable of 3 needed, and keeps nothing of the refused write.
pub fn minority_refuses_promptly_and_leaves_no_trace() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let config = Config::new(seed).client_timeout(Duration::from_secs(1));
        let mut w = world(Mode::Cp, 5, config);
        w.call_and_wait(9, 2, put("x", "before"));
        w.run_for(Duration::from_millis(20));
        w.partition(&[&[0, 1], &[2, 3, 4]]);
        let scenario = "5 CP replicas, x=before written, then the partition {n0 n1} | {n2 n3 n4}; \
                        c0 reads x at n0, c1 writes x=minority at n1, c2 writes x=majority at n3, \
                        c3 reads x at n4";
        let calls = [
            w.call(0, 0, get("x")),
            w.call(1, 1, put("x", "minority")),
            w.call(2, 3, put("x", "majority")),
            w.call(3, 4, get("x")),
        ];
        settle(&mut w, &[0, 1, 2, 3], scenario, seed);
        let bound = ANSWER_WITHIN + 2 * MAX_DELAY;
        for &id in &calls[..2] {
            let call = &w.calls()[id];
            let got = answer(call, seed);
            let expected = Response::Unavailable {
                reachable: 2,
                needed: 3,
            };
            assert!(
                *got == expected,
                "{scenario}.\nn{} is on the minority side: it can reach itself and one peer, \
                 and a majority of 5 is 3, so it must answer {expected:?} to {:?}.\n\
                 It answered {got:?} (seed {seed}).",
                call.node,
                call.request
            );
            let took = call.outcome.ended().unwrap() - call.called;
            assert!(
                took <= bound,
                "{scenario}.\nA refusal must be prompt: the node answers within ANSWER_WITHIN \
                 ({ANSWER_WITHIN:?}) of the request, and the messages take at most {MAX_DELAY:?} \
                 each way, so the client hears within {bound:?}. n{} took {took:?} (seed {seed}).",
                call.node
            );
        }
        for &id in &calls[2..] {
            let call = &w.calls()[id];
            let got = answer(call, seed);
            assert!(
                !matches!(got, Response::Unavailable { .. }),
                "{scenario}.\nn{} is on the majority side (3 of 5 reachable): it must serve \
                 {:?}, but answered {got:?} (seed {seed}).",
                call.node,
                call.request
            );
        }
        for node in 0..5 {
            let held = held_by(&w, node).get("x").cloned();
            assert!(
                held.as_deref() != Some("minority"),
                "{scenario}.\nThe write x=minority was refused with Unavailable, which promises \
                 it had no effect, yet n{node} holds x={held:?} right after. Check reachability \
                 before touching the store: a refused write must leave no trace (seed {seed})."
            );
        }
        w.heal();
        w.run_for(Duration::from_millis(100));
        for (client, node) in [(0, 0), (1, 1)] {
            w.call_and_wait(client, node, get("x"));
        }
        assert_linearizable(&w, scenario, seed);
    }
}

/// 4 nodes split 2/2: neither half is a majority of the cluster, so both refuse.
pub fn two_two_split_refuses_on_both_sides() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let config = Config::new(seed).client_timeout(Duration::from_secs(1));
        let mut w = world(Mode::Cp, 4, config);
        w.call_and_wait(9, 0, put("k", "old"));
        w.run_for(Duration::from_millis(20));
        w.partition(&[&[0, 1], &[2, 3]]);
        let scenario = "4 CP replicas split {n0 n1} | {n2 n3}; each node gets one request \
                        (reads at n0 and n2, writes at n1 and n3)";
        let ids = [
            w.call(0, 0, get("k")),
            w.call(1, 1, put("k", "left")),
            w.call(2, 2, get("k")),
            w.call(3, 3, put("k", "right")),
        ];
        settle(&mut w, &[0, 1, 2, 3], scenario, seed);
        for id in ids {
            let call = &w.calls()[id];
            let got = answer(call, seed);
            let expected = Response::Unavailable {
                reachable: 2,
                needed: 3,
            };
            assert!(
                *got == expected,
                "{scenario}.\nA majority of 4 nodes is 3 (more than half; 4 / 2 = 2 is only half, \
                 and would let both sides accept conflicting writes). n{} reaches 2, so it \
                 must answer {expected:?} to {:?}; it answered {got:?} (seed {seed}).",
                call.node,
                call.request
            );
        }
        for node in 0..4 {
            let held = held_by(&w, node).get("k").cloned();
            assert!(
                held.as_deref() == Some("old") || held.is_none(),
                "{scenario}.\nEvery write was refused, yet n{node} holds k={held:?} (seed {seed})."
            );
        }
    }
}

/// Random partitions that come and go, a lossy and duplicating network, clients on
/// every node: the history must be linearizable and the majority must make progress.
pub fn histories_are_linearizable_under_partitions() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let clients = 6u32;
        // The run, without its trace (fast) or with it: a failure is run again, traced, to
        // draw what the network did. The seed makes both runs the same.
        let run = |trace: bool| {
            let mut rng = Rng::new(seed ^ 0xCA9);
            let n = 4 + rng.index(2);
            let config = Config::new(seed)
                .loss(0.05)
                .duplicate(0.05)
                .client_timeout(Duration::from_millis(300))
                .trace(trace);
            let mut w = world(Mode::Cp, n, config);
            let mut value = 0;
            let mut splits = Vec::new();
            for round in 0..60 {
                if round % 8 == 0 {
                    if rng.chance(0.3) {
                        w.heal();
                        splits.push("heal".to_owned());
                    } else {
                        let mut ids: Vec<usize> = (0..n).collect();
                        rng.shuffle(&mut ids);
                        let cut = 1 + rng.index(n - 1);
                        let (a, b) = ids.split_at(cut);
                        w.partition(&[a, b]);
                        splits.push(format!("{a:?}|{b:?}"));
                    }
                }
                for c in 0..clients {
                    if w.is_waiting(c) || !rng.chance(0.5) {
                        continue;
                    }
                    let key = ["a", "b"][rng.index(2)];
                    let node = rng.index(n);
                    if rng.chance(0.5) {
                        w.call(c, node, get(key));
                    } else {
                        value += 1;
                        w.call(c, node, put(key, &format!("v{value}")));
                    }
                }
                w.run_for(Duration::from_millis(10));
            }
            w.heal();
            w.run_for(Duration::from_millis(400));
            (w, n, splits)
        };
        let (mut w, n, splits) = run(false);
        for (i, key) in ["a", "b"].into_iter().enumerate() {
            let call = w.call_and_wait(100 + i as u32, i % n, get(key));
            let got = call.outcome.response().cloned();
            assert!(
                matches!(got, Some(Response::Value { .. })),
                "{n} CP replicas, after the last heal and 400ms of calm, a read of {key} at \
                 n{} must be served; it got {got:?} (seed {seed}).",
                i % n
            );
        }
        let served = w
            .calls()
            .iter()
            .filter(|c| matches!(c.outcome.response(), Some(Response::Written { .. })))
            .count();
        assert!(
            served > 0,
            "{n} CP replicas under changing partitions ({}) acknowledged no write at all \
             (seed {seed}); the side with a majority must keep serving.",
            splits.join(", ")
        );
        let scenario = format!(
            "{n} CP replicas, {clients} clients calling random nodes, 5% loss and 5% \
             duplication, partitions every 80ms: {}, then a heal and a final read of each key",
            splits.join(", ")
        );
        // The traced run is the same up to here: it did not make the final reads.
        let traced = || {
            let (mut again, n, _) = run(true);
            for (i, key) in ["a", "b"].into_iter().enumerate() {
                again.call_and_wait(100 + i as u32, i % n, get(key));
            }
            Some(again)
        };
        assert_linearizable_traced(&w, &scenario, seed, traced);
    }
}
