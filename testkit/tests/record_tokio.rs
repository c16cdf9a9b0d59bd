//! The recorder under paused tokio time: exact virtual times, interleaved clients,
//! cancellation and timeouts.

use std::time::Duration;

use pretty_assertions::assert_eq;
use testkit::history::record::Recorder;
use testkit::history::{Action, HistoryError, Operation, Output, Value};
use tokio::time::sleep;

const MS: u64 = 1_000_000;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn write(v: i64) -> Action {
    Action::Write(Value::from(v))
}

#[tokio::test(start_paused = true)]
async fn times_are_virtual_nanoseconds_since_creation() {
    sleep(ms(100)).await;
    let rec = Recorder::new();
    let op = rec.call(0, write(1));
    sleep(ms(5)).await;
    op.done();
    sleep(ms(1)).await;
    let op = rec.call(0, Action::Read);
    sleep(ms(2)).await;
    op.read(Some(1.into()));
    let expected = [
        Operation::write(0, 1, 0, 5 * MS),
        Operation::read(0, Some(1.into()), 6 * MS, 8 * MS),
    ];
    assert_eq!(rec.history().unwrap().ops(), expected);
}

#[tokio::test(start_paused = true)]
async fn concurrent_clients_interleave_in_call_order() {
    let rec = Recorder::new();
    let (a, b) = (rec.clone(), rec.clone());
    let writer = tokio::spawn(async move {
        sleep(ms(1)).await;
        let op = a.call(0, write(1));
        sleep(ms(10)).await;
        op.done();
    });
    let reader = tokio::spawn(async move {
        sleep(ms(3)).await;
        let op = b.call(1, Action::Read);
        sleep(ms(4)).await;
        op.read(None);
        let op = b.call_on(1, "x", Action::Read);
        sleep(ms(6)).await;
        op.read(Some(1.into()));
    });
    writer.await.unwrap();
    reader.await.unwrap();
    let expected = [
        Operation::write(0, 1, MS, 11 * MS),
        Operation::read(1, None, 3 * MS, 7 * MS),
        Operation::read(1, Some(1.into()), 7 * MS, 13 * MS).on("x"),
    ];
    assert_eq!(rec.history().unwrap().ops(), expected);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_handle_leaves_an_unknown_outcome() {
    let rec = Recorder::new();
    sleep(ms(2)).await;
    let op = rec.call(
        3,
        Action::Cas {
            from: None,
            to: 1.into(),
        },
    );
    drop(op);
    // The client goes on; the unknown operation stays open, which is well formed.
    sleep(ms(1)).await;
    rec.call(3, Action::Read).read(Some(1.into()));
    let history = rec.history().unwrap();
    let cas = Action::Cas {
        from: None,
        to: 1.into(),
    };
    let expected = [
        Operation::unknown(3, cas, 2 * MS),
        Operation::read(3, Some(1.into()), 3 * MS, 3 * MS),
    ];
    assert_eq!(history.ops(), expected);
}

#[tokio::test(start_paused = true)]
async fn an_aborted_task_leaves_an_unknown_outcome() {
    let rec = Recorder::new();
    let task = {
        let rec = rec.clone();
        tokio::spawn(async move {
            let op = rec.call(0, write(7));
            sleep(ms(1_000)).await;
            op.done();
        })
    };
    sleep(ms(4)).await;
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    let expected = [Operation::unknown(0, write(7), 0)];
    assert_eq!(rec.history().unwrap().ops(), expected);
}

#[tokio::test(start_paused = true)]
async fn a_pending_operation_shows_as_unknown_until_finished() {
    let rec = Recorder::new();
    let op = rec.call(0, write(1));
    assert_eq!(op.id(), 0);
    let early = rec.history().unwrap();
    assert_eq!(early.ops(), [Operation::unknown(0, write(1), 0)]);
    sleep(ms(3)).await;
    op.done();
    assert_eq!(
        rec.history().unwrap().ops(),
        [Operation::write(0, 1, 0, 3 * MS)]
    );
}

#[tokio::test(start_paused = true)]
async fn record_awaits_the_answer_and_notes_failures() {
    let rec = Recorder::new();
    let answer = rec
        .record(0, write(1), async {
            sleep(ms(2)).await;
            Ok::<_, &str>(Output::Done)
        })
        .await;
    assert_eq!(answer, Ok(Output::Done));
    let answer = rec
        .record(0, write(2), async {
            sleep(ms(3)).await;
            Err::<Output, _>("no quorum")
        })
        .await;
    assert_eq!(answer, Err("no quorum"));
    let expected = [
        Operation::write(0, 1, 0, 2 * MS),
        Operation::failed(0, write(2), 2 * MS, 5 * MS),
    ];
    assert_eq!(rec.history().unwrap().ops(), expected);
}

#[tokio::test(start_paused = true)]
async fn a_timeout_records_an_unknown_outcome_at_the_limit() {
    let rec = Recorder::new();
    let slow = rec
        .record_with_timeout(0, Action::Read, ms(5), async {
            sleep(ms(10)).await;
            Ok::<_, ()>(Output::Value(None))
        })
        .await;
    assert_eq!(slow, None);
    let fast = rec
        .record_with_timeout(0, write(4), ms(5), async {
            sleep(ms(4)).await;
            Ok::<_, ()>(Output::Done)
        })
        .await;
    assert_eq!(fast, Some(Ok(Output::Done)));
    // The first call gave up at 5 ms, so the second was called then.
    let expected = [
        Operation::unknown(0, Action::Read, 0),
        Operation::write(0, 4, 5 * MS, 9 * MS),
    ];
    assert_eq!(rec.history().unwrap().ops(), expected);
}

#[tokio::test(start_paused = true)]
async fn misuse_is_reported_by_history() {
    // Two operations of one client open at once.
    let rec = Recorder::new();
    let first = rec.call(0, write(1));
    let second = rec.call(0, write(2));
    sleep(ms(1)).await;
    second.done();
    first.done();
    assert_eq!(
        rec.history(),
        Err(HistoryError::Overlap {
            client: 0,
            first: 0,
            second: 1
        })
    );

    // A read finished as if it were a write.
    let rec = Recorder::new();
    rec.call(0, Action::Read).done();
    assert_eq!(rec.history(), Err(HistoryError::OutputMismatch { op: 0 }));
}
