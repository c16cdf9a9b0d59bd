//! Stamps, to the nanosecond: a write is stamped with the time its node accepted it and
//! that node's id, moved past the node's previous stamp only when the clock has not
//! passed it; three writes at one instant, and writes one and two nanoseconds later,
//! each get a stamp of their own.
//!
//! Messages take a fixed time here, so the suite knows the nanosecond each write reached
//! its node, and works out every stamp a correct replica gives.

use std::collections::BTreeMap;
use std::time::Duration;

use eventual_given::{CONVERGE_ROUNDS, ROUND, Response, Stamp};
use testkit::history::{ClientId, Millis, millis};
use testkit::sim::{CallId, Config, NodeId};

use crate::evidence::{answers, converged};
use crate::scenarios::{put, world};

/// How long every message takes.
const DELAY: Duration = Duration::from_millis(2);

/// When the first writes are made: not a whole number of milliseconds.
const START: Duration = Duration::from_nanos(13_000_777);

/// The writes: nanoseconds after `START`, client, node, key, value. Three at one instant
/// at n11 (and one at n3), then n11 again one and two nanoseconds later, then two at
/// other nodes at odd times.
const WRITES: [(u64, ClientId, NodeId, &str, &str); 8] = [
    (0, 10, 11, "k", "a"),
    (0, 11, 11, "k", "b"),
    (0, 12, 11, "j", "c"),
    (0, 13, 3, "k", "d"),
    (1, 14, 11, "k", "e"),
    (2, 15, 11, "j", "f"),
    (5_000_250, 10, 10, "k", "g"),
    (7_000_013, 11, 0, "j", "h"),
];

/// Twelve replicas (ids of two digits) take the writes of [`WRITES`]; each answer's stamp
/// must be exactly the one a correct replica gives, and after CONVERGE_ROUNDS rounds every
/// replica holds the largest stamp of each key.
pub fn stamps_are_the_acceptance_time_and_never_repeat() {
    let config = Config::new(3).delay(DELAY, DELAY).trace(false);
    let mut w = world(config, 12);
    w.run_for(START);
    let mut made: Vec<(CallId, u64)> = Vec::new();
    let mut at = 0;
    for &(offset, client, node, key, value) in &WRITES {
        w.run_for(Duration::from_nanos(offset - at));
        at = offset;
        let arrives = (START + DELAY).as_nanos() as u64 + offset;
        made.push((w.call(client, node, put(key, value)), arrives));
    }
    w.run_for(DELAY * 3);
    let scenario = format!(
        "12 replicas, messages take exactly {}; these writes (nanoseconds after {}, \
         client, node, key, value), each reaching its node {} after its call:\n  {WRITES:?}",
        Millis::of(DELAY),
        Millis::of(START),
        Millis::of(DELAY)
    );
    let mut last: BTreeMap<NodeId, u64> = BTreeMap::new();
    let mut given: Vec<(Stamp, usize)> = Vec::new();
    for (i, &(call, arrives)) in made.iter().enumerate() {
        let node = w.calls()[call].node;
        let must = Stamp {
            time: arrives.max(last.get(&node).map_or(0, |t| t + 1)),
            node,
        };
        last.insert(node, must.time);
        let got = match w.calls()[call].outcome.response() {
            Some(Response::Written { stamp }) => *stamp,
            other => suite_harness::fail(format!(
                "{scenario}.\nWrite #{i} must be answered Written {{ stamp }} at once; n{node} \
                 answered {other:?}."
            )),
        };
        if got != must {
            let why = explain(got, must, arrives, &given);
            suite_harness::fail(format!(
                "{scenario}.\nWrite #{i} ({:?}) reached n{node} at {} ({arrives} ns). Its \
                 stamp must be {must:?}: the node's id, and the time it was accepted in \
                 nanoseconds, or one nanosecond past the node's previous stamp when the clock \
                 has not passed it. n{node} stamped it {got:?}.\n{why}",
                WRITES[i],
                millis(arrives)
            ));
        }
        given.push((got, i));
    }
    w.run_for(ROUND * CONVERGE_ROUNDS);
    let result = answers(&w).and_then(|acked| converged(&mut w, &acked, 99));
    if let Err(why) = result {
        suite_harness::fail(format!(
            "{scenario}.\nEvery stamp was right; then {CONVERGE_ROUNDS} rounds passed.\n{why}"
        ));
    }
}

/// Why a write was stamped `got` rather than `must`, from what it looks like.
fn explain(got: Stamp, must: Stamp, arrives: u64, given: &[(Stamp, usize)]) -> String {
    if got.node != must.node {
        return format!(
            "A stamp names the node that accepted the write, n{}; this one names n{}.",
            must.node, got.node
        );
    }
    if let Some((_, earlier)) = given.iter().find(|(s, _)| *s == got) {
        return format!(
            "That is the stamp of write #{earlier}: two writes at one node never share a \
             stamp, however many arrive at one instant. When the clock has not passed the \
             node's previous stamp, move the time one nanosecond past that stamp (a bump \
             only when the time equals the last one fails the third write)."
        );
    }
    for (unit, per) in [("milliseconds", 1_000_000), ("microseconds", 1_000)] {
        if got.time.abs_diff(arrives / per) <= 8 {
            return format!(
                "The time looks like the virtual time in {unit}: stamps are in nanoseconds."
            );
        }
    }
    "Take the time from ctx.now() in nanoseconds.".to_owned()
}
