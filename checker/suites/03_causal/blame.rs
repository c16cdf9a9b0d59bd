//! Which task a failure belongs to, from the evidence.
//!
//! The tasks build on each other through the student's own types: a `CausalBroadcast`
//! counts with the student's `VectorClock`, and a `Replica` usually delivers its writes
//! through the student's `CausalBroadcast`. The suite cannot hand a task a correct copy of
//! the others' work (it has none of the student's types but theirs), so a mistake in the
//! clocks can fail a delivery test, and one in the delivery a store test. When that
//! happens the failure says so: the test's body runs under [`after`], and if it fails,
//! the tests of the tasks it builds on are run again, apart, and the first one that fails
//! is named beside the failure, so the student fixes the cause before the symptom. When
//! they all pass, the failure is left exactly as it was: it is this task's own.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// A task another task's tests build on: its id, how the dependent work uses it, and
/// its deterministic tests (never a randomized one, which would ask the checker to
/// replay a seed of its own).
pub struct Upstream {
    /// The task's id.
    pub task: &'static str,
    /// How the failing test's subject depends on it, as a sentence for the student.
    pub why: &'static str,
    /// The task's deterministic tests, by name.
    pub tests: &'static [(&'static str, fn())],
}

/// How long the tests of a task built on may run again, in real time, before the
/// failure is reported without them: their own runs take milliseconds, and a student's
/// code that loops must not hide the failure already found.
const PROBE_LIMIT: Duration = Duration::from_secs(10);

/// Runs `body`, a test of a task that builds on `upstreams`. If it fails and one of those
/// tasks fails too, the failure names it; otherwise the failure is left as it was.
pub fn after(upstreams: &[&Upstream], body: impl FnOnce()) {
    let Err(payload) = panic::catch_unwind(AssertUnwindSafe(body)) else {
        return;
    };
    let Some(message) = text(payload.as_ref()) else {
        panic::resume_unwind(payload);
    };
    let notes: Vec<String> = upstreams
        .iter()
        .filter_map(|upstream| {
            probe(upstream.tests).map(|finding| {
                format!(
                    "This also fails when task `{}` is wrong, and it is: {finding} {} Make \
                     task `{}` pass first, then look at this test again.",
                    upstream.task, upstream.why, upstream.task
                )
            })
        })
        .collect();
    if notes.is_empty() {
        panic::resume_unwind(payload);
    }
    // Dropping a payload runs code it carries, which must not run here: keep it.
    std::mem::forget(payload);
    // `resume_unwind` does not call the panic hook, so the failure keeps the place the
    // test's own assertion failed at.
    panic::resume_unwind(Box::new(format!("{message}\n\n{}", notes.join("\n\n"))));
}

/// Runs `tests` one after the other on a thread of their own, so that their panics
/// never pass for the failing test's; the first failure, as one sentence for the note.
fn probe(tests: &'static [(&'static str, fn())]) -> Option<String> {
    let (tx, rx) = mpsc::channel();
    let spawned = thread::Builder::new().spawn(move || {
        for &(name, test) in tests {
            if let Err(payload) = panic::catch_unwind(test) {
                let first = text(payload.as_ref())
                    .and_then(|t| t.lines().next().map(str::to_owned))
                    .unwrap_or_default();
                std::mem::forget(payload);
                _ = tx.send(Some(format!(
                    "its test {name} fails (\"{}\").",
                    short(&first)
                )));
                return;
            }
        }
        _ = tx.send(None);
    });
    if spawned.is_err() {
        return None;
    }
    match rx.recv_timeout(PROBE_LIMIT) {
        Ok(finding) => finding,
        Err(_) => Some(format!(
            "its tests did not finish within {} s (an endless loop?).",
            PROBE_LIMIT.as_secs()
        )),
    }
}

/// At most 300 characters of `line`, cut at a character boundary.
fn short(line: &str) -> String {
    match line.char_indices().nth(300) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line.to_owned(),
    }
}

/// The text of a panic payload, if it has one.
fn text(payload: &(dyn Any + Send)) -> Option<String> {
    if let Some(text) = payload.downcast_ref::<&str>() {
        Some((*text).to_owned())
    } else {
        payload.downcast_ref::<String>().cloned()
    }
}
