//! The course's own replica: a register that keeps every rule of task `sequential`, on
//! which task `not_linearizable` plays the student's scenario.
//!
//! Playing the scenario on the student's replicas would tie the second task to the
//! first: a mistake in the replica would cost the scenario's points too, or make a good
//! scenario look wrong (a replica whose reads wait shows no stale read at all). On a
//! register known to keep the rules, the scenario is judged for itself, and the gap it
//! shows is the gap between the models, not a broken register.

use std::collections::BTreeSet;

use sequential_given::{Msg, Request, Response, SEQUENCER};
use testkit::sim::{Context, Node, NodeId, ReplyTo};

/// One write, as the sequencer numbered it.
#[derive(Clone, Copy)]
struct Numbered {
    origin: NodeId,
    id: u64,
    value: i64,
}

/// A replica of the register: its log of numbered writes, applied in order.
#[derive(Default)]
pub struct CourseReplica {
    /// The writes by number; `None` where a write has not arrived yet.
    log: Vec<Option<Numbered>>,
    /// How many writes of the log are applied.
    applied: usize,
    /// The register, as the applied writes left it.
    value: Option<i64>,
    /// The id of this replica's next write.
    next_id: u64,
    /// This replica's clients waiting for their writes, with the writes' ids.
    waiting: Vec<(u64, ReplyTo)>,
    /// Sequencer only: the writes numbered, so that a copy of a `Submit` is not
    /// numbered again.
    numbered: BTreeSet<(NodeId, u64)>,
}

impl CourseReplica {
    /// Sequencer only: numbers a write once and tells every replica, itself included.
    fn number(&mut self, ctx: &mut Context<'_, Self>, origin: NodeId, id: u64, value: i64) {
        if !self.numbered.insert((origin, id)) {
            return;
        }
        let seq = self.numbered.len() as u64 - 1;
        ctx.broadcast(Msg::Apply {
            seq,
            origin,
            id,
            value,
        });
        self.file(ctx, seq, Numbered { origin, id, value });
    }

    /// Files write number `seq` and applies every write whose turn has come.
    fn file(&mut self, ctx: &mut Context<'_, Self>, seq: u64, write: Numbered) {
        let seq = seq as usize;
        if seq >= self.log.len() {
            self.log.resize(seq + 1, None);
        }
        if seq < self.applied || self.log[seq].is_some() {
            return;
        }
        self.log[seq] = Some(write);
        while let Some(Some(next)) = self.log.get(self.applied).copied() {
            self.applied += 1;
            self.value = Some(next.value);
            if next.origin == ctx.me()
                && let Some(place) = self.waiting.iter().position(|&(id, _)| id == next.id)
            {
                let (_, reply) = self.waiting.swap_remove(place);
                ctx.reply(reply, Response::Written);
            }
        }
    }
}

impl Node for CourseReplica {
    type Msg = Msg;
    type Request = Request;
    type Response = Response;

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        match request {
            Request::Read => ctx.reply(reply, Response::Value(self.value)),
            Request::Write(value) => {
                let id = self.next_id;
                self.next_id += 1;
                self.waiting.push((id, reply));
                let me = ctx.me();
                if me == SEQUENCER {
                    self.number(ctx, me, id, value);
                } else {
                    ctx.send(
                        SEQUENCER,
                        Msg::Submit {
                            origin: me,
                            id,
                            value,
                        },
                    );
                }
            }
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, _from: NodeId, msg: Msg) {
        match msg {
            Msg::Submit { origin, id, value } if ctx.me() == SEQUENCER => {
                self.number(ctx, origin, id, value);
            }
            Msg::Submit { .. } => {}
            Msg::Apply {
                seq,
                origin,
                id,
                value,
            } => self.file(ctx, seq, Numbered { origin, id, value }),
        }
    }
}
