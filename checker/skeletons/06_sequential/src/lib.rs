//! A replicated register that is sequentially consistent but not linearizable.
//!
//! Every node holds a full copy of one register. Node [`SEQUENCER`] numbers the writes;
//! every replica applies them in that numbering, and answers reads from its own copy at
//! once, without asking anyone. The course README of this crate explains why that is
//! sequentially consistent (one order of all writes, each client's view fits it) and why
//! it is not linearizable (a read may miss a write that has already finished elsewhere).

mod replica;
mod stale;

pub use replica::Replica;
pub use stale::stale_read_history;

use testkit::history::{Action, Output, Value};
use testkit::sim::{Answer, NodeId, Recordable};

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

impl Recordable<Response> for Request {
    fn action(&self) -> Action {
        match self {
            Request::Read => Action::Read,
            Request::Write(v) => Action::Write(Value::Int(*v)),
        }
    }

    fn answer(&self, response: &Response) -> Answer {
        match response {
            Response::Value(v) => Answer::Ok(Output::Value(v.map(Value::Int))),
            Response::Written => Answer::Ok(Output::Done),
        }
    }
}
