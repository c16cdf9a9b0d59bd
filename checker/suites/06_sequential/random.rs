//! Random schedules on the replicated register, watched by the monitor and judged by the
//! sequential checker.
//!
//! A random run finds a mistake only if the situation it needs comes up: an `Apply`
//! overtaking another, a copy arriving late, two clients waiting at one replica. The
//! monitor counts these situations, and the test runs seeds until each has come up
//! (never fewer than one run of each cluster size): what is tested does not depend on
//! the seed being lucky. A failing run is shrunk to the fewest replicas, clients and
//! rounds that still fail on its seed, and the checker is told that seed to replay.

use std::time::Duration;

use sequential_given::{Request, Response};
use testkit::rng::Rng;
use testkit::shrink::{Budget, Shrink, shrink};
use testkit::sim::{CallOutcome, World};

use crate::drive::Monitored;
use crate::monitor::Coverage;
use crate::world::{MAX_DELAY, config, replicas, sequential_history};

/// Runs of the random test, at least (one of each cluster size from 2 to 7) ...
const MIN_RUNS: u64 = 6;
/// ... and at most, while some situation has not come up yet.
const MAX_RUNS: u64 = 40;

/// Smaller runs tried when shrinking a failure.
const SHRINK_TRIES: usize = 40;

/// The size of a random run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workload {
    /// Replicas, at least 2: the sequencer and one other.
    pub nodes: usize,
    /// Clients; client `c` talks to replica `c mod nodes`.
    pub clients: u32,
    /// Rounds in which each idle client may call.
    pub rounds: usize,
}

impl Workload {
    /// The run of `seed`: 2 to 7 replicas in turn, and more clients than replicas, so
    /// that clients share replicas.
    fn of(seed: u64) -> Workload {
        let nodes = 2 + (seed % 6) as usize;
        Workload {
            nodes,
            clients: nodes as u32 + 2 + (seed % 3) as u32,
            rounds: 20,
        }
    }
}

impl Shrink for Workload {
    /// Fewer rounds first (the shortest story), then fewer clients, then fewer replicas.
    fn smaller(&self) -> Vec<Workload> {
        let mut out = Vec::new();
        let mut push = |w: Workload| {
            if w != *self && !out.contains(&w) {
                out.push(w);
            }
        };
        if self.rounds > 1 {
            push(Workload {
                rounds: self.rounds / 2,
                ..*self
            });
            push(Workload {
                rounds: self.rounds - 1,
                ..*self
            });
        }
        if self.clients > 1 {
            push(Workload {
                clients: self.clients - 1,
                ..*self
            });
        }
        if self.nodes > 2 {
            push(Workload {
                nodes: self.nodes - 1,
                ..*self
            });
        }
        out
    }
}

/// Plays the random run of `seed` with `size`; the world, and what came up or what
/// went wrong.
fn play(seed: u64, size: Workload, attach: bool) -> (Monitored, Result<Coverage, String>) {
    let mut run = Monitored::new(config(seed), size.nodes);
    let result = script(&mut run, seed, size).and_then(|()| {
        sequential_history(&run.world, "a random run", attach)?;
        Ok(run.monitor.coverage)
    });
    (run, result)
}

/// The calls of the random run of `seed`: in each round, each idle client calls with
/// probability 3/4, a read or a write of a new value; then up to 3 ms pass (none, at
/// times, so that several calls start at one instant).
fn script(run: &mut Monitored, seed: u64, size: Workload) -> Result<(), String> {
    let mut rng = Rng::new(seed ^ 0x0005_E00E_7C1A);
    let mut next_value = 0i64;
    for _ in 0..size.rounds {
        for client in 0..size.clients {
            if run.world.is_waiting(client) || rng.below(4) == 0 {
                continue;
            }
            let node = client as usize % size.nodes;
            let request = if rng.below(2) == 0 {
                next_value += 1;
                Request::Write(next_value)
            } else {
                Request::Read
            };
            run.call(client, node, request)?;
        }
        run.run_for(Duration::from_millis(rng.below(4)))?;
    }
    run.finish(Some(MAX_DELAY))
}

/// Many clients, several per replica, read and write at random while messages are
/// delayed, reordered and duplicated, on clusters of 2 to 7 replicas: every rule holds
/// after every event, and every history is sequentially consistent.
pub fn random_schedules_are_sequentially_consistent() {
    let base = suite_harness::seed();
    let mut seen = Coverage::default();
    for seed in base.. {
        let runs = seed - base;
        if runs >= MIN_RUNS && seen.complete() {
            return;
        }
        if runs >= MAX_RUNS {
            suite_harness::fail(format!(
                "after {MAX_RUNS} random runs from seed {base}, some situation a correct \
                 register meets all the time never came up ({seen:?}): the sequencer's \
                 messages are too few for the network to reorder and copy them. Does every \
                 write go through the sequencer, which tells every replica?"
            ));
        }
        let size = Workload::of(seed);
        let (_, result) = play(seed, size, false);
        match result {
            Ok(coverage) => seen.add(&coverage),
            Err(why) => {
                let smallest = shrink(
                    size,
                    why,
                    Budget {
                        tries: SHRINK_TRIES,
                    },
                    |candidate| play(seed, *candidate, false).1.err(),
                );
                // Played again to attach its report: its failure tells the smallest story.
                let (run, again) = play(seed, smallest.params, true);
                let failure = again.err().unwrap_or(smallest.failure);
                suite_harness::replay_from(seed);
                let s = smallest.params;
                suite_harness::fail(format!(
                    "seed {seed}: {} replicas, {} clients (client c talks to replica c mod \
                     {}), {} rounds of random reads and writes of unique values, on the \
                     exercise's network (delays of 1 to 20 ms, reordering, one copy in four \
                     delivered twice).\n\
                     The smallest run of this seed that still fails ({} smaller runs tried) \
                     has {} replicas, {} clients and {} rounds:\n\n{}",
                    size.nodes,
                    size.clients,
                    size.nodes,
                    size.rounds,
                    smallest.tries,
                    s.nodes,
                    s.clients,
                    s.rounds,
                    run.story(&failure)
                ));
            }
        }
    }
}

/// Seeds of the test below.
const OWN_WRITE_SEEDS: u64 = 20;

/// A client writes through one replica, waits for the answer, then reads at the same
/// replica: it must see its own write, on every seed.
pub fn a_client_reads_its_own_write() {
    let base = suite_harness::seed();
    for seed in base..base + OWN_WRITE_SEEDS {
        if let Err(why) = own_writes_are_read(seed) {
            suite_harness::replay_from(seed);
            suite_harness::fail(format!("seed {seed}: {why}"));
        }
    }
}

/// See [`a_client_reads_its_own_write`].
fn own_writes_are_read(seed: u64) -> Result<(), String> {
    let mut world = World::new(config(seed), replicas(3));
    for (round, node) in [1usize, 2, 0, 2].into_iter().enumerate() {
        let value = round as i64 + 1;
        let wrote = &world.call_and_wait(0, node, Request::Write(value)).outcome;
        if !matches!(wrote, CallOutcome::Returned { .. }) {
            return Err(format!(
                "client 0 wrote {value} at replica n{node} on a network that delays and \
                 duplicates but loses nothing; the write should return once n{node} has \
                 applied it, but it ended as {wrote:?} (README rule sequential.11)"
            ));
        }
        let read = &world.call_and_wait(0, node, Request::Read).outcome;
        let seen = match read {
            CallOutcome::Returned { response, .. } => response,
            other => {
                return Err(format!(
                    "client 0 read at replica n{node} and got no answer ({other:?}); reads \
                     are served by the local copy at once (README rule sequential.2)"
                ));
            }
        };
        // Matched into the course's `Response`: no impl of the student's decides.
        if !matches!(seen, Response::Value(Some(v)) if *v == value) {
            return Err(format!(
                "client 0 wrote {value} at replica n{node}, the write returned, then the \
                 same client read at n{node} and got {seen:?}.\n\
                 Sequential consistency keeps each client's own order: its read comes after \
                 its write, so it must see {value} (no other client writes here). Answer a \
                 write only once the client's replica has applied it, not when it is sent \
                 on to the sequencer (README rule sequential.9)."
            ));
        }
    }
    Ok(())
}
