//! AP mode: stamps and last-writer-wins.
//!
//! Both tests are hand-built: three writes at one instant on nodes with one- and
//! two-digit ids, and two writes a fraction of a millisecond apart that reach the nodes
//! in opposite orders.

use std::time::Duration;

use cap::Replica;
use cap_given::{CONVERGE_ROUNDS, Mode, ROUND, Request, Response, Stamp};
use testkit::sim::{CallId, NodeId, World};

use crate::common::*;

/// What every replica holds under `key` once the writes of a scenario had time to
/// spread, read by the suite, compared with `winner`; on a difference, a message that
/// follows what the replicas hold and the stamps their writes were answered with.
fn expect_winner(w: &mut World<Replica>, key: &str, winner: &str, scenario: &str, why: &str) {
    let everyone: Vec<NodeId> = (0..w.len()).collect();
    let held: Vec<Option<String>> = read_each(w, key, &everyone, None)
        .iter()
        .map(|r| value_of(r).ok().flatten())
        .collect();
    if held.iter().all(|v| v.as_deref() == Some(winner)) {
        return;
    }
    let stamp_of = |value: &str| {
        w.calls()
            .iter()
            .find_map(|c| match (&c.request, c.outcome.response()) {
                (Request::Put { value: v, .. }, Some(Response::Written { stamp }))
                    if v == value =>
                {
                    Some(*stamp)
                }
                _ => None,
            })
    };
    let wrong: Vec<String> = held
        .iter()
        .enumerate()
        .filter(|(_, v)| v.as_deref() != Some(winner))
        .map(|(node, v)| match v {
            Some(v) => format!("n{node} holds {key}={v}"),
            None => format!("n{node} holds nothing under {key}"),
        })
        .collect();
    let agreed = held.windows(2).all(|p| p[0] == p[1]);
    let hint = match (&held[0], stamp_of(winner)) {
        _ if held.iter().any(Option::is_none) => "Some replica never received any of the \
            writes: replicas must exchange state every round (convergence.3). This also \
            fails when task convergence is wrong: check it first."
            .to_owned(),
        (Some(kept), Some(best)) if agreed => match stamp_of(kept) {
            Some(s) if s.time == best.time && s.node < best.node => format!(
                "Every replica agrees on {kept}, stamped {s:?}, over {winner}, stamped \
                 {best:?}: the times tie and n{} is below n{} as a number, though not as text \
                 (\"n{}\" sorts after \"n{}\"). Compare node ids as numbers.",
                s.node, best.node, s.node, best.node
            ),
            _ => format!(
                "Every replica agrees on {kept}, which loses to {winner}: the larger stamp, \
                 time first, must win the merge, not the smaller."
            ),
        },
        _ => "The replicas disagree: the value a replica keeps must not depend on the order \
            the writes reached it."
            .to_owned(),
    };
    suite_harness::fail(format!(
        "{scenario}.\n{why}: after {CONVERGE_ROUNDS} rounds every replica must hold \
         {key}={winner}. Instead {}.\n{hint} (ap.3)",
        wrong.join(", ")
    ));
}

/// Fails unless the call was answered `Written` with exactly `stamp`.
fn expect_stamp(w: &World<Replica>, id: CallId, stamp: Stamp, scenario: &str) {
    let call = &w.calls()[id];
    let got = answer(call, scenario, None);
    let expected = Response::Written { stamp };
    if *got != expected {
        let Request::Put { key, value } = &call.request else {
            unreachable!("only writes are stamped");
        };
        suite_harness::fail(format!(
            "{scenario}.\nA write's stamp is the virtual time, in nanoseconds, at which its node \
             accepted it, and that node's id (ap.2): n{} accepted {key}={value} at {:?}, so it \
             must answer {expected:?}. It answered {got:?}.",
            call.node,
            Duration::from_nanos(stamp.time)
        ));
    }
}

fn nanos(at: Duration) -> u64 {
    u64::try_from(at.as_nanos()).unwrap_or(u64::MAX)
}

/// Twelve AP replicas, every message 1ms: n3, n9 and n10 each accept a write of k at the
/// same instant. The stamps tie on time, so the largest node id, n10 (larger than n9 as
/// a number, not as text), must win on every replica, whatever order the three reached
/// it in.
pub fn ties_break_by_node_id_not_arrival() {
    let writers: [NodeId; 3] = [3, 9, 10];
    let delay = ms(1);
    let mut w = fixed_world(Mode::Ap, 12, delay);
    w.run_for(ms(3));
    let at = w.now() + delay;
    let ids: Vec<CallId> = writers
        .iter()
        .enumerate()
        .map(|(c, &p)| w.call(c as u32, p, put("k", &format!("from-n{p}"))))
        .collect();
    w.run_for(ROUND * CONVERGE_ROUNDS);
    let scenario = format!(
        "12 AP replicas, every message 1ms; at one instant c0, c1 and c2 write k=from-n3 at n3, \
         k=from-n9 at n9 and k=from-n10 at n10, so all three are accepted at {at:?}; then \
         {CONVERGE_ROUNDS} rounds, and reads of k at every node"
    );
    for (&id, &node) in ids.iter().zip(&writers) {
        let stamp = Stamp {
            time: nanos(at),
            node,
        };
        expect_stamp(&w, id, stamp, &scenario);
    }
    let why = "The three stamps tie on time, so the largest node id wins, compared as a \
               number: n10 over n9 over n3";
    expect_winner(&mut w, "k", "from-n10", &scenario, why);
}

/// Five AP replicas, every message 1ms: n4 accepts k=early, and n1, 0.3ms later (within
/// the same millisecond), k=late. n1 learns of early after its own late, n4 of late after
/// its own early: k=late must win everywhere.
pub fn later_writes_win_whatever_arrives_last() {
    let delay = ms(1);
    let mut w = fixed_world(Mode::Ap, 5, delay);
    w.run_for(ms(20));
    let early_at = w.now() + delay;
    let early = w.call(0, 4, put("k", "early"));
    w.run_for(Duration::from_micros(300));
    let late_at = w.now() + delay;
    let late = w.call(1, 1, put("k", "late"));
    w.run_for(ROUND * CONVERGE_ROUNDS);
    let scenario = format!(
        "5 AP replicas, every message 1ms; c0 writes k=early at n4, accepted at {early_at:?}, \
         and c1 writes k=late at n1, accepted at {late_at:?}, so n1 learns of early after its \
         own late and n4 of late after its own early; then {CONVERGE_ROUNDS} rounds, and \
         reads of k at every node"
    );
    let stamp = |at, node| Stamp {
        time: nanos(at),
        node,
    };
    expect_stamp(&w, early, stamp(early_at, 4), &scenario);
    expect_stamp(&w, late, stamp(late_at, 1), &scenario);
    let why = "k=late was accepted 0.3ms after k=early, so its stamp is larger, whatever the \
               node ids";
    expect_winner(&mut w, "k", "late", &scenario, why);
}
