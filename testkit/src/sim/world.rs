//! The [`World`]: nodes, network, clients and clock, driven by a test script.
//!
//! This file builds worlds, applies faults, opens client calls and lets tests look
//! inside. Moving time forward is in the `run` module; what a node's handler asks for is
//! carried out here, in [`World::apply_effects`].

use std::collections::BTreeMap;
use std::time::Duration;

use super::client::history_of;
use super::net::{Network, Route};
use super::node::{Effect, nanos};
use super::queue::{Delivery, Job, Queue};
use super::{
    Call, CallId, CallOutcome, Config, Context, DropReason, Endpoint, Event, Fate, Node, NodeId,
    Payload, Recordable, SimError, Trace,
};
use crate::history::{Action, ClientId, History, HistoryError};
use crate::rng::Rng;

/// How a crashed node comes back.
pub enum Restart<N> {
    /// The node keeps the value it had when it crashed (as if its memory were a disk),
    /// and its start handler runs again.
    KeepState,
    /// The node is rebuilt by the factory given to [`World::from_factory`].
    Fresh,
    /// The node is replaced by this value.
    With(N),
}

/// A node and what the world knows about it.
pub(super) struct Slot<N> {
    pub node: N,
    pub up: bool,
    /// Counts crashes and restarts; messages and timers from an older life are void.
    pub life: u64,
    /// The tick interval in nanoseconds, and the number of the current tick schedule.
    pub tick: Option<u64>,
    pub tick_generation: u64,
    /// Pending named timers and the generation each was set with. A short list searched
    /// linearly: nodes use a handful of timer names, where a map would cost more.
    pub timers: Vec<(&'static str, u64)>,
    pub timer_generation: u64,
    pub rng: Rng,
}

/// The trace type of a world of `N` nodes.
pub type TraceOf<N> = Trace<<N as Node>::Msg, <N as Node>::Request, <N as Node>::Response>;

/// A simulated world: nodes of type `N`, a network, clients and a virtual clock.
///
/// Build it with [`World::new`], script faults and client calls, and drive it with
/// [`step`](World::step), [`run_for`](World::run_for) or
/// [`run_until_quiet`](World::run_until_quiet). See the [module](super) documentation.
pub struct World<N: Node> {
    pub(super) config: Config,
    pub(super) now: u64,
    pub(super) slots: Vec<Slot<N>>,
    pub(super) peers: Vec<Vec<NodeId>>,
    pub(super) net: Network,
    pub(super) queue: Queue<N::Msg, N::Request, N::Response>,
    pub(super) trace: TraceOf<N>,
    pub(super) calls: Vec<Call<N::Request, N::Response>>,
    /// The clients waiting for an answer, and the call each waits for.
    pub(super) waiting: BTreeMap<ClientId, CallId>,
    /// Scratch space for handler effects, reused to save an allocation per event.
    pub(super) effects: Vec<Effect<N::Msg, N::Response>>,
    next_message: u64,
    factory: Option<Box<dyn FnMut(NodeId) -> N>>,
}

impl<N: Node> World<N> {
    /// A world running `nodes` (node `i` is `nodes[i]`), each started at time zero.
    ///
    /// Panics if the configuration is invalid; [`World::try_new`] returns the error.
    pub fn new(config: Config, nodes: Vec<N>) -> Self {
        Self::try_new(config, nodes).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A world running `nodes`, or the reason the configuration is invalid.
    pub fn try_new(config: Config, nodes: Vec<N>) -> Result<Self, SimError> {
        config.validate()?;
        let mut rng = Rng::new(config.seed);
        let net = Network::new(&config, nodes.len(), rng.fork());
        let count = nodes.len();
        let slots = nodes
            .into_iter()
            .map(|node| Slot {
                node,
                up: true,
                life: 0,
                tick: None,
                tick_generation: 0,
                timers: Vec::new(),
                timer_generation: 0,
                rng: rng.fork(),
            })
            .collect();
        let peers = (0..count)
            .map(|me| (0..count).filter(|&p| p != me).collect())
            .collect();
        let mut world = World {
            config,
            now: 0,
            slots,
            peers,
            net,
            queue: Queue::new(),
            trace: Trace::default(),
            calls: Vec::new(),
            waiting: BTreeMap::new(),
            effects: Vec::new(),
            next_message: 0,
            factory: None,
        };
        for n in 0..count {
            world.note(|| Event::Started(n));
            world.start(n);
        }
        Ok(world)
    }

    /// A world of `count` nodes built by `factory`, which [`Restart::Fresh`] calls again.
    pub fn from_factory(
        config: Config,
        count: usize,
        mut factory: impl FnMut(NodeId) -> N + 'static,
    ) -> Self {
        let nodes = (0..count).map(&mut factory).collect();
        let mut world = Self::new(config, nodes);
        world.factory = Some(Box::new(factory));
        world
    }

    /// Splits the nodes into groups that cannot reach each other, both ways; the nodes
    /// in no group form one more group together, so `partition(&[&[0]])` cuts n0 off
    /// from the rest. Replaces an earlier partition; one-way blocks stay.
    ///
    /// Panics if a group names a node that does not exist or a node twice.
    pub fn partition(&mut self, groups: &[&[NodeId]]) {
        let groups: Vec<Vec<NodeId>> = groups.iter().map(|g| g.to_vec()).collect();
        self.net.partition(&groups);
        self.note(|| Event::Partitioned(groups));
    }

    /// Cuts `node` off from every other node.
    pub fn isolate(&mut self, node: NodeId) {
        self.partition(&[&[node]]);
    }

    /// Cuts the link from `from` to `to`; messages the other way still pass.
    pub fn block(&mut self, from: NodeId, to: NodeId) {
        self.net.block(from, to);
        self.note(|| Event::Blocked { from, to });
    }

    /// Removes every partition and block.
    pub fn heal(&mut self) {
        self.net.heal();
        self.note(|| Event::Healed);
    }

    /// Crashes `node`: it runs no handler until restarted, its timers are gone, messages
    /// it sent that are still travelling are lost, and so is every message that arrives
    /// for it while it is down or that was sent to it before the crash. Clients waiting
    /// on requests it had received get [`CallOutcome::Lost`].
    pub fn crash(&mut self, node: NodeId) -> Result<(), SimError> {
        self.check(node)?;
        let slot = &mut self.slots[node];
        if !slot.up {
            return Err(SimError::NodeDown(node));
        }
        slot.up = false;
        slot.life += 1;
        slot.timers.clear();
        slot.tick = None;
        self.note(|| Event::Crashed(node));
        let lost: Vec<(ClientId, CallId)> = self
            .waiting
            .iter()
            .filter(|&(_, &call)| self.calls[call].node == node && self.calls[call].delivered)
            .map(|(&client, &call)| (client, call))
            .collect();
        for (client, call) in lost {
            self.end_call(client, call, CallOutcome::Lost { at: self.now() });
            self.note(|| Event::Lost { client, call });
        }
        Ok(())
    }

    /// Starts a crashed node again, with its old state or a new one, and runs its start
    /// handler.
    pub fn restart(&mut self, node: NodeId, how: Restart<N>) -> Result<(), SimError> {
        self.check(node)?;
        if self.slots[node].up {
            return Err(SimError::NodeUp(node));
        }
        let kept_state = match how {
            Restart::KeepState => true,
            Restart::Fresh => {
                let factory = self.factory.as_mut().ok_or(SimError::NoFactory)?;
                self.slots[node].node = factory(node);
                false
            }
            Restart::With(fresh) => {
                self.slots[node].node = fresh;
                false
            }
        };
        let slot = &mut self.slots[node];
        slot.up = true;
        slot.life += 1;
        self.note(|| Event::Restarted { node, kept_state });
        self.start(node);
        Ok(())
    }

    /// Client `client` sends `request` to `node` now. The client waits for the answer
    /// and may not call again until the call ends (see [`CallOutcome`]).
    pub fn call(
        &mut self,
        client: ClientId,
        node: NodeId,
        request: N::Request,
    ) -> Result<CallId, SimError> {
        self.check(node)?;
        if let Some(&call) = self.waiting.get(&client) {
            return Err(SimError::ClientBusy { client, call });
        }
        let call = self.calls.len();
        self.calls.push(Call {
            client,
            node,
            request: request.clone(),
            called: self.now(),
            outcome: CallOutcome::Pending,
            delivered: false,
        });
        self.waiting.insert(client, call);
        self.note(|| Event::Called {
            client,
            node,
            call,
            request: request.clone(),
        });
        let payload = Payload::Request { call, request };
        self.send(Endpoint::Client(client), Endpoint::Node(node), payload);
        if let Some(after) = self.config.client_timeout {
            let at = self.now.saturating_add(nanos(after));
            self.queue.push(at, Job::ClientTimeout { client, call });
        }
        Ok(call)
    }

    /// The virtual time since the world started.
    pub fn now(&self) -> Duration {
        Duration::from_nanos(self.now)
    }

    /// The configuration the world was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// How many nodes there are.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the world has no nodes.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Node `node`'s state, crashed or not. Panics if there is no such node.
    pub fn node(&self, node: NodeId) -> &N {
        &self.slots[node].node
    }

    /// Node `node`'s state, to change between events. Panics if there is no such node.
    pub fn node_mut(&mut self, node: NodeId) -> &mut N {
        &mut self.slots[node].node
    }

    /// Whether `node` is running. Panics if there is no such node.
    pub fn is_up(&self, node: NodeId) -> bool {
        self.slots[node].up
    }

    /// Every client call so far, in call order, indexed by [`CallId`].
    pub fn calls(&self) -> &[Call<N::Request, N::Response>] {
        &self.calls
    }

    /// Whether `client` waits for an answer (so cannot call now).
    pub fn is_waiting(&self, client: ClientId) -> bool {
        self.waiting.contains_key(&client)
    }

    /// How many message copies are travelling (including ones that will be dropped when
    /// they arrive).
    pub fn in_flight(&self) -> usize {
        self.queue.in_flight()
    }

    /// Whether the world is quiet: no message copy in flight and no client waiting.
    /// Ticks and timers do not count; see [`World::run_until_quiet`].
    pub fn is_quiet(&self) -> bool {
        self.queue.in_flight() == 0 && self.waiting.is_empty()
    }

    /// The trace so far (empty if [`Config::trace`] is off).
    pub fn trace(&self) -> &TraceOf<N> {
        &self.trace
    }

    /// The history of all calls so far; calls still open are recorded as unknown.
    pub fn history(&self) -> Result<History, HistoryError>
    where
        N::Request: Recordable<N::Response>,
    {
        self.history_with(|q| (q.key(), q.action()), |q, r| q.answer(r))
    }

    /// The history of all calls, mapping requests to keys and actions and answers to
    /// [`Answer`](super::Answer)s with closures instead of [`Recordable`].
    pub fn history_with(
        &self,
        action: impl FnMut(&N::Request) -> (Option<String>, Action),
        answer: impl FnMut(&N::Request, &N::Response) -> super::Answer,
    ) -> Result<History, HistoryError> {
        history_of(&self.calls, action, answer)
    }

    fn check(&self, node: NodeId) -> Result<(), SimError> {
        if node < self.slots.len() {
            Ok(())
        } else {
            Err(SimError::UnknownNode {
                node,
                nodes: self.slots.len(),
            })
        }
    }

    /// Records an event, building it only when tracing is on.
    pub(super) fn note(&mut self, event: impl FnOnce() -> Event<N::Msg, N::Request, N::Response>) {
        if self.config.trace {
            self.trace.push(self.now, event());
        }
    }

    /// Ends `client`'s wait for `call` with `outcome`.
    pub(super) fn end_call(
        &mut self,
        client: ClientId,
        call: CallId,
        outcome: CallOutcome<N::Response>,
    ) {
        self.waiting.remove(&client);
        self.calls[call].outcome = outcome;
    }

    /// Starts the tick schedule and runs the start handler of a node that just came up.
    fn start(&mut self, node: NodeId) {
        let every = self.config.tick.map(nanos);
        self.set_tick(node, every);
        self.handle(node, |n, ctx| n.on_start(ctx));
    }

    /// Replaces `node`'s tick schedule; ticks of the old one are ignored when they fire.
    pub(super) fn set_tick(&mut self, node: NodeId, every: Option<u64>) {
        let slot = &mut self.slots[node];
        slot.tick = every;
        slot.tick_generation += 1;
        if let Some(every) = every {
            let job = Job::Tick {
                node,
                life: slot.life,
                generation: slot.tick_generation,
            };
            self.queue.push(self.now.saturating_add(every), job);
        }
    }

    /// Runs one handler of a running node, then carries out what it asked for.
    pub(super) fn handle(&mut self, node: NodeId, f: impl FnOnce(&mut N, &mut Context<'_, N>)) {
        let slot = &mut self.slots[node];
        let mut ctx = Context {
            now: self.now,
            me: node,
            peers: &self.peers[node],
            rng: &mut slot.rng,
            effects: &mut self.effects,
        };
        f(&mut slot.node, &mut ctx);
        self.apply_effects(node);
    }

    fn apply_effects(&mut self, node: NodeId) {
        let mut effects = std::mem::take(&mut self.effects);
        for effect in effects.drain(..) {
            match effect {
                Effect::Send { to, msg } => {
                    let n = self.slots.len();
                    assert!(
                        to < n,
                        "n{node} sent a message to n{to}, but the world has {n} nodes"
                    );
                    self.send(Endpoint::Node(node), Endpoint::Node(to), Payload::Msg(msg));
                }
                Effect::Reply { to, response } => {
                    let payload = Payload::Response {
                        call: to.call,
                        response,
                    };
                    self.send(Endpoint::Node(node), Endpoint::Client(to.client), payload);
                }
                Effect::SetTimer { name, after } => {
                    let slot = &mut self.slots[node];
                    slot.timer_generation += 1;
                    let generation = slot.timer_generation;
                    slot.timers.retain(|&(n, _)| n != name);
                    slot.timers.push((name, generation));
                    let job = Job::Timer {
                        node,
                        life: slot.life,
                        name,
                        generation,
                    };
                    self.queue.push(self.now.saturating_add(after), job);
                }
                Effect::CancelTimer { name } => self.slots[node].timers.retain(|&(n, _)| n != name),
                Effect::SetTick { every } => self.set_tick(node, every),
            }
        }
        self.effects = effects;
    }

    /// Puts a message on the network: the network decides its fate now, and each copy
    /// that will arrive goes into the queue.
    fn send(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        payload: Payload<N::Msg, N::Request, N::Response>,
    ) {
        let id = self.next_message;
        self.next_message += 1;
        let (at, copy) = match self.net.route(self.now, from, to) {
            Route::Arrives { at, copy } => (at, copy),
            route => {
                let why = if route == Route::Cut {
                    DropReason::Partition
                } else {
                    DropReason::Loss
                };
                self.note(|| message(id, from, to, payload, Fate::Dropped(why)));
                return;
            }
        };
        let (from_life, to_life) = (self.life(from), self.life(to));
        let delivery = |payload| {
            Job::Deliver(Delivery {
                id,
                from,
                to,
                from_life,
                to_life,
                payload,
            })
        };
        self.note(|| message(id, from, to, payload.clone(), Fate::Sent));
        let copy = copy.map(|copy_at| (copy_at, payload.clone()));
        self.queue.push(at, delivery(payload));
        if let Some((copy_at, payload)) = copy {
            self.note(|| message(id, from, to, payload.clone(), Fate::Duplicated));
            self.queue.push(copy_at, delivery(payload));
        }
    }

    /// The incarnation of a node endpoint; clients never crash.
    pub(super) fn life(&self, end: Endpoint) -> u64 {
        match end {
            Endpoint::Node(n) => self.slots[n].life,
            Endpoint::Client(_) => 0,
        }
    }
}

/// A message event for the trace.
pub(super) fn message<M, Q, R>(
    id: u64,
    from: Endpoint,
    to: Endpoint,
    payload: Payload<M, Q, R>,
    fate: Fate,
) -> Event<M, Q, R> {
    Event::Message {
        id,
        from,
        to,
        payload,
        fate,
    }
}
