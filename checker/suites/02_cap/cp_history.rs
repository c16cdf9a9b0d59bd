//! CP mode, histories: stamps, write-back, and linearizability under random partitions.
//!
//! The two mistakes that random schedules find only now and then each have a scenario
//! built so that they show every time: a read that returns a value only a minority
//! holds, without writing it back, and a coordinator that missed writes and stamps from
//! its own copy. The random test then looks for the rest, and shrinks what it finds.

use cap::Replica;
use cap_given::{Mode, Response};
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::model::ModelKind;
use testkit::rng::Rng;
use testkit::shrink::{Budget, RunSize, shrink};
use testkit::sim::{Config, NodeId, World};

use crate::common::*;
use crate::cp::majority;

/// How many seeds the random test runs, from the suite's seed on.
const SEEDS: u64 = 100;

/// Smaller runs a failure of the random test may try while it shrinks.
const SHRINK_TRIES: usize = 60;

/// A write to 5 nodes (every message 2ms) is stored at n0, its coordinator, and at one
/// peer, when n0's links to the other three are cut; a read at that peer finds the new
/// value; then the two are cut off, and a read among the other three follows. A read
/// that returned the new value without first making a majority hold it leaves the
/// three with the old one, and the later read goes back in time.
pub fn a_read_writes_back_what_it_returns() {
    let n = 5;
    let mut w = fixed_world(Mode::Cp, n, ms(2));
    w.call_and_wait(9, 2, put("x", "old"));
    w.run_for(ms(20));
    w.call(0, 0, put("x", "new"));
    let Some(holder) = step_until_held(&mut w, 0, "x", "new", ms(200)) else {
        suite_harness::fail(
            "5 CP replicas, every message 2ms; c0 writes x=new at n0 on a healthy network. \
             For 200ms no replica but n0 held x=new in its snapshot(), yet a write is \
             stored at a majority before it is acknowledged. If your replicas do store it, \
             snapshot() does not show what a replica holds: this also fails when \
             convergence.5 is broken, check it first.",
        );
    };
    let others: Vec<NodeId> = (1..n).filter(|&q| q != holder).collect();
    for &q in &others {
        w.block(0, q);
    }
    let scenario = format!(
        "5 CP replicas, every message 2ms; x=old written; c0 writes x=new at n0, and as soon \
         as n{holder} holds it, n0's links to {others:?} are cut one way (n0 still hears \
         them); c1 reads x at n{holder}; then the partition {{n0 n{holder}}} | {others:?}, \
         and c2 reads x at n{}",
        others[0]
    );
    let first = w
        .call_and_wait(1, holder, get("x"))
        .outcome
        .response()
        .cloned();
    w.partition(&[&[0, holder], &others]);
    let second = w
        .call_and_wait(2, others[0], get("x"))
        .outcome
        .response()
        .cloned();
    for got in [&first, &second] {
        if !matches!(got, Some(Response::Value { .. })) {
            suite_harness::fail(format!(
                "{scenario}.\nEach read reaches a majority ({} of 5), so it must be served; \
                 one got {got:?}.",
                majority(n)
            ));
        }
    }
    let value = |r: &Option<Response>| r.as_ref().and_then(|r| value_of(r).ok()).flatten();
    if value(&first).as_deref() == Some("new") && value(&second).as_deref() == Some("old") {
        suite_harness::fail(format!(
            "{scenario}.\nc1's read returned new; c2's read, made after c1's had returned, \
             returned old. Once a read has returned a value, no later read may return an \
             older one (cp.6). When c1 read, only n0 and n{holder} held x=new, and the three \
             nodes that c2's read asked had never seen it: a read that finds a value newer \
             than some of the majority it asked must write it back to a majority before \
             answering."
        ));
    }
    assert_linearizable(&w, &scenario, None, || None);
}

/// Node n0 is cut off while two writes of x are acknowledged by the others. After the
/// heal n0 coordinates a third write, whose stamp must be above both (n0's own copy has
/// neither, but a majority has), and every read must then return it. On the same start,
/// n0 and just enough peers to be a majority are cut off from the rest instead, and n0
/// reads x: behind as it is, it must serve the newest write with what it can reach,
/// itself included. On 5 and 6 nodes.
pub fn a_coordinator_that_missed_writes_stamps_above_them() {
    for n in [5, 6] {
        let missed = || {
            let mut w = fixed_world(Mode::Cp, n, ms(2));
            w.isolate(0);
            w.call_and_wait(0, 2, put("x", "a"));
            w.call_and_wait(1, n - 1, put("x", "b"));
            w
        };
        let start = format!(
            "{n} CP replicas, every message 2ms; n0 cut off while c0 writes x=a at n2 and c1 \
             writes x=b at n{}",
            n - 1
        );
        let mut w = missed();
        w.heal();
        w.call_and_wait(2, 0, put("x", "c"));
        let scenario =
            format!("{start}; healed; c2 writes x=c at n0; then reads of x at every node");
        let everyone: Vec<NodeId> = (0..n).collect();
        read_each(&mut w, "x", &everyone, None);
        if let Some(breach) = cp_stamp_breach(w.calls()) {
            suite_harness::fail(format!("{scenario}.\n{breach}."));
        }
        assert_linearizable(&w, &scenario, None, || None);

        let mut w = missed();
        let side: Vec<NodeId> = (0..majority(n)).collect();
        let rest: Vec<NodeId> = (majority(n)..n).collect();
        w.partition(&[&side, &rest]);
        let read = w.call_and_wait(2, 0, get("x")).clone();
        let scenario = format!("{start}; then the partition {side:?} | {rest:?}; c2 reads x at n0");
        let expected = Response::Value {
            value: Some("b".to_owned()),
            stale: false,
        };
        let got = read.outcome.response();
        if got != Some(&expected) {
            let got = got.map_or_else(
                || format!("nothing ({:?})", read.outcome),
                |r| format!("{r:?}"),
            );

            suite_harness::fail(format!(
                "{scenario}.\nn0 reaches {} of {n}, a majority, and the newest write a \
                 majority holds is x=b: it must answer {expected:?}, however far behind its own \
                 copy is (cp.6). It answered {got}. A read that writes the newest value back \
                 counts every node that holds it, itself too once it has stored it.",
                side.len()
            ));
        }
    }
}

/// One random run: its world (with or without a trace) and the partitions it went
/// through. `size` says how many nodes, clients, rounds of calls and partition changes.
fn random_run(seed: u64, size: &RunSize, trace: bool) -> (World<Replica>, Vec<String>) {
    let mut rng = Rng::new(seed ^ 0xCA9);
    let n = size.nodes;
    let config = Config::new(seed)
        .loss(0.05)
        .duplicate(0.05)
        .client_timeout(ms(300))
        .trace(trace);
    let mut w = world(Mode::Cp, n, config);
    let mut value = 0;
    let mut splits = Vec::new();
    for round in 0..size.ops {
        if round % 8 == 0 && round / 8 < size.faults {
            if rng.chance(0.3) {
                w.heal();
                splits.push("heal".to_owned());
            } else {
                splits.push(random_split(&mut w, n, &mut rng));
            }
        }
        for c in 0..size.clients as u32 {
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
        w.run_for(ms(10));
    }
    w.heal();
    w.run_for(ms(400));
    for (i, key) in ["a", "b"].into_iter().enumerate() {
        w.call_and_wait(READER + i as u32, i % n, get(key));
    }
    (w, splits)
}

fn describe(seed: u64, size: &RunSize, splits: &[String]) -> String {
    format!(
        "{} CP replicas, {} clients calling random nodes for {} rounds of 10ms, 5% loss and \
         5% duplication, partitions every 80ms: {}; then a heal, 400ms of calm and a read of \
         each key (seed {seed})",
        size.nodes,
        size.clients,
        size.ops,
        if splits.is_empty() {
            "none".to_owned()
        } else {
            splits.join(", ")
        }
    )
}

/// What is wrong with a random run, if anything: a final read not served, no write
/// acknowledged at all, a breach of the stamps' rules, or a history that is not
/// linearizable (the checker's explanation).
fn random_failure(w: &World<Replica>, size: &RunSize) -> Option<String> {
    let n = size.nodes;
    for call in w.calls() {
        if let Some(Response::Unavailable { needed, .. }) = call.outcome.response()
            && *needed != majority(n)
        {
            return Some(format!(
                "n{} refused {:?} saying a majority of {n} is {needed}; it is {n} / 2 + 1 = {}, \
                 more than half of the whole cluster (cp.1, cp.2)",
                call.node,
                call.request,
                majority(n)
            ));
        }
    }

    let finals = &w.calls()[w.calls().len() - 2..];
    for call in finals {
        if !matches!(call.outcome.response(), Some(Response::Value { .. })) {
            return Some(format!(
                "after the last heal and 400ms of calm, a read of {:?} at n{} must be served \
                 (every node reaches a majority of {n}); it got {:?}",
                call.request, call.node, call.outcome
            ));
        }
    }
    let writes = w
        .calls()
        .iter()
        .filter(|c| matches!(c.outcome.response(), Some(Response::Written { .. })));
    if size.ops >= 8 && size.clients > 0 && writes.count() == 0 {
        return Some(
            "no write was acknowledged at all: the side with a majority must keep serving"
                .to_owned(),
        );
    }
    if let Some(breach) = cp_stamp_breach(w.calls()) {
        return Some(breach);
    }
    let history = w.history().expect("the recorded history is well formed");
    let verdict = Linearizable::new(ModelKind::Kv)
        .check(&history)
        .expect("a key-value history the checker can read");
    if let Some(v) = verdict.violation() {
        return Some(format!(
            "the history is not linearizable: every read returns the latest acknowledged \
             write, an acknowledged write is never lost, and a refused request never takes \
             effect. Here:\n{}",
            v.explain(&history)
        ));
    }
    (!verdict.holds()).then(|| format!("undecided history: {verdict:?}"))
}

/// Random partitions that come and go, a lossy and duplicating network, clients on
/// every node, 3 to 7 replicas: the history must be linearizable, the stamps as cp.7
/// says, and the majority must make progress. A failing run is shrunk to the smallest
/// that still fails, which is what the message shows.
pub fn histories_are_linearizable_under_partitions() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let size = RunSize {
            nodes: 3 + Rng::new(seed).index(5),
            clients: 6,
            ops: 60,
            faults: 8,
        };
        let (w, _) = random_run(seed, &size, false);
        let Some(failure) = random_failure(&w, &size) else {
            continue;
        };
        let fails = |s: &RunSize| random_failure(&random_run(seed, s, false).0, s);
        let small = shrink(
            size,
            failure,
            Budget {
                tries: SHRINK_TRIES,
            },
            fails,
        );
        let (traced, splits) = random_run(seed, &small.params, true);
        let scenario = describe(seed, &small.params, &splits);
        let shrunk = format!(
            "The run that failed first had {} (seed {seed}); it shrank in {} tries to the \
             smallest run that still fails, with {}.",
            size, small.tries, small.params
        );
        if small.failure.starts_with("the history is not linearizable") {
            // The checker's own page of the history, drawn with the network's trace.
            let message = format!("{shrunk}\n{scenario}");
            assert_linearizable(&traced, &message, Some(seed), || None);
        }
        fail_at(
            Some(seed),
            format!("{scenario}.\n{}\n{shrunk}", small.failure),
        );
    }
}
