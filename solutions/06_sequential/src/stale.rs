//! A run of the register whose history tells sequential consistency and
//! linearizability apart.

use std::time::Duration;

use testkit::history::History;
use testkit::sim::{Config, World};

use crate::{Replica, Request, SEQUENCER};

/// Drives three replicas so that a read misses a write that had already finished, and
/// returns the history: the sequential checker accepts it, the linearizability checker
/// rejects it.
///
/// The script cuts the sequencer's link to replica 2 (one direction only), lets client 0
/// write 1 through replica 1 until it returns, then lets client 1 read at replica 2,
/// which never heard of the write and answers `nil`:
///
/// ```text
/// c0  [w(1) at n1 ----]
/// c1                     [r at n2 : nil]
/// ```
///
/// Real time puts the read after the write, so no linearization exists. Sequential
/// consistency only keeps each client's own order, and placing c1's read before c0's
/// write explains everything. Waiting for the write to reach replica 2 instead would
/// give a linearizable history; letting one client read 1 at replica 1 and then `nil` at
/// replica 2 would break its own order, which not even sequential consistency allows.
pub fn stale_read_history(seed: u64) -> History {
    let config = Config::new(seed).delay(Duration::from_millis(1), Duration::from_millis(10));
    let mut world = World::new(config, (0..3).map(|_| Replica::new()).collect());
    // A lagging replica, made certain: the sequencer's numbered writes never reach n2.
    world.block(SEQUENCER, 2);
    world.call_and_wait(0, 1, Request::Write(1));
    world.call_and_wait(1, 2, Request::Read);
    world
        .history()
        .expect("every call of this script has ended, so the history is complete")
}
