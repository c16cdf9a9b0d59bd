//! AP mode: answers during a partition, honest staleness, stamps and last-writer-wins.
//!
//! The staleness test gives every node a write to spread just before its healthy reads,
//! so that a replica that tells its peers about writes only as they happen (no rounds,
//! which is task `convergence`'s business) is still heard from and judged here on the
//! staleness rule alone. The last-writer-wins tests are hand-built: three writes at one
//! instant on nodes with one- and two-digit ids, and two writes a fraction of a
//! millisecond apart that reach the two sides of a partition in opposite orders.

use std::time::Duration;

use cap::Replica;
use cap_given::{CONVERGE_ROUNDS, Mode, ROUND, Request, Response, STALE_AFTER, Stamp};
use testkit::sim::{CallId, Config, NodeId, World};

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
