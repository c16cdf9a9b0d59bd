//! A causally consistent key-value store: every write travels by causal broadcast, and
//! concurrent writes to a key are settled by one rule every replica applies alike.

use std::collections::BTreeMap;

use testkit::sim::{Context, Node, NodeId, ReplyTo};

use crate::clock::VectorClock;
use crate::delivery::{CausalBroadcast, Message};
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
#[derive(Clone, Debug)]
pub enum Msg {
    /// A write, stamped by the causal broadcast of the replica that accepted it.
    Write(Message<Write>),
}

/// The value a replica holds for a key, and what orders it against other writes.
#[derive(Clone, Debug)]
struct Entry {
    value: String,
    clock: VectorClock,
    origin: NodeId,
}

impl Entry {
    /// The rank of a write among the writes of its key: the larger rank wins. The total
    /// of the clock grows along every happened-before chain, so a write always beats the
    /// writes it depends on; between concurrent writes the totals (then the origins)
    /// decide, the same way everywhere. Picking "the one that arrived last" instead
    /// would leave replicas that saw two concurrent writes in opposite orders disagreeing
    /// forever; picking "the larger node id among concurrent writes" is not transitive
    /// once a third write comes along.
    fn rank(&self) -> (u64, NodeId) {
        (self.clock.total(), self.origin)
    }
}

/// One replica of the causally consistent store.
#[derive(Debug)]
pub struct Replica {
    broadcast: CausalBroadcast<Write>,
    store: BTreeMap<String, Entry>,
}

impl Replica {
    /// An empty replica for node `me` (its index in the world).
    pub fn new(me: NodeId) -> Self {
        Replica {
            broadcast: CausalBroadcast::new(me),
            store: BTreeMap::new(),
        }
    }

    /// Every key this replica holds and its value, as its own copy stands now.
    pub fn snapshot(&self) -> BTreeMap<String, String> {
        self.store
            .iter()
            .map(|(k, e)| (k.clone(), e.value.clone()))
            .collect()
    }

    /// Applies a delivered write if it outranks what the key holds.
    fn apply(&mut self, message: Message<Write>) {
        let entry = Entry {
            value: message.payload.value,
            clock: message.clock,
            origin: message.sender,
        };
        match self.store.get(&message.payload.key) {
            Some(old) if old.rank() >= entry.rank() => {}
            _ => {
                self.store.insert(message.payload.key, entry);
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
            // Reads are local. They need nothing more for causality: this replica shows
            // only delivered writes, and delivered writes come with their whole past.
            Request::Get { key } => {
                let value = self.store.get(&key).map(|e| e.value.clone());
                ctx.reply(reply, Response::Value(value));
            }
            // The write's clock is everything this replica had delivered, so it depends
            // on whatever the client read here: that is writes-follow-reads.
            Request::Put { key, value } => {
                let message = self.broadcast.send(Write { key, value });
                ctx.broadcast(Msg::Write(message.clone()));
                self.apply(message);
                ctx.reply(reply, Response::Written);
            }
        }
    }

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, msg: Msg) {
        let Msg::Write(message) = msg;
        for delivered in self.broadcast.receive(message) {
            self.apply(delivered);
        }
    }
}
