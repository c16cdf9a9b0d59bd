//! The [`Replica`] node: a counter and a map, answered locally and gossiped every round.

use testkit::sim::{Context, Node, NodeId, ReplyTo};

use crate::{Counter, GCounter, LwwMap, Map, ROUND, Request, Response, Stamp};

/// What replicas send each other: the sender's whole state.
///
/// Sending only what changed (a delta) once was rejected: a lost or partitioned delta is
/// gone for good, and nothing would ever repair the replica that missed it. A full state
/// sent every round repairs everything the next round that gets through, and since the
/// merges are idempotent, states that arrive twice or out of order do no harm.
#[derive(Clone, Debug)]
pub enum Msg<C, M> {
    /// The sender's counter and map as they stand.
    State {
        /// The sender's counter.
        counter: C,
        /// The sender's map.
        map: M,
    },
}

/// One replica of the shared counter and map, for any counter `C` and map `M` (by
/// default the crate's own [`GCounter`] and [`LwwMap`]).
///
/// Gossip never looks inside a state: it copies states into messages and merges what
/// arrives, so the replica is written once for every pair of types that can do that.
#[derive(Clone, Debug, Default)]
pub struct Replica<C = GCounter, M = LwwMap> {
    counter: C,
    map: M,
    /// The time of the last stamp this node gave, so that two writes accepted at the
    /// same instant still get different stamps.
    last_stamp: u64,
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

    /// A stamp for a write accepted now: the virtual time in nanoseconds, moved one
    /// nanosecond past this node's previous stamp if the clock has not passed it.
    ///
    /// Bumping only when the time equals the previous stamp was rejected: after one bump
    /// the previous stamp is ahead of the clock, and a third write at the same instant
    /// would get the first one's stamp again.
    fn next_stamp(&mut self, ctx: &Context<'_, Self>) -> Stamp {
        let now = u64::try_from(ctx.now().as_nanos()).unwrap_or(u64::MAX);
        self.last_stamp = now.max(self.last_stamp + 1);
        Stamp {
            time: self.last_stamp,
            node: ctx.me(),
        }
    }
}

impl<C: Counter, M: Map> Node for Replica<C, M> {
    type Msg = Msg<C, M>;
    type Request = Request;
    type Response = Response;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        // The replica sets its own pace: the world's tick may be off, or another length.
        ctx.set_tick_interval(Some(ROUND));
    }

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, msg: Self::Msg) {
        let Msg::State { counter, map } = msg;
        self.counter.merge(&counter);
        self.map.merge(&map);
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        // Every request is answered from the local copy at once: the replica stays
        // available during a partition, and gossip spreads the change later.
        let response = match request {
            Request::Increment => {
                self.counter.increment(ctx.me());
                Response::Incremented
            }
            Request::Count => Response::Count(self.counter.value()),
            Request::Put { key, value } => {
                let stamp = self.next_stamp(ctx);
                self.map.set(&key, &value, stamp);
                Response::Written { stamp }
            }
            Request::Get { key } => Response::Value(self.map.get(&key).map(str::to_owned)),
        };
        ctx.reply(reply, response);
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        // Every round, every peer: loss only delays convergence by a round, and a peer
        // cut off by a partition catches up on the first round after the heal.
        ctx.broadcast(Msg::State {
            counter: self.counter.clone(),
            map: self.map.clone(),
        });
    }
}
