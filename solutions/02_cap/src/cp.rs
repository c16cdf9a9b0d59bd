//! CP mode: every read and write goes through a majority, or is refused untouched.
//!
//! An operation has two phases, each needing answers from a majority (this node
//! counts as one):
//!
//! ```text
//!   ask    n0 --Query x--> n1..n4      learn the newest stamped value of x
//!          n0 <--Holding--  a majority  (or, after REACH_TIMEOUT: Unavailable, done)
//!   store  n0 --Store x--> n1..n4      put: a new stamp, one above the newest
//!          n0 <--Stored---  a majority  get: write the newest back, then answer it
//! ```
//!
//! The ask phase is also the reachability check, and it changes nothing anywhere: a
//! request refused at its end leaves no trace. Applying a put locally first and asking
//! afterwards would leave a refused value on the minority, to resurface after the heal.
//! Two majorities of one cluster always share a node, which is why a read's ask phase
//! sees every write that finished before it, and why the write-back is needed: a later
//! read must not find an older value than an earlier read returned.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use testkit::sim::{Context, NodeId, ReplyTo};

use crate::msg::Msg;
use crate::{Entry, REACH_TIMEOUT, Replica, Request, Response, Stamp};

/// An operation this replica coordinates.
#[derive(Debug)]
pub(crate) struct Op {
    reply: ReplyTo,
    key: String,
    /// `Some(value)` for a put, `None` for a get.
    put: Option<String>,
    /// When the ask phase gives up.
    deadline: Duration,
    phase: Phase,
}

#[derive(Debug)]
enum Phase {
    /// Who has answered the query, and with what.
    Ask(BTreeMap<NodeId, Option<Entry>>),
    /// The entry being stored, who has stored it, and the answer once a majority has.
    Store {
        entry: Entry,
        acks: BTreeSet<NodeId>,
        answer: Response,
    },
}

/// A majority of the whole cluster, reachable or not. Computed from the cluster size,
/// never from the nodes currently reachable (a majority of those is no majority). With
/// four nodes it is three: `4 / 2` would let both halves of a 2/2 split go on alone.
fn quorum(ctx: &Context<'_, Replica>) -> usize {
    ctx.cluster_size() / 2 + 1
}

impl Replica {
    pub(crate) fn cp_request(
        &mut self,
        ctx: &mut Context<'_, Self>,
        reply: ReplyTo,
        request: Request,
    ) {
        let (key, put) = match request {
            Request::Get { key } => (key, None),
            Request::Put { key, value } => (key, Some(value)),
        };
        let id = self.next_op;
        self.next_op += 1;
        let mut answers = BTreeMap::new();
        answers.insert(ctx.me(), self.store.get(&key).cloned());
        let peers = ctx.peers().to_vec();
        for peer in peers {
            ctx.send(
                peer,
                Msg::Query {
                    op: id,
                    key: key.clone(),
                },
            );
        }
        self.ops.insert(
            id,
            Op {
                reply,
                key,
                put,
                deadline: ctx.now() + REACH_TIMEOUT,
                phase: Phase::Ask(answers),
            },
        );
        self.advance(ctx, id);
    }

    pub(crate) fn cp_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Query { op, key } => {
                let entry = self.store.get(&key).cloned();
                ctx.send(from, Msg::Holding { op, entry });
            }
            Msg::Holding { op, entry } => {
                if let Some(Op {
                    phase: Phase::Ask(answers),
                    ..
                }) = self.ops.get_mut(&op)
                {
                    answers.insert(from, entry);
                    self.advance(ctx, op);
                }
            }
            Msg::Store { op, key, entry } => {
                self.apply(&key, entry);
                ctx.send(from, Msg::Stored { op });
            }
            Msg::Stored { op } => {
                if let Some(Op {
                    phase: Phase::Store { acks, .. },
                    ..
                }) = self.ops.get_mut(&op)
                {
                    acks.insert(from);
                    self.advance(ctx, op);
                }
            }
            Msg::Gossip { .. } => {}
        }
    }

    /// Once a round: refuse what waited too long for its majority, and send again what
    /// was not answered (the network may have lost it; a copy that arrives twice is
    /// harmless, since answers are counted per node and stores keep the newest stamp).
    pub(crate) fn cp_tick(&mut self, ctx: &mut Context<'_, Self>) {
        let needed = quorum(ctx);
        let peers = ctx.peers().to_vec();
        let now = ctx.now();
        let mut refused = Vec::new();
        for (&id, op) in &self.ops {
            match &op.phase {
                Phase::Ask(answers) if now >= op.deadline => refused.push((id, answers.len())),
                Phase::Ask(answers) => {
                    for &peer in peers.iter().filter(|p| !answers.contains_key(p)) {
                        let key = op.key.clone();
                        ctx.send(peer, Msg::Query { op: id, key });
                    }
                }
                // A store that has begun is never refused: some replicas may hold it
                // already, so "nothing was done" would be a lie. It is retried until a
                // majority has it (after the heal, at the latest); the client may give up
                // first and record the outcome as unknown, which is the truth.
                Phase::Store { entry, acks, .. } => {
                    for &peer in peers.iter().filter(|p| !acks.contains(p)) {
                        let (key, entry) = (op.key.clone(), entry.clone());
                        ctx.send(peer, Msg::Store { op: id, key, entry });
                    }
                }
            }
        }
        for (id, reachable) in refused {
            if let Some(op) = self.ops.remove(&id) {
                ctx.reply(op.reply, Response::Unavailable { reachable, needed });
            }
        }
    }

    /// Moves operation `id` on if its current phase has its majority.
    fn advance(&mut self, ctx: &mut Context<'_, Self>, id: u64) {
        let needed = quorum(ctx);
        let me = ctx.me();
        let Some(op) = self.ops.get_mut(&id) else {
            return;
        };
        match &op.phase {
            Phase::Ask(answers) if answers.len() >= needed => {
                let newest = answers.values().flatten().max().cloned();
                let (entry, answer) = match (&op.put, newest) {
                    (Some(value), newest) => {
                        // One above the newest a majority holds, and above every
                        // version this node handed out before: two puts coordinated here
                        // at once see the same newest stamp, and must not both get the
                        // stamp one above it (equal stamps on different values would
                        // leave replicas disagreeing on which came last).
                        let newest = newest.map_or(0, |(stamp, _)| stamp.time);
                        let time = newest.max(self.issued) + 1;
                        self.issued = time;
                        let stamp = Stamp { time, node: me };
                        ((stamp, value.clone()), Response::Written { stamp })
                    }
                    (None, None) => {
                        let reply = op.reply;
                        self.ops.remove(&id);
                        ctx.reply(
                            reply,
                            Response::Value {
                                value: None,
                                stale: false,
                            },
                        );
                        return;
                    }
                    (None, Some(entry)) => {
                        let value = Some(entry.1.clone());
                        (
                            entry,
                            Response::Value {
                                value,
                                stale: false,
                            },
                        )
                    }
                };
                let key = op.key.clone();
                op.phase = Phase::Store {
                    entry: entry.clone(),
                    acks: BTreeSet::from([me]),
                    answer,
                };
                let peers = ctx.peers().to_vec();
                for peer in peers {
                    let (key, entry) = (key.clone(), entry.clone());
                    ctx.send(peer, Msg::Store { op: id, key, entry });
                }
                self.apply(&key, entry);
                self.advance(ctx, id);
            }
            Phase::Store { acks, answer, .. } if acks.len() >= needed => {
                let (reply, answer) = (op.reply, answer.clone());
                self.ops.remove(&id);
                ctx.reply(reply, answer);
            }
            _ => {}
        }
    }
}
