//! A causally consistent key-value store: every write travels by causal broadcast, and
//! concurrent writes to a key are settled by one rule every replica applies alike.

use std::collections::BTreeMap;

use testkit::sim::{Context, Node, NodeId, ReplyTo};

use crate::{Request, Response};

/// One write, as it travels between replicas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    /// The key written.
    pub key: String,
    /// The value written.
    pub value: String,
}

/// What replicas send each other.
///
/// TODO: add the messages your store needs (a write carried by your causal broadcast,
/// for instance). Hidden tests never look inside a message, so the design is yours.
#[derive(Clone, Debug)]
pub enum Msg {}

/// One replica of the causally consistent store.
#[derive(Debug)]
pub struct Replica {
    me: NodeId,
    // TODO: the replica's state: its causal broadcast end, and for each key the value
    // and whatever decides which of two concurrent writes wins.
}

impl Replica {
    /// An empty replica for node `me` (its index in the world).
    pub fn new(me: NodeId) -> Self {
        // TODO: add your initial state.
        Replica { me }
    }

    /// Every key this replica holds and its value, as its own copy stands now.
    pub fn snapshot(&self) -> BTreeMap<String, String> {
        // TODO: the values of this replica's own copy.
        todo!("the local copy of n{}", self.me)
    }
}

impl Node for Replica {
    type Msg = Msg;
    type Request = Request;
    type Response = Response;

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        // TODO: answer a Get from the local copy; apply a Put locally, send it to the
        // other replicas, and answer Written.
        todo!("at {:?}, {reply:?} asks {request:?}", ctx.now())
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        // TODO: apply the writes that become deliverable, in causal order.
        todo!("at {:?}, n{from} sent {msg:?}", ctx.now())
    }
}
