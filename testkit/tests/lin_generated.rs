//! The linearizability checker on generated histories at the scale of real test runs:
//! 32 clients, thousands of operations, timeouts, unique values. Each must be decided,
//! with the verdict the generator built in, also after a round trip through the Jepsen
//! log format.

use testkit::check::linearizable::Linearizable;
use testkit::check::{ConsistencyCheck, Verdict};
use testkit::formats::{jepsen, jepsen_write};
use testkit::generate::{GenConfig, generate};
use testkit::history::History;
use testkit::model::ModelKind;

fn check(h: &History) -> Verdict {
    Linearizable::new(ModelKind::CasRegister)
        .check(h)
        .expect("checkable")
}

fn config(seed: u64, violation: bool) -> GenConfig {
    GenConfig {
        clients: 32,
        ops_per_client: 60,
        unknown: 0.03,
        cas: 0.2,
        violation,
        seed,
        ..GenConfig::default()
    }
}

#[test]
fn long_histories_from_32_clients_are_decided_either_way() {
    for seed in 1..=3 {
        let good = generate(&config(seed, false));
        assert_eq!(good.len(), 1920);
        assert_eq!(check(&good), Verdict::Holds, "seed {seed}");

        let bad = generate(&config(seed, true));
        let verdict = check(&bad);
        let violation = verdict
            .violation()
            .unwrap_or_else(|| panic!("seed {seed}: {verdict:?}"));
        // The planted read is the one operation of the last client; the evidence names it.
        let last = *bad.clients().last().unwrap();
        let planted = bad.ops().iter().position(|o| o.client == last).unwrap();
        assert!(
            violation.ops().contains(&planted),
            "seed {seed}: {violation:?}"
        );
    }
}

/// Repeated values give the value facts less to work with; these stay smaller.
#[test]
fn histories_with_repeated_values_are_decided() {
    for seed in 1..=4 {
        let cfg = GenConfig {
            clients: 8,
            ops_per_client: 40,
            value_range: Some(5),
            ..config(seed, false)
        };
        assert_eq!(check(&generate(&cfg)), Verdict::Holds, "seed {seed}");
        let bad = generate(&GenConfig {
            violation: true,
            ..cfg
        });
        assert!(check(&bad).violation().is_some(), "seed {seed}");
    }
}

#[test]
fn jepsen_logs_written_and_read_back_keep_the_verdict() {
    for violation in [false, true] {
        let h = generate(&config(7, violation));
        let log = jepsen_write::write(&h).unwrap();
        let back = jepsen::parse(&log).unwrap();
        assert_eq!(back.len(), h.len());
        assert_eq!(check(&back).holds(), check(&h).holds());
        assert_eq!(check(&back).holds(), !violation);
    }
}

/// The generator's defaults with five repeated values and 2% unknown outcomes, as the
/// benchmark draws them.
fn five_values(clients: u32, ops_per_client: usize) -> GenConfig {
    GenConfig {
        clients,
        ops_per_client,
        value_range: Some(5),
        unknown: 0.02,
        seed: 1,
        ..GenConfig::default()
    }
}

/// With 32 clients and five values the search used to back up through every order of
/// the writes of one value, and of the operations of unknown outcome, at each dead end;
/// trying only one of each kind of twin, and the write whose value an unplaced
/// operation needs soonest first, decides this history within a fraction of the steps.
#[test]
fn five_values_from_32_clients_are_decided_within_a_small_budget() {
    let h = generate(&five_values(32, 100));
    let verdict = Linearizable::new(ModelKind::CasRegister)
        .with_budget(400_000)
        .check(&h)
        .expect("checkable");
    assert_eq!(verdict, Verdict::Holds);
}

/// A history the search cannot decide says where it was stuck, naming operations by
/// their numbers in the whole history.
#[test]
fn an_undecided_search_names_the_hard_stretch() {
    let h = generate(&five_values(64, 16));
    let verdict = Linearizable::new(ModelKind::CasRegister)
        .with_budget(100_000)
        .check(&h)
        .expect("checkable");
    let Verdict::Undecided { reason } = verdict else {
        panic!("expected undecided: {verdict:?}");
    };
    let named = |after: &str| -> usize {
        let at = reason
            .find(after)
            .unwrap_or_else(|| panic!("{after} in {reason}"))
            + after.len();
        let rest = &reason[at..];
        let id: usize = rest[..rest.find(' ').unwrap()].parse().unwrap();
        let op = h.op(id);
        let name = format!("op {id} (client {}'s {})", op.client, op.label());
        assert!(rest.starts_with(&name[3..]), "{name} in {reason}");
        id
    };
    named("cannot get past op ");
    named("other orders of what it placed from op ");
    let clients = h.clients().len();
    let overlap = reason
        .split("operations of ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("a client count in {reason}"));
    assert!(overlap > 1 && overlap <= clients, "{reason}");
}

/// With 64 clients and five values, many orders of the writes end in the same state with
/// the same writes placed and differ only in which reads they placed on the way. The
/// memo counts a configuration that placed fewer reads as covered by a failed one that
/// placed more (it has the same work left and more besides), which decides this history
/// within a quarter of the steps the exact key needed.
#[test]
fn five_values_from_64_clients_are_decided_within_a_small_budget() {
    for seed in [20, 33] {
        let h = generate(&GenConfig {
            seed,
            ..five_values(64, 25)
        });
        let verdict = Linearizable::new(ModelKind::CasRegister)
            .with_budget(40_000)
            .check(&h)
            .expect("checkable");
        assert_eq!(verdict, Verdict::Holds, "seed {seed}");
    }
}

/// Which history is hard depends on the order the search tries operations in: trying by
/// groups, each of these needs more than a million steps;
/// trying by returns, a second search taking turns with the first decides them within a
/// small budget.
#[test]
fn a_history_hard_in_one_order_is_decided_by_the_other() {
    for (ops_per_client, seed, budget) in [(25, 2, 60_000), (50, 20, 120_000)] {
        let h = generate(&GenConfig {
            seed,
            ..five_values(64, ops_per_client)
        });
        let verdict = Linearizable::new(ModelKind::CasRegister)
            .with_budget(budget)
            .check(&h)
            .expect("checkable");
        assert_eq!(verdict, Verdict::Holds, "seed {seed}");
    }
}
