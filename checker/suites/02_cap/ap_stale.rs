//! AP mode: every node answers at once, and its reads say whether they may be stale.
//!
//! The staleness test gives every node a write to spread just before its healthy reads,
//! so that a replica that tells its peers about writes only as they happen (no rounds,
//! which is task `convergence`'s business) is still heard from and judged here on the
//! staleness rule alone. Who a node heard from, and when, is read from the network's
//! trace: the boundary test reads a node exactly STALE_AFTER after the last message it
//! received, and just after.

use std::time::Duration;

use cap::Replica;
use cap_given::{Mode, ROUND, Response, STALE_AFTER};
use testkit::sim::{CallId, Config, Endpoint, Event, Fate, NodeId, World};

use crate::common::*;

/// Seeds each cluster size of the staleness test runs with.
const SEEDS: u64 = 2;

/// The value and staleness of a read's answer, or a failure: in AP mode a read always
/// answers with a value.
fn read_of(w: &World<Replica>, id: CallId, scenario: &str, seed: u64) -> (Option<String>, bool) {
    let call = &w.calls()[id];
    match answer(call, scenario, Some(seed)) {
        Response::Value { value, stale } => (value.clone(), *stale),
        other => fail_at(
            Some(seed),
            format!(
                "{scenario}.\nIn AP mode every node answers a read with its own value, during \
                 a partition too; c{} got {other:?} from n{} (seed {seed}).",
                call.client, call.node
            ),
        ),
    }
}

/// Fails unless every call of `ids` was answered within two message delays, as an
/// answer from the node's own copy is.
fn expect_at_once(w: &World<Replica>, ids: &[CallId], scenario: &str, seed: u64) {
    for &id in ids {
        let call = &w.calls()[id];
        let got = answer(call, scenario, Some(seed));
        if matches!(got, Response::Unavailable { .. }) {
            fail_at(
                Some(seed),
                format!(
                    "{scenario}.\nIn AP mode every node answers, during a partition too; n{} \
                     answered {:?} with {got:?} (seed {seed}).",
                    call.node, call.request
                ),
            );
        }
        let took = took(call).unwrap_or_default();
        if took > 2 * MAX_DELAY {
            fail_at(
                Some(seed),
                format!(
                    "{scenario}.\nAn AP node answers from its own copy at once, without waiting \
                     for peers: the client should hear within two message delays ({:?}); n{} \
                     took {took:?} to answer {:?} (seed {seed}).",
                    2 * MAX_DELAY,
                    call.node,
                    call.request
                ),
            );
        }
    }
}

/// Every size from 2 to 7: a read right after the start is not stale; after every node
/// accepted a write, reads everywhere are not stale; then the nodes split in two halves,
/// each writes, and after STALE_AFTER and two rounds every node answers at once and
/// every read says stale, on both sides.
pub fn every_node_answers_and_owns_up_to_staleness() {
    let base = suite_harness::seed();
    for n in 2..=7 {
        for seed in base..base + SEEDS {
            staleness_scenario(n, seed);
        }
    }
}

fn staleness_scenario(n: usize, seed: u64) {
    let config = Config::new(seed).client_timeout(Duration::from_secs(1));
    let mut w = world(Mode::Ap, n, config);
    if let Some(wrong) = wrong_mode(&w, Mode::Ap) {
        fail_at(Some(seed), wrong);
    }
    let everyone: Vec<NodeId> = (0..n).collect();
    let start = format!("{n} AP replicas on a healthy network; c0 reads x at n0 as the run starts");
    let first = w.call_and_wait(0, 0, get("x")).outcome.response().cloned();
    if first
        != Some(Response::Value {
            value: None,
            stale: false,
        })
    {
        fail_at(
            Some(seed),
            format!(
                "{start}.\nNothing was written and no peer can have been silent for more than \
                 STALE_AFTER ({STALE_AFTER:?}) yet: the run is younger than that. The read must \
                 answer Value {{ value: None, stale: false }}; it got {first:?} (seed {seed})."
            ),
        );
    }
    let writes: Vec<CallId> = everyone
        .iter()
        .map(|&i| w.call(i as u32, i, put(&format!("w{i}"), "hello")))
        .collect();
    w.run_for(ROUND * 2);
    let healthy = format!(
        "{start}; then every node accepts a write of its own key at one instant; {:?} later \
         every node is read at one instant",
        ROUND * 2
    );
    expect_at_once(&w, &writes, &healthy, seed);
    let reads: Vec<CallId> = everyone
        .iter()
        .map(|&i| w.call(i as u32, i, get("w0")))
        .collect();
    w.run_for(MAX_DELAY * 3);
    expect_at_once(&w, &reads, &healthy, seed);
    for &id in &reads {
        let (value, stale) = read_of(&w, id, &healthy, seed);
        if !stale {
            continue;
        }
        let call = &w.calls()[id];
        let at = call.outcome.ended().unwrap_or(call.called);
        let silent = silent_peers(&w, call.node, at, STALE_AFTER);
        let why = if silent.is_empty() {
            format!(
                "n{} heard from every peer in the {STALE_AFTER:?} before it answered, so the \
                 read must not be marked stale",
                call.node
            )
        } else {
            format!(
                "no message from {} reached n{} in the {STALE_AFTER:?} before it answered, on a \
                 healthy network: a replica is heard from through the rounds of anti-entropy \
                 (convergence.3). This also fails when task convergence is wrong: check it \
                 first",
                names(&silent),
                call.node
            )
        };
        fail_at(
            Some(seed),
            format!(
                "{healthy}.\nn{} answered the read of w0 with {value:?}, stale: true: {why} \
                 (ap.5, seed {seed}).",
                call.node
            ),
        );
    }
    let cut: Vec<NodeId> = (0..n / 2).collect();
    let rest: Vec<NodeId> = (n / 2..n).collect();
    w.partition(&[&cut, &rest]);
    let last = n - 1;
    let scenario = format!(
        "{healthy}; then the partition {cut:?} | {rest:?}; c0 writes x=left at n0 and c1 \
         writes x=right at n{last}; {:?} later every node is read at one instant",
        STALE_AFTER + ROUND * 2
    );
    let writes = [
        w.call(0, 0, put("x", "left")),
        w.call(1, last, put("x", "right")),
    ];
    w.run_for(STALE_AFTER + ROUND * 2);
    expect_at_once(&w, &writes, &scenario, seed);
    let reads: Vec<CallId> = everyone
        .iter()
        .map(|&i| w.call(i as u32, i, get("x")))
        .collect();
    w.run_for(MAX_DELAY * 3);
    expect_at_once(&w, &reads, &scenario, seed);
    for (&id, own) in [(&reads[0], "left"), (&reads[last], "right")] {
        let (value, _) = read_of(&w, id, &scenario, seed);
        if value.as_deref() != Some(own) {
            fail_at(
                Some(seed),
                format!(
                    "{scenario}.\nn{} accepted x={own} itself, the newest write it knows of, \
                     and answers from its own copy: its read must return {own}, not \
                     {value:?} (seed {seed}).",
                    w.calls()[id].node
                ),
            );
        }
    }
    for &id in &reads {
        let (value, stale) = read_of(&w, id, &scenario, seed);
        if stale {
            continue;
        }
        let call = &w.calls()[id];
        let at = call.outcome.ended().unwrap_or(call.called);
        let silent = silent_peers(&w, call.node, at, STALE_AFTER);
        fail_at(
            Some(seed),
            format!(
                "{scenario}.\nn{} answered {value:?}, stale: false; but no message from {} had \
                 reached it for more than STALE_AFTER ({STALE_AFTER:?}): those peers may have \
                 accepted writes it has not seen (one did), so the read must say stale: true, \
                 however many other peers it still hears (ap.4, seed {seed}).",
                call.node,
                names(&silent)
            ),
        );
    }
}

fn names(nodes: &[NodeId]) -> String {
    let names: Vec<String> = nodes.iter().map(|n| format!("n{n}")).collect();
    names.join(", ")
}

/// Two AP replicas, every message 1ms, cut apart some time after n1 was last heard by
/// n0; n0 is then read when n1 has been silent exactly STALE_AFTER, which is not more
/// than STALE_AFTER (not stale), and again a microsecond later (stale).
pub fn staleness_starts_past_stale_after() {
    let delay = ms(1);
    let mut w = fixed_world(Mode::Ap, 2, delay);
    w.run_for(ms(25));
    w.partition(&[&[0], &[1]]);
    let last = w
        .trace()
        .events()
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                Event::Message {
                    from: Endpoint::Node(1),
                    to: Endpoint::Node(0),
                    fate: Fate::Delivered,
                    ..
                }
            )
        })
        .map(|e| e.at)
        .max()
        .unwrap_or_default();
    let at = last + STALE_AFTER;
    w.run_for(at - delay - w.now());
    let edge = w.call(0, 0, get("x"));
    w.run_for(Duration::from_micros(1));
    let past = w.call(1, 0, get("x"));
    w.run_for(ms(5));
    let scenario = format!(
        "2 AP replicas, every message 1ms; at 25ms the partition {{n0}} | {{n1}}; the last \
         message from n1 reached n0 at {last:?}; c0's read reaches n0 at {at:?}, exactly \
         STALE_AFTER ({STALE_AFTER:?}) later, and c1's read 1µs after that"
    );
    for (id, stale) in [(edge, false), (past, true)] {
        let got = w.calls()[id].outcome.response().cloned();
        let expected = Response::Value { value: None, stale };
        if got.as_ref() != Some(&expected) {
            let silent = if stale {
                "more than"
            } else {
                "exactly, no more than"
            };
            suite_harness::fail(format!(
                "{scenario}.\nWhen c{id} read, n1 had been silent for {silent} STALE_AFTER: \
                 a read is stale when some peer has not been heard from for more than \
                 STALE_AFTER (ap.4, ap.5). n0 must answer {expected:?}; it answered {got:?}."
            ));
        }
    }
}
