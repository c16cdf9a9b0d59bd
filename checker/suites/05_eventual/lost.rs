//! A lost message, whichever it is: every schedule of a small world in which one message
//! is lost (and one event may overtake another) must still converge.
//!
//! A random run loses messages by chance, and a replica that sends each change once, or
//! gossips only after a change, is caught only when the lost message was the one that
//! mattered. `testkit::sim::explore` tries the loss of every message in turn instead, so
//! that mistake shows on every run of the suite.

use std::time::Duration;

use eventual_given::{Counter, Map, Request, Response};
use testkit::history::Millis;
use testkit::sim::explore::{Bounds, Script, explore};
use testkit::sim::{Config, Event, Fate, World};

use crate::reference::Replica;
use crate::scenarios::{put, world};

/// Events per run, at most: four rounds of three replicas, and the calls and answers.
const STEPS: usize = 100;

/// How many Counts the third client makes, one after the other: a run ends when the
/// clients are done and no message travels, so these keep it going for four rounds.
const READS: usize = 20;

/// Three replicas, messages of exactly 1 ms; c0 increments at n0 and c1 writes k=v at n1
/// at once, while c2 reads at n2 for four rounds. Every schedule with at most one message
/// lost (of the replicas' or the clients') and one event taken out of order must end with
/// every replica holding the same state, with each change a client was told of.
pub fn a_lost_message_is_repaired_whichever_it_is() {
    let ms = Duration::from_millis(1);
    let config = Config::new(8).delay(ms, ms);
    let make = || -> World<Replica> { world(config.clone(), 3) };
    let script = Script::new()
        .client(vec![(0, Request::Increment)])
        .client(vec![(1, put("k", "v"))])
        .client(vec![(2, Request::Count); READS]);
    let bounds = Bounds {
        steps: STEPS,
        deviations: 1,
        drops: 1,
        window: 4,
        runs: 20_000,
    };
    let result = explore(&bounds, &make, &script, holds_both);
    if let Some(found) = result.violation {
        let lost: Vec<String> = found
            .world
            .trace()
            .events()
            .iter()
            .filter_map(|e| match &e.event {
                Event::Message {
                    from,
                    to,
                    fate: Fate::Dropped(_),
                    ..
                } => Some(format!(
                    "the message {from} -> {to} in flight at {}",
                    Millis::of(e.at)
                )),
                _ => None,
            })
            .collect();
        suite_harness::fail(format!(
            "3 replicas, messages take exactly 1 ms; c0 increments at n0 and c1 writes k=v at \
             n1, while c2 reads at n2 for four rounds. In this schedule {} was lost{}, and at its end \
             {}\nOne lost message must cost a round, not the change: gossip the whole state \
             every round to every peer, changed or not, so that the next round carries what \
             the lost one did.",
            if lost.is_empty() {
                "no message".to_owned()
            } else {
                lost.join(", ")
            },
            if found.deviations().is_empty() {
                String::new()
            } else {
                format!(
                    " (the schedule's choices: {})",
                    found.deviations().join(", ")
                )
            },
            found.why
        ));
    }
    if !result.complete {
        suite_harness::fail(format!(
            "The suite could not explore every schedule within its bounds ({} runs, {} \
             pruned): a problem of the suite, not of your code; please report it.",
            result.runs, result.pruned
        ));
    }
}

/// Whether every replica holds the same counter and map, with every increment and write
/// a client was answered for.
fn holds_both(w: &World<Replica>) -> Result<(), String> {
    let incremented = w
        .calls()
        .iter()
        .any(|c| c.outcome.response() == Some(&Response::Incremented));
    let written = w.calls().iter().find_map(|c| match c.outcome.response() {
        Some(Response::Written { stamp }) => Some(*stamp),
        _ => None,
    });
    let first = (
        Counter::counts(w.node(0).counter()),
        Map::entries(w.node(0).map()),
    );
    for node in 0..w.len() {
        let counts = Counter::counts(w.node(node).counter());
        let stamp = Map::stamp(w.node(node).map(), "k");
        if incremented && counts.get(&0) != Some(&1) {
            return Err(format!(
                "c0 was told Incremented by n0, yet n{node} holds the counts {counts:?}, \
                 without n0's increment."
            ));
        }
        if let Some(written) = written
            && stamp != Some(written)
        {
            return Err(format!(
                "c1 was told Written {{ stamp: {written:?} }} by n1, yet n{node} holds k with \
                 the stamp {stamp:?}."
            ));
        }
        let state = (counts, Map::entries(w.node(node).map()));
        if state != first {
            return Err(format!(
                "n0 holds the counts and entries {first:?}, n{node} holds {state:?}: the \
                 replicas do not agree."
            ));
        }
    }
    Ok(())
}
