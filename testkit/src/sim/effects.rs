//! Carrying out what handlers ask for: running a handler, then sending its messages and
//! answers through the network and scheduling its timers.

use super::names;
use super::net::Route;
use super::node::{Effect, nanos};
use super::queue::{Delivery, Job};
use super::{Context, DropReason, Endpoint, Event, Fate, Node, NodeId, Payload, World};

impl<N: Node> World<N> {
    /// Starts the tick schedule and runs the start handler of a node that just came up.
    pub(super) fn start(&mut self, node: NodeId) {
        let every = self.config.tick.map(nanos);
        self.set_tick(node, every);
        let input = names::mix(names::START, self.slots[node].life);
        self.handle(node, input, |n, ctx| n.on_start(ctx));
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

    /// Runs one handler of a running node on the input named `input`, then carries out
    /// what it asked for.
    pub(super) fn handle(
        &mut self,
        node: NodeId,
        input: u64,
        f: impl FnOnce(&mut N, &mut Context<'_, N>),
    ) {
        let slot = &mut self.slots[node];
        slot.inputs = names::mix(names::mix(slot.inputs, input), self.now);
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
        // Each message is named by the sender's inputs and its place among these sends.
        let sender = names::mix(self.slots[node].inputs, names::SEND);
        for (index, effect) in effects.drain(..).enumerate() {
            let name = names::mix(sender, index as u64);
            match effect {
                Effect::Send { to, msg } => {
                    let n = self.slots.len();
                    assert!(
                        to < n,
                        "n{node} sent a message to n{to}, but the world has {n} nodes"
                    );
                    let payload = Payload::Msg(msg);
                    self.send(Endpoint::Node(node), Endpoint::Node(to), payload, name);
                }
                Effect::Reply { to, response } => {
                    let payload = Payload::Response {
                        call: to.call,
                        response,
                    };
                    self.send(
                        Endpoint::Node(node),
                        Endpoint::Client(to.client),
                        payload,
                        name,
                    );
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

    /// Puts a message named `name` on the network: the network decides its fate now,
    /// and each copy that will arrive goes into the queue.
    pub(super) fn send(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        payload: Payload<N::Msg, N::Request, N::Response>,
        name: u64,
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
                name,
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
