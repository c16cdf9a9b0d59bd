//! Replay: the same seed and script give the same trace byte for byte, under every
//! fault at once; different seeds give different runs.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use testkit::history::{Action, Output, Value};
use testkit::rng::Rng;
use testkit::sim::{
    Answer, Config, Context, DropReason, Event, Fate, Handlers, Node, NodeId, Recordable, ReplyTo,
    Restart, World,
};

/// A naive replicated counter with a randomized retry timer and gossip on ticks, so
/// every part of the world (rng, timers, ticks, quorums) shapes the trace.
#[derive(Default)]
struct Counter {
    value: u64,
    next_op: u64,
    waiting: BTreeMap<u64, (ReplyTo, usize)>,
}

#[derive(Clone, Debug)]
enum Msg {
    Inc { op: u64 },
    Ack { op: u64 },
    Gossip(u64),
}

#[derive(Clone, Debug)]
enum Req {
    Incr,
    Get,
}

impl Recordable<u64> for Req {
    fn action(&self) -> Action {
        match self {
            Req::Incr => Action::Append("+".into()),
            Req::Get => Action::Read,
        }
    }

    fn answer(&self, value: &u64) -> Answer {
        match self {
            Req::Incr => Answer::Ok(Output::Done),
            Req::Get => Answer::Ok(Output::Value(Some(Value::Int(*value as i64)))),
        }
    }
}

impl Node for Counter {
    type Msg = Msg;
    type Request = Req;
    type Response = u64;

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Inc { op } => {
                self.value += 1;
                ctx.send(from, Msg::Ack { op });
            }
            Msg::Ack { op } => {
                if let Some((reply, acks)) = self.waiting.get_mut(&op) {
                    *acks += 1;
                    if *acks >= ctx.majority() {
                        ctx.reply(*reply, self.value);
                        self.waiting.remove(&op);
                    }
                }
            }
            Msg::Gossip(v) => self.value = self.value.max(v),
        }
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, req: Req) {
        match req {
            Req::Incr => {
                self.value += 1;
                let op = self.next_op;
                self.next_op += 1;
                ctx.broadcast(Msg::Inc { op });
                self.waiting.insert(op, (reply, 1));
                let wait = Duration::from_micros(ctx.rng().between(5_000, 20_000));
                ctx.set_timer("give-up", wait);
            }
            Req::Get => ctx.reply(reply, self.value),
        }
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        let peers = ctx.peers().len();
        let pick = ctx.rng().index(peers);
        let to = ctx.peers()[pick];
        ctx.send(to, Msg::Gossip(self.value));
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _name: &'static str) {
        // Answer whatever is still waiting with the local value: wrong, but busy.
        for (_, (reply, _)) in std::mem::take(&mut self.waiting) {
            ctx.reply(reply, self.value);
        }
    }
}

const NODES: usize = 5;
const CLIENTS: u32 = 3;

fn config(seed: u64) -> Config {
    let ms = Duration::from_millis;
    Config::new(seed)
        .delay(ms(1), ms(8))
        .loss(0.1)
        .duplicate(0.1)
        .client_loss(0.05)
        .client_duplicate(0.05)
        .client_timeout(ms(40))
        .tick(Some(ms(7)))
}

/// Runs a script drawn from `seed` (its own stream, apart from the world's): client
/// calls, partitions, blocks, heals, crashes and restarts, then lets the world settle.
fn run(config: Config) -> World<Counter> {
    run_with(config, Counter::default)
}

/// [`run`], with nodes made by `make`.
fn run_with<N>(config: Config, make: fn() -> N) -> World<N>
where
    N: Node<Msg = Msg, Request = Req, Response = u64> + 'static,
{
    let mut script = Rng::new(config.seed ^ 0x5EED);
    let mut w = World::from_factory(config, NODES, move |_| make());
    for _ in 0..150 {
        for client in 0..CLIENTS {
            if !w.is_waiting(client) && script.chance(0.5) {
                let req = if script.chance(0.5) {
                    Req::Incr
                } else {
                    Req::Get
                };
                w.call(client, script.index(NODES), req);
            }
        }
        match script.below(40) {
            0 => {
                let mut nodes: Vec<NodeId> = (0..NODES).collect();
                script.shuffle(&mut nodes);
                let (a, b) = nodes.split_at(1 + script.index(NODES - 1));
                w.partition(&[a, b]);
            }
            1 => w.block(script.index(NODES), script.index(NODES)),
            2 | 3 => w.heal(),
            4 => {
                let node = script.index(NODES);
                if w.is_up(node) {
                    w.crash(node);
                }
            }
            5 | 6 => {
                let node = script.index(NODES);
                if !w.is_up(node) {
                    let how = if script.chance(0.5) {
                        Restart::KeepState
                    } else {
                        Restart::Fresh
                    };
                    w.restart(node, how);
                }
            }
            _ => {}
        }
        w.run_for(Duration::from_micros(script.between(500, 4000)));
    }
    w.heal();
    w.run_until_quiet();
    w
}

#[test]
fn same_seed_same_trace_different_seed_different_trace() {
    let mut traces = HashSet::new();
    let mut seen = HashSet::new();
    for seed in 0..200 {
        let first = run(config(seed));
        let second = run(config(seed));
        let text = first.trace().to_string();
        assert!(
            text == second.trace().to_string(),
            "seed {seed} replayed differently"
        );
        assert_eq!(first.history(), second.history(), "seed {seed}");
        first.history().expect("a well-formed history");
        for e in first.trace().events() {
            seen.insert(kind(&e.event));
        }
        traces.insert(text);
    }
    assert_eq!(traces.len(), 200, "every seed gives its own run");
    for expected in [
        "sent",
        "delivered",
        "duplicated",
        "dropped: loss",
        "dropped: partition",
        "dropped: sender crashed",
        "dropped: receiver down",
        "dropped: client not waiting",
        "crash",
        "restart",
        "partition",
        "block",
        "heal",
        "call",
        "return",
        "timeout",
        "lost",
        "refused",
    ] {
        assert!(seen.contains(expected), "no seed exercised {expected}");
    }
}

#[test]
fn switching_the_trace_off_changes_nothing_else() {
    for seed in 0..20 {
        let traced = run(config(seed));
        let silent = run(config(seed).trace(false));
        assert!(silent.trace().is_empty());
        let calls = |w: &World<Counter>| format!("{:?}", w.calls());
        assert_eq!(calls(&traced), calls(&silent), "seed {seed}");
        assert_eq!(traced.now(), silent.now());
    }
}

#[test]
fn the_trace_prints_one_stable_line_per_event() {
    let w = run(config(17));
    let text = w.trace().to_string();
    assert_eq!(text.lines().count(), w.trace().len());
    let tail = w.trace().tail(3);
    assert_eq!(tail.lines().count(), 3);
    assert!(text.ends_with(&tail));
    for line in text.lines() {
        let (time, rest) = line.split_at(13);
        assert!(
            time.ends_with("ms") && time.trim_start().len() >= 7,
            "{line}"
        );
        assert!(
            rest.starts_with("  ") && !rest[2..].starts_with(' '),
            "{line}"
        );
    }
}

/// A short name for the kind of an event, to check that the script reaches them all.
fn kind<M, Q, R>(event: &Event<M, Q, R>) -> &'static str {
    match event {
        Event::Message { fate, .. } => match fate {
            Fate::Sent => "sent",
            Fate::Delivered => "delivered",
            Fate::Duplicated => "duplicated",
            Fate::Dropped(DropReason::Loss) => "dropped: loss",
            Fate::Dropped(DropReason::Partition) => "dropped: partition",
            Fate::Dropped(DropReason::SenderCrashed) => "dropped: sender crashed",
            Fate::Dropped(DropReason::ReceiverDown) => "dropped: receiver down",
            Fate::Dropped(DropReason::NotWaiting) => "dropped: client not waiting",
        },
        Event::Started(_) => "start",
        Event::Crashed(_) => "crash",
        Event::Restarted { .. } => "restart",
        Event::Partitioned(_) => "partition",
        Event::Blocked { .. } => "block",
        Event::Healed => "heal",
        Event::Called { .. } => "call",
        Event::Returned { .. } => "return",
        Event::TimedOut { .. } => "timeout",
        Event::Refused { .. } => "refused",
        Event::Lost { .. } => "lost",
    }
}

#[test]
fn long_workloads_end_with_every_call_resolved() {
    for seed in 0..5 {
        let nodes = (0..NODES).map(|_| Counter::default()).collect();
        let mut w = World::new(config(seed).trace(false), nodes);
        let mut script = Rng::new(seed);
        while w.calls().len() < 2000 {
            for client in 0..10 {
                if !w.is_waiting(client) {
                    let req = if script.chance(0.5) {
                        Req::Incr
                    } else {
                        Req::Get
                    };
                    w.call(client, script.index(NODES), req);
                }
            }
            w.step();
        }
        assert!(
            w.run_until_quiet().reached(),
            "client timeouts end every call"
        );
        assert!(w.calls().iter().all(|c| !c.outcome.is_pending()));
        let history = w.history().unwrap();
        assert_eq!(history.len(), w.calls().len());
        assert_eq!(history.clients(), (0..10).collect::<Vec<_>>());
    }
}

/// A node that hands every event to a counter behind a trait object, the way a suite
/// hands a student's node its events: through [`Handlers`] (and so [`Context::recast`]).
struct Wrapped(Box<dyn Handlers<Wrapped>>);

impl Node for Wrapped {
    type Msg = Msg;
    type Request = Req;
    type Response = u64;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        self.0.on_start(ctx);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        self.0.on_message(ctx, from, msg);
    }

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, req: Req) {
        self.0.on_request(ctx, reply, req);
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        self.0.on_tick(ctx);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, name: &'static str) {
        self.0.on_timer(ctx, name);
    }
}

#[test]
fn a_node_handed_its_events_through_a_trait_object_runs_as_it_would_alone() {
    for seed in 0..40 {
        let alone = run(config(seed));
        let wrapped = run_with(config(seed), || Wrapped(Box::new(Counter::default())));
        assert!(!alone.trace().events().is_empty(), "seed {seed}");
        // The trace holds every message, answer (with the counter's value) and timer.
        assert_eq!(
            alone.trace().to_string(),
            wrapped.trace().to_string(),
            "seed {seed}"
        );
        assert_eq!(alone.history(), wrapped.history(), "seed {seed}");
    }
}
