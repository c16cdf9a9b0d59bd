//! The trade-off in numbers: one workload, run against both modes.
//!
//! ```text
//!   0ms      healthy           5 clients, each on its own node, get and put x and y
//!   100ms    {n0 n1} | {n2 n3 n4}
//!   300ms    heal
//!   500ms    end
//! ```
//!
//! CP refuses what reaches n0 and n1 during the partition and never serves a stale
//! read; AP refuses nothing and says "stale" on both sides of the partition.

use std::time::Duration;

use testkit::rng::Rng;
use testkit::sim::{Call, Config, World};

use crate::{Mode, Replica, Request, Response};

/// How many nodes [`run_workload`] runs.
pub const WORKLOAD_NODES: usize = 5;

/// What one mode did with the workload.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Every request the clients made.
    pub requests: usize,
    /// Requests answered `Unavailable`.
    pub refused: usize,
    /// Reads answered with a value marked stale.
    pub stale_reads: usize,
}

/// The same workload's tally in each mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tradeoff {
    /// With every replica in CP mode.
    pub cp: Tally,
    /// With every replica in AP mode.
    pub ap: Tally,
}

/// Runs the workload of this module's documentation against [`WORKLOAD_NODES`]
/// replicas in `mode`, with its random choices (which request, which key) drawn from
/// `seed`, and returns the world when it is over: its calls say what each client got.
///
/// Clients give up after 60ms: a CP operation caught by the partition halfway through
/// storing cannot be refused (part of it may be stored already), so it waits for the
/// heal, and its client moves on.
pub fn run_workload(mode: Mode, seed: u64) -> World<Replica> {
    let config = Config::new(seed).client_timeout(Duration::from_millis(60));
    let nodes = (0..WORKLOAD_NODES).map(|_| Replica::new(mode)).collect();
    let mut world = World::new(config, nodes);
    let mut rng = Rng::new(seed);
    let mut written = 0;
    let step = Duration::from_millis(10);
    for round in 0..50 {
        if round == 10 {
            world.partition(&[&[0, 1], &[2, 3, 4]]);
        }
        if round == 30 {
            world.heal();
        }
        for client in 0..WORKLOAD_NODES {
            let id = client as u32;
            if world.is_waiting(id) {
                continue;
            }
            let key = ["x", "y"][rng.index(2)].to_owned();
            let request = if rng.chance(0.5) {
                Request::Get { key }
            } else {
                written += 1;
                let value = format!("v{written}");
                Request::Put { key, value }
            };
            world.call(id, client, request);
        }
        world.run_for(step);
    }
    world
}

/// Counts, in `calls`, the requests, the refusals (`Unavailable` answers) and the reads
/// served marked stale. Calls that got no answer count as requests only.
pub fn tally(calls: &[Call<Request, Response>]) -> Tally {
    // TODO: count what each call's outcome says.
    todo!("tally {} calls", calls.len())
}

/// Runs the workload with `seed` in each mode ([`run_workload`]) and tallies both.
pub fn tradeoff(seed: u64) -> Tradeoff {
    // TODO: one run per mode, one tally per run.
    todo!("compare the modes on the workload with seed {seed}")
}
