//! The scenario of a run that tells sequential consistency and linearizability apart.

use crate::{Request, SEQUENCER, Scenario, Step};

/// A scenario that, played on a world of replicas that keep the rules of task
/// `sequential` (yours, like [`Replica`](crate::Replica); the hidden tests use the
/// course's own), gives a history the sequential checker accepts and the
/// linearizability checker rejects, whatever the seed. It writes each value at most once.
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
/// Every wait is for an answer ([`Step::Await`]), never for a guessed span of time: the
/// delays differ from seed to seed, the order of the answers does not.
pub fn stale_read_scenario() -> Scenario {
    Scenario {
        replicas: 3,
        steps: vec![
            // A lagging replica, made certain: the sequencer's numbered writes never
            // reach n2, while n1 (and so the writer) hears of them as usual.
            Step::Block {
                from: SEQUENCER,
                to: 2,
            },
            Step::Call {
                client: 0,
                node: 1,
                request: Request::Write(1),
            },
            Step::Await { client: 0 },
            Step::Call {
                client: 1,
                node: 2,
                request: Request::Read,
            },
            Step::Await { client: 1 },
        ],
    }
}
