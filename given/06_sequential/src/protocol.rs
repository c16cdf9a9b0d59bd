//! What clients and replicas say: the requests and answers of the register, and the
//! messages through which the sequencer orders the writes.
//!
//! The task fixes these shapes, and the hidden tests speak them: a replica whose node
//! types are anything else does not compile against the tests.

use testkit::sim::NodeId;

/// The node that gives every write its place in the one global order.
pub const SEQUENCER: NodeId = 0;

/// What a client asks a replica.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// The value of the register at this replica.
    Read,
    /// Set the register to this value (answered once this replica has applied it).
    Write(i64),
}

/// What a replica answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// The value read (`None`: never written).
    Value(Option<i64>),
    /// The write took effect at the replica the client asked.
    Written,
}

/// What nodes send each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    /// A replica asks the sequencer to order a write it received; `id` is unique per
    /// origin, so a duplicated submission can be recognised.
    Submit {
        /// The replica the client asked.
        origin: NodeId,
        /// The origin's own number for this write.
        id: u64,
        /// The value written.
        value: i64,
    },
    /// The sequencer tells every replica: write number `seq` sets the register to `value`.
    Apply {
        /// The write's place in the global order, from 0.
        seq: u64,
        /// The replica that must answer the client once it has applied this write.
        origin: NodeId,
        /// The origin's number for this write.
        id: u64,
        /// The value written.
        value: i64,
    },
}
