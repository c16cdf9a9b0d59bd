//! Replicas that gossip, on random runs: convergence under loss, duplication, reordering
//! and partitions, in clusters of 2 to 7.
//!
//! The protocol, the stamps and the timing are the course's (`eventual_given`): the
//! suite waits the course's `CONVERGE_ROUNDS`, however many a submission declares, and
//! what clients got is recorded by the simulated world from the course's `Response`s.
//! The replicas run with the suite's own counter and map (`reference.rs`), so only their
//! protocol is graded here; the deterministic scenarios are in `scenarios.rs`.

use std::fmt;
use std::time::Duration;

use eventual_given::{CONVERGE_ROUNDS, ROUND, Request};
use testkit::history::{ClientId, Millis};
use testkit::rng::Rng;
use testkit::shrink::Shrink;
use testkit::sim::{Config, NodeId, World};

use crate::evidence::{answers, converged};
use crate::reference::Replica;
use crate::runs::over_seeds;

/// How many seeds the randomized test runs, from the suite's seed on.
const SEEDS: u64 = 100;

/// The first client's id: two digits, so a stamp that names the client is told apart.
const FIRST_CLIENT: ClientId = 10;

/// The size of a random run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GossipRun {
    /// Replicas, 2 to 7.
    nodes: usize,
    /// Clients.
    clients: usize,
    /// Rounds of client calls in each phase.
    rounds: usize,
    /// Phases, each with a random partition (or none).
    phases: usize,
}

impl Shrink for GossipRun {
    fn smaller(&self) -> Vec<Self> {
        let mut out = Vec::new();
        if self.phases > 1 {
            out.push(GossipRun {
                phases: self.phases - 1,
                ..*self
            });
        }
        if self.rounds > 1 {
            out.push(GossipRun {
                rounds: self.rounds / 2,
                ..*self
            });
            out.push(GossipRun {
                rounds: self.rounds - 1,
                ..*self
            });
        }
        if self.clients > 1 {
            out.push(GossipRun {
                clients: self.clients - 1,
                ..*self
            });
        }
        if self.nodes > 2 {
            out.push(GossipRun {
                nodes: self.nodes - 1,
                ..*self
            });
        }
        out.dedup();
        out
    }
}

impl fmt::Display for GossipRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} replicas, {} client(s), {} phase(s) of {} round(s)",
            self.nodes, self.clients, self.phases, self.rounds
        )
    }
}

/// A random split of `n` nodes into two groups, or `None` for a healthy network.
fn random_split(rng: &mut Rng, n: usize) -> Option<(Vec<NodeId>, Vec<NodeId>)> {
    if rng.chance(0.25) {
        return None;
    }
    let mut ids: Vec<NodeId> = (0..n).collect();
    rng.shuffle(&mut ids);
    let cut = 1 + rng.index(n - 1);
    let (left, right) = ids.split_at(cut);
    Some((left.to_vec(), right.to_vec()))
}

/// One random run of `size` from `seed`.
fn run(seed: u64, size: &GossipRun) -> Result<(), String> {
    let mut rng = Rng::new(seed ^ 0x60551);
    let config = Config::new(seed)
        .delay(Duration::from_millis(1), Duration::from_millis(8))
        .loss(0.2)
        .duplicate(0.2)
        .trace(false);
    let mut w = World::new(config, (0..size.nodes).map(|_| Replica::new()).collect());
    let mut phases = Vec::new();
    let mut value = 0;
    for _ in 0..size.phases {
        let split = random_split(&mut rng, size.nodes);
        match &split {
            Some((left, right)) => w.partition(&[left, right]),
            None => w.heal(),
        }
        phases.push(split);
        for _ in 0..size.rounds {
            for c in 0..size.clients {
                let client = FIRST_CLIENT + c as ClientId;
                if w.is_waiting(client) || !rng.chance(0.7) {
                    continue;
                }
                let node = rng.index(size.nodes);
                if rng.chance(0.6) {
                    w.call(client, node, Request::Increment);
                } else {
                    value += 1;
                    let key = ["k0", "k1", "k2"][rng.index(3)].to_owned();
                    let value = format!("v{value}");
                    w.call(client, node, Request::Put { key, value });
                }
            }
            w.run_for(ROUND);
        }
    }
    w.run_for(ROUND);
    w.heal();
    let healed = w.now();
    w.run_for(ROUND * CONVERGE_ROUNDS);
    let scenario = format!(
        "{} replicas, 20% loss, 20% duplication, delays of 1 to 8 ms; {} phase(s) of {} \
         with these partitions (None: healthy) while {} client(s) increment and write at \
         random replicas:\n  {phases:?}\nhealed at {}, then {CONVERGE_ROUNDS} rounds of {}",
        size.nodes,
        size.phases,
        Millis::of(ROUND * size.rounds as u32),
        size.clients,
        Millis::of(healed),
        Millis::of(ROUND)
    );
    let acked = answers(&w).map_err(|why| format!("{scenario}.\n{why}"))?;
    converged(&mut w, &acked, 99).map_err(|why| format!("{scenario}.\n{why}"))
}

/// Replicas (2 to 7, by seed) under 20% loss, 20% duplication and delays of 1 to 8 ms,
/// through phases of random partitions with clients incrementing and writing at random
/// replicas; after the heal, within CONVERGE_ROUNDS rounds, every replica holds the
/// acknowledged increments, each once, and for every key the write with the largest
/// stamp, and answers Count and Get so.
pub fn replicas_converge_under_loss_duplication_and_partitions() {
    // The cluster's size follows the seed, so any six seeds in a row try every size.
    let full = |seed: u64| GossipRun {
        nodes: 2 + (seed % 6) as usize,
        clients: 4,
        rounds: 6,
        phases: 3,
    };
    over_seeds(SEEDS, full, run);
}
