//! [`Request`] and [`Response`]: the client protocol of a replica.
//!
//! Both are the course's: a replica must speak exactly this protocol, because the hidden
//! tests read the answers clients got (an `Incremented` is an increment that must never
//! be lost, a `Written` names the stamp that must win) and compare them through the
//! derived impls here, which no submission can change.

use crate::Stamp;

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
