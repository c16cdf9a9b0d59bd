//! The smallest story (`check::minimize`): on many random violating histories, with unique
//! and repeated values, compare-and-swaps and unknown outcomes, the story is a part of the
//! history that the checker itself rejects for the same reason, no single operation of it
//! can go, and a consistent history never turns into a violation by losing operations.

use testkit::check::causal::{Causal, Guarantee, Session};
use testkit::check::linearizable::Linearizable;
use testkit::check::minimize::{Budget, Minimized, Needs, culprit, minimize};
use testkit::check::sequential::Sequential;
use testkit::check::{ConsistencyCheck, Verdict, Violation};
use testkit::generate::{GenConfig, generate};
use testkit::history::{Action, History, OpId, Operation, Outcome, Output, Value};
use testkit::model::ModelKind;
use testkit::rng::Rng;

fn lin() -> Linearizable {
    Linearizable::new(ModelKind::CasRegister)
}

fn violation(checker: &dyn ConsistencyCheck, history: &History) -> Option<Violation> {
    checker
        .check(history)
        .expect("checkable")
        .violation()
        .cloned()
}

/// Everything a story must be, whatever else: a part of `whole` that keeps what its
/// operations need, rejected by `checker` (checked again here) as breaking the same model
/// and naming the same operation to look at, with the evidence's ids mapped back.
fn assert_sound(checker: &dyn ConsistencyCheck, whole: &History, given: &Violation, m: &Minimized) {
    assert_eq!(m.ids.len(), m.history.len());
    assert!(m.ids.windows(2).all(|w| w[0] < w[1]), "{:?}", m.ids);
    for (i, &id) in m.ids.iter().enumerate() {
        assert_eq!(m.history.op(i), whole.op(id));
    }
    let needs = Needs::of(whole, checker.name() == "linearizability");
    for &id in &m.ids {
        for need in needs.of_op(id) {
            assert!(m.ids.contains(need), "op {id} needs op {need}, left out");
        }
    }
    let again = violation(checker, &m.history).expect("the story is itself rejected");
    assert_eq!(again, m.violation, "the story's evidence is the checker's");
    assert_eq!(again.broken, given.broken);
    assert_eq!(culprit(&again).map(|i| m.ids[i]), culprit(given));
    assert_eq!(culprit(&m.violation_in_whole()), culprit(given));
    assert!(
        m.violation_in_whole()
            .ops()
            .iter()
            .all(|id| m.ids.contains(id))
    );
}

/// No operation of the story can go on its own (with what only it needed): without it,
/// the checker accepts what is left or names another reason.
fn assert_one_minimal(
    checker: &dyn ConsistencyCheck,
    whole: &History,
    given: &Violation,
    m: &Minimized,
) {
    let needs = Needs::of(whole, checker.name() == "linearizability");
    for &gone in &m.ids {
        if Some(gone) == culprit(given) {
            continue;
        }
        let mut keep = vec![false; whole.len()];
        for &id in &m.ids {
            keep[id] = id != gone;
        }
        needs.close(&mut keep);
        let ids: Vec<OpId> = (0..keep.len()).filter(|&i| keep[i]).collect();
        if ids.len() == m.ids.len() {
            continue; // another kept operation needs it
        }
        if let Some(v) = violation(checker, &whole.subset(&ids)) {
            let same = v.broken == given.broken && culprit(&v).map(|i| ids[i]) == culprit(given);
            assert!(!same, "op {gone} of the story {:?} could go", m.ids);
        }
    }
}

#[test]
fn a_stale_read_in_a_crowd_is_told_in_three_operations() {
    // Twelve writers; the last read returns a value overwritten long before.
    let mut ops = Vec::new();
    for i in 0..12u64 {
        ops.push(Operation::write(i as u32, i as i64, i * 10, i * 10 + 5));
        ops.push(Operation::read(
            i as u32,
            Some(Value::Int(i as i64)),
            i * 10 + 6,
            i * 10 + 8,
        ));
    }
    ops.push(Operation::read(99, Some(Value::Int(3)), 200, 210));
    let whole = History::from_ops(ops).unwrap();
    let given = violation(&lin(), &whole).unwrap();
    let m = minimize(&lin(), &whole, &given, Budget::default());
    assert_sound(&lin(), &whole, &given, &m);
    assert_one_minimal(&lin(), &whole, &given, &m);
    // The write of 3, one write after it, and the read.
    assert_eq!(m.history.len(), 3, "{:?}", m.history);
    assert_eq!(m.ids[0], 6);
    assert_eq!(m.ids[2], 24);
    assert!(matches!(m.history.op(1).action, Action::Write(_)));
}

#[test]
fn random_violations_shrink_to_stories_the_checker_rejects() {
    let mut shrunk = 0;
    for seed in 0..60u64 {
        let cfg = GenConfig {
            clients: 2 + (seed % 5) as u32,
            ops_per_client: 4 + (seed % 7) as usize,
            value_range: (seed % 3 == 0).then_some(3),
            cas: 0.3,
            unknown: if seed % 4 == 0 { 0.1 } else { 0.0 },
            violation: true,
            seed,
            ..GenConfig::default()
        };
        let whole = generate(&cfg);
        let Some(given) = violation(&lin(), &whole) else {
            continue; // repeated values can explain the planted read after all
        };
        let m = minimize(&lin(), &whole, &given, Budget::default());
        assert_sound(&lin(), &whole, &given, &m);
        assert!(m.checks <= Budget::default().checks);
        assert_one_minimal(&lin(), &whole, &given, &m);
        shrunk += usize::from(m.history.len() < whole.len());
    }
    assert!(shrunk >= 40, "only {shrunk} histories got smaller");
}

/// A linearizable history with one completed read or refused swap given a result it
/// could not have had.
fn corrupted(seed: u64) -> History {
    let cfg = GenConfig {
        clients: 3,
        ops_per_client: 8,
        value_range: Some(3),
        cas: 0.3,
        unknown: 0.05,
        seed,
        ..GenConfig::default()
    };
    let good = generate(&cfg);
    let mut rng = Rng::new(seed ^ 0xBAD);
    let mut ops = good.ops().to_vec();
    let observers: Vec<usize> = (0..ops.len())
        .filter(|&i| {
            matches!(ops[i].outcome, Outcome::Ok { .. })
                && ops[i].action != Action::Write(Value::Int(0))
        })
        .filter(|&i| !matches!(ops[i].action, Action::Write(_)))
        .collect();
    if let Some(&i) = observers.get(rng.below(observers.len().max(1) as u64) as usize) {
        let Outcome::Ok { at, output } = &ops[i].outcome else {
            unreachable!()
        };
        let output = match output {
            Output::Value(_) => Output::Value(Some(Value::Int(rng.below(4) as i64))),
            Output::Swapped(s) => Output::Swapped(!s),
            Output::Done => Output::Done,
        };
        ops[i].outcome = Outcome::Ok { at: *at, output };
    }
    History::from_ops(ops).unwrap()
}

#[test]
fn repeated_values_and_refused_swaps_shrink_soundly_too() {
    let mut violated = 0;
    for seed in 0..120u64 {
        let whole = corrupted(seed);
        for checker in [
            &lin() as &dyn ConsistencyCheck,
            &Sequential::new(ModelKind::CasRegister),
        ] {
            let Some(given) = violation(checker, &whole) else {
                continue;
            };
            violated += 1;
            let m = minimize(checker, &whole, &given, Budget::default());
            assert_sound(checker, &whole, &given, &m);
            assert_one_minimal(checker, &whole, &given, &m);
        }
    }
    assert!(
        violated >= 60,
        "only {violated} corrupted histories were violations"
    );
}

/// `history` with failed writes of values nobody reads, each by a client of its own:
/// still consistent, since a failed operation had no effect.
fn with_failed_writes(history: &History, seed: u64) -> History {
    let mut rng = Rng::new(seed ^ 0xFA11);
    let end = history
        .ops()
        .iter()
        .filter_map(|o| o.ret())
        .max()
        .unwrap_or(0);
    let mut ops = history.ops().to_vec();
    for i in 0..rng.below(4) {
        let call = rng.below(end + 1);
        let value = Value::Int(1_000 + i as i64);
        let ret = call + rng.below(4);
        ops.push(Operation::failed(
            500 + i as u32,
            Action::Write(value),
            call,
            ret,
        ));
    }
    History::from_ops(ops).unwrap()
}

#[test]
fn a_consistent_history_never_loses_its_way_into_a_violation() {
    // Every part the search may try keeps what its operations need; each such part of a
    // linearizable history must be linearizable, or a story could be made of nothing.
    for seed in 0..80u64 {
        let cfg = GenConfig {
            clients: 3 + (seed % 3) as u32,
            ops_per_client: 6,
            value_range: (seed % 2 == 0).then_some(2 + seed as i64 % 3),
            cas: 0.35,
            unknown: 0.1,
            seed,
            ..GenConfig::default()
        };
        let whole = with_failed_writes(&generate(&cfg), seed);
        assert_eq!(lin().check(&whole).unwrap(), Verdict::Holds, "seed {seed}");
        let mut rng = Rng::new(seed);
        let seq = Sequential::new(ModelKind::CasRegister);
        for (real_time, checker) in [(true, &lin() as &dyn ConsistencyCheck), (false, &seq)] {
            let needs = Needs::of(&whole, real_time);
            for _ in 0..40 {
                let mut keep: Vec<bool> = (0..whole.len()).map(|_| rng.chance(0.4)).collect();
                needs.close(&mut keep);
                let ids: Vec<OpId> = (0..keep.len()).filter(|&i| keep[i]).collect();
                assert_eq!(
                    checker.check(&whole.subset(&ids)).unwrap(),
                    Verdict::Holds,
                    "seed {seed}: the part {ids:?} of a history that holds, for {}",
                    checker.name()
                );
            }
        }
        // Told it was rejected when it was not, the search finds no smaller rejected part
        // and hands the history back whole.
        let fake = Violation {
            broken: "linearizability".into(),
            summary: "not so".into(),
            evidence: testkit::check::Evidence::Ops { ops: vec![0] },
        };
        let m = minimize(&lin(), &whole, &fake, Budget::default());
        assert_eq!(m.history, whole);
        assert_eq!(m.violation, fake);
    }
}

#[test]
fn every_part_of_a_small_consistent_history_that_keeps_its_needs_is_consistent() {
    // All parts, of histories small enough to try them all: two values, many swaps,
    // refused ones among them, and calls at the instant of other returns.
    let seq = Sequential::new(ModelKind::CasRegister);
    for seed in 0..700u64 {
        let cfg = GenConfig {
            clients: 3,
            ops_per_client: 3,
            max_duration: 4,
            max_gap: 1,
            value_range: Some(2),
            reads: 0.3,
            cas: 0.5,
            unknown: 0.1,
            seed,
            ..GenConfig::default()
        };
        let whole = with_failed_writes(&generate(&cfg), seed);
        for (real_time, checker) in [(true, &lin() as &dyn ConsistencyCheck), (false, &seq)] {
            let needs = Needs::of(&whole, real_time);
            let mut tried = std::collections::BTreeSet::new();
            for mask in 0u32..1 << whole.len() {
                let mut keep: Vec<bool> = (0..whole.len()).map(|i| mask & 1 << i != 0).collect();
                needs.close(&mut keep);
                if !tried.insert(keep.clone()) {
                    continue;
                }
                let ids: Vec<OpId> = (0..keep.len()).filter(|&i| keep[i]).collect();
                assert_eq!(
                    checker.check(&whole.subset(&ids)).unwrap(),
                    Verdict::Holds,
                    "seed {seed}: the part {ids:?} of {whole:?}, for {}",
                    checker.name()
                );
            }
        }
    }
}

/// A key-value history of three clients and three operations each, on two keys, with
/// writes, appends, reads (an empty value read as `nil` or as `""`) and swaps, made
/// linearizable by applying each operation at an instant inside it.
fn kv_history(seed: u64) -> History {
    let mut rng = Rng::new(seed);
    let texts = ["", "a", "b"];
    let mut drafts = Vec::new();
    for client in 0..3u32 {
        let mut t = rng.below(2);
        for _ in 0..3 {
            let (call, ret) = (t, t + 1 + rng.below(3));
            let effect = rng.between(2 * call + 1, 2 * ret - 1);
            let text = Value::from(texts[rng.below(3) as usize]);
            let key = ["x", "y"][rng.below(2) as usize];
            drafts.push((effect, call, ret, client, key, rng.below(4), text));
            t = ret + rng.below(2);
        }
    }
    drafts.sort_by_key(|d| d.0);
    let mut state: std::collections::BTreeMap<&str, String> = Default::default();
    let mut ops = Vec::new();
    for (_, call, ret, client, key, kind, text) in drafts {
        let held = state.entry(key).or_default();
        let Value::Str(s) = &text else { unreachable!() };
        let op = match kind {
            0 => {
                let seen = if held.is_empty() && rng.chance(0.5) {
                    None
                } else {
                    Some(Value::from(held.as_str()))
                };
                Operation::read(client, seen, call, ret)
            }
            1 => {
                *held = s.clone();
                Operation::write(client, text, call, ret)
            }
            2 => {
                held.push_str(s);
                Operation::append(client, text, call, ret)
            }
            _ => {
                let from = (!s.is_empty()).then(|| text.clone());
                let swapped = held.as_str() == s;
                let to = texts[rng.below(3) as usize];
                if swapped {
                    *held = to.to_owned();
                }
                Operation::cas(client, from, to, swapped, call, ret)
            }
        };
        ops.push(op.on(key));
    }
    History::from_ops(ops).unwrap()
}

#[test]
fn an_update_that_takes_no_time_is_not_taken_for_one_that_came_after_it() {
    // w(2) returns at the instant it is called, before the refused swap: it explains the
    // refusal, and no part without it may keep the swap with w(1).
    let whole = History::from_ops([
        Operation::write(0, 1, 0, 10),
        Operation::write(1, 2, 12, 12),
        Operation::cas(2, Some(Value::Int(1)), 3, false, 20, 30),
    ])
    .unwrap();
    assert_eq!(lin().check(&whole).unwrap(), Verdict::Holds);
    let needs = Needs::of(&whole, true);
    assert_eq!(needs.of_op(2), [1]);
    let mut keep = vec![true, false, true];
    needs.close(&mut keep);
    assert_eq!(keep, [true, true, true]);
}

#[test]
fn every_part_of_a_small_key_value_history_that_keeps_its_needs_is_consistent() {
    let lin = Linearizable::new(ModelKind::Kv);
    let seq = Sequential::new(ModelKind::Kv);
    for seed in 0..300u64 {
        let whole = kv_history(seed);
        assert_eq!(lin.check(&whole).unwrap(), Verdict::Holds, "{whole:?}");
        for (real_time, checker) in [(true, &lin as &dyn ConsistencyCheck), (false, &seq)] {
            let needs = Needs::of(&whole, real_time);
            let mut tried = std::collections::BTreeSet::new();
            for mask in 0u32..1 << whole.len() {
                let mut keep: Vec<bool> = (0..whole.len()).map(|i| mask & 1 << i != 0).collect();
                needs.close(&mut keep);
                if !tried.insert(keep.clone()) {
                    continue;
                }
                let ids: Vec<OpId> = (0..keep.len()).filter(|&i| keep[i]).collect();
                assert_eq!(
                    checker.check(&whole.subset(&ids)).unwrap(),
                    Verdict::Holds,
                    "seed {seed}: the part {ids:?} of {whole:?}, for {}",
                    checker.name()
                );
            }
        }
    }
}

#[test]
fn the_search_is_deterministic_and_keeps_to_its_budget() {
    let cfg = GenConfig {
        clients: 6,
        ops_per_client: 30,
        violation: true,
        seed: 7,
        ..GenConfig::default()
    };
    let whole = generate(&cfg);
    let given = violation(&lin(), &whole).unwrap();
    let first = minimize(&lin(), &whole, &given, Budget::default());
    assert_eq!(first, minimize(&lin(), &whole, &given, Budget::default()));
    assert!(
        first.history.len() <= 4,
        "{} operations, {} checks: {:?}",
        first.history.len(),
        first.checks,
        first.history
    );
    for checks in [0, 1, 5] {
        let m = minimize(&lin(), &whole, &given, Budget { checks });
        assert!(m.checks <= checks);
        assert!(m.history.len() >= first.history.len());
    }
    assert_eq!(
        minimize(&lin(), &whole, &given, Budget { checks: 0 }).history,
        whole
    );
}

#[test]
fn a_broken_session_guarantee_shrinks_to_its_sessions() {
    // c0 writes x=1 then reads x and gets nil, among other clients' traffic.
    let mut ops = vec![
        Operation::write(0, "a", 0, 10).on("x"),
        Operation::read(0, None, 20, 30).on("x"),
    ];
    for c in 1..6u32 {
        let t = u64::from(c) * 3;
        ops.push(Operation::write(c, format!("v{c}"), t, t + 2).on("y"));
        ops.push(Operation::read(c, Some(format!("v{c}").into()), t + 40, t + 41).on("y"));
    }
    let whole = History::from_ops(ops).unwrap();
    for checker in [
        &Causal as &dyn ConsistencyCheck,
        &Session(Guarantee::ReadYourWrites),
    ] {
        let given = violation(checker, &whole).unwrap();
        let m = minimize(checker, &whole, &given, Budget::default());
        assert_sound(checker, &whole, &given, &m);
        assert_eq!(m.ids, vec![0, 1], "{}", checker.name());
    }
}
