//! Crashes and restarts: what a crash loses, and what a restart keeps.
//!
//! The toy node is a naive replicated counter: an increment is applied locally, sent to
//! every peer, and answered once a majority (the node itself included) holds it.

use std::collections::BTreeMap;
use std::time::Duration;

use testkit::history::{Action, Outcome, Output, Value};
use testkit::sim::{
    Answer, CallOutcome, Config, Context, DropReason, Event, Fate, Node, NodeId, Recordable,
    ReplyTo, Restart, SimError, Stop, World,
};

#[derive(Default)]
struct Counter {
    value: u64,
    starts: u32,
    ticks: u32,
    alarms: u32,
    next_op: u64,
    /// Increments waiting for a majority: who to answer and how many hold it.
    waiting: BTreeMap<u64, (ReplyTo, usize)>,
}

#[derive(Clone, Debug)]
enum Msg {
    Inc { op: u64 },
    Ack { op: u64 },
}

#[derive(Clone, Debug)]
enum Req {
    Incr,
    Get,
    Alarm,
}

impl Recordable<u64> for Req {
    fn action(&self) -> Action {
        match self {
            Req::Incr | Req::Alarm => Action::Append("+".into()),
            Req::Get => Action::Read,
        }
    }

    fn answer(&self, value: &u64) -> Answer {
        match self {
            Req::Get => Answer::Ok(Output::Value(Some(Value::Int(*value as i64)))),
            Req::Incr | Req::Alarm => Answer::Ok(Output::Done),
        }
    }
}

impl Node for Counter {
    type Msg = Msg;
    type Request = Req;
    type Response = u64;

    fn on_start(&mut self, _ctx: &mut Context<'_, Self>) {
        self.starts += 1;
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Inc { op } => {
                self.value += 1;
                ctx.send(from, Msg::Ack { op });
            }
            Msg::Ack { op } => {
                let majority = ctx.majority();
                if let Some((reply, acks)) = self.waiting.get_mut(&op) {
                    *acks += 1;
                    if *acks >= majority {
                        ctx.reply(*reply, self.value);
                        self.waiting.remove(&op);
                    }
                }
            }
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
            }
            Req::Get => ctx.reply(reply, self.value),
            Req::Alarm => {
                ctx.set_timer("alarm", ms(30));
                ctx.reply(reply, 0);
            }
        }
    }

    fn on_tick(&mut self, _ctx: &mut Context<'_, Self>) {
        self.ticks += 1;
    }

    fn on_timer(&mut self, _ctx: &mut Context<'_, Self>, name: &'static str) {
        assert_eq!(name, "alarm");
        self.alarms += 1;
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn world(config: Config) -> World<Counter> {
    World::new(config, (0..3).map(|_| Counter::default()).collect())
}

fn drops(w: &World<Counter>, why: DropReason) -> usize {
    let dropped = |e: &&_| matches!(e, &&Event::Message { fate: Fate::Dropped(r), .. } if r == why);
    w.trace()
        .events()
        .iter()
        .map(|e| &e.event)
        .filter(dropped)
        .count()
}

#[test]
fn crash_loses_pending_requests_as_unknown() {
    let mut w = world(Config::new(1));
    // Cut n0 off so the increment waits for acknowledgements forever.
    w.isolate(0);
    let call = w.call(7, 0, Req::Incr);
    w.run_for(ms(20));
    assert!(w.calls()[call].outcome.is_pending());
    w.crash(0);
    assert_eq!(w.calls()[call].outcome, CallOutcome::Lost { at: ms(20) });
    assert!(!w.is_waiting(7), "the client may go on");
    assert_eq!(w.history().unwrap().op(call).outcome, Outcome::Unknown);
    assert!(
        w.trace()
            .to_string()
            .contains("c7 loses call 0: the node crashed")
    );
    assert_eq!(w.run_until_quiet(), Stop::Reached);
}

#[test]
fn crash_drops_messages_to_the_crashed_node() {
    let mut w = world(Config::new(2));
    w.crash(2);
    let reply = w.call_and_wait(0, 0, Req::Incr).outcome.clone();
    assert_eq!(reply.response(), Some(&1), "n0 and n1 are a majority");
    assert_eq!(w.node(1).value, 1);
    assert_eq!(w.node(2).value, 0);
    assert_eq!(drops(&w, DropReason::ReceiverDown), 1);
}

#[test]
fn crash_drops_messages_the_node_had_sent() {
    let mut w = world(Config::new(3).delay(ms(10), ms(10)));
    let call = w.call(0, 0, Req::Incr);
    // The request lands at 10 ms; the increments n0 sends then would land at 20 ms.
    w.run_for(ms(15));
    assert_eq!(w.in_flight(), 2);
    w.crash(0);
    assert_eq!(w.run_until_quiet(), Stop::Reached);
    assert_eq!((w.node(1).value, w.node(2).value), (0, 0));
    assert_eq!(drops(&w, DropReason::SenderCrashed), 2);
    assert!(matches!(w.calls()[call].outcome, CallOutcome::Lost { .. }));
}

#[test]
fn messages_sent_before_a_restart_never_reach_the_new_life() {
    let mut w = world(Config::new(4).delay(ms(10), ms(10)));
    w.call(0, 0, Req::Incr);
    w.run_for(ms(12));
    w.crash(1);
    w.restart(1, Restart::KeepState);
    w.run_until_quiet();
    assert_eq!(
        w.node(1).value,
        0,
        "the increment was sent to n1's previous life"
    );
    assert_eq!(w.node(2).value, 1);
    assert_eq!(drops(&w, DropReason::ReceiverDown), 1);
}

#[test]
fn requests_to_a_crashed_node_are_refused_and_fail() {
    let mut w = world(Config::new(5));
    w.crash(1);
    let call = w.call(0, 1, Req::Get);
    assert_eq!(w.run_until_quiet(), Stop::Reached);
    let CallOutcome::Refused { at } = w.calls()[call].outcome else {
        panic!("{:?}", w.calls()[call].outcome)
    };
    let history = w.history().unwrap();
    assert_eq!(
        history.op(call).outcome,
        Outcome::Failed {
            at: at.as_nanos() as u64
        }
    );
}

#[test]
fn restart_keeping_state_runs_start_again() {
    let mut w = world(Config::new(6));
    for _ in 0..3 {
        w.call_and_wait(0, 0, Req::Incr);
    }
    w.run_until_quiet();
    assert_eq!(w.node(1).value, 3);
    w.crash(1);
    assert!(!w.is_up(1));
    w.restart(1, Restart::KeepState);
    assert!(w.is_up(1));
    assert_eq!((w.node(1).value, w.node(1).starts), (3, 2));
    let reply = w.call_and_wait(0, 1, Req::Get);
    assert_eq!(reply.outcome.response(), Some(&3));
}

#[test]
fn restart_fresh_rebuilds_the_node() {
    let mut w = World::from_factory(Config::new(7), 3, |_| Counter::default());
    for _ in 0..3 {
        w.call_and_wait(0, 0, Req::Incr);
    }
    w.run_until_quiet();
    w.crash(1);
    w.restart(1, Restart::Fresh);
    assert_eq!((w.node(1).value, w.node(1).starts), (0, 1));

    w.crash(2);
    let chosen = Counter {
        value: 42,
        ..Counter::default()
    };
    w.restart(2, Restart::With(chosen));
    assert_eq!(w.node(2).value, 42);
}

#[test]
fn crash_and_restart_refuse_impossible_requests() {
    let mut w = world(Config::new(8));
    assert_eq!(
        w.try_restart(0, Restart::KeepState),
        Err(SimError::NodeUp(0))
    );
    w.crash(0);
    assert_eq!(w.try_crash(0), Err(SimError::NodeDown(0)));
    assert_eq!(w.try_restart(0, Restart::Fresh), Err(SimError::NoFactory));
    let err = w.try_crash(9).unwrap_err();
    assert_eq!(
        err.to_string(),
        "there is no node n9: the world has 3 nodes"
    );
    assert!(w.try_call(0, 3, Req::Get).is_err());
    assert!(w.calls().is_empty(), "a refused call is not recorded");
}

#[test]
#[should_panic(expected = "crash: node n1 is crashed")]
fn crashing_a_crashed_node_panics_with_the_reason() {
    let mut w = world(Config::new(8));
    w.crash(1);
    w.crash(1);
}

#[test]
fn timers_and_ticks_stop_while_a_node_is_down() {
    // Control: the alarm fires when nothing crashes.
    let mut w = world(Config::new(9));
    w.call_and_wait(0, 0, Req::Alarm);
    w.run_for(ms(100));
    assert_eq!(w.node(0).alarms, 1);

    let mut w = world(Config::new(9));
    w.call_and_wait(0, 0, Req::Alarm);
    w.crash(0);
    let ticks = w.node(0).ticks;
    w.run_for(ms(100));
    assert_eq!(w.node(0).ticks, ticks, "no ticks while down");
    w.restart(0, Restart::KeepState);
    w.run_for(ms(100));
    assert_eq!(w.node(0).alarms, 0, "the alarm was set before the crash");
    assert!(
        w.node(0).ticks >= ticks + 9,
        "ticks resume after the restart"
    );
}
