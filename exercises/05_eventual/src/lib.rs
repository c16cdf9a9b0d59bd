//! Eventual consistency with convergent replicated data types (CRDTs).
//!
//! Two data types whose replicas can be merged in any order, any number of times, and
//! still agree: a grow-only counter ([`GCounter`]) and a last-writer-wins map
//! ([`LwwMap`]). A [`Replica`] node holds one of each on the simulated network of
//! `testkit::sim` and gossips with its peers, so that once the network heals and quiets,
//! every replica holds the same value. The replica is generic over its counter and map
//! ([`Counter`], [`Map`]): gossip only copies and merges states.
//!
//! | file | concern |
//! | --- | --- |
//! | `gcounter.rs` | [`GCounter`]: the grow-only counter: yours to write |
//! | `lww.rs` | [`LwwMap`]: the last-writer-wins map: yours to write |
//! | `replica.rs` | the [`Replica`] node, client requests and gossip: yours to write |
//!
//! The client protocol ([`Request`], [`Response`]), the [`Stamp`] that orders writes, the
//! traits of the two data types ([`Counter`], [`Map`]) and the timing constants
//! ([`ROUND`], [`CONVERGE_ROUNDS`]) are given: they live in the course's crate
//! `eventual-given` (`given/05_eventual/src/`) and are re-exported here, so
//! `eventual::Request` and `crate::Stamp` name them. The grader always builds your code
//! with the course's copy, as it is.
//!
//! Read `README.md` in this crate first: it explains the tasks and the rules the hidden
//! tests hold you to.

mod gcounter;
mod lww;
mod replica;

pub use eventual_given::{CONVERGE_ROUNDS, Counter, Map, ROUND, Request, Response, Stamp};
pub use gcounter::GCounter;
pub use lww::LwwMap;
pub use replica::{Msg, Replica};
