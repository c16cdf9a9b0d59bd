//! The sequential consistency checker on histories that are sequentially consistent by
//! construction but usually not linearizable, and on the same histories with one client
//! contradicting its own order.

use pretty_assertions::assert_eq;
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::check::{ConsistencyCheck, Verdict};
use testkit::generate::{GenConfig, generate};
use testkit::history::{History, Operation, Value};
use testkit::model::ModelKind;
use testkit::rng::Rng;

/// Each client runs `per_client` reads and writes one after another in real time; the
/// order in which they take effect is a random merge of the clients' sequences that
/// ignores real time, like replicas that apply writes late. Values are unique.
fn sequential_history(seed: u64, clients: u32, per_client: usize) -> History {
    let mut rng = Rng::new(seed);
    let mut remaining: Vec<usize> = vec![per_client; clients as usize];
    let mut plan: Vec<Vec<(bool, Option<Value>)>> = vec![Vec::new(); clients as usize];
    let (mut state, mut fresh) = (None, 0);
    while remaining.iter().any(|&r| r > 0) {
        let live: Vec<usize> = (0..remaining.len()).filter(|&c| remaining[c] > 0).collect();
        let c = live[rng.index(live.len())];
        remaining[c] -= 1;
        if rng.chance(0.5) {
            plan[c].push((false, state.clone()));
        } else {
            fresh += 1;
            state = Some(Value::Int(fresh));
            plan[c].push((true, state.clone()));
        }
    }
    let mut ops = Vec::new();
    for (c, steps) in plan.into_iter().enumerate() {
        let mut t = rng.below(5);
        for (is_write, value) in steps {
            let ret = t + rng.between(1, 6);
            ops.push(match (is_write, value) {
                (true, Some(v)) => Operation::write(c as u32, v, t, ret),
                (_, seen) => Operation::read(c as u32, seen, t, ret),
            });
            t = ret + rng.below(4);
        }
    }
    History::from_ops(ops).unwrap()
}

/// The same history with one more read by a client that wrote twice: it returns the
/// client's first value after its second write, which no order keeping that client's
/// own order explains.
fn with_own_stale_read(h: &History) -> Option<History> {
    for c in h.clients() {
        let writes: Vec<&Operation> = h
            .ops()
            .iter()
            .filter(|o| o.client == c && o.action.written().is_some())
            .collect();
        if writes.len() >= 2 {
            let end = h
                .ops()
                .iter()
                .filter(|o| o.client == c)
                .filter_map(Operation::ret)
                .max()?;
            let stale = writes[0].action.written().cloned();
            let mut ops = h.ops().to_vec();
            ops.push(Operation::read(c, stale, end + 1, end + 2));
            return Some(History::from_ops(ops).unwrap());
        }
    }
    None
}

#[test]
fn histories_keeping_each_clients_order_are_sequentially_consistent() {
    let mut not_linearizable = 0;
    for seed in 0..200 {
        let h = sequential_history(seed, 1 + (seed % 4) as u32, 8);
        let seq = Sequential::new(ModelKind::Register).check(&h).unwrap();
        assert_eq!(seq, Verdict::Holds, "seed {seed}");
        let lin = Linearizable::new(ModelKind::Register).check(&h).unwrap();
        if !lin.holds() {
            not_linearizable += 1;
        }
    }
    // The generator ignores real time, so most of these need the sequential search.
    assert!(not_linearizable > 100, "only {not_linearizable} needed it");
}

#[test]
fn a_client_reading_its_own_overwritten_value_breaks_sequential_consistency() {
    let mut planted = 0;
    for seed in 0..200 {
        let h = sequential_history(seed, 1 + (seed % 4) as u32, 8);
        let Some(bad) = with_own_stale_read(&h) else {
            continue;
        };
        planted += 1;
        let verdict = Sequential::new(ModelKind::Register).check(&bad).unwrap();
        let violation = verdict
            .violation()
            .unwrap_or_else(|| panic!("seed {seed}: {verdict:?}"));
        assert_eq!(violation.broken, "sequential consistency");
        assert!(
            violation.summary.contains("each client's own order"),
            "{}",
            violation.summary
        );
    }
    assert!(planted > 150, "{planted}");
}

#[test]
fn an_unknown_write_may_be_placed_late_or_never() {
    use testkit::history::Action;
    let lost = Operation::unknown(0, Action::Write(1.into()), 0);
    let seen = History::from_ops([
        lost.clone(),
        Operation::read(1, None, 5, 6),
        Operation::read(1, Some(1.into()), 7, 8),
    ])
    .unwrap();
    assert!(
        Sequential::new(ModelKind::Register)
            .check(&seen)
            .unwrap()
            .holds()
    );
    let undone = History::from_ops([
        lost,
        Operation::read(1, Some(1.into()), 5, 6),
        Operation::read(1, None, 7, 8),
    ])
    .unwrap();
    assert!(
        !Sequential::new(ModelKind::Register)
            .check(&undone)
            .unwrap()
            .holds()
    );
}

/// A check that runs out of steps says where each of its searches was stuck, naming
/// operations by their numbers in the history, with their clients and labels.
#[test]
fn an_undecided_check_names_where_each_search_was_stuck() {
    // The hard part of one search, named in `reason`: the operation it could not get
    // past, checked against the history.
    fn part(h: &History, reason: &str, which: &str) -> bool {
        let Some(at) = reason.find(&format!("The search in {which}: its longest order places"))
        else {
            return false;
        };
        let rest = &reason[at..];
        let from = rest.find("cannot get past op ").expect(reason) + "cannot get past op ".len();
        let id: usize = rest[from..].split(' ').next().unwrap().parse().unwrap();
        let op = h.op(id);
        let named = format!("{id} (client {}'s {})", op.client, op.label());
        assert!(rest[from..].starts_with(&named), "{named} in {reason}");
        true
    }
    let undecided = |h: &History| match Sequential::new(ModelKind::Register)
        .with_budget(40)
        .check(h)
        .unwrap()
    {
        Verdict::Undecided { reason } => reason,
        other => panic!("expected undecided: {other:?}"),
    };
    // Not linearizable: only the search in each client's order runs.
    for seed in 0..20 {
        let h = sequential_history(seed, 6, 30);
        let reason = undecided(&h);
        assert!(
            reason.contains("the history is not linearizable"),
            "{reason}"
        );
        assert!(
            part(&h, &reason, "each client's order"),
            "seed {seed}: {reason}"
        );
        assert!(
            !part(&h, &reason, "real-time order"),
            "seed {seed}: {reason}"
        );
    }
    // Linearizable (one operation after another in real time): both run out.
    let mut ops = Vec::new();
    for i in 0..120u64 {
        let client = (i % 4) as u32;
        ops.push(if i % 3 == 0 {
            Operation::write(client, Value::Int(i as i64), 2 * i, 2 * i + 1)
        } else {
            let last = i - i % 3;
            Operation::read(client, Some(Value::Int(last as i64)), 2 * i, 2 * i + 1)
        });
    }
    let h = History::from_ops(ops).unwrap();
    let reason = undecided(&h);
    assert!(
        reason.contains("(neither the search in real-time order"),
        "{reason}"
    );
    assert!(part(&h, &reason, "real-time order"), "{reason}");
    assert!(part(&h, &reason, "each client's order"), "{reason}");
}

/// Linearizable but for one client that was behind: its one read returned a value
/// another client had already overwritten (the generator's planted stale read). That is
/// sequentially consistent, and the search in real time with that client widened in the
/// gaps of its own order finds the order in one pass, where the search in each client's
/// order alone got lost among the orders of 32 clients (some 400 with the clients that
/// replace those that timed out) and used up 50 million steps.
#[test]
fn a_client_that_was_behind_is_found_consistent_within_a_small_budget() {
    for seed in 1..=3 {
        let h = generate(&GenConfig {
            clients: 32,
            ops_per_client: 625,
            unknown: 0.02,
            violation: true,
            seed,
            ..GenConfig::default()
        });
        let lin = Linearizable::new(ModelKind::CasRegister).check(&h).unwrap();
        assert!(lin.violation().is_some(), "seed {seed}: {lin:?}");
        let verdict = Sequential::new(ModelKind::CasRegister)
            .with_budget(1_000_000)
            .check(&h)
            .unwrap();
        assert_eq!(verdict, Verdict::Holds, "seed {seed}");
    }
}
