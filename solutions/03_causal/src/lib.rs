//! Causality you can compute: vector clocks, causal delivery, and a causally consistent
//! key-value store on the simulated network of `testkit::sim`.
//!
//! | file | concern |
//! | --- | --- |
//! | `lib.rs` | what this crate offers, its own and the course's |
//! | `clock.rs` | [`VectorClock`]: one counter per node, compared into an [`Order`] |
//! | `delivery.rs` | [`CausalBroadcast`] and its [`Message`]: hold back what arrives early, deliver in cascade |
//! | `store.rs` | the [`Replica`] node of the causally consistent store |
//!
//! [`Order`], [`Request`] and [`Response`] are the course's: they live in the
//! `causal-given` crate (`given/03_causal/src/`), and are re-exported here so that every
//! user of this crate names them as its own.

mod clock;
mod delivery;
mod store;

pub use causal_given::{Order, Request, Response};
pub use clock::VectorClock;
pub use delivery::{CausalBroadcast, Message};
pub use store::{Msg, Replica, Write};
