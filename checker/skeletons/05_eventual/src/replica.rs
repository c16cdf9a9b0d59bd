//! The [`Replica`] node: a counter and a map, answered locally and spread by gossip.

use testkit::sim::{Context, Node, NodeId, ReplyTo};

use crate::{GCounter, LwwMap, Request, Response};

/// What replicas send each other.
///
/// TODO: add the messages your gossip needs. Hidden tests never look inside a message,
/// so the design is yours.
#[derive(Clone, Debug)]
pub enum Msg {}

/// One replica of the shared counter and map.
#[derive(Clone, Debug, Default)]
pub struct Replica {
    counter: GCounter,
    map: LwwMap,
    // TODO: anything else a replica needs.
}

impl Replica {
    /// A replica with a zero counter and an empty map.
    pub fn new() -> Self {
        Replica::default()
    }

    /// This replica's copy of the counter.
    pub fn counter(&self) -> &GCounter {
        &self.counter
    }

    /// This replica's copy of the map.
    pub fn map(&self) -> &LwwMap {
        &self.map
    }
}

impl Node for Replica {
    type Msg = Msg;
    type Request = Request;
    type Response = Response;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        // TODO: start the periodic gossip (every ROUND).
        todo!("start at {:?}", ctx.now())
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        // TODO: take in what a peer sent.
        todo!("at {:?}, n{from} sent {msg:?}", ctx.now())
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        // TODO: answer from the local copy at once. A Put is stamped with the virtual
        // time in nanoseconds and this node's id, and no two writes of this node may
        // share a stamp.
        todo!("at {:?}, {reply:?} asks {request:?}", ctx.now())
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        // TODO: one round of gossip.
        todo!("tick at {:?}", ctx.now())
    }
}
