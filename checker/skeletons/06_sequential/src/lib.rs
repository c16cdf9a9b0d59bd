//! A replicated register that is sequentially consistent but not linearizable.
//!
//! Every node holds a full copy of one register. Node [`SEQUENCER`] numbers the writes;
//! every replica applies them in that numbering, and answers reads from its own copy at
//! once, without asking anyone. The course README of this crate explains why that is
//! sequentially consistent (one order of all writes, each client's view fits it) and why
//! it is not linearizable (a read may miss a write that has already finished elsewhere).
//!
//! What the register says ([`SEQUENCER`], [`Request`], [`Response`], [`Msg`]) and how a
//! run is scripted ([`Scenario`], [`Step`]) are the course's, in `given/06_sequential/src/`
//! (the crate `sequential_given`), re-exported here so that this crate reads as one. The
//! course always uses its own copy of them.

mod replica;
mod stale;

pub use replica::Replica;
pub use stale::stale_read_scenario;

pub use sequential_given::{
    Msg, Request, Response, SEQUENCER, Scenario, ScenarioError, Step, history,
};
