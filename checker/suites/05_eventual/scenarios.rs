//! Replicas that gossip, in hand-built scenarios that show each rule on every run: answers
//! from the replica's own copy, a gossip tick the replica sets itself, and changes that
//! cross a long partition with nothing new to carry them, in clusters of 2 to 7.
//!
//! Each scenario is one schedule chosen to show a mistake that random runs find only
//! sometimes, or never: a count cached between rounds, a replica that leaves the tick to
//! the world's default, gossip that stops some rounds after the last change.

use std::collections::BTreeMap;
use std::time::Duration;

use eventual_given::{CONVERGE_ROUNDS, ROUND, Request, Response};
use testkit::history::{ClientId, Millis};
use testkit::sim::{Config, Endpoint, Event, Fate, NodeId, World};

use crate::evidence::{answers, converged};
use crate::reference::Replica;

/// A world of `n` replicas with `config`.
pub fn world(config: Config, n: usize) -> World<Replica> {
    World::new(config, (0..n).map(|_| Replica::new()).collect())
}

/// A put of `key = value`.
pub fn put(key: &str, value: &str) -> Request {
    Request::Put {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

/// Fails the test with `why`, or returns.
fn check(result: Result<(), String>, scenario: &str) {
    if let Err(why) = result {
        suite_harness::fail(format!("{scenario}.\n{why}"));
    }
}

/// Every replica cut off from every other: each answers at once (within the two message
/// delays of the request and its answer) from its own copy: a Count right after its own
/// Increments, a Get right after its own Put, None and 0 before any.
pub fn replicas_answer_at_once_from_their_own_copy() {
    let delay = Duration::from_millis(1);
    let config = Config::new(5)
        .delay(delay, delay)
        .limits(100_000, ROUND * 20)
        .trace(false);
    let mut w = world(config, 3);
    w.partition(&[&[0], &[1], &[2]]);
    let scenario = "3 replicas, each cut off from the others; messages take exactly 1ms; \
                    clients call one replica at a time and wait for each answer";
    let mut counted = [0u64; 3];
    let mut held: [Option<String>; 3] = Default::default();
    let mut said = Vec::new();
    // Calls spaced 1.7ms apart fall at every offset within a round, so that whenever the
    // replica's rounds come, most pairs of calls have none between them.
    for step in 0..12 {
        let node: NodeId = step % 3;
        let client: ClientId = 10 + node as ClientId;
        let key = format!("k{node}");
        let value = format!("v{step}");
        for request in [
            Request::Get { key: key.clone() },
            Request::Increment,
            Request::Count,
            put(&key, &value),
            Request::Get { key: key.clone() },
        ] {
            let before = w.now();
            let call = w.call_and_wait(client, node, request.clone()).clone();
            let answer = call.outcome.response().cloned();
            let took = call.outcome.ended().map(|at| at - before);
            let must = match (&request, &answer) {
                (Request::Increment, _) => Some(Response::Incremented),
                (Request::Count, _) => Some(Response::Count(counted[node])),
                (Request::Get { .. }, _) => Some(Response::Value(held[node].clone())),
                // The stamp itself is checked where the time is known to the nanosecond.
                (Request::Put { .. }, Some(Response::Written { stamp })) => {
                    Some(Response::Written { stamp: *stamp })
                }
                (Request::Put { .. }, _) => None,
            };
            said.push(format!("c{client} -> n{node} {request:?}: {answer:?}"));
            let late = took.is_none_or(|t| t > delay * 2);
            if answer.is_none() || answer != must || late {
                suite_harness::fail(format!(
                    "{scenario}:\n  {}\nn{node} must answer {}, at once: {} after the \
                     call, the request's delay and the answer's. It answered {answer:?} {}.\n\
                     A replica answers from its own copy as it stands when the \
                     request arrives: its own Increments and Puts are in it before it \
                     answers, and nothing waits for a peer or for the next round.",
                    said.join("\n  "),
                    must.map_or("Written { stamp }".to_owned(), |m| format!("{m:?}")),
                    Millis::of(delay * 2),
                    took.map_or("and never ended".to_owned(), |t| format!(
                        "after {}",
                        Millis::of(t)
                    ))
                ));
            }
            match request {
                Request::Increment => counted[node] += 1,
                Request::Put { value, .. } => held[node] = Some(value),
                _ => {}
            }
            w.run_for(Duration::from_micros(1700));
        }
    }
}

/// Clusters of 2, 5 and 7 replicas in worlds whose own tick is off or twenty-five rounds
/// long: a change at every replica must still reach every other within CONVERGE_ROUNDS
/// rounds, so each replica must set its own tick of ROUND; and in those rounds every
/// replica must have told every peer about its state once a round (counted, never read).
pub fn replicas_gossip_on_their_own_tick() {
    let ms = Duration::from_millis;
    for (n, tick) in [(2, None), (5, None), (7, Some(ROUND * 25))] {
        let config = Config::new(11).delay(ms(1), ms(3)).tick(tick);
        let mut w = world(config, n);
        for node in 0..n {
            let client = 10 + node as ClientId;
            w.call_and_wait(client, node, Request::Increment);
            let value = format!("from-n{node}");
            w.call_and_wait(client, node, put(&format!("k{}", node % 2), &value));
        }
        let scenario = format!(
            "{n} replicas in a world whose own tick is {}; no loss, delays of 1 to 3 ms; \
             every replica takes an Increment and a Put, then {CONVERGE_ROUNDS} rounds of {} \
             pass. A replica sets its own tick of ROUND in on_start: the world's may be off, \
             or slower",
            match tick {
                None => "off".to_owned(),
                Some(t) => format!("every {}", Millis::of(t)),
            },
            Millis::of(ROUND)
        );
        let quiet_from = w.now();
        w.run_for(ROUND * CONVERGE_ROUNDS);
        let told = told(&w, quiet_from);
        let result = answers(&w).and_then(|acked| converged(&mut w, &acked, 99));
        check(result, &scenario);
        // A round's gossip may still be on its way at either end of the window.
        let least = u64::from(CONVERGE_ROUNDS) - 1;
        for from in 0..n {
            for to in (0..n).filter(|&to| to != from) {
                let k = told.get(&(from, to)).copied().unwrap_or(0);
                if k < least {
                    suite_harness::fail(format!(
                        "{scenario}.\nIn those {CONVERGE_ROUNDS} rounds n{from} sent n{to} {k} \
                         message(s): every ROUND a replica tells each of its peers about its \
                         state, all of them, every round (at least {least} here), even when \
                         nothing changed."
                    ));
                }
            }
        }
    }
}

/// How many messages each node sent each other node after `since`, by (from, to), from
/// the trace: counted, never read, since a message is the submission's own type.
fn told(w: &World<Replica>, since: Duration) -> BTreeMap<(NodeId, NodeId), u64> {
    let mut out = BTreeMap::new();
    for e in w.trace().events() {
        if let Event::Message {
            from: Endpoint::Node(from),
            to: Endpoint::Node(to),
            fate: Fate::Sent,
            ..
        } = &e.event
            && e.at > since
        {
            *out.entry((*from, *to)).or_insert(0) += 1;
        }
    }
    out
}

/// Clusters of 2 to 7 replicas split in two; every replica takes changes, then the
/// partition lasts forty rounds, then heals with nothing new written: every change must
/// cross within CONVERGE_ROUNDS rounds. Gossip that stops some rounds after the last
/// change, or that sends a change only once, leaves the other side without it.
pub fn changes_cross_a_long_partition_with_nothing_new_to_carry_them() {
    let ms = Duration::from_millis;
    for n in 2..=7 {
        let config = Config::new(21).delay(ms(1), ms(4)).trace(false);
        let mut w = world(config, n);
        let left: Vec<NodeId> = (0..n).filter(|i| i % 2 == 0).collect();
        let right: Vec<NodeId> = (0..n).filter(|i| i % 2 == 1).collect();
        w.partition(&[&left, &right]);
        for node in 0..n {
            let client = 10 + node as ClientId;
            w.call_and_wait(client, node, Request::Increment);
            let value = format!("from-n{node}");
            w.call_and_wait(client, node, put("k", &value));
            w.call_and_wait(client, node, put(&format!("k{node}"), &value));
        }
        w.run_for(ROUND * 40);
        w.heal();
        w.run_for(ROUND * CONVERGE_ROUNDS);
        let scenario = format!(
            "{n} replicas, no loss, delays of 1 to 4 ms, split into {left:?} and {right:?}; \
             every replica takes an Increment and two Puts, the partition lasts 40 rounds of \
             {}, then heals with nothing new written, and {CONVERGE_ROUNDS} rounds pass",
            Millis::of(ROUND)
        );
        let result = answers(&w).and_then(|acked| converged(&mut w, &acked, 99));
        check(result, &scenario);
    }
}
