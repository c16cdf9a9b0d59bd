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

use std::collections::{BTreeMap, BTreeSet};

use linearizable_given::{Message, Request, Response, Tag};
use testkit::sim::{Context, Node, NodeId, ReplyTo};

/// One client operation this node coordinates.
#[derive(Clone, Debug)]
struct Operation {
    reply: ReplyTo,
    /// What the client asked.
    request: Request,
    /// The phase it is in.
    phase: Phase,
    /// The nodes that answered in this phase (a set, so duplicates count once).
    heard: BTreeSet<NodeId>,
}

#[derive(Clone, Debug)]
enum Phase {
    /// Collecting answers; the newest pair so far.
    Query { tag: Tag, value: Option<i64> },
    /// Storing this pair; then answer `response`.
    Store {
        tag: Tag,
        value: Option<i64>,
        response: Response,
    },
}

/// One replica of the register; every replica can coordinate client operations.
#[derive(Clone, Debug, Default)]
pub struct Replica {
    tag: Tag,
    value: Option<i64>,
    /// The largest version this node has given a write, so that two writes it
    /// coordinates at once get different tags even if their queries saw the same.
    issued: u64,
    next_op: u64,
    ops: BTreeMap<u64, Operation>,
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

    /// Keeps a pair if it is newer than the one held.
    fn adopt(&mut self, tag: Tag, value: Option<i64>) {
        if tag > self.tag {
            self.tag = tag;
            self.value = value;
        }
    }

    /// The message of `op`'s current phase.
    fn phase_message(op: u64, phase: &Phase) -> Message {
        match phase {
            Phase::Query { .. } => Message::Query { op },
            Phase::Store { tag, value, .. } => Message::Store {
                op,
                tag: *tag,
                value: *value,
            },
        }
    }

    /// Moves `id` on as far as the answers heard allow: from query to store once a
    /// majority answered, and from store to the client's answer once a majority stored.
    fn advance(&mut self, ctx: &mut Context<'_, Self>, id: u64) {
        let me = ctx.me();
        let Some(op) = self.ops.get_mut(&id) else {
            return;
        };
        if op.heard.len() < ctx.majority() {
            return;
        }
        match op.phase.clone() {
            Phase::Query { tag, value } => {
                let (tag, value, response) = match op.request {
                    // The write-back: the newest pair seen goes to a majority before the
                    // read returns it, so no later read can return anything older.
                    Request::Read => (tag, value, Response::Value(value)),
                    Request::Write(new) => {
                        let version = tag.version.max(self.issued) + 1;
                        self.issued = version;
                        let tag = Tag {
                            version,
                            writer: me,
                        };
                        (tag, Some(new), Response::Written)
                    }
                };
                op.phase = Phase::Store {
                    tag,
                    value,
                    response,
                };
                // This node stores the pair itself and counts as the first answer.
                op.heard = BTreeSet::from([me]);
                ctx.broadcast(Message::Store { op: id, tag, value });
                self.adopt(tag, value);
                self.advance(ctx, id);
            }
            Phase::Store { response, .. } => {
                ctx.reply(op.reply, response);
                self.ops.remove(&id);
            }
        }
    }
}

impl Node for Replica {
    type Msg = Message;
    type Request = Request;
    type Response = Response;

    fn on_start(&mut self, _ctx: &mut Context<'_, Self>) {
        // After a restart the clients of unfinished operations have been told their
        // calls were lost; finishing them would answer nobody.
        self.ops.clear();
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        let id = self.next_op;
        self.next_op += 1;
        // This node answers its own query at once, with what it holds.
        let phase = Phase::Query {
            tag: self.tag,
            value: self.value,
        };
        self.ops.insert(
            id,
            Operation {
                reply,
                request,
                phase,
                heard: BTreeSet::from([ctx.me()]),
            },
        );
        ctx.broadcast(Message::Query { op: id });
        self.advance(ctx, id);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Message) {
        match msg {
            Message::Query { op } => ctx.send(
                from,
                Message::Holding {
                    op,
                    tag: self.tag,
                    value: self.value,
                },
            ),
            Message::Store { op, tag, value } => {
                self.adopt(tag, value);
                ctx.send(from, Message::Stored { op });
            }
            Message::Holding { op, tag, value } => {
                // An answer for an operation that has moved on (a late or duplicated
                // copy) is ignored: it belongs to a phase that is over.
                if let Some(operation) = self.ops.get_mut(&op)
                    && let Phase::Query {
                        tag: best,
                        value: kept,
                    } = &mut operation.phase
                    && operation.heard.insert(from)
                {
                    if tag > *best {
                        *best = tag;
                        *kept = value;
                    }
                    self.advance(ctx, op);
                }
            }
            Message::Stored { op } => {
                if let Some(operation) = self.ops.get_mut(&op)
                    && matches!(operation.phase, Phase::Store { .. })
                    && operation.heard.insert(from)
                {
                    self.advance(ctx, op);
                }
            }
        }
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        // Messages get lost: every tick, each unfinished phase is sent again to the
        // nodes that have not answered it. Answering twice is harmless (queries change
        // nothing, stores keep only newer pairs), so retrying is safe.
        let peers = ctx.peers().to_vec();
        for (&id, op) in &self.ops {
            let msg = Self::phase_message(id, &op.phase);
            for &peer in &peers {
                if !op.heard.contains(&peer) {
                    ctx.send(peer, msg.clone());
                }
            }
        }
    }
}
