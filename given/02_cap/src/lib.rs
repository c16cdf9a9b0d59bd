//! What exercise `02_cap` gives: the pieces the student builds on and the hidden
//! suite inspects, owned by the course. The grader always builds the exercise with
//! this crate, never with a copy from a submission.
//!
//! The student writes a `Replica` (a node of `testkit::sim`) that answers [`Request`]s
//! with [`Response`]s, in [`Mode::Cp`] or [`Mode::Ap`], and counts what a run of
//! [`run_workload`] got into a [`Tally`]. Everything a verdict reads is defined here:
//! what was asked and answered, how a call reads in a history, the bounds a replica is
//! held to and the workload whose numbers the trade-off task reports.
//!
//! | file | concern |
//! | --- | --- |
//! | `api.rs` | the modes, what clients ask and what replicas answer |
//! | `stamp.rs` | the order of writes to a key, and what a replica holds |
//! | `record.rs` | how a call reads in a history (the [`Recordable`](testkit::sim::Recordable) impl) |
//! | `bounds.rs` | the time bounds a replica is held to |
//! | `workload.rs` | the trade-off workload, and the counts it is measured in |
//!
//! The types are re-exported by the student's crate, so its code reads `crate::Request`;
//! the hidden suite names them here, `cap_given::Request`, which makes the compiler
//! reject a replica that answers in a type of its own.

mod api;
mod bounds;
mod record;
mod stamp;
mod workload;

pub use api::{Mode, Request, Response};
pub use bounds::{ANSWER_WITHIN, CONVERGE_ROUNDS, REACH_TIMEOUT, ROUND, STALE_AFTER};
pub use stamp::{Entry, Stamp, Store};
pub use workload::{Tally, Tradeoff, WORKLOAD_NODES, run_workload};
