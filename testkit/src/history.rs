//! Histories: what clients asked for, when, and what they got back.
//!
//! A [`History`] is a list of [`Operation`]s. Each one records the client that issued it,
//! the key it touched (`None` for a single register), the [`Action`] asked for, the time
//! of the call and the [`Outcome`]: completed with an [`Output`] at a return time, failed
//! (it certainly had no effect) at a return time, or unknown (the client gave up waiting;
//! the operation may take effect at any point after its call, or never).
//!
//! Times are plain `u64` ticks whose unit is the recorder's: nanoseconds of paused tokio
//! time for [`record::Recorder`], nanoseconds of virtual time for the simulated network,
//! line numbers for Jepsen logs. Checkers only compare them; people read them through
//! [`millis`] (`19.25 ms`), the one formatter every explanation and page uses.
//!
//! Submodules: [`json`] (the documented file format), [`timeline`] (text pictures for
//! failure messages), [`time`] (times as people read them) and [`record`] (recording
//! tokio tasks under paused time).

pub mod json;
pub mod record;
pub mod time;
pub mod timeline;

pub use time::{Millis, TimeUnit, millis};

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Identifies a client (a Jepsen "process"): a sequence of operations, one at a time.
pub type ClientId = u32;

/// Identifies an operation: its index in [`History::ops`].
pub type OpId = usize;

/// A point in time, in the recorder's unit (nanoseconds, except for histories read from
/// logs). Only the order matters to checkers; [`millis`] shows it to people.
pub type Time = u64;

/// A value stored in a register or under a key. Absent values (`nil`, never written) are
/// `Option::<Value>::None` wherever they can occur.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// An integer, as in the Jepsen register tests.
    Int(i64),
    /// A string, as in the key-value tests.
    Str(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Str(s) => write!(f, "{s:?}"),
        }
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

/// Shows an optional value the way the timelines do: `nil` for `None`.
pub fn show(value: &Option<Value>) -> String {
    match value {
        Some(v) => v.to_string(),
        None => "nil".to_owned(),
    }
}

/// What a client asked for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the current value.
    Read,
    /// Replace the value.
    Write(Value),
    /// Replace the value with `to` only if it currently equals `from`.
    Cas {
        /// The value the register must hold for the swap to happen (`None`: empty).
        from: Option<Value>,
        /// The value written when it does.
        to: Value,
    },
    /// Append to the string stored under the key (key-value model only).
    Append(Value),
}

impl Action {
    /// Whether this action can change the stored value.
    pub fn is_update(&self) -> bool {
        !matches!(self, Action::Read)
    }

    /// The value this action writes, if it writes one whole value.
    pub fn written(&self) -> Option<&Value> {
        match self {
            Action::Write(v) | Action::Cas { to: v, .. } => Some(v),
            Action::Read | Action::Append(_) => None,
        }
    }
}

/// What a completed operation returned.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Output {
    /// A read returned this value (`None`: nothing was ever written).
    Value(Option<Value>),
    /// A write or append was acknowledged.
    Done,
    /// A compare-and-swap reported whether it swapped.
    Swapped(bool),
}

/// How an operation ended.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// It completed at `at` and returned `output`.
    Ok {
        /// Return time.
        at: Time,
        /// What it returned.
        output: Output,
    },
    /// It returned at `at` with an error that guarantees it had no effect (for example a
    /// store refusing a request it cannot confirm with a quorum).
    Failed {
        /// Return time.
        at: Time,
    },
    /// The client stopped waiting: the operation may take effect at any point after its
    /// call, or never. Checkers keep it open until the end of the history.
    Unknown,
}

/// One client operation: who, what, when, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The client that issued it.
    pub client: ClientId,
    /// The key it touched; `None` for a single register.
    pub key: Option<String>,
    /// What was asked.
    pub action: Action,
    /// When it was called.
    pub call: Time,
    /// How it ended.
    pub outcome: Outcome,
}

impl Operation {
    /// A completed read of `value` by `client`, called at `call` and returned at `ret`.
    pub fn read(client: ClientId, value: Option<Value>, call: Time, ret: Time) -> Self {
        Self::completed(client, Action::Read, call, ret, Output::Value(value))
    }

    /// A completed write of `value`.
    pub fn write(client: ClientId, value: impl Into<Value>, call: Time, ret: Time) -> Self {
        Self::completed(client, Action::Write(value.into()), call, ret, Output::Done)
    }

    /// A completed compare-and-swap that did (`swapped`) or did not swap.
    pub fn cas(
        client: ClientId,
        from: Option<Value>,
        to: impl Into<Value>,
        swapped: bool,
        call: Time,
        ret: Time,
    ) -> Self {
        let action = Action::Cas {
            from,
            to: to.into(),
        };
        Self::completed(client, action, call, ret, Output::Swapped(swapped))
    }

    /// A completed append of `value`.
    pub fn append(client: ClientId, value: impl Into<Value>, call: Time, ret: Time) -> Self {
        Self::completed(
            client,
            Action::Append(value.into()),
            call,
            ret,
            Output::Done,
        )
    }

    /// An operation that completed with `output`.
    pub fn completed(
        client: ClientId,
        action: Action,
        call: Time,
        ret: Time,
        output: Output,
    ) -> Self {
        Operation {
            client,
            key: None,
            action,
            call,
            outcome: Outcome::Ok { at: ret, output },
        }
    }

    /// An operation whose outcome is unknown: it may take effect after `call`, or never.
    pub fn unknown(client: ClientId, action: Action, call: Time) -> Self {
        Operation {
            client,
            key: None,
            action,
            call,
            outcome: Outcome::Unknown,
        }
    }

    /// An operation that failed at `ret` and certainly had no effect.
    pub fn failed(client: ClientId, action: Action, call: Time, ret: Time) -> Self {
        Operation {
            client,
            key: None,
            action,
            call,
            outcome: Outcome::Failed { at: ret },
        }
    }

    /// The same operation on `key`.
    pub fn on(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The return time, or `None` when the outcome is unknown.
    pub fn ret(&self) -> Option<Time> {
        match self.outcome {
            Outcome::Ok { at, .. } | Outcome::Failed { at } => Some(at),
            Outcome::Unknown => None,
        }
    }

    /// What it returned, when it completed.
    pub fn output(&self) -> Option<&Output> {
        match &self.outcome {
            Outcome::Ok { output, .. } => Some(output),
            _ => None,
        }
    }

    /// The value a completed read returned; `None` for anything else.
    pub fn read_value(&self) -> Option<&Option<Value>> {
        match (&self.action, self.output()) {
            (Action::Read, Some(Output::Value(v))) => Some(v),
            _ => None,
        }
    }

    /// A short label such as `w(3)`, `r:3`, `cas(1->2)`, `cas(1->2):no`, `a("x")` with a
    /// key prefix (`x.w(3)`) when the operation has one, and `?` when unknown, `!` when
    /// failed. Used by timelines and evidence.
    pub fn label(&self) -> String {
        let mut s = String::new();
        if let Some(k) = &self.key {
            s.push_str(k);
            s.push('.');
        }
        match &self.action {
            Action::Read => s.push('r'),
            Action::Write(v) => s.push_str(&format!("w({v})")),
            Action::Cas { from, to } => s.push_str(&format!("cas({}->{to})", show(from))),
            Action::Append(v) => s.push_str(&format!("a({v})")),
        }
        match &self.outcome {
            Outcome::Ok { output, .. } => match output {
                Output::Value(v) => s.push_str(&format!(":{}", show(v))),
                Output::Swapped(false) => s.push_str(":no"),
                Output::Done | Output::Swapped(true) => {}
            },
            Outcome::Failed { .. } => s.push('!'),
            Outcome::Unknown => s.push('?'),
        }
        s
    }

    fn output_fits(&self) -> bool {
        matches!(
            (&self.action, self.output()),
            (_, None)
                | (Action::Read, Some(Output::Value(_)))
                | (Action::Write(_) | Action::Append(_), Some(Output::Done))
                | (Action::Cas { .. }, Some(Output::Swapped(_)))
        )
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ret = match self.ret() {
            Some(t) => t.to_string(),
            None => "?".to_owned(),
        };
        write!(
            f,
            "client {} {} [{}..{}]",
            self.client,
            self.label(),
            self.call,
            ret
        )
    }
}

/// Why a list of operations is not a well-formed history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HistoryError {
    /// An operation returned before it was called.
    ReturnBeforeCall {
        /// The offending operation.
        op: OpId,
    },
    /// The output does not match the action (a read without a value, a write returning a
    /// value, a cas without a swapped flag).
    OutputMismatch {
        /// The offending operation.
        op: OpId,
    },
    /// A client called `second` while `first` was still open (both with known returns).
    Overlap {
        /// The client.
        client: ClientId,
        /// The operation still open.
        first: OpId,
        /// The operation called too early.
        second: OpId,
    },
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryError::ReturnBeforeCall { op } => {
                write!(f, "operation {op} returns before it is called")
            }
            HistoryError::OutputMismatch { op } => write!(
                f,
                "operation {op}: the result does not fit the action (a read returns a value, \
                 a write or append returns nothing, a cas says whether it swapped)"
            ),
            HistoryError::Overlap {
                client,
                first,
                second,
            } => write!(
                f,
                "client {client} calls operation {second} while operation {first} is still \
                 open; a client has one operation open at a time"
            ),
        }
    }
}

impl std::error::Error for HistoryError {}

/// A well-formed list of operations: every return follows its call, outputs fit their
/// actions, and a client never has two operations with known outcomes open at once.
///
/// A client may go on after an operation of unknown outcome (it timed out): that
/// operation stays open, concurrent with everything after its call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    ops: Vec<Operation>,
}

impl History {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a history, checking that it is well formed.
    pub fn from_ops(ops: impl IntoIterator<Item = Operation>) -> Result<Self, HistoryError> {
        let history = History {
            ops: ops.into_iter().collect(),
        };
        history.validate()?;
        Ok(history)
    }

    /// The operations, indexed by [`OpId`].
    pub fn ops(&self) -> &[Operation] {
        &self.ops
    }

    /// The operation `id`.
    pub fn op(&self, id: OpId) -> &Operation {
        &self.ops[id]
    }

    /// How many operations there are.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The clients that appear, in increasing order.
    pub fn clients(&self) -> Vec<ClientId> {
        let mut c: Vec<_> = self.ops.iter().map(|o| o.client).collect();
        c.sort_unstable();
        c.dedup();
        c
    }

    /// Adds an operation, checking the history stays well formed.
    pub fn push(&mut self, op: Operation) -> Result<OpId, HistoryError> {
        self.ops.push(op);
        if let Err(e) = self.validate() {
            self.ops.pop();
            return Err(e);
        }
        Ok(self.ops.len() - 1)
    }

    /// Splits the history by key. Each part keeps the operations' order; the second
    /// element maps each part's [`OpId`]s back to this history's.
    pub fn by_key(&self) -> BTreeMap<Option<String>, (History, Vec<OpId>)> {
        let mut parts: BTreeMap<Option<String>, (History, Vec<OpId>)> = BTreeMap::new();
        for (id, op) in self.ops.iter().enumerate() {
            let part = parts.entry(op.key.clone()).or_default();
            part.0.ops.push(op.clone());
            part.1.push(id);
        }
        parts
    }

    /// The sub-history of the given operations, in the order given.
    pub fn subset(&self, ids: &[OpId]) -> History {
        History {
            ops: ids.iter().map(|&i| self.ops[i].clone()).collect(),
        }
    }

    /// Checks the invariants listed on [`History`].
    pub fn validate(&self) -> Result<(), HistoryError> {
        let mut by_client: BTreeMap<ClientId, Vec<OpId>> = BTreeMap::new();
        for (id, op) in self.ops.iter().enumerate() {
            if op.ret().is_some_and(|r| r < op.call) {
                return Err(HistoryError::ReturnBeforeCall { op: id });
            }
            if !op.output_fits() {
                return Err(HistoryError::OutputMismatch { op: id });
            }
            by_client.entry(op.client).or_default().push(id);
        }
        for (client, mut ids) in by_client {
            ids.sort_by_key(|&i| (self.ops[i].call, self.ops[i].ret().unwrap_or(Time::MAX), i));
            for pair in ids.windows(2) {
                let (first, second) = (pair[0], pair[1]);
                if let Some(r) = self.ops[first].ret()
                    && r > self.ops[second].call
                {
                    return Err(HistoryError::Overlap {
                        client,
                        first,
                        second,
                    });
                }
            }
        }
        Ok(())
    }
}
