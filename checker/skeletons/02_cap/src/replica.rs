//! The [`Replica`] node: its state, its messages, and what it does in each mode.

use std::collections::BTreeMap;

use testkit::sim::{Context, Node, NodeId, ReplyTo};

use crate::{Mode, Request, Response};

/// What replicas send each other.
///
/// TODO: add the messages your protocol needs (queries and their answers, stores and
/// their acknowledgements for CP; the state exchanged by anti-entropy for AP). Hidden
/// tests never look inside a message, so the design is yours.
#[derive(Clone, Debug)]
pub enum Msg {}

/// One replica of the key-value store, in CP or AP mode.
#[derive(Debug)]
pub struct Replica {
    mode: Mode,
    // TODO: the replica's state: its stamped values, the operations it coordinates,
    // when it last heard from each peer, ...
}

impl Replica {
    /// An empty replica in `mode`.
    pub fn new(mode: Mode) -> Self {
        // TODO: add your initial state.
        Replica { mode }
    }

    /// The mode this replica was built with.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Every key this replica holds and its value, as it stands now in this replica's
    /// own copy (no other node is asked). Tests use it to look for writes that should
    /// not be there, and to compare replicas after a heal.
    pub fn snapshot(&self) -> BTreeMap<String, String> {
        // TODO: the values of this replica's own copy.
        todo!("the local copy of this {:?} replica", self.mode)
    }
}

impl Node for Replica {
    type Msg = Msg;
    type Request = Request;
    type Response = Response;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        // TODO: start the periodic work (ctx.set_tick_interval(Some(ROUND))) and anything
        // else a fresh start needs.
        todo!("start at {:?}", ctx.now())
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        // TODO: react to a peer's message.
        todo!("at {:?}, n{from} sent {msg:?}", ctx.now())
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        // TODO: CP: ask a majority (cluster_size() / 2 + 1, counting this node) within
        // REACH_TIMEOUT, or answer Unavailable having changed nothing. AP: answer from
        // the local copy at once.
        todo!("at {:?}, {reply:?} asks {request:?}", ctx.now())
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        // TODO: CP: refuse what passed its deadline, resend what was not answered.
        // AP: one round of anti-entropy.
        todo!("tick at {:?}", ctx.now())
    }
}
