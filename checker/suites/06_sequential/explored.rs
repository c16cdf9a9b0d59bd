//! Every schedule of a small world, within bounds, for the rules whose mistakes hide in
//! the order of messages: writes overtaking each other on their way to a replica, and
//! copies arriving late. A random run meets such an order on some seeds only; the
//! explorer (`testkit::sim::explore`) tries each order with up to two departures from
//! the network's own, and each run is checked as a whole by the monitor and the
//! sequential checker.

use std::time::Duration;

use crate::student::Replica;
use sequential_given::Request;
use testkit::sim::explore::{Bounds, Script, explore};
use testkit::sim::{Config, DropReason, Event, Fate, World};

use crate::monitor::Monitor;
use crate::world::{replicas, sequential_history};

/// A world the explorer may rebuild at will: one seed, every message 1 ms, no tick and
/// no client timeout (the explorer decides what happens when), a trace for the monitor.
fn world(nodes: usize, duplicate: f64) -> World<Replica> {
    let ms = Duration::from_millis(1);
    let config = Config::new(1)
        .delay(ms, ms)
        .duplicate(duplicate)
        .tick(None)
        .trace(true);
    World::new(config, replicas(nodes))
}

/// The whole of one explored run, checked: every rule by the monitor (and every call
/// answered, when the run lost no message and came to its end rather than to the
/// explorer's bound of steps), then the history.
fn check(world: &World<Replica>) -> Result<(), String> {
    let mut monitor = Monitor::new(world.len());
    monitor.read(world)?;
    monitor.check_replicas(world)?;
    let lost = world.trace().events().iter().any(|e| {
        matches!(
            e.event,
            Event::Message {
                fate: Fate::Dropped(DropReason::Loss),
                ..
            }
        )
    });
    if !lost && world.in_flight() == 0 {
        monitor.finish(None)?;
    }
    sequential_history(world, "an explored run", false)
}

/// Explores `script` on the world `make` builds within `bounds`; fails the test with
/// the first violation, told after `scenario`.
fn explore_all(
    scenario: &str,
    bounds: Bounds,
    make: &dyn Fn() -> World<Replica>,
    script: &Script<Request>,
) {
    let result = explore(&bounds, make, script, check);
    if std::env::var_os("SEQUENTIAL_SUITE_STATS").is_some() {
        eprintln!("{scenario}: {} runs, {} pruned", result.runs, result.pruned);
    }
    if let Some(found) = result.violation {
        let departures = found.deviations();
        suite_harness::fail(format!(
            "{scenario}\nOne schedule of it, with {} departure(s) from the network's own \
             order of delivery ({}), breaks a rule:\n{}\n\nThe run (times in virtual \
             ms):\n{}",
            departures.len(),
            if departures.is_empty() {
                "none".to_owned()
            } else {
                departures.join(", ")
            },
            found.why,
            found.world.trace().tail(40)
        ));
    }
    if !result.complete {
        suite_harness::fail(format!(
            "{scenario}\nThe exploration stopped after {} runs without covering every \
             schedule within its bounds: the replicas send far more messages than the \
             protocol needs (a Submit per write, an Apply per write and replica).",
            result.runs + result.pruned
        ));
    }
}

/// Three writes that reach the sequencer at one instant, so that their `Apply`s travel
/// side by side, and reads at every replica, in every order of delivery with up to two
/// messages overtaking others and one lost.
pub fn every_order_of_writes_at_one_instant() {
    let script = Script::new()
        .client(vec![(1, Request::Write(1)), (1, Request::Read)])
        .client(vec![(2, Request::Write(2)), (2, Request::Read)])
        .client(vec![(1, Request::Write(3)), (1, Request::Read)])
        .client(vec![(2, Request::Read), (2, Request::Read)])
        .client(vec![(0, Request::Read)]);
    explore_all(
        "3 replicas, every message 1 ms. At one instant c0 writes 1 at n1, c1 writes 2 at \
         n2 and c2 writes 3 at n1, and each then reads at its replica, while c3 reads twice \
         at n2 and c4 once at n0. Explored: every order of \
         delivery with up to two messages taken before earlier ones or lost (one at most).",
        Bounds {
            steps: 80,
            deviations: 2,
            drops: 1,
            window: 4,
            runs: 200_000,
        },
        &|| world(3, 0.0),
        &script,
    );
}

/// Two writes from two replicas, every message delivered twice, in every order of
/// delivery with up to two copies overtaken: copies arrive after later writes.
pub fn every_order_of_copies() {
    let script = Script::new()
        .client(vec![(1, Request::Write(1))])
        .client(vec![(2, Request::Write(2)), (2, Request::Read)]);
    explore_all(
        "3 replicas, every message delivered twice. At one instant c0 writes 1 at n1 and \
         c1 writes 2 at n2; then c1 reads at n2. Explored: every order of delivery with up \
         to two messages taken before earlier ones.",
        Bounds {
            steps: 80,
            deviations: 2,
            drops: 0,
            window: 4,
            runs: 200_000,
        },
        &|| world(3, 1.0),
        &script,
    );
}
