//! The [`World`]: nodes, network, clients and clock, driven by a test script.
//!
//! This file builds worlds, opens client calls and lets tests look inside. Faults are in
//! the `faults` module, carrying out what handlers ask for in `effects`, and moving time
//! forward in `run`.

use std::collections::BTreeMap;
use std::time::Duration;

use super::client::history_of;
use super::names;
use super::net::Network;
use super::node::{Effect, nanos};
use super::queue::{Job, Queue};
use super::{
    Call, CallId, CallOutcome, Config, Endpoint, Event, Node, NodeId, Payload, Recordable,
    SimError, Trace,
};
use crate::history::{Action, ClientId, History, HistoryError};
use crate::rng::Rng;

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
    /// A digest of every input the node handled, with the time it handled it (see
    /// `names`).
    pub inputs: u64,
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
    pub(super) next_message: u64,
    pub(super) factory: Option<Box<dyn FnMut(NodeId) -> N>>,
    /// A digest of how every call ended, in order (see `names`).
    pub(super) endings: u64,
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
            .enumerate()
            .map(|(index, node)| Slot {
                node,
                up: true,
                life: 0,
                tick: None,
                tick_generation: 0,
                timers: Vec::new(),
                timer_generation: 0,
                rng: rng.fork(),
                inputs: names::mix(names::NODE, index as u64),
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
            endings: 0,
        };
        for n in 0..count {
            world.note(|| Event::Started(n));
            world.start(n);
        }
        Ok(world)
    }

    /// A world of `count` nodes built by `factory`, which [`Restart::Fresh`](super::Restart::Fresh) calls again.
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

    /// Client `client` sends `request` to `node` now. The client waits for the answer
    /// and may not call again until the call ends (see [`CallOutcome`]). Calling a
    /// crashed node is allowed: the request is refused when it arrives.
    ///
    /// Panics if the node does not exist or the client still waits for an earlier call
    /// (check [`World::is_waiting`]); [`World::try_call`] returns the error instead.
    #[track_caller]
    pub fn call(&mut self, client: ClientId, node: NodeId, request: N::Request) -> CallId {
        self.try_call(client, node, request)
            .unwrap_or_else(|e| panic!("call: {e}"))
    }

    /// [`World::call`], or why the client cannot call.
    pub fn try_call(
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
        let name = names::mix(names::mix(names::REQUEST, client as u64), call as u64);
        self.send(
            Endpoint::Client(client),
            Endpoint::Node(node),
            payload,
            name,
        );
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

    /// Whether `node` exists.
    pub(super) fn check(&self, node: NodeId) -> Result<(), SimError> {
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

    /// Ends `client`'s wait for `call` with `outcome`; `answer` names the response
    /// that ended it (0 for none).
    pub(super) fn end_call(
        &mut self,
        client: ClientId,
        call: CallId,
        outcome: CallOutcome<N::Response>,
        answer: u64,
    ) {
        self.waiting.remove(&client);
        let kind = match outcome {
            CallOutcome::Pending => 0,
            CallOutcome::Returned { .. } => 1,
            CallOutcome::TimedOut { .. } => 2,
            CallOutcome::Refused { .. } => 3,
            CallOutcome::Lost { .. } => 4,
        };
        let ending = names::mix(names::mix(names::ENDED, call as u64), kind);
        self.endings = names::mix(
            names::mix(self.endings, ending),
            names::mix(self.now, answer),
        );
        self.calls[call].outcome = outcome;
    }
}
