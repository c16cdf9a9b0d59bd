//! Clients, the recorded history, and the drivers that run a world until it is quiet.
//!
//! The toy node is a single register that can be asked to answer late or never.

use std::time::Duration;

use testkit::history::{Action, Operation, Outcome, Output, Value};
use testkit::sim::{
    Answer, CallOutcome, Config, Context, DropReason, Event, Fate, Node, NodeId, Recordable,
    ReplyTo, SimError, Stop, World,
};

#[derive(Default)]
struct Register {
    value: Option<i64>,
    late: Vec<ReplyTo>,
}

#[derive(Clone, Debug)]
enum Req {
    Write(i64),
    Read,
    /// Read, answered 200 ms later.
    SlowRead,
    /// Never answered.
    Ignore,
}

#[derive(Clone, Debug, PartialEq)]
enum Resp {
    Ok,
    Value(Option<i64>),
}

impl Recordable<Resp> for Req {
    fn key(&self) -> Option<String> {
        Some("x".into())
    }

    fn action(&self) -> Action {
        match self {
            Req::Write(v) => Action::Write(Value::Int(*v)),
            Req::Read | Req::SlowRead | Req::Ignore => Action::Read,
        }
    }

    fn answer(&self, response: &Resp) -> Answer {
        match response {
            Resp::Ok => Answer::Ok(Output::Done),
            Resp::Value(v) => Answer::Ok(Output::Value(v.map(Value::Int))),
        }
    }
}

impl Node for Register {
    type Msg = ();
    type Request = Req;
    type Response = Resp;

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, _msg: ()) {}

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, req: Req) {
        match req {
            Req::Write(v) => {
                self.value = Some(v);
                ctx.reply(reply, Resp::Ok);
            }
            Req::Read => ctx.reply(reply, Resp::Value(self.value)),
            Req::SlowRead => {
                self.late.push(reply);
                ctx.set_timer("late", ms(200));
            }
            Req::Ignore => {}
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _name: &'static str) {
        for reply in self.late.drain(..) {
            ctx.reply(reply, Resp::Value(self.value));
        }
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn ns(d: Duration) -> u64 {
    d.as_nanos() as u64
}

fn register(config: Config) -> World<Register> {
    World::new(config, vec![Register::default()])
}

#[test]
fn history_records_calls_returns_and_outputs() {
    let mut w = register(Config::new(1).delay(ms(1), ms(3)));
    w.call(0, 0, Req::Write(5));
    w.run_for(ms(2));
    w.call(1, 0, Req::Read);
    assert_eq!(w.run_until_quiet(), Stop::Reached);
    w.call(0, 0, Req::Read);
    w.run_until_quiet();

    let history = w.history().unwrap();
    assert_eq!(history.len(), 3);
    for (op, call) in history.ops().iter().zip(w.calls()) {
        assert_eq!(op.call, ns(call.called));
        assert_eq!(op.ret(), call.outcome.ended().map(ns));
        assert_eq!(op.key.as_deref(), Some("x"));
        // A round trip takes two delays of 1 to 3 ms.
        let took = op.ret().unwrap() - op.call;
        assert!((ns(ms(2))..=ns(ms(6))).contains(&took), "{op}");
    }
    let ops = history.ops();
    assert_eq!(ops[0].call, 0);
    assert_eq!(ops[1].call, ns(ms(2)));
    assert_eq!(ops[0].action, Action::Write(Value::Int(5)));
    assert_eq!(ops[2].read_value(), Some(&Some(Value::Int(5))));
    assert_eq!(w.calls()[2].outcome.response(), Some(&Resp::Value(Some(5))));
}

#[test]
fn history_with_closures_maps_foreign_types() {
    let mut w = register(Config::new(2));
    w.call_and_wait(3, 0, Req::Write(1));
    let history = w
        .history_with(
            |_| (None, Action::Write(Value::Int(9))),
            |_, _| Answer::Failed,
        )
        .unwrap();
    let op = history.op(0);
    assert_eq!((op.client, op.key.clone()), (3, None));
    assert_eq!(
        op.outcome,
        Outcome::Failed {
            at: ns(w.calls()[0].outcome.ended().unwrap())
        }
    );
}

#[test]
fn client_timeout_records_unknown_and_frees_the_client() {
    let mut w = register(Config::new(3).client_timeout(ms(100)));
    let call = w.call(0, 0, Req::Ignore);
    w.run_for(ms(50));
    assert_eq!(
        w.try_call(0, 0, Req::Read),
        Err(SimError::ClientBusy { client: 0, call })
    );
    assert_eq!(w.run_until_quiet(), Stop::Reached);
    assert_eq!(
        w.calls()[call].outcome,
        CallOutcome::TimedOut { at: ms(100) }
    );
    assert_eq!(w.now(), ms(100));
    assert_eq!(w.history().unwrap().op(call).outcome, Outcome::Unknown);
    assert!(
        w.trace()
            .to_string()
            .contains("    100.000ms  c0 times out (call 0)\n")
    );
    let next = w.call_and_wait(0, 0, Req::Read);
    assert!(next.outcome.response().is_some());
}

#[test]
fn answers_after_a_timeout_are_dropped() {
    let mut w = register(Config::new(4).client_timeout(ms(100)));
    let call = w.call(0, 0, Req::SlowRead);
    w.run_until_quiet();
    assert!(matches!(
        w.calls()[call].outcome,
        CallOutcome::TimedOut { .. }
    ));
    // The late answer is still travelling when the client gives up.
    w.run_for(ms(300));
    assert!(matches!(
        w.calls()[call].outcome,
        CallOutcome::TimedOut { .. }
    ));
    let late = w.trace().events().iter().any(|e| {
        matches!(
            e.event,
            Event::Message {
                fate: Fate::Dropped(DropReason::NotWaiting),
                ..
            }
        )
    });
    assert!(late, "{}", w.trace());
}

#[test]
fn a_slow_answer_within_the_timeout_returns() {
    let mut w = register(Config::new(5).client_timeout(ms(300)));
    let call = w.call_and_wait(0, 0, Req::SlowRead);
    assert_eq!(call.outcome.response(), Some(&Resp::Value(None)));
}

#[test]
fn calls_still_open_at_the_end_are_unknown() {
    let mut w = register(Config::new(6).tick(None));
    w.call(0, 0, Req::Write(1));
    w.call(1, 0, Req::Ignore);
    // Nothing can answer client 1, and nothing else is scheduled: the run stalls.
    assert_eq!(w.run_until_quiet(), Stop::Stalled);
    let ops = w.history().unwrap();
    assert!(matches!(ops.op(0).outcome, Outcome::Ok { .. }));
    assert_eq!(ops.op(1), &Operation::unknown(1, Action::Read, 0).on("x"));
}

/// Sends a message to every peer on every tick, or only counts ticks.
struct Ticker {
    chatty: bool,
    ticks: u64,
}

impl Node for Ticker {
    type Msg = ();
    type Request = ();
    type Response = u64;

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, _msg: ()) {}

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, _req: ()) {
        ctx.reply(reply, self.ticks);
    }

    fn on_tick(&mut self, ctx: &mut Context<'_, Self>) {
        self.ticks += 1;
        if self.chatty {
            ctx.broadcast(());
        }
    }
}

fn tickers(chatty: bool, config: Config) -> World<Ticker> {
    World::new(
        config,
        (0..3).map(|_| Ticker { chatty, ticks: 0 }).collect(),
    )
}

#[test]
fn run_until_quiet_ignores_ticks() {
    let mut w = tickers(false, Config::new(7).tick(Some(ms(1))));
    w.call(0, 1, ());
    assert_eq!(w.run_until_quiet(), Stop::Reached);
    assert!(
        w.now() < ms(20),
        "stopped once the answer was in, at {:?}",
        w.now()
    );
    assert!(w.node(1).ticks > 0);
}

#[test]
fn run_until_quiet_stops_at_the_limits_when_nodes_never_stop_talking() {
    let config = Config::new(8)
        .tick(Some(ms(1)))
        .limits(u64::MAX, Duration::from_secs(2));
    let mut w = tickers(true, config);
    assert_eq!(w.run_until_quiet(), Stop::Reached, "nothing has ticked yet");
    w.run_for(ms(5));
    assert_eq!(w.run_until_quiet(), Stop::Limit);
    assert_eq!(w.now(), ms(2005));
    assert!(
        w.node(0).ticks >= 1990,
        "it did run: {} ticks",
        w.node(0).ticks
    );

    let mut w = tickers(
        true,
        Config::new(8)
            .tick(Some(ms(1)))
            .limits(500, Duration::from_secs(60)),
    );
    w.run_for(ms(15));
    assert_eq!(w.run_until_quiet(), Stop::Limit);
    assert!(w.now() < Duration::from_secs(1), "500 events pass quickly");
}

#[test]
fn ticks_follow_the_configured_interval() {
    let mut w = tickers(false, Config::new(9).tick(Some(ms(10))));
    w.run_for(ms(95));
    assert_eq!(w.node(2).ticks, 9);
    let mut w = tickers(false, Config::new(9).tick(None));
    w.run_for(ms(95));
    assert_eq!(w.node(2).ticks, 0);
}

#[test]
fn step_processes_one_event_at_a_time() {
    let mut w = tickers(false, Config::new(10).tick(None).delay(ms(4), ms(4)));
    assert!(!w.step(), "nothing is scheduled yet");
    w.call(0, 2, ());
    assert!(w.step());
    assert_eq!(
        (w.now(), w.in_flight()),
        (ms(4), 1),
        "the request arrived, the answer left"
    );
    assert!(w.step());
    assert_eq!(w.now(), ms(8));
    assert!(w.is_quiet() && !w.step());
}
