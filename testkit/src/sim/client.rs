//! Client calls: what each client asked, how it ended, and the history they make.
//!
//! Every [`World::call`](super::World::call) opens a [`Call`]. The call ends in one of
//! these ways, which become [`Outcome`]s in the recorded [`History`]:
//!
//! | [`CallOutcome`] | when | in the history |
//! | --- | --- | --- |
//! | `Returned` | the answer reached the client | what [`Recordable::answer`] says |
//! | `Refused` | the request reached a crashed node, which never saw it | `Failed` |
//! | `Lost` | the node that had received the request crashed | `Unknown` |
//! | `TimedOut` | [`Config::client_timeout`](super::Config::client_timeout) passed | `Unknown` |
//! | `Pending` | still open when the history is taken | `Unknown` |
//!
//! A refused call is recorded as failed only because the world knows that no copy of
//! the request was ever handed to a node; a real client could not know that, but the
//! checkers drop failed operations, which keeps their search small.

use std::time::Duration;

use super::NodeId;
use super::node::nanos;
use crate::history::{Action, ClientId, History, HistoryError, Operation, Outcome, Output};

/// Identifies a client call: its index in [`World::calls`](super::World::calls).
pub type CallId = usize;

/// How a call ended, so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome<R> {
    /// The client still waits.
    Pending,
    /// The client got `response` at `at`.
    Returned {
        /// When the answer arrived.
        at: Duration,
        /// The answer.
        response: R,
    },
    /// The request reached a crashed node at `at`; it had no effect.
    Refused {
        /// When.
        at: Duration,
    },
    /// The node holding the request crashed at `at`; it may or may not have had effect.
    Lost {
        /// When.
        at: Duration,
    },
    /// The client stopped waiting at `at`; it may or may not have had effect.
    TimedOut {
        /// When.
        at: Duration,
    },
}

impl<R> CallOutcome<R> {
    /// The answer, if the call returned.
    pub fn response(&self) -> Option<&R> {
        match self {
            CallOutcome::Returned { response, .. } => Some(response),
            _ => None,
        }
    }

    /// When the call ended, unless it is still pending.
    pub fn ended(&self) -> Option<Duration> {
        match self {
            CallOutcome::Pending => None,
            CallOutcome::Returned { at, .. }
            | CallOutcome::Refused { at }
            | CallOutcome::Lost { at }
            | CallOutcome::TimedOut { at } => Some(*at),
        }
    }

    /// Whether the client still waits.
    pub fn is_pending(&self) -> bool {
        matches!(self, CallOutcome::Pending)
    }
}

/// One client call: who asked which node what, when, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call<Q, R> {
    /// The client.
    pub client: ClientId,
    /// The node it called.
    pub node: NodeId,
    /// What it asked.
    pub request: Q,
    /// When it called.
    pub called: Duration,
    /// How it ended.
    pub outcome: CallOutcome<R>,
    /// Whether some copy of the request was handed to a node; a refused call that was
    /// delivered before (as a duplicate) may have had effect after all.
    pub(super) delivered: bool,
}

/// How a node's answer reads in a history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The operation completed with this output.
    Ok(Output),
    /// The node reports an error that guarantees the operation had no effect.
    Failed,
    /// The node reports that it cannot tell whether the operation took effect.
    Unknown,
}

/// A client request that can be recorded in a [`History`]: implement it for an
/// exercise's request type to get [`World::history`](super::World::history).
///
/// ```
/// use testkit::history::{Action, Output, Value};
/// use testkit::sim::{Answer, Recordable};
///
/// #[derive(Clone, Debug)]
/// enum Req { Get, Set(i64) }
/// #[derive(Clone, Debug)]
/// enum Resp { Value(Option<i64>), Ok, NotLeader }
///
/// impl Recordable<Resp> for Req {
///     fn action(&self) -> Action {
///         match self {
///             Req::Get => Action::Read,
///             Req::Set(v) => Action::Write(Value::Int(*v)),
///         }
///     }
///     fn answer(&self, response: &Resp) -> Answer {
///         match response {
///             Resp::Value(v) => Answer::Ok(Output::Value(v.map(Value::Int))),
///             Resp::Ok => Answer::Ok(Output::Done),
///             // A node that is not the leader did nothing.
///             Resp::NotLeader => Answer::Failed,
///         }
///     }
/// }
/// ```
pub trait Recordable<R> {
    /// The key the request touches; `None` (the default) for a single register.
    fn key(&self) -> Option<String> {
        None
    }

    /// What the request asks for.
    fn action(&self) -> Action;

    /// How `response`, the node's answer to this request, reads in the history.
    fn answer(&self, response: &R) -> Answer;
}

/// Builds the history of `calls`, in call order, with the two mapping functions.
pub(super) fn history_of<Q, R>(
    calls: &[Call<Q, R>],
    mut action: impl FnMut(&Q) -> (Option<String>, Action),
    mut answer: impl FnMut(&Q, &R) -> Answer,
) -> Result<History, HistoryError> {
    let ops = calls.iter().map(|c| {
        let (key, action) = action(&c.request);
        let outcome = match &c.outcome {
            CallOutcome::Returned { at, response } => match answer(&c.request, response) {
                Answer::Ok(output) => Outcome::Ok {
                    at: nanos(*at),
                    output,
                },
                Answer::Failed => Outcome::Failed { at: nanos(*at) },
                Answer::Unknown => Outcome::Unknown,
            },
            CallOutcome::Refused { at } => Outcome::Failed { at: nanos(*at) },
            CallOutcome::Pending | CallOutcome::Lost { .. } | CallOutcome::TimedOut { .. } => {
                Outcome::Unknown
            }
        };
        Operation {
            client: c.client,
            key,
            action,
            call: nanos(c.called),
            outcome,
        }
    });
    History::from_ops(ops)
}
