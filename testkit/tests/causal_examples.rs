//! The causal checker on small hand-written histories: the post-and-reply example,
//! thin-air reads, cycles, rejected inputs, failed and unknown operations.

use pretty_assertions::assert_eq;
use testkit::check::causal::{AllSessions, Causal, Guarantee, Session};
use testkit::check::{CheckError, ConsistencyCheck, Evidence, Verdict};
use testkit::history::{Action, History, OpId, Operation, Value};

fn s(v: &str) -> Option<Value> {
    Some(Value::from(v))
}

fn i(v: i64) -> Option<Value> {
    Some(Value::Int(v))
}

/// The broken model's name and the evidence of a verdict, or `None` when it holds.
fn broken(verdict: Verdict) -> Option<(String, Vec<OpId>)> {
    match verdict {
        Verdict::Holds => None,
        Verdict::Violated(v) => match v.evidence {
            Evidence::Ops { ops } => Some((v.broken, ops)),
            other => panic!("unexpected evidence {other:?}"),
        },
        Verdict::Undecided { reason } => panic!("undecided: {reason}"),
    }
}

fn causal(h: &History) -> Option<(String, Vec<OpId>)> {
    broken(Causal.check(h).unwrap())
}

/// Alice posts, Bob reads the post and replies, Carol reads the reply and then the post.
fn post_and_reply(carol_sees_post: bool) -> History {
    let post = "lunch at noon?";
    let seen = if carol_sees_post { s(post) } else { None };
    History::from_ops([
        Operation::write(0, post, 0, 1).on("post"),
        Operation::read(1, s(post), 2, 3).on("post"),
        Operation::write(1, "yes!", 4, 5).on("reply"),
        Operation::read(2, s("yes!"), 6, 7).on("reply"),
        Operation::read(2, seen, 8, 9).on("post"),
    ])
    .unwrap()
}

#[test]
fn a_reply_seen_without_its_post_breaks_causality() {
    let h = post_and_reply(false);
    let expected = ("causal-consistency".to_owned(), vec![0, 1, 2, 3, 4]);
    assert_eq!(causal(&h), Some(expected));
    let summary = Causal
        .check(&h)
        .unwrap()
        .violation()
        .unwrap()
        .summary
        .clone();
    assert!(
        summary.contains("client 2 read post=nil at op 4"),
        "{summary}"
    );
    assert!(
        summary.contains("op 0 → op 1 → op 2 → op 3 → op 4"),
        "{summary}"
    );
}

#[test]
fn a_reply_seen_with_its_post_is_causal() {
    let h = post_and_reply(true);
    assert_eq!(causal(&h), None);
    assert_eq!(broken(AllSessions.check(&h).unwrap()), None);
}

#[test]
fn the_missing_post_is_a_writes_follow_reads_violation() {
    // Bob's reply follows his read of the post: the reply may be seen only with the post.
    let h = post_and_reply(false);
    let expected = ("writes-follow-reads".to_owned(), vec![0, 1, 2, 3, 4]);
    assert_eq!(broken(AllSessions.check(&h).unwrap()), Some(expected));
    for g in [
        Guarantee::ReadYourWrites,
        Guarantee::MonotonicReads,
        Guarantee::MonotonicWrites,
    ] {
        assert_eq!(broken(Session(g).check(&h).unwrap()), None, "{g}");
    }
}

#[test]
fn a_value_nobody_wrote_is_a_thin_air_read_for_every_check() {
    let h =
        History::from_ops([Operation::write(0, 1, 0, 1), Operation::read(1, i(7), 2, 3)]).unwrap();
    assert_eq!(causal(&h), Some(("causal-consistency".to_owned(), vec![1])));
    for g in Guarantee::ALL {
        assert_eq!(
            broken(Session(g).check(&h).unwrap()),
            Some((g.name().to_owned(), vec![1]))
        );
    }
    let all = broken(AllSessions.check(&h).unwrap());
    assert_eq!(all, Some(("session-guarantees".to_owned(), vec![1])));
    let summary = Causal
        .check(&h)
        .unwrap()
        .violation()
        .unwrap()
        .summary
        .clone();
    assert!(
        summary.starts_with("client 1 read 7 at op 1, but"),
        "{summary}"
    );
}

#[test]
fn reading_a_failed_write_is_a_thin_air_read() {
    let ops = |write_fails: bool| {
        let write = if write_fails {
            Operation::failed(0, Action::Write(Value::Int(2)), 2, 3)
        } else {
            Operation::write(0, 2, 2, 3)
        };
        History::from_ops([
            Operation::write(0, 1, 0, 1),
            write,
            Operation::read(1, i(2), 4, 5),
        ])
        .unwrap()
    };
    assert_eq!(causal(&ops(false)), None);
    assert_eq!(
        causal(&ops(true)),
        Some(("causal-consistency".into(), vec![2]))
    );
}

#[test]
fn failed_writes_are_not_own_writes() {
    // Client 0's failed write of 2 did nothing, so reading 1 afterwards is fine.
    let h = History::from_ops([
        Operation::write(0, 1, 0, 1).on("x"),
        Operation::failed(0, Action::Write(Value::Int(2)), 2, 3).on("x"),
        Operation::read(0, i(1), 4, 5).on("x"),
    ])
    .unwrap();
    assert_eq!(broken(AllSessions.check(&h).unwrap()), None);
    assert_eq!(causal(&h), None);
}

#[test]
fn reading_a_value_written_later_in_the_same_session_is_cyclic() {
    let h = History::from_ops([
        Operation::read(0, i(1), 0, 1).on("x"),
        Operation::write(0, 1, 2, 3).on("x"),
    ])
    .unwrap();
    let (name, mut ops) = causal(&h).unwrap();
    ops.sort_unstable();
    assert_eq!((name.as_str(), ops), ("causal-consistency", vec![0, 1]));
    let summary = Causal
        .check(&h)
        .unwrap()
        .violation()
        .unwrap()
        .summary
        .clone();
    assert!(summary.contains("circle"), "{summary}");
    // The same operations in the other order are fine.
    let fine = History::from_ops([
        Operation::write(0, 1, 0, 1).on("x"),
        Operation::read(0, i(1), 2, 3).on("x"),
    ])
    .unwrap();
    assert_eq!(causal(&fine), None);
}

#[test]
fn a_cycle_through_two_clients_is_found() {
    // Each client reads the value the other writes only after its own read.
    let h = History::from_ops([
        Operation::read(0, i(2), 0, 1).on("y"),
        Operation::write(0, 1, 2, 3).on("x"),
        Operation::read(1, i(1), 0, 1).on("x"),
        Operation::write(1, 2, 2, 3).on("y"),
    ])
    .unwrap();
    let (_, mut ops) = causal(&h).unwrap();
    ops.sort_unstable();
    assert_eq!(ops, vec![0, 1, 2, 3]);
    let (name, _) = broken(Session(Guarantee::MonotonicReads).check(&h).unwrap()).unwrap();
    assert_eq!(name, "monotonic-reads");
}

#[test]
fn values_written_twice_to_one_key_are_rejected() {
    let h = History::from_ops([
        Operation::write(0, 1, 0, 1).on("x"),
        Operation::write(1, 1, 0, 1).on("y"),
        Operation::write(1, 1, 2, 3).on("x"),
    ])
    .unwrap();
    let expected = CheckError::ValuesNotUnique {
        value: "1".into(),
        ops: [0, 2],
    };
    assert_eq!(Causal.check(&h), Err(expected.clone()));
    assert_eq!(AllSessions.check(&h), Err(expected));
    // The same value under different keys, or again in a failed write, is fine.
    let fine = History::from_ops([
        Operation::write(0, 1, 0, 1).on("x"),
        Operation::write(1, 1, 0, 1).on("y"),
        Operation::failed(1, Action::Write(Value::Int(1)), 2, 3).on("x"),
    ])
    .unwrap();
    assert_eq!(Causal.check(&fine), Ok(Verdict::Holds));
}

#[test]
fn appends_are_unsupported() {
    let h = History::from_ops([
        Operation::write(0, "a", 0, 1).on("x"),
        Operation::append(0, "b", 2, 3).on("x"),
    ])
    .unwrap();
    match Causal.check(&h) {
        Err(CheckError::Unsupported { op: 1, what }) => assert!(what.contains("append")),
        other => panic!("expected unsupported, got {other:?}"),
    }
}

#[test]
fn an_unknown_write_may_be_read() {
    let h = History::from_ops([
        Operation::unknown(0, Action::Write(Value::Int(1)), 0),
        Operation::read(1, i(1), 5, 6),
        Operation::read(1, i(1), 7, 8),
    ])
    .unwrap();
    assert_eq!(causal(&h), None);
    assert_eq!(broken(AllSessions.check(&h).unwrap()), None);
}

/// Client 0 writes x=1 (outcome known or not), then x=2; client 1 reads 2, then 1.
fn late_first_write(first_known: bool) -> History {
    let first = if first_known {
        Operation::write(0, 1, 0, 1)
    } else {
        Operation::unknown(0, Action::Write(Value::Int(1)), 0)
    };
    History::from_ops([
        first.on("x"),
        Operation::write(0, 2, 2, 3).on("x"),
        Operation::read(1, i(2), 4, 5).on("x"),
        Operation::read(1, i(1), 6, 7).on("x"),
    ])
    .unwrap()
}

#[test]
fn an_unknown_write_may_land_after_its_clients_later_writes() {
    // Client 0 gave up on writing 1; the store may apply it after 2, so reading 2 then 1
    // is legal.
    let h = late_first_write(false);
    assert_eq!(causal(&h), None);
    assert_eq!(broken(AllSessions.check(&h).unwrap()), None);
}

#[test]
fn a_completed_write_cannot_land_after_its_clients_later_writes() {
    let h = late_first_write(true);
    assert_eq!(
        causal(&h),
        Some(("causal-consistency".into(), vec![0, 1, 2, 3]))
    );
    let mr = Session(Guarantee::MonotonicReads).check(&h).unwrap();
    assert_eq!(
        broken(mr),
        Some(("monotonic-reads".into(), vec![0, 1, 2, 3]))
    );
}

/// Client 0 writes x=1, x=3, then a cas 1 -> 2 of unknown outcome; client 1 reads x.
fn unknown_cas(read_by_other: Option<i64>) -> History {
    let cas = Action::Cas {
        from: i(1),
        to: Value::Int(2),
    };
    let mut ops = vec![
        Operation::write(0, 1, 0, 1).on("x"),
        Operation::write(0, 3, 2, 3).on("x"),
        Operation::unknown(0, cas, 4).on("x"),
    ];
    if let Some(v) = read_by_other {
        ops.push(Operation::read(1, i(v), 5, 6).on("x"));
    }
    History::from_ops(ops).unwrap()
}

#[test]
fn an_unknown_cas_reads_only_if_its_value_was_seen() {
    let ryw = Session(Guarantee::ReadYourWrites);
    // Nobody saw 2: the cas may never have run, so it read nothing.
    assert_eq!(broken(ryw.check(&unknown_cas(None)).unwrap()), None);
    assert_eq!(broken(ryw.check(&unknown_cas(Some(3))).unwrap()), None);
    // Someone saw 2: the cas swapped, so it read 1 after its client had written 3.
    let h = unknown_cas(Some(2));
    assert_eq!(
        broken(ryw.check(&h).unwrap()),
        Some(("read-your-writes".into(), vec![0, 1, 2]))
    );
}

#[test]
fn every_violation_is_listed() {
    // Two readers each miss the post.
    let h = History::from_ops([
        Operation::write(0, "p", 0, 1).on("post"),
        Operation::read(1, s("p"), 2, 3).on("post"),
        Operation::write(1, "r", 4, 5).on("reply"),
        Operation::read(2, s("r"), 6, 7).on("reply"),
        Operation::read(2, None, 8, 9).on("post"),
        Operation::read(3, s("r"), 6, 7).on("reply"),
        Operation::read(3, None, 8, 9).on("post"),
    ])
    .unwrap();
    let stale: Vec<OpId> = Causal
        .violations(&h)
        .unwrap()
        .iter()
        .map(|v| *v.ops().last().unwrap())
        .collect();
    assert_eq!(stale, vec![4, 6]);
    let all = AllSessions.violations(&h).unwrap();
    let names: Vec<&str> = all.iter().map(|v| v.broken.as_str()).collect();
    assert_eq!(names, vec!["writes-follow-reads", "writes-follow-reads"]);
}
