//! Eventual consistency with convergent replicated data types (CRDTs).
//!
//! Two data types whose replicas can be merged in any order, any number of times, and
//! still agree: a grow-only counter ([`GCounter`]) and a last-writer-wins map
//! ([`LwwMap`]). A [`Replica`] node holds one of each on the simulated network of
//! `testkit::sim` and gossips with its peers, so that once the network heals and quiets,
//! every replica holds the same value.
//!
//! | file | concern |
//! | --- | --- |
//! | `gcounter.rs` | [`GCounter`]: the grow-only counter: yours to write |
//! | `lww.rs` | [`LwwMap`] and its [`Stamp`]: the last-writer-wins map: yours to write |
//! | `replica.rs` | the [`Replica`] node, client requests and gossip: yours to write |
//!
//! Read `README.md` in this crate first: it explains the tasks and the rules the hidden
//! tests hold you to. The types in this file are given; keep their names and fields.

mod gcounter;
mod lww;
mod replica;

use std::time::Duration;

pub use gcounter::GCounter;
pub use lww::{LwwMap, Stamp};
pub use replica::{Msg, Replica};

/// What a client asks a replica.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Add one to the shared counter.
    Increment,
    /// The counter's value as this replica knows it.
    Count,
    /// Store `value` under `key` in the shared map.
    Put {
        /// The key.
        key: String,
        /// The new value.
        value: String,
    },
    /// The value under `key` as this replica knows it.
    Get {
        /// The key.
        key: String,
    },
}

/// What a replica answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// The increment is counted (an acknowledged increment: it must never be lost).
    Incremented,
    /// The answer to `Count`.
    Count(u64),
    /// The `Put` is stored, stamped with `stamp`.
    Written {
        /// The stamp that orders this write against other writes of its key.
        stamp: Stamp,
    },
    /// The answer to `Get` (`None`: no write of the key has reached this replica).
    Value(Option<String>),
}

/// How often a replica gossips its state to its peers.
pub const ROUND: Duration = Duration::from_millis(10);

/// After the network heals (every node up, loss up to a fifth of the messages), every
/// replica holds the same counter and map within this many rounds.
pub const CONVERGE_ROUNDS: u32 = 15;
