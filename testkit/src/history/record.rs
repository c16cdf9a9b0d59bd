//! Recording the operations of tokio tasks into a [`History`].
//!
//! A [`Recorder`] is shared by every client task of a test (cloning it is cheap). A client
//! announces an operation with [`Recorder::call`], which notes the call time and hands
//! back a [`Pending`] handle; when the answer comes it finishes the handle with
//! [`Pending::ok`], [`Pending::fail`] or [`Pending::unknown`], which notes the return
//! time. [`Recorder::history`] collects everything recorded so far.
//!
//! Times come from [`tokio::time::Instant`], in nanoseconds since the recorder was
//! created. Under paused time (`#[tokio::test(start_paused = true)]`) that clock is
//! virtual: it moves only when every task waits on a timer, so the recorded times are the
//! same on every run and a `sleep(5 ms)` shows as exactly `5_000_000`. (tokio's timers
//! fire on whole milliseconds, so a sleep of 1.5 ms shows as 2 ms.)
//!
//! # Cancellation
//!
//! A [`Pending`] dropped without being finished records an **unknown** outcome. That is
//! what happens when a task is cancelled, for example by a timeout, while its request is
//! in flight: the request may still take effect, so checkers must keep it open. Recording
//! it as failed instead would let a checker pass histories that are wrong.
//!
//! ```
//! use std::time::Duration;
//! use testkit::history::record::Recorder;
//! use testkit::history::{Action, Operation, Value};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! let rec = Recorder::new();
//! let op = rec.call(0, Action::Write(Value::from(1)));
//! tokio::time::sleep(Duration::from_millis(5)).await;
//! op.done();
//! let history = rec.history().unwrap();
//! assert_eq!(history.ops(), [Operation::write(0, 1, 0, 5_000_000)]);
//! # }
//! ```
//!
//! Each client must have at most one pending operation at a time, as a real client would;
//! otherwise [`Recorder::history`] reports the overlap.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use super::{
    Action, ClientId, History, HistoryError, OpId, Operation, Outcome, Output, Time, Value,
};

/// Records operations of concurrent tasks; clones share one log.
#[derive(Clone, Debug)]
pub struct Recorder {
    inner: Arc<Mutex<Log>>,
}

#[derive(Debug)]
struct Log {
    start: Instant,
    ops: Vec<Operation>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    /// A recorder whose time zero is now.
    pub fn new() -> Self {
        Recorder {
            inner: Arc::new(Mutex::new(Log {
                start: Instant::now(),
                ops: Vec::new(),
            })),
        }
    }

    /// The log. A task that panicked while holding the lock cannot have left it half
    /// written (every change is one push or one assignment), so a poisoned lock is used
    /// as it is rather than hiding the history of a failing test.
    fn log(&self) -> MutexGuard<'_, Log> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Nanoseconds since the recorder was created, saturating at `u64::MAX` (584 years).
    fn now(log: &Log) -> Time {
        u64::try_from(log.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Notes that `client` calls `action` now, on the single register.
    pub fn call(&self, client: ClientId, action: Action) -> Pending {
        self.start(client, None, action)
    }

    /// Notes that `client` calls `action` on `key` now.
    pub fn call_on(&self, client: ClientId, key: impl Into<String>, action: Action) -> Pending {
        self.start(client, Some(key.into()), action)
    }

    fn start(&self, client: ClientId, key: Option<String>, action: Action) -> Pending {
        let mut log = self.log();
        let call = Self::now(&log);
        // The operation is logged as unknown from the start, so that a handle that is
        // never finished leaves exactly that behind.
        log.ops.push(Operation {
            client,
            key,
            action,
            call,
            outcome: Outcome::Unknown,
        });
        Pending {
            recorder: self.clone(),
            id: log.ops.len() - 1,
        }
    }

    /// Records `client` running `action` as the future `answer`: called now, returned
    /// when it resolves, completed with its output or failed on an error. Returns what
    /// the future returned.
    ///
    /// An error must mean the operation certainly had no effect (see
    /// [`Outcome::Failed`]); for an error that leaves it in doubt, use [`Recorder::call`]
    /// and [`Pending::unknown`]. If this future is dropped before `answer` resolves, the
    /// operation is recorded as unknown.
    pub async fn record<E>(
        &self,
        client: ClientId,
        action: Action,
        answer: impl Future<Output = Result<Output, E>>,
    ) -> Result<Output, E> {
        let pending = self.call(client, action);
        let result = answer.await;
        match &result {
            Ok(output) => pending.ok(output.clone()),
            Err(_) => pending.fail(),
        }
        result
    }

    /// Like [`Recorder::record`], but gives up after `limit` of tokio time: the operation
    /// is then recorded as unknown and `None` returned.
    pub async fn record_with_timeout<E>(
        &self,
        client: ClientId,
        action: Action,
        limit: Duration,
        answer: impl Future<Output = Result<Output, E>>,
    ) -> Option<Result<Output, E>> {
        // Dropping the inner `record` future on timeout drops its handle, which is what
        // records the unknown outcome.
        tokio::time::timeout(limit, self.record(client, action, answer))
            .await
            .ok()
    }

    /// Everything recorded so far, in call order. Operations still pending appear with
    /// an unknown outcome.
    ///
    /// Fails when the recorded operations do not form a well-formed history, which
    /// happens only when a client had two operations pending at once or an output did
    /// not fit its action (a read finished with [`Pending::done`], say).
    pub fn history(&self) -> Result<History, HistoryError> {
        History::from_ops(self.log().ops.clone())
    }
}

/// An operation that has been called and not yet finished. Finish it with one of its
/// methods; dropping it unfinished records an unknown outcome.
#[derive(Debug)]
#[must_use = "an unfinished operation is recorded as unknown"]
pub struct Pending {
    recorder: Recorder,
    id: OpId,
}

impl Pending {
    /// The id the operation will have in [`Recorder::history`].
    pub fn id(&self) -> OpId {
        self.id
    }

    /// Records that the operation returned `output` now.
    pub fn ok(self, output: Output) {
        self.finish(|at| Outcome::Ok { at, output });
    }

    /// Records that a read returned `value` now.
    pub fn read(self, value: Option<Value>) {
        self.ok(Output::Value(value));
    }

    /// Records that a write or append was acknowledged now.
    pub fn done(self) {
        self.ok(Output::Done);
    }

    /// Records that a compare-and-swap answered now whether it `swapped`.
    pub fn swapped(self, swapped: bool) {
        self.ok(Output::Swapped(swapped));
    }

    /// Records that the operation failed now and certainly had no effect.
    pub fn fail(self) {
        self.finish(|at| Outcome::Failed { at });
    }

    /// Records that the client stopped waiting: the operation may or may not take effect.
    /// Dropping the handle does the same; this spells it out.
    pub fn unknown(self) {
        // The log already holds an unknown outcome.
    }

    fn finish(self, outcome: impl FnOnce(Time) -> Outcome) {
        let mut log = self.recorder.log();
        let at = Recorder::now(&log);
        log.ops[self.id].outcome = outcome(at);
    }
}
