//! CP mode on a network that misbehaves: a world without a tick, messages delivered
//! twice, messages lost at the worst moment, and every schedule of a small world with
//! one message lost or overtaken.
//!
//! Where a mistake shows only under one condition, the test runs the same schedule
//! without it too, so that the message can say what made the difference.

use std::time::Duration;

use cap::Replica;
use cap_given::{Mode, REACH_TIMEOUT, Response};
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::model::ModelKind;
use testkit::sim::explore::{Bounds, Script, explore};
use testkit::sim::{CallId, Config, NodeId, World};

use crate::common::*;
use crate::cp::{expect_side, majority};

/// A world with no tick of its own: a replica that sets its own round refuses on time
/// (and serves on the majority side); one that counts on the world's default tick never
/// checks its deadlines, which the same schedule with the default tick shows. On 4 and 5
/// nodes.
pub fn refusals_come_on_the_replicas_own_round() {
    for n in [4, 5] {
        let cut = vec![0, 1];
        let rest: Vec<NodeId> = (2..n).collect();
        let scenario = format!(
            "{n} CP replicas in a world configured with no tick at all (Config::tick(None)): \
             a replica must set its own round; x=before written, then the partition \
             {cut:?} | {rest:?}; at one instant c0 reads x at n0, c1 writes x=left at n1, c2 \
             writes x=right at n{}",
            n - 1
        );
        let (w, left, right) = untimed(n, &cut, &rest, None);
        let open = |w: &World<Replica>| {
            left.iter()
                .map(|&id| &w.calls()[id])
                .find(|c| c.outcome.response().is_none())
                .cloned()
        };
        if let Some(call) = open(&w)
            && open(&untimed(n, &cut, &rest, Config::new(0).tick).0).is_none()
        {
            suite_harness::fail(format!(
                "{scenario}.\nc{} never got an answer from n{} to {:?} ({:?}), though on the \
                 same schedule in a world with the default tick it did. A replica sets its own \
                 round in on_start (cp.10): without one it never checks its deadlines, and \
                 never refuses.",
                call.client, call.node, call.request, call.outcome
            ));
        }
        expect_side(&w, &left, &cut, n, MAX_DELAY, &scenario, None);
        expect_side(&w, &right, &rest, n, MAX_DELAY, &scenario, None);
    }
}

/// The schedule of [`refusals_come_on_the_replicas_own_round`] in a world whose tick is
/// `tick`: the world once the calls have ended, and the calls on each side.
fn untimed(
    n: usize,
    cut: &[NodeId],
    rest: &[NodeId],
    tick: Option<Duration>,
) -> (World<Replica>, [CallId; 2], [CallId; 1]) {
    let config = Config::new(SCENARIO_SEED)
        .tick(tick)
        .client_timeout(Duration::from_secs(1));
    let mut w = world(Mode::Cp, n, config);
    w.call_and_wait(9, n - 1, put("x", "before"));
    w.partition(&[cut, rest]);
    let left = [w.call(0, 0, get("x")), w.call(1, 1, put("x", "left"))];
    let right = [w.call(2, n - 1, put("x", "right"))];
    w.run_until(|w| (0..3).all(|c| !w.is_waiting(c)));
    (w, left, right)
}

/// Every message between nodes is delivered twice: a node cut off with fewer than a
/// majority must still count each peer once, and refuse. On 5 nodes (two cut off) and 7
/// (three cut off). When it does not, the same schedule without duplicates says whether
/// the duplicates are what misled it.
pub fn duplicated_answers_count_once() {
    for n in [5, 7] {
        let cut: Vec<NodeId> = (0..n / 2).collect();
        let rest: Vec<NodeId> = (n / 2..n).collect();
        let scenario = format!(
            "{n} CP replicas on a network that delivers every message between nodes twice; \
             x=before written, then the partition {cut:?} | {rest:?}; at one instant c0 reads \
             x at n0, c1 writes x=dup at n{}, c2 writes x=fine at n{}",
            cut[cut.len() - 1],
            n - 1
        );
        let (mut w, left, right) = duplicated(n, &cut, &rest, 1.0);
        let refused = |w: &World<Replica>| {
            left.iter().all(|&id| {
                w.calls()[id].outcome.response()
                    == Some(&Response::Unavailable {
                        reachable: cut.len(),
                        needed: majority(n),
                    })
            })
        };
        if !refused(&w) && refused(&duplicated(n, &cut, &rest, 0.0).0) {
            let got: Vec<String> = left
                .iter()
                .map(|&id| format!("{:?}", w.calls()[id].outcome))
                .collect();
            suite_harness::fail(format!(
                "{scenario}.\nn0's side is {} of {n}: no majority, however many copies of each \
                 answer arrive. The side answered {}; on the same schedule without duplicates \
                 it refused as it must. An answer counts once per node that sent it (cp.9): \
                 count who answered, not how many answers came.",
                cut.len(),
                got.join(" and ")
            ));
        }
        expect_side(&w, &left, &cut, n, MAX_DELAY, &scenario, None);
        expect_side(&w, &right, &rest, n, MAX_DELAY, &scenario, None);
        w.heal();
        w.run_for(ms(100));
        let everyone: Vec<NodeId> = (0..n).collect();
        read_each(&mut w, "x", &everyone, None);
        assert_linearizable(&w, &scenario, None, || None);
    }
}

/// The schedule of [`duplicated_answers_count_once`], with `duplicate` the probability
/// that a message between nodes is delivered twice: the world once the calls made on
/// each side of the partition have ended, and those calls.
fn duplicated(
    n: usize,
    cut: &[NodeId],
    rest: &[NodeId],
    duplicate: f64,
) -> (World<Replica>, [CallId; 2], [CallId; 1]) {
    let config = Config::new(SCENARIO_SEED)
        .duplicate(duplicate)
        .client_timeout(Duration::from_secs(1));
    let mut w = world(Mode::Cp, n, config);
    w.call_and_wait(9, n - 1, put("x", "before"));
    w.partition(&[cut, rest]);
    let left = [
        w.call(0, 0, get("x")),
        w.call(1, cut[cut.len() - 1], put("x", "dup")),
    ];
    let right = [w.call(2, n - 1, put("x", "fine"))];
    w.run_until(|w| (0..3).all(|c| !w.is_waiting(c)));
    (w, left, right)
}

/// Five CP replicas, every message 2ms. n0 is cut off for 15ms from the moment a read
/// reaches it, so what it asks in that time is lost: it must ask again once the link is
/// back, and serve the read well within REACH_TIMEOUT. Then n0 coordinates a write, and
/// as soon as one peer holds it, n0's links to the others are cut one way for 15ms, so
/// the rest of what it stores is lost: it must store again, and acknowledge the write.
pub fn lost_messages_are_sent_again() {
    let n = 5;
    let mut w = fixed_world(Mode::Cp, n, ms(2));
    w.call_and_wait(9, 2, put("x", "old"));
    let read = w.call(0, 0, get("x"));
    w.run_for(ms(2));
    w.isolate(0);
    w.run_for(ms(15));
    w.heal();
    let asked = "5 CP replicas, every message 2ms; x=old written; c0 reads x at n0, which is \
                 cut off from the moment the read reaches it for 15ms, then healed";
    settle(&mut w, &[0], asked, None);
    let expected = Response::Value {
        value: Some("old".to_owned()),
        stale: false,
    };
    let got = w.calls()[read].outcome.clone();
    if got.response() != Some(&expected) {
        suite_harness::fail(format!(
            "{asked}.\nWhat n0 asked while cut off was lost; the link was back {:?} before \
             REACH_TIMEOUT ({REACH_TIMEOUT:?}) ran out, time to ask again and hear a majority. \
             It must answer {expected:?}, and got {got:?}: send again, every round, what was \
             not answered (cp.9).",
            REACH_TIMEOUT - ms(15)
        ));
    }
    let write = w.call(1, 0, put("x", "new"));
    let stored = "then c1 writes x=new at n0, and as soon as a peer holds it, n0's links to \
                  the others are cut one way for 15ms";
    let Some(holder) = step_until_held(&mut w, 0, "x", "new", ms(200)) else {
        suite_harness::fail(format!(
            "{asked}; {stored}.\nFor 200ms no replica but n0 held x=new in its snapshot(), \
             yet a write is stored at a majority before it is acknowledged. If your replicas \
             do store it, snapshot() does not show what a replica holds: this also fails \
             when convergence.5 is broken, check it first."
        ));
    };
    let others: Vec<NodeId> = (1..n).filter(|&q| q != holder).collect();
    for &q in &others {
        w.block(0, q);
    }
    w.run_for(ms(15));
    w.heal();
    let scenario = format!("{asked}; {stored} (n{holder} held it first, then {others:?} were cut)");
    settle(&mut w, &[1], &scenario, None);
    let got = w.calls()[write].outcome.clone();
    if !matches!(got.response(), Some(Response::Written { .. })) {
        suite_harness::fail(format!(
            "{scenario}.\nOnly n0 and n{holder} held x=new when the links were cut; what n0 \
             sent the others was lost. Once the links were back it had to store again at \
             the nodes that had not acknowledged, until a majority had: the write must be \
             Written, and got {got:?} (cp.9)."
        ));
    }
    assert_linearizable(&w, &scenario, None, || None);
}

/// Every schedule of a small CP world within the explorer's bounds of one deviation
/// from the time order (a message lost, or overtaken by a later one): three replicas,
/// every message 1ms; c0 writes x=a at n1, then x=b at n0, then reads x at n2, while c1
/// reads x at n1. Every run must be linearizable and its stamps as cp.7 says. A
/// coordinator that missed x=a because the one message that carried it was lost must
/// still stamp x=b above it.
pub fn small_worlds_are_linearizable_in_every_schedule() {
    let config = Config::new(SCENARIO_SEED).delay(ms(1), ms(1));
    let make = || world(Mode::Cp, 3, config.clone());
    let script = Script::new()
        .client(vec![(1, put("x", "a")), (0, put("x", "b")), (2, get("x"))])
        .client(vec![(1, get("x"))]);
    let check = |w: &World<Replica>| -> Result<(), String> {
        if let Some(breach) = cp_stamp_breach(w.calls()) {
            return Err(breach);
        }
        let history = w.history().map_err(|e| e.to_string())?;
        let verdict = Linearizable::new(ModelKind::Kv)
            .check(&history)
            .map_err(|e| e.to_string())?;
        match verdict.violation() {
            Some(v) => Err(format!(
                "the history is not linearizable:\n{}",
                v.explain(&history)
            )),
            None if verdict.holds() => Ok(()),
            None => Err(format!("undecided history: {verdict:?}")),
        }
    };
    let bounds = Bounds {
        deviations: 1,
        ..Bounds::default()
    };
    let found = explore(&bounds, &make, &script, check);
    if let Some(bad) = &found.violation {
        suite_harness::fail(format!(
            "3 CP replicas, every message 1ms; c0 writes x=a at n1, then x=b at n0, then reads \
             x at n2, while c1 reads x at n1. Every schedule with one message lost or \
             overtaken is tried; this one ({}) breaks a rule: {}.\nWhat the network did:\n{}",
            bad.deviations().join(", "),
            bad.why,
            bad.world.trace()
        ));
    }
    assert!(
        found.complete,
        "the suite's exploration stopped after {} runs, before every schedule was tried",
        found.runs
    );
}
