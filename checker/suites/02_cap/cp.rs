//! CP mode, refusals: who refuses, how fast, with what numbers, and what is left behind.
//!
//! Every cluster size from 2 to 7 is split into its largest group that is no majority
//! and the rest, so that a majority computed as half (rounded either way) is caught on
//! the sizes where it differs from `n / 2 + 1`. Waits are tried on both sides: a
//! majority that answers just within `REACH_TIMEOUT` must be served, one just past it
//! refused.

use std::time::Duration;

use cap::Replica;
use cap_given::{ANSWER_WITHIN, Mode, REACH_TIMEOUT, Request, Response};
use testkit::sim::{CallId, Config, NodeId, World};

use crate::common::*;

/// Seeds each cluster size of the refusal scenario runs with (random delays).
const SEEDS: u64 = 3;

/// A majority of `n` nodes: what a correct replica computes.
pub fn majority(n: usize) -> usize {
    n / 2 + 1
}

/// What the calls `ids`, all made at one instant to nodes of `group` (a side of a
/// partition), must have got: served if the group is a majority of `n`, refused
/// promptly with the group's size otherwise. `delay` is the longest a message takes.
#[allow(clippy::too_many_arguments)]
pub fn expect_side(
    w: &World<Replica>,
    ids: &[CallId],
    group: &[NodeId],
    n: usize,
    delay: Duration,
    scenario: &str,
    seed: Option<u64>,
) {
    let needed = majority(n);
    for &id in ids {
        let call = &w.calls()[id];
        let got = answer(call, scenario, seed);
        let run = run_name(seed);
        if group.len() >= needed {
            let served = match (&call.request, got) {
                (Request::Get { .. }, Response::Value { stale, .. }) => {
                    if *stale {
                        fail_at(
                            seed,
                            format!(
                                "{scenario}.\nn{} answered the read {:?} with {got:?}: a CP read \
                                 is confirmed by a majority, so it is never marked stale \
                                 ({run}).",
                                call.node, call.request
                            ),
                        );
                    }
                    true
                }
                (Request::Put { .. }, Response::Written { .. }) => true,
                _ => false,
            };
            if !served {
                let took = took(call).unwrap_or_default();
                let why = match got {
                    Response::Unavailable { reachable, .. } if *reachable < needed => format!(
                        "it gave up having heard from {reachable}, {took:?} after the call: a \
                         node waits up to REACH_TIMEOUT ({REACH_TIMEOUT:?}) for its peers' \
                         answers (cp.4), and these could all arrive within it"
                    ),
                    _ => "a node that reaches a majority serves the request (cp.1)".to_owned(),
                };
                fail_at(
                    seed,
                    format!(
                        "{scenario}.\nn{} is on a side of {} nodes, and a majority of {n} is \
                         {needed}, so it must serve {:?}. It answered {got:?}: {why} ({run}).",
                        call.node,
                        group.len(),
                        call.request
                    ),
                );
            }

            continue;
        }
        let expected = Response::Unavailable {
            reachable: group.len(),
            needed,
        };
        if *got != expected {
            let why = match got {
                Response::Unavailable { reachable, .. } if *reachable != group.len() => format!(
                    "it reaches {} nodes counting itself, not {reachable}",
                    group.len()
                ),
                Response::Unavailable { needed: said, .. } => format!(
                    "a majority of {n} is {n} / 2 + 1 = {needed}, not {said}: more than half \
                     of the whole cluster, reachable or not"
                ),
                _ => format!(
                    "{} of {n} is no majority ({n} / 2 + 1 = {needed}): serving it lets the \
                     other side serve conflicting requests",
                    group.len()
                ),
            };
            fail_at(
                seed,
                format!(
                    "{scenario}.\nn{} must answer {expected:?} to {:?}: {why}. It answered \
                     {got:?} ({run}).",
                    call.node, call.request
                ),
            );
        }
        let bound = ANSWER_WITHIN + 2 * delay;
        let took = took(call).unwrap_or_default();
        if took > bound {
            fail_at(
                seed,
                format!(
                    "{scenario}.\nA refusal must be prompt: a node answers within \
                     ANSWER_WITHIN ({ANSWER_WITHIN:?}) of the request reaching it, every \
                     request it holds, and messages take at most {delay:?} each way, so the \
                     client hears within {bound:?}. c{} waited {took:?} for n{}'s answer to \
                     {:?} ({run}).",
                    call.client, call.node, call.request
                ),
            );
        }
    }
}

/// Every size from 2 to 7 split into its largest group that is no majority (the highest
/// ids) and the rest: the group refuses reads and writes promptly with its size and the
/// majority; the rest serves if it is a majority and refuses likewise if not; and the
/// refused write is never read, neither during the partition nor after the heal.
pub fn minority_refuses_promptly_and_leaves_no_trace() {
    let base = suite_harness::seed();
    for n in 2..=7 {
        for seed in base..base + SEEDS {
            minority_scenario(n, seed);
        }
    }
}

fn minority_scenario(n: usize, seed: u64) {
    let needed = majority(n);
    let cut: Vec<NodeId> = (n + 1 - needed..n).collect();
    let rest: Vec<NodeId> = (0..n + 1 - needed).collect();
    let config = Config::new(seed).client_timeout(Duration::from_secs(1));
    let mut w = world(Mode::Cp, n, config);
    if let Some(wrong) = wrong_mode(&w, Mode::Cp) {
        fail_at(Some(seed), wrong);
    }
    w.call_and_wait(9, rest[0], put("x", "before"));
    w.run_for(ms(20));
    w.partition(&[&cut, &rest]);
    let (c0, c1) = (cut[0], cut[cut.len() - 1]);
    let (r0, r1) = (rest[0], rest[rest.len() - 1]);
    let scenario = format!(
        "{n} CP replicas (a majority is {needed}); x=before written, then the partition \
         {cut:?} | {rest:?}; at one instant c0 reads x at n{c0}, c1 writes y=refused at \
         n{c1}, c2 writes x=after at n{r0}, c3 reads x at n{r1}"
    );
    let calls = [
        w.call(0, c0, get("x")),
        w.call(1, c1, put("y", "refused")),
        w.call(2, r0, put("x", "after")),
        w.call(3, r1, get("x")),
    ];
    settle(&mut w, &[0, 1, 2, 3], &scenario, Some(seed));
    expect_side(&w, &calls[..2], &cut, n, MAX_DELAY, &scenario, Some(seed));
    expect_side(&w, &calls[2..], &rest, n, MAX_DELAY, &scenario, Some(seed));
    // A read during the partition where it can be served, and at every node after the
    // heal: the refused write must show in none of them.
    let during = if rest.len() >= needed {
        read_each(&mut w, "y", &rest, Some(seed))
    } else {
        Vec::new()
    };
    w.heal();
    w.run_for(ms(100));
    let everyone: Vec<NodeId> = (0..n).collect();
    let after = read_each(&mut w, "y", &everyone, Some(seed));
    let seen = rest.iter().zip(&during).chain(everyone.iter().zip(&after));
    let reads = format!(
        "{scenario}; then reads of y at every node, during the partition where a majority \
         can serve them and after the heal"
    );
    for (node, got) in seen {
        match got {
            Response::Value { value: None, .. } => {}
            Response::Value { .. } => fail_at(
                Some(seed),
                format!(
                    "{reads}.\nThe write y=refused was refused (Unavailable), which promises it \
                     had no effect, and nothing else wrote y; yet a read of y at n{node} \
                     answered {got:?}. Check reachability before touching any store, so that a \
                     refused write leaves no trace (cp.5, seed {seed})."
                ),
            ),
            _ => fail_at(
                Some(seed),
                format!(
                    "{reads}.\nEvery one of those reads reaches a majority, so it must be \
                     served (cp.1); the read at n{node} answered {got:?} (seed {seed})."
                ),
            ),
        }
    }

    if let Some(breach) = cp_stamp_breach(w.calls()) {
        fail_at(Some(seed), format!("{scenario}.\n{breach} (seed {seed})."));
    }
    assert_linearizable(&w, &scenario, Some(seed), || None);
}

/// Every message takes 14ms, so a majority answers 28ms after a request arrives, within
/// REACH_TIMEOUT: every request must be served. Then every message takes 26ms, so no
/// answer comes within REACH_TIMEOUT: every request must be refused, naming only the
/// node itself, promptly. On 4 and 5 nodes.
pub fn a_slow_majority_is_waited_for_and_a_slower_one_refused() {
    for n in [4, 5] {
        let needed = majority(n);
        for (delay, served) in [(ms(14), true), (ms(26), false)] {
            let mut w = fixed_world(Mode::Cp, n, delay);
            let last = n - 1;
            let scenario = format!(
                "{n} CP replicas on a healthy network whose every message takes {delay:?}, so \
                 a majority's answers reach a node {:?} after a request (REACH_TIMEOUT is \
                 {REACH_TIMEOUT:?}); at one instant c0 writes x=slow at n0, c1 reads x at n1, \
                 c2 writes y=slow at n{last}",
                delay * 2
            );
            let calls = [
                w.call(0, 0, put("x", "slow")),
                w.call(1, 1, get("x")),
                w.call(2, last, put("y", "slow")),
            ];
            settle(&mut w, &[0, 1, 2], &scenario, None);
            if served {
                let everyone: Vec<NodeId> = (0..n).collect();
                expect_side(&w, &calls, &everyone, n, delay, &scenario, None);
                assert_linearizable(&w, &scenario, None, || None);
                continue;
            }
            for &id in &calls {
                let call = &w.calls()[id];
                let got = answer(call, &scenario, None);
                let expected = Response::Unavailable {
                    reachable: 1,
                    needed,
                };
                if *got != expected {
                    suite_harness::fail(format!(
                        "{scenario}.\nNo answer can arrive within REACH_TIMEOUT, so n{} must \
                         refuse {:?} with {expected:?} (itself only), at most ANSWER_WITHIN \
                         ({ANSWER_WITHIN:?}) after it arrived. It answered {got:?}.",
                        call.node, call.request
                    ));
                }
            }
            expect_prompt(&w, &calls, delay, &scenario);
        }
    }
}

/// Fails if any of `ids`, each refused, took longer than a prompt refusal may.
fn expect_prompt(w: &World<Replica>, ids: &[CallId], delay: Duration, scenario: &str) {
    for &id in ids {
        let call = &w.calls()[id];
        let bound = ANSWER_WITHIN + 2 * delay;
        let took = took(call).unwrap_or_default();
        if took > bound {
            suite_harness::fail(format!(
                "{scenario}.\nA refusal must be prompt: a node answers within ANSWER_WITHIN \
                 ({ANSWER_WITHIN:?}) of the request reaching it, and messages take {delay:?} \
                 each way, so the client hears within {bound:?}. c{} waited {took:?} for \
                 n{}'s answer to {:?}.",
                call.client, call.node, call.request
            ));
        }
    }
}

/// Several clients call one node at the same instant, with every message taking 2ms:
/// three writes of one key and a read. On a healthy network each gets its own answer,
/// and the three writes three different stamps; cut off, each gets its own prompt
/// refusal. On 5 nodes (cut off with one peer) and 6 (cut off with two, the other half
/// no majority either).
pub fn many_requests_at_one_node_each_get_their_answer() {
    for n in [5, 6] {
        let mut w = fixed_world(Mode::Cp, n, ms(2));
        let burst = |w: &mut World<Replica>, round: &str| -> Vec<CallId> {
            let mut ids: Vec<CallId> = (0..3u32)
                .map(|c| w.call(c, 0, put("k", &format!("{round}{c}"))))
                .collect();
            ids.push(w.call(3, 0, get("k")));
            ids
        };
        let healthy = format!(
            "{n} CP replicas, every message taking 2ms; at one instant c0, c1 and c2 write \
             k=a0, k=a1 and k=a2 at n0 and c3 reads k at n0"
        );
        let ids = burst(&mut w, "a");
        settle(&mut w, &[0, 1, 2, 3], &healthy, None);
        let everyone: Vec<NodeId> = (0..n).collect();
        expect_side(&w, &ids, &everyone, n, ms(2), &healthy, None);
        if let Some(breach) = cp_stamp_breach(w.calls()) {
            suite_harness::fail(format!("{healthy}.\n{breach}."));
        }
        let cut: Vec<NodeId> = (0..n / 2).collect();
        let rest: Vec<NodeId> = (n / 2..n).collect();
        w.partition(&[&cut, &rest]);
        let scenario = format!(
            "{healthy}; then the partition {cut:?} | {rest:?}, and again at one instant c0, \
             c1 and c2 write k=b0, k=b1 and k=b2 at n0 and c3 reads k at n0, c4 writes k=b4 \
             at n{}",
            n - 1
        );
        let ids = burst(&mut w, "b");
        let far = w.call(4, n - 1, put("k", "b4"));
        settle(&mut w, &[0, 1, 2, 3, 4], &scenario, None);
        expect_side(&w, &ids, &cut, n, ms(2), &scenario, None);
        expect_side(&w, &[far], &rest, n, ms(2), &scenario, None);
        w.heal();
        w.run_for(ms(100));
        read_each(&mut w, "k", &everyone, None);
        if let Some(breach) = cp_stamp_breach(w.calls()) {
            suite_harness::fail(format!("{scenario}.\n{breach}."));
        }
        assert_linearizable(&w, &scenario, None, || None);
    }
}
