//! Each session guarantee: a history that breaks it, reported with the right guarantee
//! and operations, and a similar history that keeps it.

use pretty_assertions::assert_eq;
use testkit::check::causal::{AllSessions, Causal, Guarantee, Session};
use testkit::check::{ConsistencyCheck, Verdict, Violation};
use testkit::history::{History, OpId, Operation, Value};

fn i(v: i64) -> Option<Value> {
    Some(Value::Int(v))
}

/// Which guarantees `h` breaks, with the evidence of each.
fn broken_guarantees(h: &History) -> Vec<(Guarantee, Vec<OpId>)> {
    Guarantee::ALL
        .into_iter()
        .filter_map(|g| match Session(g).check(h).unwrap() {
            Verdict::Holds => None,
            Verdict::Violated(v) => Some((g, v.ops())),
            Verdict::Undecided { reason } => panic!("undecided: {reason}"),
        })
        .collect()
}

fn first(h: &History, g: Guarantee) -> Violation {
    Session(g).check(h).unwrap().violation().unwrap().clone()
}

/// Client 0 writes x=1 and x=2, then reads x.
fn own_writes(read: Option<Value>) -> History {
    History::from_ops([
        Operation::write(0, 1, 0, 1).on("x"),
        Operation::write(0, 2, 2, 3).on("x"),
        Operation::write(1, 3, 2, 3).on("x"),
        Operation::read(0, read, 4, 5).on("x"),
    ])
    .unwrap()
}

#[test]
fn reading_an_overwritten_own_write_breaks_read_your_writes() {
    let h = own_writes(i(1));
    assert_eq!(
        broken_guarantees(&h),
        vec![(Guarantee::ReadYourWrites, vec![0, 1, 3])]
    );
    let summary = first(&h, Guarantee::ReadYourWrites).summary;
    assert!(summary.starts_with("client 0 wrote op 1"), "{summary}");
    assert!(summary.contains("read x=1 at op 3"), "{summary}");
    assert!(!Causal.check(&h).unwrap().holds());
}

#[test]
fn reading_nil_after_an_own_write_breaks_read_your_writes() {
    let h = own_writes(None);
    assert_eq!(
        broken_guarantees(&h),
        vec![(Guarantee::ReadYourWrites, vec![0, 3])]
    );
}

#[test]
fn reading_the_own_write_or_a_concurrent_one_keeps_read_your_writes() {
    // Client 1's write of 3 is concurrent with client 0's: either may win.
    for value in [2, 3] {
        let h = own_writes(i(value));
        assert_eq!(broken_guarantees(&h), vec![], "read {value}");
        assert!(Causal.check(&h).unwrap().holds());
    }
}

/// Client 1 writes x=1 then x=2; client 0 reads x twice.
fn two_reads(first: i64, second: i64) -> History {
    History::from_ops([
        Operation::write(1, 1, 0, 1).on("x"),
        Operation::write(1, 2, 2, 3).on("x"),
        Operation::read(0, i(first), 4, 5).on("x"),
        Operation::read(0, i(second), 6, 7).on("x"),
    ])
    .unwrap()
}

#[test]
fn going_back_to_an_older_value_breaks_monotonic_reads() {
    let h = two_reads(2, 1);
    assert_eq!(
        broken_guarantees(&h),
        vec![(Guarantee::MonotonicReads, vec![0, 1, 2, 3])]
    );
    let summary = first(&h, Guarantee::MonotonicReads).summary;
    assert!(
        summary.contains("client 0 read x=2 at op 2 (written by op 1) and later read x=1 at op 3"),
        "{summary}"
    );
}

#[test]
fn reading_forward_keeps_monotonic_reads() {
    assert_eq!(broken_guarantees(&two_reads(1, 2)), vec![]);
    assert_eq!(broken_guarantees(&two_reads(2, 2)), vec![]);
}

#[test]
fn reads_of_concurrent_writes_may_alternate() {
    // Without an order between the writes of 1 and 2, no read is stale: this checker does
    // not require replicas to converge on one order.
    let h = History::from_ops([
        Operation::write(1, 1, 0, 1).on("x"),
        Operation::write(2, 2, 0, 1).on("x"),
        Operation::read(0, i(1), 4, 5).on("x"),
        Operation::read(0, i(2), 6, 7).on("x"),
        Operation::read(0, i(1), 8, 9).on("x"),
    ])
    .unwrap();
    assert_eq!(broken_guarantees(&h), vec![]);
    assert!(Causal.check(&h).unwrap().holds());
}

/// Client 0 writes x=1 then y=1; client 1 reads y=1 then x.
fn writes_then_reads(x_seen: Option<Value>) -> History {
    History::from_ops([
        Operation::write(0, 1, 0, 1).on("x"),
        Operation::write(0, 1, 2, 3).on("y"),
        Operation::read(1, i(1), 4, 5).on("y"),
        Operation::read(1, x_seen, 6, 7).on("x"),
    ])
    .unwrap()
}

#[test]
fn seeing_a_later_write_without_the_earlier_breaks_monotonic_writes() {
    let h = writes_then_reads(None);
    assert_eq!(
        broken_guarantees(&h),
        vec![(Guarantee::MonotonicWrites, vec![0, 1, 2, 3])]
    );
    let summary = first(&h, Guarantee::MonotonicWrites).summary;
    assert!(summary.starts_with("client 0 wrote op 0"), "{summary}");
    assert!(summary.contains("client 1 read it at op 2"), "{summary}");
}

#[test]
fn seeing_both_writes_keeps_monotonic_writes() {
    assert_eq!(broken_guarantees(&writes_then_reads(i(1))), vec![]);
}

#[test]
fn monotonic_writes_also_covers_writes_that_depend_on_the_later_one() {
    // Client 2 reads z=5, written by client 3 after it read y=1; it then misses x=1.
    let h = History::from_ops([
        Operation::write(0, 1, 0, 1).on("x"),
        Operation::write(0, 1, 2, 3).on("y"),
        Operation::read(3, i(1), 4, 5).on("y"),
        Operation::write(3, 5, 6, 7).on("z"),
        Operation::read(2, i(5), 8, 9).on("z"),
        Operation::read(2, None, 10, 11).on("x"),
    ])
    .unwrap();
    let v = first(&h, Guarantee::MonotonicWrites);
    assert_eq!(v.ops(), vec![0, 1, 2, 3, 4, 5]);
    assert!(v.summary.contains("depends on it"), "{}", v.summary);
}

/// Client 0 writes x=0 then x=1; client 1 reads x=1 and writes y=2; client 2 reads y=2
/// then x.
fn reply_after_read(x_seen: i64) -> History {
    History::from_ops([
        Operation::write(0, 0, 0, 1).on("x"),
        Operation::write(0, 1, 2, 3).on("x"),
        Operation::read(1, i(1), 4, 5).on("x"),
        Operation::write(1, 2, 6, 7).on("y"),
        Operation::read(2, i(2), 8, 9).on("y"),
        Operation::read(2, i(x_seen), 10, 11).on("x"),
    ])
    .unwrap()
}

#[test]
fn seeing_a_write_without_what_its_writer_read_breaks_writes_follow_reads() {
    let h = reply_after_read(0);
    assert_eq!(
        broken_guarantees(&h),
        vec![(Guarantee::WritesFollowReads, vec![0, 1, 2, 3, 4, 5])]
    );
    let summary = first(&h, Guarantee::WritesFollowReads).summary;
    assert!(
        summary.starts_with("client 1 read x=1 at op 2 (written by op 1) and then wrote op 3"),
        "{summary}"
    );
    let all = AllSessions.check(&h).unwrap();
    assert_eq!(all.violation().unwrap().broken, "writes-follow-reads");
}

#[test]
fn seeing_the_write_with_what_its_writer_read_keeps_writes_follow_reads() {
    let h = reply_after_read(1);
    assert_eq!(broken_guarantees(&h), vec![]);
    assert_eq!(AllSessions.check(&h).unwrap(), Verdict::Holds);
}

#[test]
fn guarantee_names() {
    let names: Vec<String> = Guarantee::ALL.iter().map(|g| g.to_string()).collect();
    assert_eq!(
        names,
        [
            "read-your-writes",
            "monotonic-reads",
            "monotonic-writes",
            "writes-follow-reads"
        ]
    );
    assert_eq!(Session(Guarantee::MonotonicReads).name(), "monotonic-reads");
    assert_eq!(Causal.name(), "causal-consistency");
}

#[test]
fn an_unknown_write_that_was_seen_brings_its_clients_earlier_writes() {
    // Client 0 gave up waiting for y=1, but client 1 read it, so it took effect, after
    // x=1 completed.
    let h = |x_seen: Option<Value>| {
        History::from_ops([
            Operation::write(0, 1, 0, 1).on("x"),
            Operation::unknown(0, testkit::history::Action::Write(Value::Int(1)), 2).on("y"),
            Operation::read(1, i(1), 4, 5).on("y"),
            Operation::read(1, x_seen, 6, 7).on("x"),
        ])
        .unwrap()
    };
    assert_eq!(
        broken_guarantees(&h(None)),
        vec![(Guarantee::MonotonicWrites, vec![0, 1, 2, 3])]
    );
    assert_eq!(broken_guarantees(&h(i(1))), vec![]);
}
