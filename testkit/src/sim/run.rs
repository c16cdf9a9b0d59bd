//! The drivers that move virtual time forward, and what each kind of event does.
//!
//! Time only moves when a driver takes the next event from the queue: there is no clock
//! besides the queue, so a test that runs "for ten seconds" takes as long as the events
//! in those ten seconds take to process.

use std::time::Duration;

use super::effects::message;
use super::names;
use super::node::nanos;
use super::queue::{Delivery, Job};
use super::trace::{DropReason, Event, Fate, Payload};
use super::{Call, CallOutcome, Endpoint, Node, NodeId, ReplyTo, World};
use crate::history::ClientId;

/// Why a driver that runs until a condition stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stop {
    /// The condition holds.
    Reached,
    /// Nothing is scheduled any more, and the condition does not hold: nothing will
    /// ever change it (say, a client waits for a request the network lost, with no
    /// client timeout configured).
    Stalled,
    /// [`Config::max_events`](super::Config::max_events) events were processed or
    /// [`Config::max_wait`](super::Config::max_wait) passed first.
    Limit,
}

impl Stop {
    /// Whether the condition was reached.
    pub fn reached(self) -> bool {
        self == Stop::Reached
    }
}

impl<N: Node> World<N> {
    /// Processes the next scheduled event, moving the clock to its time. Returns `false`
    /// if nothing is scheduled. The event may turn out to do nothing (a cancelled timer).
    pub fn step(&mut self) -> bool {
        let Some((at, job)) = self.queue.pop() else {
            return false;
        };
        debug_assert!(at >= self.now, "the queue went back in time");
        self.fire(at, job);
        true
    }

    /// Carries out `job`, scheduled at `at`: the clock moves to `at` unless it is past
    /// it already (the explorer may take a later event first; an earlier one is then
    /// late, as a message held up in the network).
    pub(super) fn fire(&mut self, at: u64, job: Job<N::Msg, N::Request, N::Response>) {
        self.now = self.now.max(at);
        match job {
            Job::Deliver(d) => self.deliver(d),
            Job::Tick {
                node,
                life,
                generation,
            } => {
                let slot = &self.slots[node];
                if slot.up && slot.life == life && slot.tick_generation == generation {
                    // Schedule the next tick first: if the handler changes the interval,
                    // its new schedule replaces this one.
                    let every = slot.tick;
                    self.set_tick(node, every);
                    self.handle(node, names::TICK, |n, ctx| n.on_tick(ctx));
                }
            }
            Job::Timer {
                node,
                life,
                name,
                generation,
            } => {
                let slot = &mut self.slots[node];
                let pending = slot.timers.iter().position(|&t| t == (name, generation));
                if let Some(i) = pending
                    && slot.up
                    && slot.life == life
                {
                    slot.timers.swap_remove(i);
                    let input = names::mix(names::TIMER, names::text(name));
                    self.handle(node, input, |n, ctx| n.on_timer(ctx, name));
                }
            }
            Job::ClientTimeout { client, call } => {
                if self.waiting.get(&client) == Some(&call) {
                    let outcome = CallOutcome::TimedOut { at: self.now() };
                    self.end_call(client, call, outcome, 0);
                    self.note(|| Event::TimedOut { client, call });
                }
            }
        }
    }

    /// Processes every event up to `span` from now, then sets the clock to exactly
    /// `span` from now.
    pub fn run_for(&mut self, span: Duration) {
        let end = self.now.saturating_add(nanos(span));
        while self.queue.next_time().is_some_and(|t| t <= end) {
            self.step();
        }
        self.now = end;
    }

    /// Processes events until `done` holds, nothing is left to do, or a limit from the
    /// configuration is hit. Checks `done` before each event, so returns at once if it
    /// already holds.
    pub fn run_until(&mut self, mut done: impl FnMut(&Self) -> bool) -> Stop {
        let deadline = self.now.saturating_add(nanos(self.config.max_wait));
        let mut events = 0;
        loop {
            if done(self) {
                return Stop::Reached;
            }
            let Some(next) = self.queue.next_time() else {
                return Stop::Stalled;
            };
            if next > deadline {
                self.now = deadline;
                return Stop::Limit;
            }
            if events >= self.config.max_events {
                return Stop::Limit;
            }
            self.step();
            events += 1;
        }
    }

    /// Runs until the world is quiet: no message copy in flight (between nodes or with
    /// clients) and no client waiting for an answer.
    ///
    /// Ticks and named timers do not count as activity: a node that ticks forever
    /// without sending anything is quiet. A node that sends on every tick is never
    /// quiet, and this driver stops at the limits of the configuration with
    /// [`Stop::Limit`].
    pub fn run_until_quiet(&mut self) -> Stop {
        self.run_until(|w| w.is_quiet())
    }

    /// Client `client` calls `node` and the world runs until the call ends (or a driver
    /// limit is hit, leaving it pending). Returns the call. Panics like
    /// [`World::call`].
    #[track_caller]
    pub fn call_and_wait(
        &mut self,
        client: ClientId,
        node: NodeId,
        request: N::Request,
    ) -> &Call<N::Request, N::Response> {
        let id = self.call(client, node, request);
        self.run_until(|w| !w.calls[id].outcome.is_pending());
        &self.calls[id]
    }

    /// Hands a message copy to its receiver, unless something stops it on arrival.
    fn deliver(&mut self, d: Delivery<N::Msg, N::Request, N::Response>) {
        let Delivery {
            id,
            name,
            from,
            to,
            from_life,
            to_life,
            payload,
        } = d;
        if let Some(why) = self.stopped(from, to, from_life, to_life, &payload) {
            if let (DropReason::ReceiverDown, Payload::Request { call, .. }) = (why, &payload) {
                self.refuse(*call);
            }
            self.note(|| message(id, from, to, payload, Fate::Dropped(why)));
            return;
        }
        self.note(|| message(id, from, to, payload.clone(), Fate::Delivered));
        match (payload, from, to) {
            (Payload::Msg(msg), Endpoint::Node(src), Endpoint::Node(dst)) => {
                self.handle(dst, name, |n, ctx| n.on_message(ctx, src, msg));
            }
            (Payload::Request { call, request }, Endpoint::Client(client), Endpoint::Node(dst)) => {
                self.calls[call].delivered = true;
                let reply = ReplyTo { client, call };
                self.handle(dst, name, |n, ctx| n.on_request(ctx, reply, request));
            }
            (Payload::Response { call, response }, _, Endpoint::Client(client)) => {
                self.note(|| Event::Returned {
                    client,
                    call,
                    response: response.clone(),
                });
                let at = self.now();
                self.end_call(client, call, CallOutcome::Returned { at, response }, name);
            }
            _ => unreachable!(
                "the world only builds node-node, client-node and node-client messages"
            ),
        }
    }

    /// Why a copy arriving now must be dropped, if it must.
    fn stopped(
        &self,
        from: Endpoint,
        to: Endpoint,
        from_life: u64,
        to_life: u64,
        payload: &Payload<N::Msg, N::Request, N::Response>,
    ) -> Option<DropReason> {
        if self.life(from) != from_life {
            return Some(DropReason::SenderCrashed);
        }
        if let Endpoint::Node(n) = to
            && (!self.slots[n].up || self.slots[n].life != to_life)
        {
            return Some(DropReason::ReceiverDown);
        }
        if self.net.is_cut(from, to) {
            return Some(DropReason::Partition);
        }
        if let (Endpoint::Client(c), Payload::Response { call, .. }) = (to, payload)
            && self.waiting.get(&c) != Some(call)
        {
            return Some(DropReason::NotWaiting);
        }
        None
    }

    /// A request reached a crashed node. If its client still waits and no copy was
    /// ever handed to a node, the call certainly had no effect: it is refused.
    fn refuse(&mut self, call: usize) {
        let client = self.calls[call].client;
        if self.waiting.get(&client) == Some(&call) && !self.calls[call].delivered {
            self.end_call(client, call, CallOutcome::Refused { at: self.now() }, 0);
            self.note(|| Event::Refused { client, call });
        }
    }
}
