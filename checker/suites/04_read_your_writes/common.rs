//! What the tests share: clients whose every answer is held against what the course's
//! cluster really did, history checks, random pauses.
//!
//! The given types come from `read_your_writes_given`, never through the exercise's
//! re-exports: a submission could shadow a re-export with a type of its own, and naming
//! the course's crate here makes the compiler hold the submission's API to the course's
//! types. The only things of the submission used are `Router::new`, `Router::write`,
//! `Router::read` and `Session::new`; no trait of a submission's type decides anything.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use read_your_writes::{Router, Session};
use read_your_writes_given::{Cluster, Entry, Event, Read, ReadError, Version};
use testkit::check::ConsistencyCheck;
use testkit::check::causal::{Guarantee, Session as SessionCheck};
use testkit::history::record::Recorder;
use testkit::history::{Action, History, Value};
use testkit::report::CheckReport;
use testkit::rng::Rng;

/// How many seeds each randomized test runs, from the suite's seed on.
pub const SEEDS: u64 = 100;

/// How many of the cluster's events a failure shows, at most.
const SHOWN_EVENTS: usize = 12;

/// What the clients of one run share: the course's cluster that every router of the run
/// was built on, the recorder of their history, and which events of the cluster's
/// journal have already been matched with an answer.
///
/// A router's answers are its own report of what happened; the journal is the cluster's.
/// Matching each answer with a journal event of its call, each event at most once, is
/// what makes the recorded history a run of the course's cluster and not one written by
/// the router: a router that kept its own copy of the data, or a cluster of its own,
/// finds nothing to match.
#[derive(Clone)]
pub struct Run {
    /// The course's cluster.
    pub cluster: Cluster,
    /// Where the clients record their operations.
    pub recorder: Recorder,
    matched: Arc<Mutex<BTreeSet<usize>>>,
    scenario: &'static str,
    seed: u64,
}

impl Run {
    pub fn new(cluster: &Cluster, scenario: &'static str, seed: u64) -> Self {
        Run {
            cluster: cluster.clone(),
            recorder: Recorder::new(),
            matched: Arc::default(),
            scenario,
            seed,
        }
    }

    /// The history the clients recorded.
    pub fn history(&self) -> History {
        self.recorder.history().expect("a well-formed history")
    }

    /// Fails unless the journal holds `expected` at or after event `mark` (taken when
    /// the call began), not yet matched with another answer; matches the earliest such.
    ///
    /// Answers are matched as their calls return, each with the earliest event that
    /// fits: an earlier call that returned later can still use any later event, so a
    /// correct router is never refused for an event another client took.
    fn vouch(&self, mark: usize, expected: &Event, answer: impl FnOnce() -> String) {
        let events = self.cluster.journal_since(mark);
        let mut matched = self.matched.lock().unwrap_or_else(|e| e.into_inner());
        let found = events
            .iter()
            .enumerate()
            .map(|(i, event)| (mark + i, event))
            .find(|(n, event)| *event == expected && !matched.contains(n));
        if let Some((n, _)) = found {
            matched.insert(n);
            return;
        }
        let mut shown: Vec<String> = events
            .iter()
            .take(SHOWN_EVENTS)
            .map(|e| format!("  {e:?}"))
            .collect();
        if events.is_empty() {
            shown.push("  (nothing)".to_owned());
        } else if events.len() > SHOWN_EVENTS {
            shown.push(format!("  ... and {} more", events.len() - SHOWN_EVENTS));
        }
        panic!(
            "{}\nEvery answer of the router must be what the course's cluster did during \
             the call: a read answers what the node it names answered (Cluster::read_leader \
             or read_replica), a write returns the version the leader gave it \
             (Cluster::write). The tests hold each answer against the cluster's journal.\n\
             {}, but the cluster did not do that during the call (seed {}).\n\
             What the cluster did meanwhile:\n{}",
            self.scenario,
            answer(),
            self.seed,
            shown.join("\n")
        );
    }
}

/// One client of a test: the router it uses, its session, and the test's own memory of
/// the floor (the highest version it wrote or was served), to judge every answer by.
pub struct Client {
    pub id: u32,
    pub router: Arc<Router>,
    pub session: Session,
    pub floor: Version,
    run: Run,
}

impl Client {
    /// Client `id` of `run`, through `router`. Clients share a router by `Arc`, not by
    /// cloning it: a clone is the submission's code, a shared reference is not.
    pub fn new(id: u32, router: &Arc<Router>, run: &Run) -> Self {
        Client {
            id,
            router: Arc::clone(router),
            session: Session::new(),
            floor: 0,
            run: run.clone(),
        }
    }

    /// Writes through the router, checks the version against the leader's journal and
    /// records the write.
    pub async fn write(&mut self, key: &str, value: i64) -> Version {
        let op = self
            .run
            .recorder
            .call_on(self.id, key, Action::Write(Value::Int(value)));
        let mark = self.run.cluster.journal_len();
        let version = self.router.write(&mut self.session, key, value).await;
        let id = self.id;
        self.run
            .vouch(mark, &Event::wrote(key, value, version), || {
                format!(
                    "Client {id} wrote {key}={value} and Router::write returned version {version}"
                )
            });
        op.done();
        self.floor = self.floor.max(version);
        version
    }

    /// Reads through the router, checks a successful answer against the journal and
    /// records it (an error as a failed read). Also returns the floor the read had to
    /// respect.
    pub async fn read(&mut self, key: &str) -> (Version, Result<Read, ReadError>) {
        let floor = self.floor;
        let op = self.run.recorder.call_on(self.id, key, Action::Read);
        let mark = self.run.cluster.journal_len();
        let result = self.router.read(&mut self.session, key).await;
        match &result {
            Ok(read) => {
                let entry = Entry {
                    value: read.value,
                    version: read.version,
                };
                let id = self.id;
                self.run
                    .vouch(mark, &Event::served(read.node, key, entry), || {
                        format!("Client {id} read {key} and the router answered {read:?}")
                    });
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
