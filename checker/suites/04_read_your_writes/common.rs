//! What the tests share: clients whose every answer is held against what the course's
//! cluster really did, the outcome of one read as the test saw it, and the scheduling of
//! client tasks.
//!
//! The given types come from `read_your_writes_given`, never through the exercise's
//! re-exports: a submission could shadow a re-export with a type of its own, and naming
//! the course's crate here makes the compiler hold the submission's API to the course's
//! types. Of the submission, the tests use `Router::new`, `cluster`, `write`, `read` and
//! `Session::new`, `floor`, `wrote`, `read`, and read only std values and course types
//! out of them; no trait of a submission's type decides anything.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::student::Router;
use crate::student::Session;
use read_your_writes_given::{Cluster, Entry, Event, Node, Read, ReadError, Version};
use testkit::history::record::Recorder;
use testkit::history::{Action, History, Millis, Value};
use testkit::rng::Rng;
use tokio::time::Instant;

/// One millisecond, the unit every scenario is timed in.
pub const MS: Duration = Duration::from_millis(1);

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
}

impl Run {
    pub fn new(cluster: &Cluster) -> Self {
        Run {
            cluster: cluster.clone(),
            recorder: Recorder::new(),
            matched: Arc::default(),
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
    fn vouch(
        &self,
        mark: usize,
        expected: &Event,
        answer: impl FnOnce() -> String,
    ) -> Result<(), String> {
        let events = self.cluster.journal_since(mark);
        let mut matched = self.matched.lock().unwrap_or_else(|e| e.into_inner());
        let found = events
            .iter()
            .enumerate()
            .map(|(i, event)| (mark + i, event))
            .find(|(n, event)| *event == expected && !matched.contains(n));
        if let Some((n, _)) = found {
            matched.insert(n);
            return Ok(());
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
        Err(format!(
            "Every answer of the router must be what the course's cluster did during the \
             call (ryw.1, ryw.3): a read answers what the node it names answered \
             (Cluster::read_leader or read_replica), a write returns the version the leader \
             gave it (Cluster::write). The tests hold each answer against the cluster's \
             journal.\n{}, but the cluster did not do that during the call.\n\
             What the cluster did meanwhile:\n{}",
            answer(),
            shown.join("\n")
        ))
    }
}

/// What one read did, as the test saw it from outside the router.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The key read.
    pub key: String,
    /// `Session::floor` when the read was called.
    pub floor_before: Version,
    /// `Session::floor` when it returned.
    pub floor_after: Version,
    /// Every replica's version when the read was called.
    pub versions_at_call: Vec<Version>,
    /// What the router answered.
    pub result: Result<Read, ReadError>,
    /// How long the call took, on tokio's clock.
    pub took: Duration,
    /// The reads the cluster's nodes served while the call ran (of any client).
    pub served: Vec<Event>,
}

impl Outcome {
    /// Whether some replica was at the floor when the read was called.
    pub fn replica_was_ready(&self) -> bool {
        self.versions_at_call
            .iter()
            .any(|&v| v >= self.floor_before)
    }

    /// The read in words: who answered what, at which version, how fast.
    pub fn describe(&self, client: u32) -> String {
        let answer = match &self.result {
            Ok(read) => format!(
                "{} answered {}={} at version {}",
                node_name(read.node),
                self.key,
                value_text(read.value),
                read.version
            ),
            Err(error) => format!("it failed with {error:?}"),
        };
        format!(
            "client {client} read {} with session floor {} (replicas at {:?}); {answer}, \
             after {}; afterwards session.floor() was {}",
            self.key,
            self.floor_before,
            self.versions_at_call,
            Millis::of(self.took),
            self.floor_after
        )
    }

    /// When the answer came from a node below the floor the session had when the read
    /// was called: the evidence that the router does not respect its own floor, which is
    /// rule ryw.3, whatever else a test of another task checks.
    pub fn below_floor(&self, client: u32) -> Option<String> {
        let read = self.result.as_ref().ok()?;
        (read.version < self.floor_before).then(|| {
            format!(
                "{}.\nThe node was below the session's floor: a read goes only to a node at \
                 the floor or beyond (ryw.3). This also fails when task ryw is wrong: check \
                 it first.",
                self.describe(client)
            )
        })
    }
}

/// `the leader` or `replica 3`.
pub fn node_name(node: Node) -> String {
    match node {
        Node::Leader => "the leader".to_owned(),
        Node::Replica(i) => format!("replica {i}"),
    }
}

/// A value as a client sees it: a number, or `nothing` for a key never written.
pub fn value_text(value: Option<i64>) -> String {
    value.map_or_else(|| "nothing".to_owned(), |v| v.to_string())
}

/// One client of a test: the router it uses and its session. Clients share a router by
/// `Arc`, not by cloning it: a clone is the submission's code, a shared reference is not.
pub struct Client {
    pub id: u32,
    router: Arc<Router>,
    session: Session,
    run: Run,
}

impl Client {
    /// Client `id` of `run`, through `router`, with a new session.
    pub fn new(id: u32, router: &Arc<Router>, run: &Run) -> Self {
        Client {
            id,
            router: Arc::clone(router),
            session: Session::new(),
            run: run.clone(),
        }
    }

    /// The session's floor now, as `Session::floor` says.
    pub fn floor(&self) -> Version {
        self.session.floor()
    }

    /// Writes through the router, checks the version against the leader's journal and
    /// records the write.
    pub async fn write(&mut self, key: &str, value: i64) -> Result<Version, String> {
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
            })?;
        op.done();
        Ok(version)
    }

    /// Reads through the router, checks a successful answer against the journal and
    /// records it (an error as a failed read).
    pub async fn read(&mut self, key: &str) -> Result<Outcome, String> {
        let floor_before = self.session.floor();
        let versions_at_call = versions(&self.run.cluster);
        let op = self.run.recorder.call_on(self.id, key, Action::Read);
        let mark = self.run.cluster.journal_len();
        let start = Instant::now();
        let result = self.router.read(&mut self.session, key).await;
        let took = start.elapsed();
        let served = self
            .run
            .cluster
            .journal_since(mark)
            .into_iter()
            .filter(|e| matches!(e, Event::Served { .. }))
            .collect();
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
                    })?;
                op.read(read.value.map(Value::Int));
            }
            Err(_) => op.fail(),
        }
        Ok(Outcome {
            key: key.to_owned(),
            floor_before,
            floor_after: self.session.floor(),
            versions_at_call,
            result,
            took,
            served,
        })
    }
}

/// Every replica's version now.
pub fn versions(cluster: &Cluster) -> Vec<Version> {
    (0..cluster.replicas())
        .map(|i| cluster.version(i))
        .collect()
}

/// Sleeps between 0 and `max_ms` whole milliseconds, as drawn from `rng`.
pub async fn pause(rng: &mut Rng, max_ms: u64) {
    let ms = rng.between(0, max_ms);
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

/// A clock for hand-built scenarios: `at(ms)` sleeps until `ms` milliseconds after the
/// scenario began, so that every step of a script is at a time of its own choosing.
#[derive(Clone, Copy)]
pub struct Clock(Instant);

impl Clock {
    /// A clock whose time zero is now.
    pub fn start() -> Self {
        Clock(Instant::now())
    }

    /// Sleeps until `ms` milliseconds after time zero.
    pub async fn at(self, ms: u64) {
        tokio::time::sleep_until(self.0 + Duration::from_millis(ms)).await;
    }
}

/// Runs client futures concurrently, each as a task of its own, to the end; returns the
/// message of every client that failed, including one whose task panicked (in the
/// submission's code: a test's own code never panics in a client).
pub async fn run_all<F>(clients: Vec<F>) -> Vec<String>
where
    F: Future<Output = Result<(), String>> + Send + 'static,
{
    let handles: Vec<_> = clients.into_iter().map(tokio::spawn).collect();
    let mut failures = Vec::new();
    for handle in handles {
        match handle.await {
            Ok(Ok(())) => {}
            Ok(Err(message)) => failures.push(message),
            Err(error) if error.is_panic() => {
                let payload = error.into_panic();
                let text = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a value that is not text".to_owned());
                // Dropping a payload runs the submission's code, which may panic again.
                std::mem::forget(payload);
                failures.push(format!("the router panicked: {text}"));
            }
            Err(error) => failures.push(format!("a client task was cancelled: {error}")),
        }
    }
    failures
}
