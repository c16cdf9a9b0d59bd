//! Consistency checkers: does a recorded history satisfy a consistency model?
//!
//! Every checker implements [`ConsistencyCheck`] and answers with a [`Verdict`]:
//!
//! - [`Verdict::Holds`]: the history satisfies the model;
//! - [`Verdict::Violated`]: it does not, with [`Evidence`] a person can follow;
//! - [`Verdict::Undecided`]: the search ran out of its step budget. Callers treat this as
//!   a failure, never as a pass: a grader that passed undecided histories could be beaten
//!   by making histories large.
//!
//! The checkers:
//!
//! - [`linearizable`]: Wing and Gong's search with Lowe's memoization of (linearized set,
//!   state) pairs, split by key for key-value histories;
//! - [`sequential`]: the same question respecting only each client's own order;
//! - [`causal`]: causal consistency and the four session guarantees, for histories whose
//!   written values are unique.

pub mod causal;
pub mod linearizable;
pub mod minimize;
mod search;
pub mod sequential;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::history::{History, OpId};

/// The default number of search steps before a checker gives up and answers
/// [`Verdict::Undecided`]. Large enough for every history the course records.
pub const DEFAULT_STEP_BUDGET: u64 = 50_000_000;

/// The answer of a checker. As JSON (in check reports), tagged by `verdict`:
/// `{"verdict": "violated", "broken": ..., "summary": ..., "evidence": {...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// The history satisfies the model.
    Holds,
    /// The history violates the model.
    Violated(Violation),
    /// The checker could not decide within its budget. Treat as a failure.
    Undecided {
        /// Why, in one sentence.
        reason: String,
    },
}

impl Verdict {
    /// Whether the history was shown to satisfy the model. `Undecided` is not a pass.
    pub fn holds(&self) -> bool {
        matches!(self, Verdict::Holds)
    }

    /// The violation, if there is one.
    pub fn violation(&self) -> Option<&Violation> {
        match self {
            Verdict::Violated(v) => Some(v),
            _ => None,
        }
    }
}

/// A history that breaks a model, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The model or guarantee broken, such as `linearizability` or `read-your-writes`.
    pub broken: String,
    /// One or two sentences a student can act on.
    pub summary: String,
    /// What shows it.
    pub evidence: Evidence,
}

impl Violation {
    /// A failure message for a test: what was broken, the summary, and a text timeline
    /// of the shortest piece of `history` that shows it (the end of the longest legal
    /// order and the operations that cannot follow it, the first highlighted; or the
    /// operations a guarantee names, the last highlighted).
    pub fn explain(&self, history: &History) -> String {
        format!(
            "{} violated: {}\n{}",
            self.broken,
            self.summary,
            self.picture(history, 100)
        )
    }

    /// The text timeline of [`Violation::explain`], at most `width` columns wide.
    pub fn picture(&self, history: &History, width: usize) -> String {
        let (ops, marked) = self.focus();
        let options = crate::history::timeline::Options::new()
            .only(ops)
            .highlight(marked)
            .max_width(width);
        crate::history::timeline::render(history, &options)
    }

    /// The shortest piece of the history that shows the violation, and the operations in
    /// it to highlight: for a search, the end of the longest legal order (five
    /// operations) and the first operations that cannot follow it (up to five), the
    /// first highlighted; for a broken guarantee, its operations, the last highlighted.
    pub fn focus(&self) -> (Vec<OpId>, Vec<OpId>) {
        const PREFIX_SHOWN: usize = 5;
        const BLOCKED_SHOWN: usize = 4;
        match &self.evidence {
            Evidence::PartialOrder {
                prefix, blocked, ..
            } => {
                let tail = &prefix[prefix.len().saturating_sub(PREFIX_SHOWN)..];
                let next = &blocked[..blocked.len().min(BLOCKED_SHOWN + 1)];
                let marked = next.iter().take(1).copied().collect();
                (tail.iter().chain(next).copied().collect(), marked)
            }
            Evidence::Ops { ops } => (ops.clone(), ops.last().copied().into_iter().collect()),
        }
    }

    /// The operations the evidence names, without repeats, in the order named.
    pub fn ops(&self) -> Vec<OpId> {
        let mut ids = Vec::new();
        let mut push = |id: OpId| {
            if !ids.contains(&id) {
                ids.push(id);
            }
        };
        match &self.evidence {
            Evidence::PartialOrder {
                prefix, blocked, ..
            } => {
                prefix.iter().for_each(|&i| push(i));
                blocked.iter().for_each(|&i| push(i));
            }
            Evidence::Ops { ops } => ops.iter().for_each(|&i| push(i)),
        }
        ids
    }
}

/// The evidence attached to a violation. Operation ids refer to the history checked. As
/// JSON, tagged by `kind` (`partial-order`, `ops`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Evidence {
    /// From the searching checkers: the longest order of operations that was legal, the
    /// state it leaves, and the operations none of which can follow it (the first one is
    /// the one to look at: the earliest to return).
    PartialOrder {
        /// The longest legal prefix found, in order.
        prefix: Vec<OpId>,
        /// The model's state after the prefix, as the model shows it.
        state: String,
        /// Operations that cannot be next; the first is the most telling.
        blocked: Vec<OpId>,
    },
    /// The operations involved in a broken guarantee, in the order of the explanation.
    Ops {
        /// The operations.
        ops: Vec<OpId>,
    },
}

/// Why a checker could not look at a history at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckError {
    /// The checker needs every written value to be unique and this one is not.
    ValuesNotUnique {
        /// A value written twice.
        value: String,
        /// Two operations that wrote it.
        ops: [OpId; 2],
    },
    /// The history holds an action the checker or model does not handle.
    Unsupported {
        /// The operation.
        op: OpId,
        /// What is not supported.
        what: String,
    },
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckError::ValuesNotUnique { value, ops } => write!(
                f,
                "value {value} is written by both operation {} and operation {}; this checker \
                 needs every written value to be unique",
                ops[0], ops[1]
            ),
            CheckError::Unsupported { op, what } => write!(f, "operation {op}: {what}"),
        }
    }
}

impl std::error::Error for CheckError {}

/// A consistency model that histories can be checked against, as a value: the grader
/// holds a list of these and runs each on a recorded history.
pub trait ConsistencyCheck {
    /// The name used in reports, such as `linearizability`.
    fn name(&self) -> &'static str;

    /// Checks `history`.
    fn check(&self, history: &History) -> Result<Verdict, CheckError>;
}
