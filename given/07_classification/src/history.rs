//! The input of the `histories` task: a small history of one register.
//!
//! The scope is the task's: one register of integers (no keys), reads and writes only,
//! every operation completed (each has a return time later than its call), each client's
//! operations one after another, every written value unique. [`History::from_ops`]
//! refuses anything else, so a checker never has to guess what an open operation, an
//! operation without duration or a repeated value would mean.
//!
//! Times are plain ticks: only their order matters. An operation that returns at the
//! very tick another one is called comes before it. The register starts empty: a read
//! that returns `None` saw nil, the value before any write.

use std::collections::BTreeMap;
use std::fmt;

/// Identifies a client: a sequence of operations, one at a time.
pub type ClientId = u32;

/// A point in time, in ticks. Only the order of times matters.
pub type Time = u64;

/// What an operation did to the register, with what it got back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Wrote this value.
    Write(i64),
    /// Read the register and returned this value; `None` is nil (nothing written yet).
    Read(Option<i64>),
}

/// One completed operation: who called it, what it did, when it was called and when it
/// returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The client that issued it.
    pub client: ClientId,
    /// The write, or the read and what it returned.
    pub action: Action,
    /// When the client called it.
    pub call: Time,
    /// When it returned to the client (always after `call`).
    pub ret: Time,
}

impl Operation {
    /// A write of `value` by `client`, called at `call`, returned at `ret`.
    pub fn write(client: ClientId, value: i64, call: Time, ret: Time) -> Self {
        Operation {
            client,
            action: Action::Write(value),
            call,
            ret,
        }
    }

    /// A read by `client` that returned `value` (`None` for nil), called at `call`,
    /// returned at `ret`.
    pub fn read(client: ClientId, value: Option<i64>, call: Time, ret: Time) -> Self {
        Operation {
            client,
            action: Action::Read(value),
            call,
            ret,
        }
    }

    /// The label the chapter's timelines use: `w(1)`, `r()=2` or `r()=nil`.
    pub fn label(&self) -> String {
        match self.action {
            Action::Write(v) => format!("w({v})"),
            Action::Read(Some(v)) => format!("r()={v}"),
            Action::Read(None) => "r()=nil".to_owned(),
        }
    }
}

/// `client 0: w(1) from 0 to 10`.
impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "client {}: {} from {} to {}",
            self.client,
            self.label(),
            self.call,
            self.ret
        )
    }
}

/// Why a list of operations is outside the task's scope. Operations are named by their
/// index in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HistoryError {
    /// An operation returned before it was called.
    ReturnBeforeCall {
        /// The offending operation.
        op: usize,
    },
    /// An operation returned at the very tick it was called. Operations take time:
    /// "a return at a tick comes before a call at that tick" would otherwise put such an
    /// operation's return before its own call, and two of them at one tick, of one
    /// client, would have no order at all.
    NoDuration {
        /// The offending operation.
        op: usize,
    },
    /// A client called `second` while `first` was still open.
    Overlap {
        /// The client.
        client: ClientId,
        /// The operation still open.
        first: usize,
        /// The operation called too early.
        second: usize,
    },
    /// Two writes wrote the same value, so a read of it could not name its write.
    RepeatedValue {
        /// The value written twice.
        value: i64,
        /// The first write of it.
        first: usize,
        /// The second write of it.
        second: usize,
    },
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            HistoryError::ReturnBeforeCall { op } => {
                write!(f, "operation {op} returns before it is called")
            }
            HistoryError::NoDuration { op } => write!(
                f,
                "operation {op} returns at the very tick it is called; an operation takes time"
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
            HistoryError::RepeatedValue {
                value,
                first,
                second,
            } => write!(
                f,
                "operations {first} and {second} both write {value}; written values are unique"
            ),
        }
    }
}

impl std::error::Error for HistoryError {}

/// A history within the task's scope (see the module): a list of completed operations of
/// one register, in no particular order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct History {
    ops: Vec<Operation>,
}

impl History {
    /// Builds a history, checking that it is within the task's scope.
    pub fn from_ops(ops: impl IntoIterator<Item = Operation>) -> Result<Self, HistoryError> {
        let ops: Vec<Operation> = ops.into_iter().collect();
        let mut writers: BTreeMap<i64, usize> = BTreeMap::new();
        let mut by_client: BTreeMap<ClientId, Vec<usize>> = BTreeMap::new();
        for (id, op) in ops.iter().enumerate() {
            if op.ret < op.call {
                return Err(HistoryError::ReturnBeforeCall { op: id });
            }
            if op.ret == op.call {
                return Err(HistoryError::NoDuration { op: id });
            }
            if let Action::Write(value) = op.action
                && let Some(&first) = writers.get(&value)
            {
                return Err(HistoryError::RepeatedValue {
                    value,
                    first,
                    second: id,
                });
            }
            if let Action::Write(value) = op.action {
                writers.insert(value, id);
            }
            by_client.entry(op.client).or_default().push(id);
        }
        for (client, mut ids) in by_client {
            ids.sort_by_key(|&i| (ops[i].call, ops[i].ret, i));
            for pair in ids.windows(2) {
                let (first, second) = (pair[0], pair[1]);
                // Returning at the very tick the next call starts is one after the other.
                if ops[first].ret > ops[second].call {
                    return Err(HistoryError::Overlap {
                        client,
                        first,
                        second,
                    });
                }
            }
        }
        Ok(History { ops })
    }

    /// The operations, in the order they were given.
    pub fn ops(&self) -> &[Operation] {
        &self.ops
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
        let mut clients: Vec<ClientId> = self.ops.iter().map(|op| op.client).collect();
        clients.sort_unstable();
        clients.dedup();
        clients
    }
}

/// One operation a line, each with its index: `0  client 0: w(1) from 0 to 10`.
impl fmt::Display for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (id, op) in self.ops.iter().enumerate() {
            writeln!(f, "{id}  {op}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_in_scope_is_accepted_as_given() {
        let ops = [
            Operation::write(0, 1, 0, 10),
            Operation::read(1, None, 5, 15),
            // The same client again, called at the tick its last operation returned.
            Operation::read(0, Some(1), 10, 20),
        ];
        let history = History::from_ops(ops).unwrap();
        assert_eq!(history.ops(), &ops);
        assert_eq!(history.clients(), [0, 1]);
        assert_eq!(
            history.ops()[2].to_string(),
            "client 0: r()=1 from 10 to 20"
        );
    }

    #[test]
    fn what_is_out_of_scope_is_refused() {
        assert_eq!(
            History::from_ops([Operation::read(0, None, 10, 5)]),
            Err(HistoryError::ReturnBeforeCall { op: 0 })
        );
        assert_eq!(
            History::from_ops([
                Operation::write(4, 1, 0, 10),
                Operation::read(4, None, 10, 10)
            ]),
            Err(HistoryError::NoDuration { op: 1 })
        );
        assert_eq!(
            History::from_ops([
                Operation::write(3, 1, 0, 10),
                Operation::read(3, None, 9, 20)
            ]),
            Err(HistoryError::Overlap {
                client: 3,
                first: 0,
                second: 1
            })
        );
        assert_eq!(
            History::from_ops([Operation::write(0, 7, 0, 1), Operation::write(1, 7, 0, 1)]),
            Err(HistoryError::RepeatedValue {
                value: 7,
                first: 0,
                second: 1
            })
        );
    }
}
