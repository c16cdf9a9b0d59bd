//! What the tests share: recording operations, checking histories, random pauses.

use std::time::Duration;

use read_your_writes::{Read, ReadError, Router, Session, Version};
use testkit::check::ConsistencyCheck;
use testkit::check::causal::{Guarantee, Session as SessionCheck};
use testkit::history::record::Recorder;
use testkit::history::{Action, History, Value};
use testkit::report::CheckReport;
use testkit::rng::Rng;

/// How many seeds each randomized test runs, from the suite's seed on.
pub const SEEDS: u64 = 100;

/// One client of a test: its router, its session, and the test's own memory of the
/// floor (the highest version it wrote or was served), to judge every answer by.
pub struct Client {
    pub id: u32,
    pub router: Router,
    pub session: Session,
    pub recorder: Recorder,
    pub floor: Version,
}

impl Client {
    pub fn new(id: u32, router: &Router, recorder: &Recorder) -> Self {
        Client {
            id,
            router: router.clone(),
            session: Session::new(),
            recorder: recorder.clone(),
            floor: 0,
        }
    }

    /// Writes through the router and records it.
    pub async fn write(&mut self, key: &str, value: i64) -> Version {
        let op = self
            .recorder
            .call_on(self.id, key, Action::Write(Value::Int(value)));
        let version = self.router.write(&mut self.session, key, value).await;
        op.done();
        self.floor = self.floor.max(version);
        version
    }

    /// Reads through the router and records it (an error as a failed read). Also
    /// returns the floor the read had to respect.
    pub async fn read(&mut self, key: &str) -> (Version, Result<Read, ReadError>) {
        let floor = self.floor;
        let op = self.recorder.call_on(self.id, key, Action::Read);
        let result = self.router.read(&mut self.session, key).await;
        match &result {
            Ok(read) => {
                op.read(read.value.map(Value::Int));
                self.floor = self.floor.max(read.version);
            }
            Err(_) => op.fail(),
        }
        (floor, result)
    }
}

/// Sleeps between 0 and `max_ms` whole milliseconds, as drawn from `rng`.
pub async fn pause(rng: &mut Rng, max_ms: u64) {
    let ms = rng.between(0, max_ms);
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

/// Fails with the checker's evidence when `history` breaks `guarantee`.
pub fn assert_keeps(history: &History, guarantee: Guarantee, scenario: &str, seed: u64) {
    let verdict = SessionCheck(guarantee)
        .check(history)
        .unwrap_or_else(|e| panic!("the checker could not read the history (seed {seed}): {e}"));
    if let Some(v) = verdict.violation() {
        let report = CheckReport::new(
            format!("{scenario} (seed {seed})"),
            guarantee.to_string(),
            history,
            None,
            &verdict,
        );
        suite_harness::attach("check-report", &report.to_json());
        panic!(
            "{scenario}\nEvery client must keep {guarantee}: the router sends a read only to \
             a node whose version is at least the session's floor.\n\
             This run does not (seed {seed}):\n{}",
            v.explain(history)
        );
    }
}

/// Runs client futures concurrently to the end and fails with the first message any
/// of them returned.
pub async fn run_all<F>(clients: Vec<F>) -> Vec<String>
where
    F: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    let handles: Vec<_> = clients.into_iter().map(tokio::spawn).collect();
    let mut failures = Vec::new();
    for handle in handles {
        match handle.await {
            Ok(Ok(())) => {}
            Ok(Err(message)) => failures.push(message),
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
    failures
}
