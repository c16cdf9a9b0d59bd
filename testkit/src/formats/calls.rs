//! Pairing calls with returns, shared by the two log readers.
//!
//! Logs record an operation as two events: the call (`:invoke`) and, later, its return
//! (`:ok`, `:fail` or `:info`). [`Calls`] keeps each process's open call, refuses a
//! second call while one is open and a return without a call, and at the end of the log
//! leaves calls that never returned as operations of unknown outcome.
//!
//! Operations are stored in the order of their calls, with an unknown outcome that a
//! return then replaces, so an operation that never returns needs no special step.

use std::collections::HashMap;

use crate::formats::ParseError;
use crate::history::{Action, ClientId, History, OpId, Operation, Outcome, Time};

/// A call still waiting for its return.
struct Open {
    /// Where the operation sits in the list.
    op: OpId,
    /// The line of the call.
    line: usize,
    /// The function called (`:read`, `:get`), to compare with the return's.
    f: String,
}

/// The operations read so far and the calls still open, by process.
#[derive(Default)]
pub(super) struct Calls {
    ops: Vec<Operation>,
    open: HashMap<ClientId, Open>,
}

/// How a call reads in messages: `:get on key "x"`, or just `:read` without a key.
fn describe(f: &str, key: Option<&str>) -> String {
    match key {
        Some(k) => format!("{f} on key {k:?}"),
        None => f.to_owned(),
    }
}

/// The time of an event: its line number.
pub(super) fn time(line: usize) -> Time {
    line as Time
}

impl Calls {
    /// Records the call of `action` (function `f`) by `process` on line `line`.
    pub(super) fn invoke(
        &mut self,
        line: usize,
        process: ClientId,
        key: Option<String>,
        action: Action,
        f: &str,
    ) -> Result<(), ParseError> {
        if let Some(open) = self.open.get(&process) {
            return Err(ParseError::at(
                line,
                format!(
                    "process {process} calls again while its operation from line {} is open",
                    open.line
                ),
            ));
        }
        self.open.insert(
            process,
            Open {
                op: self.ops.len(),
                line,
                f: f.to_owned(),
            },
        );
        self.ops.push(Operation {
            client: process,
            key,
            action,
            call: time(line),
            outcome: Outcome::Unknown,
        });
        Ok(())
    }

    /// Closes the open call of `process` with a return of function `f` on `key` at line
    /// `line`, and hands back its operation so that the caller sets the outcome (which
    /// stays unknown if the caller leaves it).
    pub(super) fn complete(
        &mut self,
        line: usize,
        process: ClientId,
        f: &str,
        key: Option<&str>,
    ) -> Result<&mut Operation, ParseError> {
        let Some(open) = self.open.remove(&process) else {
            return Err(ParseError::at(
                line,
                format!("process {process} returns but has no open call"),
            ));
        };
        let op = &mut self.ops[open.op];
        if open.f != f || op.key.as_deref() != key {
            return Err(ParseError::at(
                line,
                format!(
                    "process {process} returns {} but its call on line {} was {}",
                    describe(f, key),
                    open.line,
                    describe(&open.f, op.key.as_deref()),
                ),
            ));
        }
        Ok(op)
    }

    /// The history read. Calls still open stay operations of unknown outcome: the log
    /// ended before they returned, so they may or may not have taken effect.
    pub(super) fn finish(self) -> Result<History, ParseError> {
        // The pairing above already guarantees a well-formed history; this check only
        // turns a broken guarantee into an error instead of a panic.
        History::from_ops(self.ops).map_err(|e| ParseError::whole(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Output;

    #[test]
    fn pairs_calls_with_returns_and_leaves_the_rest_unknown() {
        let mut calls = Calls::default();
        calls.invoke(1, 0, None, Action::Read, ":read").unwrap();
        calls.invoke(2, 1, None, Action::Read, ":read").unwrap();
        let op = calls.complete(3, 0, ":read", None).unwrap();
        op.outcome = Outcome::Ok {
            at: 3,
            output: Output::Value(None),
        };
        let history = calls.finish().unwrap();
        assert_eq!(history.op(0), &Operation::read(0, None, 1, 3));
        assert_eq!(history.op(1), &Operation::unknown(1, Action::Read, 2));
    }

    #[test]
    fn refuses_a_second_open_call_and_a_return_without_a_call() {
        let mut calls = Calls::default();
        calls.invoke(7, 3, None, Action::Read, ":read").unwrap();
        let err = calls.invoke(9, 3, None, Action::Read, ":read").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 9: process 3 calls again while its operation from line 7 is open"
        );
        let err = calls.complete(10, 4, ":read", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 10: process 4 returns but has no open call"
        );
    }

    #[test]
    fn refuses_a_return_of_another_function_or_key() {
        let mut calls = Calls::default();
        calls.invoke(1, 0, None, Action::Read, ":read").unwrap();
        let err = calls.complete(2, 0, ":write", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: process 0 returns :write but its call on line 1 was :read"
        );

        let mut calls = Calls::default();
        calls
            .invoke(1, 0, Some("a".into()), Action::Read, ":get")
            .unwrap();
        let err = calls.complete(2, 0, ":get", Some("b")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: process 0 returns :get on key \"b\" but its call on line 1 was :get on key \"a\""
        );
    }
}
