//! Random schedules on the replicated register, judged by the sequential checker.
//!
//! Each check returns the story of its first failure instead of failing at once, so that
//! task `not_linearizable` can hold its replica to the same rules.

use std::time::Duration;

use sequential_given::{Request, Response};
use testkit::check::ConsistencyCheck;
use testkit::check::sequential::Sequential;
use testkit::model::ModelKind;
use testkit::report::CheckReport;
use testkit::rng::Rng;
use testkit::sim::{CallOutcome, World};

use crate::world::{config, record, replicas};

/// Seeds per test: each is a different schedule of delays, reorderings and duplicates.
const SEEDS: u64 = 100;

/// A client writes through one replica, waits for the answer, then reads at the same
/// replica: it must see its own write.
pub fn a_client_reads_its_own_write() {
    if let Err(why) = own_writes_are_read() {
        suite_harness::fail(why);
    }
}

/// Several clients, each bound to one replica, read and write at random while messages
/// are delayed, reordered and duplicated; every history must be sequentially consistent.
pub fn random_schedules_are_sequentially_consistent() {
    if let Err(why) = random_schedules_hold() {
        suite_harness::fail(why);
    }
}

/// Both checks of task `sequential`, the first failure told.
pub fn the_rules_hold() -> Result<(), String> {
    own_writes_are_read()?;
    random_schedules_hold()
}

/// See [`a_client_reads_its_own_write`].
fn own_writes_are_read() -> Result<(), String> {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let mut world = World::new(config(seed), replicas(3));
        for (round, node) in [1usize, 2, 0, 2].into_iter().enumerate() {
            let value = round as i64 + 1;
            let wrote = &world.call_and_wait(0, node, Request::Write(value)).outcome;
            if !matches!(wrote, CallOutcome::Returned { .. }) {
                return Err(format!(
                    "seed {seed}: client 0 wrote {value} at replica n{node} on a network that \
                     delays and duplicates but loses nothing; the write should return once \
                     n{node} has applied it, but it ended as {wrote:?}"
                ));
            }
            let read = &world.call_and_wait(0, node, Request::Read).outcome;
            let seen = match read {
                CallOutcome::Returned { response, .. } => response,
                other => {
                    return Err(format!(
                        "seed {seed}: client 0 read at replica n{node} and got no answer \
                         ({other:?}); reads are served by the local copy at once"
                    ));
                }
            };
            // Matched into the course's `Response`: no impl of the student's decides.
            if !matches!(seen, Response::Value(Some(v)) if *v == value) {
                return Err(format!(
                    "seed {seed}: client 0 wrote {value} at replica n{node}, the write returned, \
                     then the same client read at n{node} and got {seen:?}.\n\
                     Sequential consistency keeps each client's own order: its read comes after \
                     its write, so it must see {value} (no other client writes here). Answer a \
                     write only once the client's replica has applied it, not when it is sent \
                     on to the sequencer."
                ));
            }
        }
    }
    Ok(())
}

/// See [`random_schedules_are_sequentially_consistent`].
fn random_schedules_hold() -> Result<(), String> {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let nodes = 3 + (seed % 2) as usize;
        let clients = nodes as u32;
        // The run, without its trace (fast) or with it: a failure is run again, traced, to
        // draw what the network did. The seed makes both runs the same.
        let run = |trace: bool| {
            let mut rng = Rng::new(seed ^ 0x5E0_0E_7C1A);
            let mut world = World::new(config(seed).trace(trace), replicas(nodes));
            let mut next_value = 1i64;
            for _ in 0..25 {
                for client in 0..clients {
                    if world.is_waiting(client) || rng.below(3) == 0 {
                        continue;
                    }
                    // A client stays with one replica: sequential consistency is about
                    // each client's own order, and that order lives at its replica.
                    let node = client as usize % nodes;
                    let request = if rng.below(2) == 0 {
                        next_value += 1;
                        Request::Write(next_value)
                    } else {
                        Request::Read
                    };
                    world.call(client, node, request);
                }
                world.run_for(Duration::from_millis(1 + rng.below(8)));
            }
            world.run_until_quiet();
            world
        };
        let world = run(false);
        if let Some(call) = world
            .calls()
            .iter()
            .find(|c| !matches!(c.outcome, CallOutcome::Returned { .. }))
        {
            return Err(format!(
                "seed {seed}: on a network that delays, reorders and duplicates but loses \
                 nothing, every call should be answered; client {} asked n{} for {:?} and \
                 it ended as {:?}",
                call.client, call.node, call.request, call.outcome
            ));
        }
        let history = record(&world).map_err(|why| format!("seed {seed}: {why}"))?;
        let verdict = Sequential::new(ModelKind::Register)
            .check(&history)
            .expect("a register history the checker can read");
        if let Some(violation) = verdict.violation() {
            let report = CheckReport::new(
                format!("{nodes} replicas, {clients} clients (seed {seed})"),
                "sequential consistency",
                &history,
                Some(ModelKind::Register),
                &verdict,
            )
            .with_trace(&history, run(true).trace());
            suite_harness::attach("check-report", &report.to_json());
            return Err(format!(
                "seed {seed}: {} replicas, {clients} clients (client c talks to replica \
                 c mod {nodes}), random reads and writes of unique values, messages delayed \
                 1-20 ms, reordered and duplicated.\n\
                 A sequentially consistent register has one order of all writes that every \
                 replica follows, so whatever each client saw fits one global order. This \
                 history fits none:\n{}\n\
                 Do all replicas apply the writes in sequence-number order (holding back \
                 those that arrive early, ignoring duplicates), and does a write return only \
                 once its client's replica has applied it?",
                nodes,
                violation.explain(&history)
            ));
        }
        if !verdict.holds() {
            return Err(format!(
                "seed {seed}: the sequential checker could not decide this history: {verdict:?}"
            ));
        }
    }
    Ok(())
}
