//! One replica of the register; node [`SEQUENCER`](crate::SEQUENCER) also orders the
//! writes.

use testkit::sim::{Context, Node, NodeId, ReplyTo};

use crate::{Msg, Request, Response};

/// A replica: its copy of the register, the writes it has applied, and (on the
/// sequencer) the numbering of writes.
#[derive(Debug, Default)]
pub struct Replica {
    // TODO: the state a replica needs: its copy of the register, which write it applies
    // next, the writes that arrived ahead of their turn, the clients waiting for their
    // writes, and (on the sequencer) the numbering of writes.
}

impl Replica {
    /// A replica with an empty register.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value this replica would answer a read with now.
    pub fn value(&self) -> Option<i64> {
        // TODO: the local copy of the register.
        todo!("the value of this replica's copy")
    }

    /// How many writes this replica has applied.
    pub fn applied(&self) -> u64 {
        // TODO: the count of writes applied here, in sequence order.
        todo!("the number of writes applied here")
    }
}

impl Node for Replica {
    type Msg = Msg;
    type Request = Request;
    type Response = Response;

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        // TODO: answer a read from the local copy at once; have a write ordered by the
        // sequencer, and answer it once this replica has applied it.
        todo!("n{} serves {request:?} for {reply:?}", ctx.me())
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        // TODO: the sequencer numbers each submitted write once and tells every replica;
        // every replica applies the numbered writes in sequence order.
        todo!("n{} handles {msg:?} from n{from}", ctx.me())
    }
}
