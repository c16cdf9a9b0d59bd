//! CAP in practice: one replicated key-value store, two choices during a partition.
//!
//! A [`Replica`] runs on the simulated network of `testkit::sim`. Built in
//! [`Mode::Cp`] it reads and writes through a majority of the cluster and refuses what it
//! cannot confirm with one ([`Response::Unavailable`]); built in [`Mode::Ap`] it answers
//! every request from its own copy, marks reads it cannot vouch for as stale, resolves
//! concurrent writes by last-writer-wins, and repairs the replicas after a heal with
//! anti-entropy. [`tradeoff`] runs one workload against both and counts what each gave
//! up.
//!
//! | file | concern |
//! | --- | --- |
//! | `lib.rs` | this map, and what the course gives, re-exported |
//! | `replica.rs` | the [`Replica`] node and its dispatch by mode |
//! | `cp.rs` | quorum reads and writes, and prompt refusals |
//! | `ap.rs` | local answers, last-writer-wins and anti-entropy |
//! | `tradeoff.rs` | what a run of the workload got, in both modes |
//!
//! The course gives the types this crate speaks in (requests, answers, stamps), the
//! time bounds and the trade-off workload, in the crate `cap_given`
//! (`given/02_cap/src/`). They are re-exported here, so the code below names them as
//! `crate::Request`; the hidden tests always use the course's own.

mod ap;
mod cp;
mod msg;
mod replica;
mod tradeoff;

pub use cap_given::{
    ANSWER_WITHIN, CONVERGE_ROUNDS, Entry, Mode, REACH_TIMEOUT, ROUND, Request, Response,
    STALE_AFTER, Stamp, Store, Tally, Tradeoff, WORKLOAD_NODES, run_workload,
};
pub use replica::Replica;
pub use tradeoff::{tally, tradeoff};
