//! The trade-off workload: one run of five replicas in one mode, and the counts its
//! calls are measured in.
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
//!
//! The run is the course's so that the numbers of the trade-off come from the world it
//! drives, whose calls record what the replicas answered: a workload kept in the
//! student's crate could be edited into one that never partitions.

use std::time::Duration;

use testkit::rng::Rng;
use testkit::sim::{Config, Node, World};

use crate::{Mode, Request, Response};

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
/// replicas, each made by `replica(mode)` (pass `Replica::new`), with its random
/// choices (which request, which key) drawn from `seed`, and returns the world when it
/// is over: its calls say what each client got.
///
/// The replica is passed in because it is the student's type, which this crate cannot
/// name; the bound on `N` holds it to the course's requests and answers.
///
/// Clients give up after 60ms: a CP operation caught by the partition halfway through
/// storing cannot be refused (part of it may be stored already), so it waits for the
/// heal, and its client moves on.
pub fn run_workload<N>(mode: Mode, seed: u64, mut replica: impl FnMut(Mode) -> N) -> World<N>
where
    N: Node<Request = Request, Response = Response>,
{
    let config = Config::new(seed).client_timeout(Duration::from_millis(60));
    let nodes = (0..WORKLOAD_NODES).map(|_| replica(mode)).collect();
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
