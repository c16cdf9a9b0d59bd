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
//!
//! What clients and nodes say is given by the course (`given/01_linearizable/src/quorum.rs`):
//! clients send a [`Request`] and get a [`Response`]; nodes send each other a
//! [`Message`] of one of the two phases; a [`Tag`] orders the writes.

use linearizable_given::{Message, Request, Response, Tag};
use testkit::sim::{Context, Node, NodeId, ReplyTo};

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
