//! The linearizability and sequential consistency checkers against a plain exhaustive
//! checker, on thousands of small random histories.
//!
//! The checker prunes its search with facts about values, places observers without
//! choice, merges states in its memo and rewrites histories before searching. Each of
//! those is argued sound where it is written; these tests check the arguments. The
//! reference below does none of it: it tries every order of the operations that respects
//! real time, with each operation of unknown outcome either placed somewhere after its
//! call or left out, and asks the model about each step. For sequential consistency the
//! same reference keeps only each client's order instead of real time.
//!
//! The random histories are built the way the generator builds them, from effect points
//! inside each operation (so many are linearizable), and then about half of them get one
//! result changed (so many are not). They include ties in time, operations of length
//! zero, unknown outcomes, failed operations and compare-and-swaps that did not swap,
//! with written values either unique or drawn from a handful, and several keys for the
//! key-value model.

use testkit::check::linearizable::{Linearizable, check_model_by_returns};
use testkit::check::sequential::Sequential;
use testkit::check::{ConsistencyCheck, Evidence, Verdict};
use testkit::history::{Action, History, Operation, Outcome, Output, Value};
use testkit::model::{CasRegister, Kv, Model, ModelKind, Register};
use testkit::rng::Rng;

use std::collections::HashSet;

/// Which orders a reference search accepts: real time (linearizability) or only each
/// client's own order (sequential consistency).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    RealTime,
    PerClient,
}

/// Whether some order of `ops` (one key) respects `order` and the model: the plain
/// exhaustive search, with a set of the (placed, state) pairs already found to fail so
/// that histories of a dozen operations stay quick. Failed operations never took effect
/// and are left out.
fn reference<M: Model>(model: &M, ops: &[&Operation], order: Order) -> bool {
    let ops: Vec<&Operation> = ops
        .iter()
        .copied()
        .filter(|o| !matches!(o.outcome, Outcome::Failed { .. }))
        .collect();
    assert!(ops.len() <= 32, "the reference is for small histories");
    let before = |a: &Operation, b: &Operation| match order {
        Order::RealTime => precedes(a, b),
        // A client's operation with a known outcome comes before its later ones; one of
        // unknown outcome may take effect any time after its call, as in real time.
        Order::PerClient => a.client == b.client && a.ret().is_some() && a.call < b.call,
    };
    let mut failed = HashSet::new();
    extend(model, &ops, &before, 0, &model.init(), &mut failed)
}

/// Whether `a` must come before `b`: it returned before `b` was called, or at the same
/// instant, unless both took no time at all (two instants at one time are concurrent).
fn precedes(a: &Operation, b: &Operation) -> bool {
    let instant = |o: &Operation| o.ret() == Some(o.call);
    match a.ret() {
        Some(r) if r < b.call => true,
        Some(r) if r == b.call => !(instant(a) && instant(b)),
        _ => false,
    }
}

fn extend<M: Model>(
    model: &M,
    ops: &[&Operation],
    before: &dyn Fn(&Operation, &Operation) -> bool,
    placed: u32,
    state: &M::State,
    failed: &mut HashSet<(u32, String)>,
) -> bool {
    let is = |i: usize| placed & (1 << i) != 0;
    let done = (0..ops.len()).all(|i| is(i) || ops[i].ret().is_none());
    if done {
        return true;
    }
    if failed.contains(&(placed, model.show(state))) {
        return false;
    }
    for i in 0..ops.len() {
        let ready = !is(i) && (0..ops.len()).all(|j| is(j) || !before(ops[j], ops[i]));
        if !ready {
            continue;
        }
        if let Some(next) = model.step(state, ops[i])
            && extend(model, ops, before, placed | (1 << i), &next, failed)
        {
            return true;
        }
    }
    failed.insert((placed, model.show(state)));
    false
}

/// The reference verdict for a whole history: every key's part must be linearizable.
fn reference_holds(kind: ModelKind, h: &History, order: Order) -> bool {
    h.by_key().values().all(|(part, _)| {
        let ops: Vec<&Operation> = part.ops().iter().collect();
        match kind {
            ModelKind::Register => reference(&Register, &ops, order),
            ModelKind::CasRegister => reference(&CasRegister, &ops, order),
            ModelKind::Kv => reference(&Kv, &ops, order),
        }
    })
}

/// The evidence of a violation must be a legal order that respects real time, leave the
/// state it names, and name operations of one key.
fn check_evidence<M: Model>(
    model: &M,
    h: &History,
    verdict: &Verdict,
    order: Order,
) -> Result<(), String> {
    let Some(violation) = verdict.violation() else {
        return Ok(());
    };
    let Evidence::PartialOrder {
        prefix,
        state,
        blocked,
    } = &violation.evidence
    else {
        return Err("the evidence is a partial order".into());
    };
    let mut s = model.init();
    for (n, &id) in prefix.iter().enumerate() {
        s = model
            .step(&s, h.op(id))
            .ok_or(format!("prefix step {n} (op {id}) is illegal"))?;
        for &later in &prefix[n + 1..] {
            let (a, b) = (h.op(later), h.op(id));
            let against = match order {
                Order::RealTime => precedes(a, b),
                Order::PerClient => a.client == b.client && a.ret().is_some() && a.call < b.call,
            };
            if against {
                return Err(format!(
                    "prefix puts {id} before {later}, against the order"
                ));
            }
        }
    }
    if &model.show(&s) != state {
        return Err(format!(
            "state {state} but the prefix leaves {}",
            model.show(&s)
        ));
    }
    let first = blocked.first().ok_or("no blocked operation")?;
    if prefix.contains(first) {
        return Err("the blocked operation is in the prefix".into());
    }
    let key = &h.op(*first).key;
    if violation.ops().iter().any(|&id| &h.op(id).key != key) {
        return Err("the evidence mixes keys".into());
    }
    Ok(())
}

/// What random histories to build.
#[derive(Clone, Copy)]
struct Shape {
    model: ModelKind,
    clients: u32,
    ops: usize,
    keys: usize,
    unique: bool,
}

/// One operation being built, with its effect point in doubled time if it takes effect.
struct Draft {
    op: Operation,
    effect: Option<u64>,
}

fn random_history(rng: &mut Rng, shape: Shape) -> History {
    let mut drafts = Vec::new();
    let mut clock = vec![0u64; shape.clients as usize];
    for _ in 0..shape.ops {
        let c = rng.index(shape.clients as usize);
        let call = clock[c] + rng.below(3);
        let ret = call + rng.below(4);
        // After an instant, the next call comes later: a history sorts a client's calls by time.
        clock[c] = ret + rng.below(2) + u64::from(ret == call);
        let key = (shape.keys > 1).then(|| format!("k{}", rng.index(shape.keys)));
        let roll = rng.below(10);
        let action = match shape.model {
            _ if roll < 4 => Action::Read,
            ModelKind::CasRegister if roll < 7 => Action::Cas {
                from: None,
                to: Value::Int(0),
            },
            ModelKind::Kv if roll < 7 => Action::Append(Value::Int(0)),
            _ => Action::Write(Value::Int(0)),
        };
        // Effect points strictly inside; an operation of length zero takes effect at
        // its instant, where ties with others make the history fail.
        let effect = if ret > call {
            rng.between(2 * call + 1, 2 * ret - 1)
        } else {
            2 * call
        };
        let outcome = match rng.below(10) {
            0 => Outcome::Unknown,
            1 => Outcome::Failed { at: ret },
            _ => Outcome::Ok {
                at: ret,
                output: Output::Done,
            },
        };
        let effect = match outcome {
            Outcome::Ok { .. } => Some(effect),
            Outcome::Unknown => rng.chance(0.5).then_some(effect),
            Outcome::Failed { .. } => None,
        };
        let op = Operation {
            client: c as u32,
            key,
            action,
            call,
            outcome,
        };
        drafts.push(Draft { op, effect });
    }
    apply(rng, shape, &mut drafts);
    let mut ops: Vec<Operation> = drafts.into_iter().map(|d| d.op).collect();
    if rng.chance(0.5) {
        mutate(rng, shape, &mut ops);
    }
    History::from_ops(ops).unwrap_or_else(|e| panic!("{e}"))
}

fn fresh(rng: &mut Rng, shape: Shape, counter: &mut i64) -> Value {
    *counter += 1;
    let n = if shape.unique {
        *counter
    } else {
        rng.below(3) as i64
    };
    match shape.model {
        ModelKind::Kv => Value::Str(format!("{n}.")),
        _ => Value::Int(n),
    }
}

/// Fills in values and results, applying operations in the order of their effects.
fn apply(rng: &mut Rng, shape: Shape, drafts: &mut [Draft]) {
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by_key(|&i| (drafts[i].effect.unwrap_or(u64::MAX), i));
    let mut counter = 0;
    let mut states: std::collections::HashMap<Option<String>, Option<Value>> = Default::default();
    for i in order {
        let d = &mut drafts[i];
        let state = states.entry(d.op.key.clone()).or_insert(None);
        let happens = d.effect.is_some();
        let output = match &mut d.op.action {
            Action::Read => Output::Value(state.clone()),
            Action::Write(v) => {
                *v = fresh(rng, shape, &mut counter);
                if happens {
                    *state = Some(v.clone());
                }
                Output::Done
            }
            Action::Append(v) => {
                *v = fresh(rng, shape, &mut counter);
                if happens {
                    let Some(Value::Str(add)) = Some(v.clone()) else {
                        unreachable!()
                    };
                    let before = match state {
                        Some(Value::Str(s)) => s.clone(),
                        _ => String::new(),
                    };
                    *state = Some(Value::Str(before + &add));
                }
                Output::Done
            }
            Action::Cas { from, to } => {
                *from = if rng.chance(0.5) {
                    state.clone()
                } else {
                    Some(fresh(rng, shape, &mut counter))
                };
                *to = fresh(rng, shape, &mut counter);
                let swapped = happens && from == state;
                if swapped {
                    *state = Some(to.clone());
                }
                Output::Swapped(swapped)
            }
        };
        if let Outcome::Ok { output: out, .. } = &mut d.op.outcome {
            *out = output;
        }
    }
}

/// Changes one result: a read returns another value, or a cas the other answer.
fn mutate(rng: &mut Rng, shape: Shape, ops: &mut [Operation]) {
    let completed: Vec<usize> = (0..ops.len())
        .filter(|&i| matches!(ops[i].outcome, Outcome::Ok { .. }))
        .filter(|&i| !matches!(ops[i].action, Action::Write(_) | Action::Append(_)))
        .collect();
    if completed.is_empty() {
        return;
    }
    let i = completed[rng.index(completed.len())];
    let written: Vec<Value> = ops
        .iter()
        .filter_map(|o| match &o.action {
            Action::Write(v) | Action::Append(v) | Action::Cas { to: v, .. } => Some(v.clone()),
            Action::Read => None,
        })
        .collect();
    if let Outcome::Ok { output, .. } = &mut ops[i].outcome {
        *output = match output {
            Output::Swapped(s) => Output::Swapped(!*s),
            _ if written.is_empty() || rng.chance(0.2) => Output::Value(None),
            _ => {
                let v = written[rng.index(written.len())].clone();
                // For strings, sometimes a plausible concatenation of two values.
                match (shape.model, &v, rng.chance(0.3)) {
                    (ModelKind::Kv, Value::Str(s), true) => {
                        let w = written[rng.index(written.len())].to_string();
                        Output::Value(Some(Value::Str(format!("{s}{}", w.trim_matches('"')))))
                    }
                    _ => Output::Value(Some(v)),
                }
            }
        };
    }
}

/// Checks `count` random histories of `shape` against the reference, for
/// linearizability or sequential consistency; returns how many hold, so that callers
/// can insist on a mix.
fn compare_with(shape: Shape, seed: u64, count: usize, order: Order) -> usize {
    let mut rng = Rng::new(seed);
    let mut holds = 0;
    for n in 0..count {
        let h = random_history(&mut rng, shape);
        let expected = reference_holds(shape.model, &h, order);
        let verdict = match order {
            Order::RealTime => Linearizable::new(shape.model).check(&h),
            Order::PerClient => Sequential::new(shape.model).check(&h),
        }
        .expect("checkable");
        assert!(
            !matches!(verdict, Verdict::Undecided { .. }),
            "history {n} of seed {seed}: undecided"
        );
        assert_eq!(
            verdict.holds(),
            expected,
            "history {n} of seed {seed}: checker says {verdict:?}\n{h:#?}"
        );
        let evidence = |verdict: &Verdict| match shape.model {
            ModelKind::Register => check_evidence(&Register, &h, verdict, order),
            ModelKind::CasRegister => check_evidence(&CasRegister, &h, verdict, order),
            ModelKind::Kv => check_evidence(&Kv, &h, verdict, order),
        };
        if let Err(e) = evidence(&verdict) {
            panic!("history {n} of seed {seed}: {e}\n{verdict:?}\n{h:#?}");
        }
        if order == Order::RealTime {
            // The search that tries operations by returns, which takes turns with the
            // default one on hard histories (these small ones rarely get that far).
            let by_returns = check_model_by_returns(&shape.model, &h).expect("checkable");
            assert_eq!(
                by_returns.holds(),
                expected,
                "history {n} of seed {seed}, by returns: {by_returns:?}\n{h:#?}"
            );
            if let Err(e) = evidence(&by_returns) {
                panic!("history {n} of seed {seed}, by returns: {e}\n{by_returns:?}\n{h:#?}");
            }
        }
        holds += usize::from(expected);
    }
    holds
}

/// [`compare_with`] for linearizability.
fn compare(shape: Shape, seed: u64, count: usize) -> usize {
    compare_with(shape, seed, count, Order::RealTime)
}

fn assert_mix(holds: usize, count: usize) {
    assert!(
        holds * 5 >= count && holds * 5 <= count * 4,
        "{holds} of {count} linearizable: the random histories are too one-sided to test much"
    );
}

#[test]
fn registers_agree_with_the_reference() {
    for (seed, unique) in [(1, true), (2, false)] {
        let shape = Shape {
            model: ModelKind::Register,
            clients: 3,
            ops: 8,
            keys: 1,
            unique,
        };
        assert_mix(compare(shape, seed, 1500), 1500);
    }
}

#[test]
fn cas_registers_agree_with_the_reference() {
    for (seed, unique, clients) in [(3, true, 3), (4, false, 3), (5, true, 4), (6, false, 2)] {
        let shape = Shape {
            model: ModelKind::CasRegister,
            clients,
            ops: 8,
            keys: 1,
            unique,
        };
        assert_mix(compare(shape, seed, 1500), 1500);
    }
}

#[test]
fn key_value_histories_agree_with_the_reference() {
    for (seed, unique, keys) in [(7, true, 1), (8, false, 1), (9, true, 2), (10, false, 3)] {
        let shape = Shape {
            model: ModelKind::Kv,
            clients: 3,
            ops: 8 * keys,
            keys,
            unique,
        };
        assert_mix(compare(shape, seed, 1000), 1000);
    }
}

#[test]
fn many_clients_agree_with_the_reference() {
    // More clients than operations per client: most operations overlap, which is where
    // the memo's lanes and the urgency order of the search do their work.
    for (seed, model, unique) in [
        (11, ModelKind::Register, true),
        (12, ModelKind::Register, false),
        (13, ModelKind::CasRegister, true),
        (14, ModelKind::CasRegister, false),
    ] {
        let shape = Shape {
            model,
            clients: 7,
            ops: 11,
            keys: 1,
            unique,
        };
        assert_mix(compare(shape, seed, 600), 600);
    }
}

#[test]
fn dozens_of_clients_agree_with_the_reference() {
    // Nearly every operation open at once: many writes nobody reads can go next together
    // (tried once, as twins), and a swap of unknown outcome that is the only writer of a
    // value someone read may be placed where it would change nothing (refused).
    for (seed, model, unique, clients) in [
        (31, ModelKind::CasRegister, true, 12),
        (32, ModelKind::CasRegister, true, 24),
        (33, ModelKind::CasRegister, false, 12),
        (34, ModelKind::Register, true, 24),
    ] {
        let shape = Shape {
            model,
            clients,
            ops: 12,
            keys: 1,
            unique,
        };
        assert_mix(compare(shape, seed, 800), 800);
    }
}

#[test]
fn sequential_consistency_agrees_with_the_reference() {
    // The same random histories against the search in each client's order: its
    // reductions (dropped effects, its pre-check, observers, stranding, the memo) and
    // its turns with the linearizability search must not change a verdict.
    for (seed, model, unique, clients, keys) in [
        (21, ModelKind::Register, true, 3, 1),
        (22, ModelKind::Register, false, 3, 1),
        (23, ModelKind::CasRegister, true, 4, 1),
        (24, ModelKind::CasRegister, false, 2, 1),
        (25, ModelKind::CasRegister, false, 6, 1),
        (26, ModelKind::Kv, true, 3, 2),
        (27, ModelKind::Kv, false, 3, 1),
    ] {
        let shape = Shape {
            model,
            clients,
            ops: 9 * keys,
            keys,
            unique,
        };
        // Weaker than linearizability, so fewer of the changed results break it:
        // insist only on a few of each.
        let holds = compare_with(shape, seed, 1000, Order::PerClient);
        assert!(
            (50..=950).contains(&holds),
            "seed {seed}: {holds} of 1000 sequentially consistent: too one-sided to test much"
        );
    }
}

#[test]
fn the_reference_itself_tells_orders_apart() {
    // A stale read: the reference must reject it, and accept the read of the new value.
    let stale = History::from_ops([
        Operation::write(0, 1, 0, 1),
        Operation::write(0, 2, 2, 3),
        Operation::read(1, Some(1.into()), 4, 5),
    ])
    .unwrap();
    assert!(!reference_holds(
        ModelKind::Register,
        &stale,
        Order::RealTime
    ));
    let fresh = History::from_ops([
        Operation::write(0, 1, 0, 1),
        Operation::write(0, 2, 2, 3),
        Operation::read(1, Some(2.into()), 4, 5),
    ])
    .unwrap();
    assert!(reference_holds(
        ModelKind::Register,
        &fresh,
        Order::RealTime
    ));
    // Only each client's order: the stale read by another client is fine.
    assert!(reference_holds(
        ModelKind::Register,
        &stale,
        Order::PerClient
    ));
    let own = History::from_ops([
        Operation::write(1, 1, 0, 1),
        Operation::write(1, 2, 2, 3),
        Operation::read(1, Some(1.into()), 4, 5),
    ])
    .unwrap();
    assert!(!reference_holds(
        ModelKind::Register,
        &own,
        Order::PerClient
    ));
    // An unknown write may be left out, or placed after its call.
    let lost = Operation::unknown(0, Action::Write(1.into()), 0);
    let h = History::from_ops([lost.clone(), Operation::read(1, None, 5, 6)]).unwrap();
    assert!(reference_holds(ModelKind::Register, &h, Order::RealTime));
    let h = History::from_ops([lost, Operation::read(1, Some(1.into()), 5, 6)]).unwrap();
    assert!(reference_holds(ModelKind::Register, &h, Order::RealTime));
}
