//! The linearizability checker on the chapter's examples and on generated histories.

use pretty_assertions::assert_eq;
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::check::{CheckError, ConsistencyCheck, Evidence, Verdict};
use testkit::generate::{GenConfig, generate};
use testkit::history::{Action, History, Operation as Op, Value};
use testkit::model::ModelKind;

fn v(i: i64) -> Option<Value> {
    Some(Value::Int(i))
}

fn lin(model: ModelKind, h: &History) -> Verdict {
    Linearizable::new(model).check(h).expect("checkable")
}

fn history(ops: impl IntoIterator<Item = Op>) -> History {
    History::from_ops(ops).expect("well formed")
}

#[test]
fn a_read_overlapping_a_write_may_return_either_value() {
    //  c0  [w(1)------------]
    //  c1      [r:?---]
    for seen in [None, v(1)] {
        let h = history([Op::write(0, 1, 0, 10), Op::read(1, seen, 2, 8)]);
        assert_eq!(lin(ModelKind::Register, &h), Verdict::Holds);
    }
}

#[test]
fn a_read_after_a_write_returned_must_see_it() {
    //  c0  [w(1)--]
    //  c1            [r:nil]
    let h = history([Op::write(0, 1, 0, 10), Op::read(1, None, 11, 12)]);
    let verdict = lin(ModelKind::Register, &h);
    let violation = verdict.violation().expect("stale read caught");
    assert_eq!(violation.broken, "linearizability");
    assert_eq!(
        violation.evidence,
        Evidence::PartialOrder {
            prefix: vec![0],
            state: "1".into(),
            blocked: vec![1]
        }
    );
    assert!(
        violation.summary.contains("client 1's r:nil"),
        "{}",
        violation.summary
    );
}

#[test]
fn sequential_but_not_linearizable() {
    // The chapter's example: the read returns the old value after the write finished.
    // Putting the read first keeps each client's order, so it is sequentially consistent.
    let h = history([Op::write(0, 1, 0, 1), Op::read(1, None, 2, 3)]);
    assert!(!lin(ModelKind::Register, &h).holds());
    assert_eq!(
        Sequential::new(ModelKind::Register).check(&h),
        Ok(Verdict::Holds)
    );
}

#[test]
fn two_reads_disagreeing_on_the_order_of_writes_break_both_models() {
    //  c0  [w(1)] [w(2)]
    //  c1                [r:2] [r:1]
    let h = history([
        Op::write(0, 1, 0, 1),
        Op::write(0, 2, 2, 3),
        Op::read(1, v(2), 4, 5),
        Op::read(1, v(1), 6, 7),
    ]);
    assert!(!lin(ModelKind::Register, &h).holds());
    let seq = Sequential::new(ModelKind::Register).check(&h).unwrap();
    let violation = seq.violation().expect("not sequentially consistent");
    assert_eq!(violation.broken, "sequential consistency");
}

#[test]
fn only_one_of_two_concurrent_swaps_from_empty_can_succeed() {
    let both = history([
        Op::cas(0, None, 1, true, 0, 10),
        Op::cas(1, None, 2, true, 0, 10),
    ]);
    assert!(!lin(ModelKind::CasRegister, &both).holds());
    let one = history([
        Op::cas(0, None, 1, true, 0, 10),
        Op::cas(1, None, 2, false, 0, 10),
    ]);
    assert_eq!(lin(ModelKind::CasRegister, &one), Verdict::Holds);
}

#[test]
fn a_failed_swap_is_legal_only_where_the_value_differs() {
    let h = history([Op::write(0, 1, 0, 1), Op::cas(1, v(1), 2, false, 2, 3)]);
    assert!(!lin(ModelKind::CasRegister, &h).holds());
    let h = history([Op::write(0, 3, 0, 1), Op::cas(1, v(1), 2, false, 2, 3)]);
    assert!(lin(ModelKind::CasRegister, &h).holds());
}

#[test]
fn a_swap_of_a_value_for_itself_is_a_read_of_it() {
    //  c0  [w(1)]
    //  c1        [cas(1->1)------------]
    //  c2           [w(2)]
    //  c3                                 [r:2]
    let h = history([
        Op::write(0, 1, 0, 1),
        Op::cas(1, v(1), 1, true, 2, 10),
        Op::write(2, 2, 3, 4),
        Op::read(3, v(2), 11, 12),
    ]);
    assert_eq!(lin(ModelKind::CasRegister, &h), Verdict::Holds);
    // Called after the overwrite returned, it finds 2 and cannot have swapped.
    let h = history([
        Op::write(0, 1, 0, 1),
        Op::write(2, 2, 2, 3),
        Op::cas(1, v(1), 1, true, 4, 5),
    ]);
    assert!(!lin(ModelKind::CasRegister, &h).holds());
}

#[test]
fn each_swap_from_a_value_needs_a_write_of_it_of_its_own() {
    // Two swaps from 1 that both succeeded, and one write of 1 for them: after the
    // first swap the value is gone.
    let swaps = || {
        [
            Op::cas(1, v(1), 2, true, 0, 10),
            Op::cas(2, v(1), 3, true, 0, 10),
        ]
    };
    let one = history([Op::write(0, 1, 0, 10)].into_iter().chain(swaps()));
    assert!(!lin(ModelKind::CasRegister, &one).holds());
    // A second write of 1 called in time serves the second swap.
    let two = history(
        [Op::write(0, 1, 0, 10), Op::write(3, 1, 0, 10)]
            .into_iter()
            .chain(swaps()),
    );
    assert_eq!(lin(ModelKind::CasRegister, &two), Verdict::Holds);
    // One called after both swaps returned does not.
    let late = history(
        [Op::write(0, 1, 0, 10), Op::write(3, 1, 11, 12)]
            .into_iter()
            .chain(swaps()),
    );
    assert!(!lin(ModelKind::CasRegister, &late).holds());
}

#[test]
fn an_unknown_write_can_set_up_an_unknown_swap() {
    // Neither is known to have happened, but the read of 4 needs both: the write of 1,
    // then the swap from 1 to 4.
    let cas = || Action::Cas {
        from: v(1),
        to: 4.into(),
    };
    let h = history([
        Op::unknown(0, Action::Write(1.into()), 0),
        Op::unknown(1, cas(), 2),
        Op::read(2, v(4), 6, 7),
    ]);
    assert_eq!(lin(ModelKind::CasRegister, &h), Verdict::Holds);
    // The same, among other operations: the swap, the only writer of 4, is given the
    // read's return as its deadline, and the write of 1 is still tried for it.
    let h = history([
        Op::read(2, None, 0, 0),
        Op::unknown(1, Action::Write(1.into()), 0),
        Op::cas(3, v(2), 3, false, 1, 3),
        Op::unknown(2, cas(), 2),
        Op::failed(
            3,
            Action::Cas {
                from: v(5),
                to: 8.into(),
            },
            3,
            3,
        ),
        Op::write(3, 5, 6, 8),
        Op::read(1, v(4), 6, 7),
        Op::cas(3, v(6), 7, false, 9, 10),
    ]);
    assert_eq!(lin(ModelKind::CasRegister, &h), Verdict::Holds);
    // Without a write of 1 the swap cannot have swapped.
    let h = history([
        Op::unknown(0, Action::Write(2.into()), 0),
        Op::unknown(1, cas(), 2),
        Op::read(2, v(4), 6, 7),
    ]);
    assert!(!lin(ModelKind::CasRegister, &h).holds());
}

#[test]
fn an_unknown_swap_stands_in_for_an_unknown_write_only_while_it_can_go() {
    let swap = || Action::Cas {
        from: v(1),
        to: 2.into(),
    };
    // The first read of 2 has the swap and the write to choose from; the second, after
    // the value is 1 again, only the write: the swap left is called after it returned.
    let h = history([
        Op::write(0, 1, 0, 10),
        Op::unknown(4, swap(), 15),
        Op::unknown(7, Action::Write(2.into()), 16),
        Op::read(5, v(2), 20, 30),
        Op::write(6, 1, 40, 50),
        Op::read(2, v(2), 70, 80),
        Op::unknown(3, swap(), 90),
    ]);
    assert_eq!(lin(ModelKind::CasRegister, &h), Verdict::Holds);
    // Without the write, nothing can give the second read its 2.
    let h = history([
        Op::write(0, 1, 0, 10),
        Op::unknown(4, swap(), 15),
        Op::read(5, v(2), 20, 30),
        Op::write(6, 1, 40, 50),
        Op::read(2, v(2), 70, 80),
        Op::unknown(3, swap(), 90),
    ]);
    assert!(!lin(ModelKind::CasRegister, &h).holds());
}

#[test]
fn an_unknown_write_may_take_effect_later_or_never() {
    let lost = || Op::unknown(0, Action::Write(1.into()), 0);
    // It took effect between the two reads.
    let h = history([lost(), Op::read(1, None, 5, 6), Op::read(1, v(1), 7, 8)]);
    assert!(lin(ModelKind::Register, &h).holds());
    // It never took effect.
    let h = history([lost(), Op::read(1, None, 5, 6), Op::read(1, None, 7, 8)]);
    assert!(lin(ModelKind::Register, &h).holds());
    // Once seen, it cannot be undone.
    let h = history([lost(), Op::read(1, v(1), 5, 6), Op::read(1, None, 7, 8)]);
    assert!(!lin(ModelKind::Register, &h).holds());
    // It cannot take effect before its call.
    let late = Op::unknown(0, Action::Write(1.into()), 10);
    let h = history([late, Op::read(1, v(1), 5, 6)]);
    assert!(!lin(ModelKind::Register, &h).holds());
}

#[test]
fn a_failed_write_never_took_effect() {
    let h = history([
        Op::failed(0, Action::Write(1.into()), 0, 1),
        Op::read(1, v(1), 2, 3),
    ]);
    assert!(!lin(ModelKind::Register, &h).holds());
}

#[test]
fn keys_are_checked_independently_and_evidence_names_the_key() {
    let h = history([
        Op::append(0, "a", 0, 1).on("x"),
        Op::append(1, "b", 0, 1).on("y"),
        Op::read(2, Some("a".into()), 2, 3).on("x"),
        Op::read(2, Some("".into()), 4, 5).on("y"),
    ]);
    let verdict = lin(ModelKind::Kv, &h);
    let violation = verdict.violation().expect("y read empty after the append");
    assert!(
        violation.summary.contains("key \"y\""),
        "{}",
        violation.summary
    );
    assert_eq!(violation.ops(), vec![1, 3]);
}

#[test]
fn actions_the_model_lacks_are_input_errors_not_violations() {
    let h = history([Op::cas(0, None, 1, true, 0, 1)]);
    let err = Linearizable::new(ModelKind::Register)
        .check(&h)
        .unwrap_err();
    assert!(
        matches!(err, CheckError::Unsupported { op: 0, .. }),
        "{err}"
    );
}

#[test]
fn running_out_of_budget_is_undecided_and_never_a_pass() {
    let cfg = GenConfig {
        clients: 8,
        ops_per_client: 30,
        seed: 1,
        ..GenConfig::default()
    };
    let h = generate(&cfg);
    let verdict = Linearizable::new(ModelKind::CasRegister)
        .with_budget(10)
        .check(&h)
        .unwrap();
    assert!(matches!(verdict, Verdict::Undecided { .. }), "{verdict:?}");
    assert!(!verdict.holds());
    assert!(lin(ModelKind::CasRegister, &h).holds());
}

#[test]
fn generated_histories_are_linearizable_and_one_stale_read_breaks_them() {
    for seed in 0..300 {
        let cfg = GenConfig {
            clients: 1 + (seed % 6) as u32,
            ops_per_client: 12,
            unknown: 0.1,
            cas: 0.3,
            seed,
            ..GenConfig::default()
        };
        let good = generate(&cfg);
        assert_eq!(
            lin(ModelKind::CasRegister, &good),
            Verdict::Holds,
            "seed {seed}"
        );
        let seq = Sequential::new(ModelKind::CasRegister)
            .check(&good)
            .unwrap();
        assert_eq!(
            seq,
            Verdict::Holds,
            "linearizable implies sequential, seed {seed}"
        );
        let bad = generate(&GenConfig {
            violation: true,
            ..cfg
        });
        let verdict = lin(ModelKind::CasRegister, &bad);
        let violation = verdict
            .violation()
            .unwrap_or_else(|| panic!("seed {seed}: {verdict:?}"));
        // The planted read is the last operation of the new client.
        let planted = bad
            .ops()
            .iter()
            .rposition(|o| o.client == bad.clients()[bad.clients().len() - 1])
            .unwrap();
        assert!(
            violation.ops().contains(&planted),
            "seed {seed}: {violation:?}"
        );
    }
}

#[test]
fn generated_histories_with_repeated_values_stay_linearizable() {
    for seed in 0..200 {
        let cfg = GenConfig {
            clients: 4,
            ops_per_client: 15,
            value_range: Some(3),
            unknown: 0.05,
            cas: 0.4,
            seed,
            ..GenConfig::default()
        };
        assert_eq!(
            lin(ModelKind::CasRegister, &generate(&cfg)),
            Verdict::Holds,
            "seed {seed}"
        );
        let bad = generate(&GenConfig {
            violation: true,
            ..cfg
        });
        assert!(!lin(ModelKind::CasRegister, &bad).holds(), "seed {seed}");
    }
}

#[test]
fn explain_draws_the_violating_part_with_the_blocked_operation_highlighted() {
    let h = history([
        Op::write(0, 1, 0, 10),
        Op::write(1, 2, 20, 30),
        Op::read(2, v(1), 40, 50),
    ]);
    let verdict = lin(ModelKind::Register, &h);
    let text = verdict.violation().unwrap().explain(&h);
    assert!(text.starts_with("linearizability violated: "), "{text}");
    assert!(text.contains("c2"), "{text}");
    assert!(text.contains("[r:1="), "{text}");
    assert!(text.contains("highlighted: op 2"), "{text}");
}
