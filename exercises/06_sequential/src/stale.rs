//! A run of the register whose history tells sequential consistency and
//! linearizability apart.

use testkit::history::History;

/// Drives a world of your [`Replica`](crate::Replica)s, with the given seed, so that the
/// returned history is accepted by the sequential checker and rejected by the
/// linearizability checker. Write each value at most once.
pub fn stale_read_history(seed: u64) -> History {
    // TODO: build a world of replicas from `seed`, script clients and faults so that a
    // read misses a write that had already returned, and return the world's history.
    todo!("a run with seed {seed} that is sequential but not linearizable")
}
