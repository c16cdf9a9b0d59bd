//! The trade-off in numbers: `tally` counts every outcome right, and `tradeoff` reports
//! the course's runs.
//!
//! `tally` is held to calls the suite makes against a node of its own, scripted to
//! answer each request in a known way (or not at all, or to crash holding it), so that
//! every outcome a call can have is there and a mistake of the replica cannot cost this
//! task. `tradeoff` must run the student's replicas, so it is held to the suite's own
//! runs of the course's workload with the same replicas and seed: whatever those
//! replicas do, the numbers must be the same.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use cap::Replica;
use cap_given::{Mode, Request, Response, Stamp, Tally, Tradeoff, run_workload};
use testkit::sim::{Call, CallOutcome, Config, Context, Node, NodeId, ReplyTo, World};

use crate::common::{get, put};

/// How many seeds `tradeoff` is compared on, from the suite's seed on.
const SEEDS: u64 = 3;

/// The suite's own count of calls: what `tally` must say.
fn count(calls: &[Call<Request, Response>]) -> Tally {
    let answered = |f: fn(&Response) -> bool| {
        calls
            .iter()
            .filter(|c| c.outcome.response().is_some_and(f))
            .count()
    };
    Tally {
        requests: calls.len(),
        refused: answered(|r| matches!(r, Response::Unavailable { .. })),
        stale_reads: answered(|r| matches!(r, Response::Value { stale: true, .. })),
    }
}

/// A node of the suite's that answers by script: a read of `fresh`, `stale`,
/// `stale-none` or `none` gets that kind of value, a write of `refuse` is refused, any
/// other write is written, and a request for `silent` is never answered.
#[derive(Debug)]
struct Script;

impl Node for Script {
    type Msg = ();
    type Request = Request;
    type Response = Response;

    fn on_message(&mut self, _: &mut Context<'_, Self>, _: NodeId, _: ()) {}

    fn on_request(&mut self, ctx: &mut Context<'_, Self>, reply: ReplyTo, request: Request) {
        let value = |v: Option<&str>, stale| Response::Value {
            value: v.map(str::to_owned),
            stale,
        };
        let response = match &request {
            Request::Get { key } | Request::Put { key, .. } if key == "silent" => return,
            Request::Get { key } => match key.as_str() {
                "fresh" => value(Some("v"), false),
                "stale" => value(Some("v"), true),
                "stale-none" => value(None, true),
                _ => value(None, false),
            },
            Request::Put { key, .. } if key == "refuse" => Response::Unavailable {
                reachable: 1,
                needed: 2,
            },
            Request::Put { .. } => Response::Written {
                stamp: Stamp::default(),
            },
        };
        ctx.reply(reply, response);
    }
}

/// Calls with every outcome: answered in each way, timed out, lost with a crashed node,
/// refused by a crashed node, and one still pending at the end.
fn every_outcome() -> World<Script> {
    let config = Config::new(1).client_timeout(Duration::from_millis(50));
    let mut w = World::new(config, vec![Script, Script]);
    for (c, request) in [
        get("fresh"),
        get("stale"),
        put("x", "1"),
        get("stale-none"),
        put("refuse", "1"),
        get("none"),
        get("silent"),
        put("refuse", "2"),
        get("stale"),
    ]
    .into_iter()
    .enumerate()
    {
        w.call_and_wait(c as u32, 0, request);
    }
    w.call(20, 1, put("silent", "lost"));
    w.run_for(Duration::from_millis(10));
    w.crash(1);
    w.call_and_wait(21, 1, get("fresh"));
    w.call(22, 0, get("silent"));
    w.run_for(Duration::from_millis(10));
    w
}

/// `tally` of calls with every outcome counts what the suite counts, over the whole
/// list and over each of its prefixes; of no calls, nothing.
pub fn tally_counts_every_outcome() {
    let none: Tally = cap::tally(&[]);
    if none != Tally::default() {
        suite_harness::fail(format!(
            "tally(&[]) must count nothing; it counted {none:?}."
        ));
    }
    let w = every_outcome();
    let calls = w.calls();
    let kinds =
        |f: fn(&CallOutcome<Response>) -> bool| calls.iter().filter(|c| f(&c.outcome)).count();
    assert!(
        kinds(|o| matches!(o, CallOutcome::TimedOut { .. })) == 1
            && kinds(|o| matches!(o, CallOutcome::Lost { .. })) == 1
            && kinds(|o| matches!(o, CallOutcome::Refused { .. })) == 1
            && kinds(CallOutcome::is_pending) == 1,
        "the suite's script gives every outcome: {calls:?}"
    );
    // The shortest list of calls tally gets wrong is the clearest: its last call is one
    // tally miscounts.
    for end in 0..=calls.len() {
        let counted = count(&calls[..end]);
        let told: Tally = cap::tally(&calls[..end]);
        if told != counted {
            let listed: Vec<String> = calls[..end]
                .iter()
                .map(|c| format!("  {:?}: {:?}", c.request, c.outcome))
                .collect();
            suite_harness::fail(format!(
                "tally of these {end} calls:\n{}\nmust be {counted:?}: every call is a request \
                 whatever became of it (tradeoff.1), a refusal is an Unavailable answer and \
                 nothing else (tradeoff.2), a stale read is an answer marked stale: true, \
                 whatever its value (tradeoff.3). tally said {told:?}; of one call fewer it \
                 counted right, so the last call is the one it miscounts.",
                listed.join("\n")
            ));
        }
    }
}

const WHAT: &str = "run_workload in each mode (healthy, then {n0 n1} | {n2 n3 n4} for 200ms, \
                    then healed)";

/// The suite's count of the course's run of the workload in `mode` with `seed`, or a
/// failure naming the task to fix first when the replicas cannot run it: `tradeoff`
/// runs the same replicas, so it cannot be judged until they do.
fn course_run(mode: Mode, seed: u64) -> Tally {
    let run = || count(run_workload(mode, seed, Replica::new).calls());
    match std::panic::catch_unwind(AssertUnwindSafe(run)) {
        Ok(tally) => tally,
        Err(payload) => {
            let text = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            let task = match mode {
                Mode::Cp => "cp",
                Mode::Ap => "ap",
            };
            suite_harness::replay_from(seed);
            suite_harness::fail(format!(
                "{WHAT}.\nYour replicas panicked in the {mode:?} run of the course's workload \
                 with seed {seed}: {text}\ntradeoff runs the same replicas, so its numbers \
                 cannot be judged until they run. This also fails when task {task} is wrong: \
                 check it first."
            ))
        }
    }
}

/// `tradeoff(seed)` reports the counts of the course's runs with `seed`, one per mode,
/// each in its field, for a few seeds.
pub fn numbers_match_the_runs() {
    let base = suite_harness::seed();
    for seed in base..base + SEEDS {
        let run = |mode| course_run(mode, seed);
        let (cp, ap) = (run(Mode::Cp), run(Mode::Ap));
        let got: Tradeoff = cap::tradeoff(seed);

        if got == (Tradeoff { cp, ap }) {
            continue;
        }
        let why = if (Tradeoff { cp: ap, ap: cp }) == got {
            "the two tallies are in each other's fields: cp holds the tally of the AP run"
                .to_owned()
        } else if (run(Mode::Cp), run(Mode::Ap)) != (cp, ap) {
            "the suite's two runs of the same seed counted differently: your replicas do not \
             behave the same on the same seed. Take time only from ctx.now() and randomness \
             only from ctx.rng(), and iterate no HashMap where the order matters"
                .to_owned()
        } else if cap::tally(run_workload(Mode::Cp, seed, Replica::new).calls()) != cp {
            "tally miscounts the calls of the course's CP run (tradeoff.1-3)".to_owned()
        } else {
            format!(
                "run the given workload with seed {seed} (not another seed, not a copy of the \
                 workload) once in each mode, with Replica::new, and tally each run's calls"
            )
        };
        suite_harness::replay_from(seed);
        suite_harness::fail(format!(
            "{WHAT}.\nCounted from the calls of the course's runs with seed {seed}: CP {cp:?}, \
             AP {ap:?}.\ntradeoff({seed}) reported: CP {:?}, AP {:?}.\n{why} (tradeoff.4).",
            got.cp, got.ap
        ));
    }
}
