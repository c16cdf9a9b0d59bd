//! Scenarios are checked before they are played, played step by step on the replicas
//! they are handed, and recorded exactly as the calls ended.

use std::time::Duration;

use sequential_given::{Msg, Request, Response, Scenario, ScenarioError, Step, history};
use testkit::history::{HistoryError, Outcome, Output, Value};
use testkit::sim::{CallOutcome, Config, Context, Node, NodeId, ReplyTo};

/// A node that keeps its own copy and tells nobody: enough to see what the player does.
#[derive(Default)]
struct Alone {
    value: Option<i64>,
    manner: Manner,
}

/// How an [`Alone`] answers.
#[derive(Clone, Copy, Default)]
enum Manner {
    /// As the protocol says.
    #[default]
    Right,
    /// Writes with a value, which no history may accept.
    WritesAsReads,
    /// Never.
    Silent,
}

impl Alone {
    fn new(manner: Manner) -> Self {
        Alone {
            value: None,
            manner,
        }
    }
}

impl Node for Alone {
    type Msg = Msg;
    type Request = Request;
    type Response = Response;

    fn on_message(&mut self, _ctx: &mut Context<'_, Self>, _from: NodeId, _msg: Msg) {}

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        let response = match (self.manner, request) {
            (Manner::Silent, _) => return,
            (_, Request::Read) => Response::Value(self.value),
            (Manner::WritesAsReads, Request::Write(v)) => Response::Value(Some(v)),
            (Manner::Right, Request::Write(v)) => {
                self.value = Some(v);
                Response::Written
            }
        };
        ctx.reply(reply, response);
    }
}

fn config(seed: u64) -> Config {
    Config::new(seed).delay(Duration::from_millis(1), Duration::from_millis(10))
}

fn call(client: u32, node: NodeId, request: Request) -> Step {
    Step::Call {
        client,
        node,
        request,
    }
}

#[test]
fn a_scenario_out_of_bounds_is_refused_before_it_runs() {
    let with = |replicas, steps| Scenario { replicas, steps }.check();
    assert_eq!(with(0, vec![]), Err(ScenarioError::Replicas(0)));
    assert_eq!(with(10, vec![]), Err(ScenarioError::Replicas(10)));
    assert_eq!(with(9, vec![]), Ok(()));
    assert_eq!(
        with(1, vec![Step::Heal; 101]),
        Err(ScenarioError::TooManySteps(101))
    );
    assert_eq!(
        with(3, vec![Step::Heal, call(0, 3, Request::Read)]),
        Err(ScenarioError::UnknownNode { step: 1, node: 3 })
    );
    assert_eq!(
        with(3, vec![Step::Block { from: 4, to: 0 }]),
        Err(ScenarioError::UnknownNode { step: 0, node: 4 })
    );
    assert_eq!(
        with(3, vec![Step::Partition(vec![vec![0, 1], vec![1]])]),
        Err(ScenarioError::NodeTwice { step: 0, node: 1 })
    );
    assert_eq!(
        with(
            3,
            vec![Step::Await { client: 12 }, call(12, 0, Request::Read)]
        ),
        Err(ScenarioError::NoCall {
            step: 0,
            client: 12
        })
    );
    let long = Duration::from_secs(61);
    assert_eq!(
        with(3, vec![Step::RunFor(long)]),
        Err(ScenarioError::TooLong {
            step: 0,
            span: long
        })
    );
}

#[test]
fn calls_are_answered_by_the_replicas_played_on_and_recorded_as_they_ended() {
    let scenario = Scenario {
        replicas: 2,
        steps: vec![
            call(0, 1, Request::Write(4)),
            Step::Await { client: 0 },
            call(1, 0, Request::Read),
            call(0, 1, Request::Read),
            Step::Settle,
        ],
    };
    let world = scenario.run(config(7), |_| Alone::default()).unwrap();
    let answers: Vec<Option<&Response>> =
        world.calls().iter().map(|c| c.outcome.response()).collect();
    assert_eq!(
        answers,
        [
            Some(&Response::Written),
            Some(&Response::Value(None)),
            Some(&Response::Value(Some(4)))
        ]
    );
    let history = history(&world).unwrap();
    let outputs: Vec<Option<&Output>> = history.ops().iter().map(|op| op.output()).collect();
    assert_eq!(
        outputs,
        [
            Some(&Output::Done),
            Some(&Output::Value(None)),
            Some(&Output::Value(Some(Value::Int(4))))
        ]
    );
    assert_eq!(scenario.written(), [4]);
    assert_eq!(scenario.reads(), 2);
}

#[test]
fn a_client_that_calls_while_it_waits_stops_the_scenario() {
    let scenario = Scenario {
        replicas: 1,
        steps: vec![call(3, 0, Request::Read), call(3, 0, Request::Read)],
    };
    let refused = scenario.run(config(1), |_| Alone::default()).err();
    assert_eq!(
        refused,
        Some(ScenarioError::ClientBusy { step: 1, client: 3 })
    );
}

#[test]
fn a_call_that_is_never_answered_stays_open_and_unknown() {
    let scenario = Scenario {
        replicas: 2,
        steps: vec![
            Step::Partition(vec![vec![0], vec![1]]),
            call(0, 1, Request::Write(1)),
            Step::Await { client: 0 },
            // Partitions cut replicas from each other, never clients from replicas.
            call(1, 0, Request::Read),
            Step::Await { client: 1 },
        ],
    };
    let world = scenario
        .run(config(2), |node| {
            Alone::new(if node == 1 {
                Manner::Silent
            } else {
                Manner::Right
            })
        })
        .unwrap();
    assert!(world.calls()[0].outcome.is_pending());
    assert!(matches!(
        world.calls()[1].outcome,
        CallOutcome::Returned { .. }
    ));
    let history = history(&world).unwrap();
    assert_eq!(history.ops()[0].outcome, Outcome::Unknown);
}

#[test]
fn a_write_answered_with_a_value_makes_no_history() {
    let scenario = Scenario {
        replicas: 1,
        steps: vec![call(0, 0, Request::Write(2)), Step::Await { client: 0 }],
    };
    let world = scenario
        .run(config(3), |_| Alone::new(Manner::WritesAsReads))
        .unwrap();
    assert_eq!(
        history(&world).err(),
        Some(HistoryError::OutputMismatch { op: 0 })
    );
}
