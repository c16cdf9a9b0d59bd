//! What exercise `06_sequential` gives: the pieces the student builds on and the hidden
//! suite inspects, owned by the course. The grader always builds the exercise with
//! this crate, never with a copy from a submission.
//!
//! | module | concern |
//! | --- | --- |
//! | [`protocol`] | [`SEQUENCER`], the [`Request`]s and [`Response`]s of the register, the [`Msg`]s of the sequencer |
//! | [`record`] | how a call reads in a history: [`history`] of a world, the `Recordable` impl |
//! | [`scenario`] | a [`Scenario`]: client calls and link faults as data, each a [`Step`] |
//! | `play` | [`Scenario::run`]: playing a scenario on a world of replicas |
//!
//! The student writes the replica (a `testkit::sim::Node` speaking [`protocol`]) and
//! the scenario of a stale read; the hidden tests build every world themselves, from
//! the student's replicas, and record every history through [`record`].

pub mod protocol;
pub mod record;
pub mod scenario;

mod play;

pub use protocol::{Msg, Request, Response, SEQUENCER};
pub use record::history;
pub use scenario::{MAX_REPLICAS, MAX_RUN_FOR, MAX_STEPS, Scenario, ScenarioError, Step};
