//! Generated histories: a sequential execution (one global order of effects) is causally
//! consistent, so it must pass every check; one stale read appended to it must not.
//!
//! The executions include failed writes (no effect), compare-and-swaps that do or do not
//! swap, and writes and cas operations of unknown outcome that take effect a few steps
//! later, after their client moved on, or never.

use std::collections::HashMap;

use pretty_assertions::assert_eq;
use testkit::check::causal::{AllSessions, Causal, Guarantee, Session};
use testkit::check::{ConsistencyCheck, Verdict, Violation};
use testkit::history::{Action, ClientId, History, Operation, Outcome, Output, Value};
use testkit::rng::Rng;

const SEEDS: u64 = 300;
const KEYS: [&str; 3] = ["x", "y", "z"];

/// A change waiting to take effect: (step, key, action).
type Pending = (usize, &'static str, Action);

/// Runs a random sequential execution of 20 to 80 steps and records it.
fn sequential(seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let steps = rng.between(20, 80) as usize;
    execute(&mut rng, steps)
}

/// Records `steps` operations of a random sequential execution.
fn execute(rng: &mut Rng, steps: usize) -> History {
    let clients = rng.between(2, 5) as ClientId;
    let keys = &KEYS[..rng.between(1, 3) as usize];
    let mut state: HashMap<&str, Option<Value>> = HashMap::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut ops = Vec::new();
    let mut fresh = 0i64;
    for step in 0..steps {
        // Late effects of operations whose clients stopped waiting land first.
        for (_, key, action) in pending.iter().filter(|p| p.0 == step) {
            apply(&mut state, key, action);
        }
        pending.retain(|p| p.0 != step);
        let client = rng.below(u64::from(clients)) as ClientId;
        let key = keys[rng.index(keys.len())];
        let current = state.get(key).cloned().flatten();
        let (call, ret) = (10 * step as u64, 10 * step as u64 + 5);
        fresh += 1;
        let op = match rng.below(10) {
            0..=3 => Operation::read(client, current, call, ret),
            4..=5 => {
                state.insert(key, Some(Value::Int(fresh)));
                Operation::write(client, fresh, call, ret)
            }
            6 => {
                // Half the time from the current value, otherwise from an older one.
                let from = if rng.chance(0.5) {
                    current.clone()
                } else {
                    Some(Value::Int(rng.between(0, fresh as u64) as i64))
                };
                let swapped = from == current;
                if swapped {
                    state.insert(key, Some(Value::Int(fresh)));
                }
                Operation::cas(client, from, fresh, swapped, call, ret)
            }
            7 => Operation::failed(client, Action::Write(Value::Int(fresh)), call, ret),
            _ => {
                let action = if rng.chance(0.5) {
                    Action::Write(Value::Int(fresh))
                } else {
                    Action::Cas {
                        from: current,
                        to: Value::Int(fresh),
                    }
                };
                if rng.chance(0.7) {
                    let at = step + rng.between(0, 6) as usize;
                    if at == step {
                        apply(&mut state, key, &action);
                    } else {
                        pending.push((at, key, action.clone()));
                    }
                }
                Operation::unknown(client, action, call)
            }
        };
        ops.push(op.on(key));
    }
    History::from_ops(ops).expect("a sequential execution is well formed")
}

/// Applies a write or cas to the state.
fn apply(state: &mut HashMap<&str, Option<Value>>, key: &'static str, action: &Action) {
    match action {
        Action::Write(v) => {
            state.insert(key, Some(v.clone()));
        }
        Action::Cas { from, to } => {
            if state.get(key).cloned().flatten() == *from {
                state.insert(key, Some(to.clone()));
            }
        }
        _ => unreachable!("only writes and cas operations are delayed"),
    }
}

/// The value an operation certainly wrote or read, for clients that saw it complete.
fn known_value(op: &Operation) -> Option<(bool, Value)> {
    match (&op.action, &op.outcome) {
        (Action::Write(v), Outcome::Ok { .. }) => Some((true, v.clone())),
        (Action::Cas { to, .. }, Outcome::Ok { output, .. }) => {
            (*output == Output::Swapped(true)).then(|| (true, to.clone()))
        }
        (Action::Read, Outcome::Ok { .. }) => Some((false, op.read_value()?.clone()?)),
        _ => None,
    }
}

/// Stale reads to append, one at a time: a client that knew value `old` of a key and
/// afterwards wrote a new value to it itself (read-your-writes must fail) or read a value
/// that the writer of `old` wrote after it (monotonic reads must fail). The first of each
/// kind.
fn stale_reads(h: &History) -> Vec<(Operation, Guarantee)> {
    let mut found: Vec<(Operation, Guarantee)> = Vec::new();
    // The completed writes of each (client, key), in order.
    let mut written: HashMap<(ClientId, Option<String>), Vec<Value>> = HashMap::new();
    for op in h.ops() {
        if let Some((true, v)) = known_value(op) {
            written
                .entry((op.client, op.key.clone()))
                .or_default()
                .push(v);
        }
    }
    let writer_of = |key: &Option<String>, v: &Value| {
        written
            .iter()
            .find(|((_, k), vs)| k == key && vs.contains(v))
            .map(|((c, _), vs)| (*c, vs.clone()))
    };
    let at = |vs: &[Value], x: &Value| vs.iter().position(|y| y == x);
    let end = h.ops().iter().map(|o| o.call + 10).max().unwrap_or(0);
    let mut known: HashMap<(ClientId, Option<String>), Value> = HashMap::new();
    for op in h.ops() {
        let Some((wrote, v)) = known_value(op) else {
            continue;
        };
        let slot = (op.client, op.key.clone());
        if let Some(old) = known.get(&slot).filter(|old| **old != v) {
            let read = on(
                Operation::read(op.client, Some(old.clone()), end, end + 1),
                &op.key,
            );
            let mut keep = |g| {
                if found.iter().all(|(_, f)| *f != g) {
                    found.push((read.clone(), g));
                }
            };
            if wrote {
                keep(Guarantee::ReadYourWrites);
            } else if let Some((_, vs)) = writer_of(&op.key, &v)
                && let (Some(a), Some(b)) = (at(&vs, old), at(&vs, &v))
                && a < b
            {
                // Old and new both written, in this order, by one client.
                keep(Guarantee::MonotonicReads);
            }
        }
        known.insert(slot, v);
    }
    found
}

fn on(op: Operation, key: &Option<String>) -> Operation {
    match key {
        Some(k) => op.on(k.clone()),
        None => op,
    }
}

fn violation(verdict: Verdict) -> Option<Violation> {
    match verdict {
        Verdict::Holds => None,
        Verdict::Violated(v) => Some(v),
        Verdict::Undecided { reason } => panic!("undecided: {reason}"),
    }
}

#[test]
fn sequential_executions_pass_every_check() {
    for seed in 0..SEEDS {
        let h = sequential(seed);
        assert_eq!(violation(Causal.check(&h).unwrap()), None, "seed {seed}");
        assert_eq!(AllSessions.violations(&h).unwrap(), vec![], "seed {seed}");
    }
}

#[test]
fn one_stale_read_is_caught() {
    let mut caught = HashMap::new();
    for seed in 0..SEEDS {
        let h = sequential(seed);
        for (read, guarantee) in stale_reads(&h) {
            let mut ops = h.ops().to_vec();
            ops.push(read);
            let bad = History::from_ops(ops).unwrap();
            let stale_id = bad.len() - 1;
            let v = violation(Session(guarantee).check(&bad).unwrap())
                .unwrap_or_else(|| panic!("seed {seed}: {guarantee} missed the stale read"));
            assert_eq!(v.broken, guarantee.name(), "seed {seed}");
            assert_eq!(
                v.ops().last(),
                Some(&stale_id),
                "seed {seed}: {}",
                v.summary
            );
            let causal = violation(Causal.check(&bad).unwrap()).expect("causal misses it");
            assert_eq!(causal.ops().last(), Some(&stale_id), "seed {seed}");
            *caught.entry(guarantee).or_insert(0) += 1;
        }
    }
    // Both kinds of stale read come up often enough for the test to mean something.
    assert!(
        caught.get(&Guarantee::ReadYourWrites) > Some(&50),
        "{caught:?}"
    );
    assert!(
        caught.get(&Guarantee::MonotonicReads) > Some(&10),
        "{caught:?}"
    );
}

#[test]
fn thousands_of_operations_are_checked() {
    // Large enough to matter for a quadratic algorithm with a big constant.
    let h = execute(&mut Rng::new(42), 5000);
    assert_eq!(Causal.violations(&h).unwrap(), vec![]);
    assert_eq!(AllSessions.violations(&h).unwrap(), vec![]);
    let (read, guarantee) = stale_reads(&h).into_iter().next().expect("a stale read");
    let mut ops = h.ops().to_vec();
    ops.push(read);
    let bad = History::from_ops(ops).unwrap();
    let found = Session(guarantee).violations(&bad).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
}

/// A history where every read returns nil or any value already written to its key
/// (some writes of unknown outcome): mostly not causal, but never cyclic.
fn arbitrary(seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let clients = rng.between(2, 4) as ClientId;
    let keys = &KEYS[..rng.between(1, 2) as usize];
    let mut written: HashMap<&str, Vec<i64>> = HashMap::new();
    let mut ops = Vec::new();
    for step in 0..rng.between(10, 40) {
        let client = rng.below(u64::from(clients)) as ClientId;
        let key = keys[rng.index(keys.len())];
        let (call, ret) = (10 * step, 10 * step + 5);
        let seen = written.entry(key).or_default();
        let op = if rng.chance(0.5) {
            let pick = rng.index(seen.len() + 1);
            Operation::read(client, seen.get(pick).map(|&v| Value::Int(v)), call, ret)
        } else {
            seen.push(step as i64);
            if rng.chance(0.3) {
                Operation::unknown(client, Action::Write(Value::Int(step as i64)), call)
            } else {
                Operation::write(client, step as i64, call, ret)
            }
        };
        ops.push(op.on(key));
    }
    History::from_ops(ops).unwrap()
}

/// The last operation each violation names: the stale read.
fn stale_ids(violations: &[Violation]) -> Vec<usize> {
    let mut ids: Vec<usize> = violations
        .iter()
        .map(|v| *v.ops().last().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[test]
fn the_four_guarantees_together_find_exactly_the_causal_violations() {
    let mut broken = 0;
    for seed in 0..SEEDS {
        let h = arbitrary(seed);
        let causal = stale_ids(&Causal.violations(&h).unwrap());
        let sessions = stale_ids(&AllSessions.violations(&h).unwrap());
        assert_eq!(causal, sessions, "seed {seed}");
        broken += usize::from(!causal.is_empty());
    }
    assert!(broken > SEEDS as usize / 2, "{broken}");
}
