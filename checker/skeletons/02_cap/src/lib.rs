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
//! | `lib.rs` | the shared types: requests, answers, stamps, the time bounds |
//! | `replica.rs` | the [`Replica`] node: yours to write (add modules as you like) |
//! | `tradeoff.rs` | one workload, both modes, in numbers |
//!
//! Read `README.md` in this crate first: it explains the tasks and the rules the hidden
//! tests hold you to. The types in this file are given; keep their names and fields.

mod replica;
mod tradeoff;

use std::collections::BTreeMap;
use std::time::Duration;

use testkit::history::{Action, Output, Value};
use testkit::sim::{Answer, NodeId, Recordable};

pub use replica::Replica;
pub use tradeoff::{Tally, Tradeoff, WORKLOAD_NODES, run_workload, tally, tradeoff};

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

/// The order of writes to one key: the larger stamp wins, comparing `time` first and
/// `node` on a tie (the derived order does exactly that, field by field).
///
/// In AP mode `time` is the virtual time, in nanoseconds, at which the node accepted the
/// write, and `node` is that node. In CP mode `time` is a version number one above the
/// highest version a majority reported, and `node` the node that coordinated the write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    /// Virtual time in nanoseconds (AP) or version number (CP).
    pub time: u64,
    /// The node that accepted the write.
    pub node: NodeId,
}

/// A value and the stamp of the write that stored it.
pub type Entry = (Stamp, String);

/// What a replica holds: every key it has a value for.
pub type Store = BTreeMap<String, Entry>;

/// How long a CP replica waits for a majority to answer before it refuses a request.
pub const REACH_TIMEOUT: Duration = Duration::from_millis(40);

/// How often replicas act on their own: retrying unanswered messages, checking
/// deadlines, and (AP) one round of anti-entropy.
pub const ROUND: Duration = Duration::from_millis(10);

/// The promptness bound: a CP replica answers `Unavailable` at most this long after a
/// request reaches it (the reach timeout plus one round, since deadlines are checked
/// once a round).
pub const ANSWER_WITHIN: Duration = Duration::from_millis(50);

/// An AP replica marks its reads stale when some peer has not been heard from for this
/// long: it cannot know what that peer accepted meanwhile.
pub const STALE_AFTER: Duration = Duration::from_millis(30);

/// After a heal (with every node up), AP replicas hold the same values within this many
/// rounds, even when the network loses a fifth of the messages.
pub const CONVERGE_ROUNDS: u32 = 15;

impl Recordable<Response> for Request {
    fn key(&self) -> Option<String> {
        match self {
            Request::Get { key } | Request::Put { key, .. } => Some(key.clone()),
        }
    }

    fn action(&self) -> Action {
        match self {
            Request::Get { .. } => Action::Read,
            Request::Put { value, .. } => Action::Write(Value::Str(value.clone())),
        }
    }

    fn answer(&self, response: &Response) -> Answer {
        match response {
            Response::Value { value, .. } => {
                Answer::Ok(Output::Value(value.clone().map(Value::Str)))
            }
            Response::Written { .. } => Answer::Ok(Output::Done),
            // A refusal promises that nothing happened.
            Response::Unavailable { .. } => Answer::Failed,
        }
    }
}
