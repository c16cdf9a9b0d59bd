//! Every schedule of two small worlds, within bounds, with `testkit::sim::explore`: the
//! orders in which messages can arrive, and a message lost, rather than the few a random
//! seed happens to draw.
//!
//! Each world has three replicas, a fixed delay of 1 ms and no tick, and a few clients
//! whose calls are placed so that the schedules that matter are one or two steps away
//! from the world's own time order: two writes of one replica reaching another in the
//! opposite order, a write that loses its way, a write arriving after one that came after
//! it. Every complete run is checked: its history must be causally consistent and, when
//! nothing was lost, every replica must end with the same copy.

use std::collections::BTreeMap;
use std::time::Duration;

use causal::Replica;
use causal_given::Request;
use testkit::sim::explore::{Bounds, Choice, Script, explore, replay};
use testkit::sim::{CallOutcome, Config, Event, Fate, World};

use crate::kv::{causal_violation, get, on_upstream, put, show_copy, snapshots, world};

/// The world every schedule starts from: three replicas, 1 ms for every message, no tick.
fn small_world() -> World<Replica> {
    let ms = Duration::from_millis(1);
    world(3, Config::new(0).delay(ms, ms).tick(None).trace(true))
}

/// Whether the run lost a message or left a call unanswered: then replicas may rightly
/// end apart, and only the history is judged.
fn incomplete(w: &World<Replica>) -> bool {
    let lost = w.trace().events().iter().any(|e| {
        matches!(
            e.event,
            Event::Message {
                fate: Fate::Dropped(_),
                ..
            }
        )
    });
    lost || w
        .calls()
        .iter()
        .any(|c| !matches!(c.outcome, CallOutcome::Returned { .. }))
}

/// The check of one run: a causal history, and when nothing was lost, every replica's
/// copy the same, and `expected` if the run has one.
fn check(w: &World<Replica>, expected: Option<&BTreeMap<String, String>>) -> Result<(), String> {
    if let Some(explained) = causal_violation(w) {
        return Err(format!(
            "The clients' history is not causally consistent:\n{explained}"
        ));
    }
    if incomplete(w) {
        return Ok(());
    }
    let copies = snapshots(w);
    for (node, copy) in copies.iter().enumerate() {
        let want = expected.unwrap_or(&copies[0]);
        if copy != want {
            let which = if expected.is_some() {
                "every write of the run"
            } else {
                "n0's copy"
            };
            return Err(format!(
                "Nothing was lost and the network is quiet, so every replica has received \
                 every write, and must hold {which}: {}. n{node}'s snapshot() is {}.\n{}",
                show_copy(want),
                show_copy(copy),
                if expected.is_some() {
                    "A replica that lacks a write never applied it: a write held back must be \
                     applied, in the same step, as soon as what it waited for is there (receive \
                     returns it in cascade), and no timer may be needed for it (the world has \
                     no tick). The copies below show when each replica took in what."
                } else {
                    "Follow each replica's copy below. A replica whose copy did not change when \
                     a winning write reached it did not apply it; replicas that took in the same \
                     writes in different orders and ended apart settle concurrent writes by a \
                     rule that depends on the order of arrival. A rule right for any two writes \
                     (\"the later wins, else the larger node\") need not be an order for three."
                }
            ));
        }
    }
    Ok(())
}

/// The run of `choices`, step by step: each client call and each message delivered or
/// lost, as the trace shows it, and under it every replica copy the step changed, as the
/// replica's `snapshot` says. Each prefix of the run is replayed from the start, which
/// the explorer makes exact.
fn story(script: &Script<Request>, choices: &[Choice]) -> String {
    let mut lines = Vec::new();
    let mut shown = 0;
    let mut copies = snapshots(&small_world());
    for step in 1..=choices.len() {
        let w = replay(&small_world, script, &choices[..step]);
        for e in &w.trace().events()[shown..] {
            let keep = match &e.event {
                Event::Called { .. } | Event::Returned { .. } => true,
                Event::Message { fate, .. } => {
                    matches!(fate, Fate::Delivered | Fate::Dropped(_))
                }
                _ => false,
            };
            if keep {
                lines.push(e.to_string());
            }
        }
        shown = w.trace().len();
        let now = snapshots(&w);
        for (node, (before, after)) in copies.iter().zip(&now).enumerate() {
            if before != after {
                lines.push(format!(
                    "               n{node} now holds {}",
                    show_copy(after)
                ));
            }
        }
        copies = now;
    }
    lines.join("\n")
}

/// Explores `script` on the small world and fails with the first schedule that breaks
/// the check, drawn as what happened.
fn explore_all(
    scenario: &str,
    script: &Script<Request>,
    expected: Option<BTreeMap<String, String>>,
) {
    let bounds = Bounds::default();
    let make = small_world;
    let result = explore(&bounds, &make, script, |w| check(w, expected.as_ref()));
    if let Some(found) = result.violation {
        let steps = found.deviations();
        suite_harness::fail(format!(
            "{scenario}\nEvery message takes 1 ms; the schedule below (found by trying every \
             order of arrival within {} steps from the world's own order, and every single \
             lost message) breaks the store: {}.\n{}\n\nWhat happened, and each replica's copy \
             as it changed:\n{}",
            bounds.deviations,
            if steps.is_empty() {
                "the world's own order".to_owned()
            } else {
                steps.join(", ")
            },
            found.why,
            story(script, &found.choices)
        ));
    }
    if !result.complete {
        suite_harness::fail(format!(
            "{scenario}\nThe schedules of this small world did not all fit in {} runs ({} \
             checked, {} pruned): a replica that sends more than one message per write and \
             peer makes them too many to try. Send each write to each other replica once.",
            bounds.runs, result.runs, result.pruned
        ));
    }
}

/// Writes that arrive before what they depend on wait, and are applied as soon as it
/// comes; a replica's client sees its own write at once; a lost write keeps what depends
/// on it out of sight.
pub fn held_back_writes_wait_for_their_past() {
    on_upstream(|| {
        let scenario = "3 replicas, no tick. Alice (c0) writes post=lunch? at n0 and reads \
                        it back; Dave (c1) writes note=hi at n0 at the same time; Bob (c2) \
                        reads post twice at n1, then writes reply=yes! there; Carol (c3) \
                        reads reply, post, note, reply and post at n2.";
        let script = Script::new()
            .client(vec![(0, put("post", "lunch?")), (0, get("post"))])
            .client(vec![(0, put("note", "hi"))])
            .client(vec![
                (1, get("post")),
                (1, get("post")),
                (1, put("reply", "yes!")),
            ])
            .client(vec![
                (2, get("reply")),
                (2, get("post")),
                (2, get("note")),
                (2, get("reply")),
                (2, get("post")),
            ]);
        let expected: BTreeMap<String, String> =
            [("post", "lunch?"), ("note", "hi"), ("reply", "yes!")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        explore_all(scenario, &script, Some(expected));
    });
}

/// Three writes of one key, two of them concurrent with everything and one made after
/// reading: every order of arrival ends with one value everywhere.
pub fn concurrent_writes_settle_alike_in_every_order() {
    on_upstream(|| {
        let scenario = "3 replicas, no tick. c0 reads k at n0, then writes k=y there and reads \
                        k back; c1 writes k=x at n2; c2 writes k=z at n1. Depending on the \
                        schedule, y comes after x, after z, after both or after neither; x and \
                        z are always concurrent.";
        let script = Script::new()
            .client(vec![(0, get("k")), (0, put("k", "y")), (0, get("k"))])
            .client(vec![(2, put("k", "x"))])
            .client(vec![(1, put("k", "z"))]);
        explore_all(scenario, &script, None);
    });
}
