//! The [`Replica`] node: a counter and a map, answered locally and spread by gossip.

use std::marker::PhantomData;

use testkit::sim::{Context, Node, NodeId, ReplyTo};

use crate::{Counter, GCounter, LwwMap, Map, Request, Response};

/// What replicas send each other.
///
/// TODO: the messages your gossip needs. The replica knows its counter `C` and map `M`
/// only through their traits, so a message can carry copies of them (`clone`) and
/// anything else you like. Hidden tests never look inside a message, so the design is
/// yours.
#[derive(Clone, Debug)]
pub enum Msg<C, M> {
    /// A placeholder that only keeps the skeleton compiling: replace it with your
    /// messages.
    Todo(PhantomData<(C, M)>),
}

/// One replica of the shared counter and map, for any counter `C` and map `M` (by
/// default the crate's own [`GCounter`] and [`LwwMap`]; the hidden tests of `gossip`
/// run it with the course's own).
#[derive(Clone, Debug, Default)]
pub struct Replica<C = GCounter, M = LwwMap> {
    counter: C,
    map: M,
    // TODO: anything else a replica needs.
}

impl<C: Counter, M: Map> Replica<C, M> {
    /// A replica with a zero counter and an empty map.
    pub fn new() -> Self {
        Replica::default()
    }

    /// This replica's copy of the counter.
    pub fn counter(&self) -> &C {
        &self.counter
    }

    /// This replica's copy of the map.
    pub fn map(&self) -> &M {
        &self.map
    }
}

impl<C: Counter, M: Map> Node for Replica<C, M> {
    type Msg = Msg<C, M>;
    type Request = Request;
    type Response = Response;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        // TODO: start the periodic gossip (every ROUND), on a tick this node sets itself.
        todo!("start at {:?}", ctx.now())
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Self::Msg) {
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
