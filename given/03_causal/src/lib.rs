//! What exercise `03_causal` gives: the pieces the student builds on and the hidden
//! suite inspects, owned by the course. The grader always builds the exercise with
//! this crate, never with a copy from a submission.
//!
//! | file | concern |
//! | --- | --- |
//! | `order.rs` | [`Order`]: how two vector clocks relate, the answer of `VectorClock::compare` |
//! | `kv.rs` | the store's [`Request`] and [`Response`], and how a call of one reads in a history |
//!
//! The exercise's crate re-exports all of them, so its code and its visible tests name
//! them as `causal::Order`, `causal::Request`, `causal::Response`. What the student
//! designs stays there: the vector clock, the causal broadcast and its messages, the
//! replica and what replicas send each other.

mod kv;
mod order;

pub use kv::{Request, Response};
pub use order::Order;
