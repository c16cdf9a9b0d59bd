//! One replica of the register; node [`SEQUENCER`] also orders the writes.

use std::collections::{BTreeMap, BTreeSet};

use testkit::sim::{Context, Node, NodeId, ReplyTo};

use crate::{Msg, Request, Response, SEQUENCER};

/// A replica: its copy of the register, the writes it has applied, and (on the
/// sequencer) the numbering of writes.
#[derive(Debug, Default)]
pub struct Replica {
    /// The register as this replica sees it.
    value: Option<i64>,
    /// The sequence number of the next write to apply here.
    applied: u64,
    /// Writes that arrived ahead of their turn, by sequence number.
    ///
    /// Applying on arrival instead would let two replicas apply the same two writes in
    /// opposite orders, and no single order could explain what their readers saw.
    waiting: BTreeMap<u64, (NodeId, u64, i64)>,
    /// This replica's own numbering of the writes its clients asked for.
    next_id: u64,
    /// Clients waiting for their write to be applied here, by the write's id.
    pending: BTreeMap<u64, ReplyTo>,
    /// Sequencer only: the next sequence number to hand out.
    next_seq: u64,
    /// Sequencer only: the (origin, id) pairs already numbered, so that a duplicated
    /// submission does not become a second write of the same value.
    numbered: BTreeSet<(NodeId, u64)>,
}

impl Replica {
    /// A replica with an empty register.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value this replica would answer a read with now.
    pub fn value(&self) -> Option<i64> {
        self.value
    }

    /// How many writes this replica has applied.
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// Sequencer only: gives the write its number and tells every replica.
    fn sequence(&mut self, ctx: &mut Context<'_, Self>, origin: NodeId, id: u64, value: i64) {
        if !self.numbered.insert((origin, id)) {
            return;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        ctx.broadcast(Msg::Apply {
            seq,
            origin,
            id,
            value,
        });
        // The sequencer is a replica too: it receives its own numbering directly.
        self.receive(ctx, seq, origin, id, value);
    }

    /// Files a numbered write and applies every write whose turn has come.
    fn receive(
        &mut self,
        ctx: &mut Context<'_, Self>,
        seq: u64,
        origin: NodeId,
        id: u64,
        value: i64,
    ) {
        if seq < self.applied {
            return; // a duplicate of a write applied already
        }
        self.waiting.insert(seq, (origin, id, value));
        while let Some((origin, id, value)) = self.waiting.remove(&self.applied) {
            self.value = Some(value);
            self.applied += 1;
            // Answer only now: a client that reads here after its write returned must
            // see that write (or a later one), which its own order demands.
            if origin == ctx.me()
                && let Some(reply) = self.pending.remove(&id)
            {
                ctx.reply(reply, Response::Written);
            }
        }
    }
}

impl Node for Replica {
    type Msg = Msg;
    type Request = Request;
    type Response = Response;

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        match request {
            // Served from the local copy, with no message: fast, and the reason the
            // register is not linearizable (this copy may lag behind a finished write).
            Request::Read => ctx.reply(reply, Response::Value(self.value)),
            Request::Write(value) => {
                let id = self.next_id;
                self.next_id += 1;
                self.pending.insert(id, reply);
                let origin = ctx.me();
                if origin == SEQUENCER {
                    self.sequence(ctx, origin, id, value);
                } else {
                    ctx.send(SEQUENCER, Msg::Submit { origin, id, value });
                }
            }
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, _from: NodeId, msg: Msg) {
        match msg {
            Msg::Submit { origin, id, value } => {
                if ctx.me() == SEQUENCER {
                    self.sequence(ctx, origin, id, value);
                }
            }
            Msg::Apply {
                seq,
                origin,
                id,
                value,
            } => self.receive(ctx, seq, origin, id, value),
        }
    }
}
