//! The [`Node`] trait that distributed algorithms implement, and the [`Context`] their
//! handlers talk through.
//!
//! A node is a sans-IO state machine: each handler receives one input (a start, a peer
//! message, a client request, a timer) and answers with effects recorded in the
//! context. The world applies the effects after the handler returns. Keeping the node
//! free of sockets and clocks is what lets one seed decide everything, and lets a test
//! crash, restart or inspect a node between any two events.
//!
//! ```
//! use std::time::Duration;
//! use testkit::sim::{Context, Node, NodeId, ReplyTo};
//!
//! /// Answers every request with the number of requests it has seen, and tells its
//! /// peers about each one.
//! #[derive(Default)]
//! struct Counter {
//!     seen: u64,
//!     heard: u64,
//! }
//!
//! impl Node for Counter {
//!     type Msg = u64;
//!     type Request = ();
//!     type Response = u64;
//!
//!     fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
//!         ctx.set_tick_interval(Some(Duration::from_millis(50)));
//!     }
//!
//!     fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, seen: u64) {
//!         self.heard = self.heard.max(seen);
//!     }
//!
//!     fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, _req: ()) {
//!         self.seen += 1;
//!         ctx.broadcast(self.seen);
//!         ctx.reply(reply, self.seen);
//!     }
//! }
//! ```

use std::fmt::Debug;
use std::time::Duration;

use super::{CallId, NodeId};
use crate::history::ClientId;
use crate::rng::Rng;

/// A participant in a distributed algorithm, driven by the [`World`](super::World).
///
/// Every handler gets a [`Context`] to act through. Only [`on_message`](Node::on_message)
/// and [`on_request`](Node::on_request) must be written; the others do nothing by
/// default.
pub trait Node {
    /// What nodes send each other.
    type Msg: Clone + Debug;
    /// What clients ask a node.
    type Request: Clone + Debug;
    /// What a node answers a client.
    type Response: Clone + Debug;

    /// Called when the world starts, and again after each restart. Timers set before a
    /// crash are gone by then; the periodic tick runs at the configured interval.
    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        let _ = ctx;
    }

    /// A peer's message arrived.
    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Self::Msg);

    /// A client's request arrived. Answer it with [`Context::reply`], now or in a later
    /// handler: `reply` is a small `Copy` handle that may be stored (say, until a quorum
    /// has acknowledged a write).
    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Self::Request);

    /// The periodic tick fired (see [`Context::set_tick_interval`]).
    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        let _ = ctx;
    }

    /// The one-shot timer `name` set with [`Context::set_timer`] fired.
    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, name: &'static str) {
        let _ = (ctx, name);
    }
}

/// The handlers of a node, called with the context of the node `H` that hands them its
/// events: a node behind a trait object (one of a type only a later crate knows, say)
/// whose events another node passes on.
///
/// Every node with `H`'s messages, requests and answers has these handlers: each calls
/// the node's own with [`Context::recast`], so the node runs exactly as it would on its
/// own.
pub trait Handlers<H: Node + ?Sized> {
    /// [`Node::on_start`].
    fn on_start(&mut self, ctx: &mut Context<'_, H>);
    /// [`Node::on_message`].
    fn on_message(&mut self, ctx: &mut Context<'_, H>, from: NodeId, msg: H::Msg);
    /// [`Node::on_request`].
    fn on_request(&mut self, ctx: &mut Context<'_, H>, reply: ReplyTo, request: H::Request);
    /// [`Node::on_tick`].
    fn on_tick(&mut self, ctx: &mut Context<'_, H>);
    /// [`Node::on_timer`].
    fn on_timer(&mut self, ctx: &mut Context<'_, H>, name: &'static str);
}

impl<H, N> Handlers<H> for N
where
    H: Node + ?Sized,
    N: Node<Msg = H::Msg, Request = H::Request, Response = H::Response>,
{
    fn on_start(&mut self, ctx: &mut Context<'_, H>) {
        Node::on_start(self, &mut ctx.recast());
    }

    fn on_message(&mut self, ctx: &mut Context<'_, H>, from: NodeId, msg: H::Msg) {
        Node::on_message(self, &mut ctx.recast(), from, msg);
    }

    fn on_request(&mut self, ctx: &mut Context<'_, H>, reply: ReplyTo, request: H::Request) {
        Node::on_request(self, &mut ctx.recast(), reply, request);
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, H>) {
        Node::on_tick(self, &mut ctx.recast());
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, H>, name: &'static str) {
        Node::on_timer(self, &mut ctx.recast(), name);
    }
}

/// Where to send the answer to a client request: the client and its call.
///
/// Answering the same handle twice, or after the client gave up, is harmless: the world
/// drops answers nobody waits for (and says so in the trace).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplyTo {
    pub(super) client: ClientId,
    pub(super) call: CallId,
}

impl ReplyTo {
    /// The client that asked.
    pub fn client(&self) -> ClientId {
        self.client
    }

    /// The call being answered, unique in the world.
    pub fn call(&self) -> CallId {
        self.call
    }
}

/// Something a handler asked for; the world carries it out after the handler returns.
#[derive(Debug)]
pub(super) enum Effect<M, R> {
    Send { to: NodeId, msg: M },
    Reply { to: ReplyTo, response: R },
    SetTimer { name: &'static str, after: u64 },
    CancelTimer { name: &'static str },
    SetTick { every: Option<u64> },
}

/// What a handler can see and do: the time, its identity, and effects on the world.
pub struct Context<'a, N: Node + ?Sized> {
    pub(super) now: u64,
    pub(super) me: NodeId,
    pub(super) peers: &'a [NodeId],
    pub(super) rng: &'a mut Rng,
    pub(super) effects: &'a mut Vec<Effect<N::Msg, N::Response>>,
}

impl<N: Node + ?Sized> Context<'_, N> {
    /// The current virtual time, since the world started.
    pub fn now(&self) -> Duration {
        Duration::from_nanos(self.now)
    }

    /// This node's id.
    pub fn me(&self) -> NodeId {
        self.me
    }

    /// Every other node's id, in increasing order.
    pub fn peers(&self) -> &[NodeId] {
        self.peers
    }

    /// How many nodes the world has, this one included.
    pub fn cluster_size(&self) -> usize {
        self.peers.len() + 1
    }

    /// The smallest number of nodes that is more than half of them.
    pub fn majority(&self) -> usize {
        self.cluster_size() / 2 + 1
    }

    /// This node's random generator, seeded from the world's seed. Use it for randomized
    /// timeouts; any other source of randomness would break replay.
    pub fn rng(&mut self) -> &mut Rng {
        self.rng
    }

    /// Sends `msg` to node `to` over the network (which may delay, reorder, lose or
    /// duplicate it). Sending to oneself is allowed and also takes a network delay.
    pub fn send(&mut self, to: NodeId, msg: N::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }

    /// Sends a copy of `msg` to every peer (not to this node).
    pub fn broadcast(&mut self, msg: N::Msg) {
        for &to in self.peers {
            self.effects.push(Effect::Send {
                to,
                msg: msg.clone(),
            });
        }
    }

    /// Answers a client request. The answer travels back over the network.
    pub fn reply(&mut self, to: ReplyTo, response: N::Response) {
        self.effects.push(Effect::Reply { to, response });
    }

    /// Calls [`Node::on_timer`] with `name` once, `after` from now. Setting a timer that
    /// is already pending moves it: one name, at most one pending timer.
    pub fn set_timer(&mut self, name: &'static str, after: Duration) {
        self.effects.push(Effect::SetTimer {
            name,
            after: nanos(after),
        });
    }

    /// Forgets the pending timer `name`, if any.
    pub fn cancel_timer(&mut self, name: &'static str) {
        self.effects.push(Effect::CancelTimer { name });
    }

    /// Changes how often [`Node::on_tick`] runs on this node (`None`: never), starting
    /// from now. The interval comes from [`Config::tick`](super::Config::tick) at each
    /// start and restart.
    pub fn set_tick_interval(&mut self, every: Option<Duration>) {
        // A zero interval would make time stand still; one nanosecond is the floor.
        let every = every.map(|d| nanos(d).max(1));
        self.effects.push(Effect::SetTick { every });
    }

    /// This context, for a node of another type that sends the same messages and
    /// answers: what a node that hands its events on to another node (one it wraps)
    /// gives that node's handlers. Everything the inner node does is done here.
    pub fn recast<M>(&mut self) -> Context<'_, M>
    where
        M: Node<Msg = N::Msg, Response = N::Response> + ?Sized,
    {
        Context {
            now: self.now,
            me: self.me,
            peers: self.peers,
            rng: self.rng,
            effects: self.effects,
        }
    }
}

/// A duration as nanoseconds of virtual time, saturating at about 584 years.
pub(super) fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}
