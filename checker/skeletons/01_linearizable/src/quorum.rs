//! Task `quorum`: one register replicated over the nodes of a simulated network, read
//! and written through majorities (the ABD algorithm of Attiya, Bar-Noy and Dolev).
//!
//! Every operation runs two phases, each finished when a majority has answered:
//!
//! 1. **query**: ask every node what it holds and keep the answer with the largest
//!    [`Tag`];
//! 2. **store**: have a majority store a tag and value: for a write a new tag above the
//!    largest one seen, for a read the largest pair seen (the write-back).
//!
//! Any two majorities share a node, so a query always meets the last completed store.

use testkit::sim::{Context, Node, NodeId, ReplyTo};

/// Orders the writes of the register: larger tags are newer. Ties of `version` between
/// two coordinators are broken by `writer`, so two writes never share a tag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag {
    /// The write's number: one more than the largest seen by its coordinator.
    pub version: u64,
    /// The node that coordinated the write.
    pub writer: NodeId,
}

/// What a client asks a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// The current value.
    Read,
    /// Replace the value.
    Write(i64),
}

/// What a node answers a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// The value read (`None`: never written).
    Value(Option<i64>),
    /// The write is stored on a majority.
    Written,
}

/// What nodes send each other. `op` numbers an operation of the coordinator that sends
/// the request; the answer carries it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Phase 1: what do you hold?
    Query {
        /// The coordinator's operation.
        op: u64,
    },
    /// The answer to a query.
    Holding {
        /// The coordinator's operation.
        op: u64,
        /// The tag held.
        tag: Tag,
        /// The value held.
        value: Option<i64>,
    },
    /// Phase 2: keep this pair if it is newer than yours.
    Store {
        /// The coordinator's operation.
        op: u64,
        /// The tag to keep.
        tag: Tag,
        /// The value to keep.
        value: Option<i64>,
    },
    /// The answer to a store: the node now holds that tag or a newer one.
    Stored {
        /// The coordinator's operation.
        op: u64,
    },
}

/// One replica of the register; every replica can coordinate client operations.
#[derive(Clone, Debug, Default)]
pub struct Replica {
    tag: Tag,
    value: Option<i64>,
    // TODO: add what a coordinator must remember about the operations it runs.
}

impl Replica {
    /// An empty replica (tag zero, no value).
    pub fn new() -> Self {
        Self::default()
    }

    /// The tag and value this replica holds now.
    pub fn stored(&self) -> (Tag, Option<i64>) {
        (self.tag, self.value)
    }
}

impl Node for Replica {
    type Msg = Message;
    type Request = Request;
    type Response = Response;

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        // TODO: start a client operation: phase 1 asks a majority what it holds.
        todo!(
            "node {} handles {request:?} for client {}",
            ctx.me(),
            reply.client()
        )
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Message) {
        // TODO: answer queries and stores; count answers and move operations on.
        todo!("node {} handles {msg:?} from node {from}", ctx.me())
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        // TODO: messages get lost; resend what has not been answered yet.
        let _ = ctx;
    }
}
