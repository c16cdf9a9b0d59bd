//! The scenario of a run that tells sequential consistency and linearizability apart.

use crate::Scenario;

/// A scenario that, played on a world of replicas that keep the rules of task
/// `sequential` (yours, like [`Replica`](crate::Replica); the hidden tests use the
/// course's own), gives a history the sequential checker accepts and the
/// linearizability checker rejects, whatever the seed. Write each value at most once.
pub fn stale_read_scenario() -> Scenario {
    // TODO: the replicas, the client calls and the link faults after which a read at a
    // replica that lags behind misses a write that had already returned.
    todo!("a scenario whose run is sequential but not linearizable")
}
