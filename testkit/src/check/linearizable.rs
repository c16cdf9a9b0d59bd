//! Linearizability (work in progress: the search lands next).

use crate::check::{CheckError, ConsistencyCheck, DEFAULT_STEP_BUDGET, Verdict};
use crate::history::History;
use crate::model::ModelKind;

/// Checks that a history is linearizable for a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Linearizable {
    /// The sequential specification.
    pub model: ModelKind,
    /// Search steps before answering [`Verdict::Undecided`].
    pub budget: u64,
}

impl Linearizable {
    /// A checker for `model` with the default budget.
    pub fn new(model: ModelKind) -> Self {
        Linearizable {
            model,
            budget: DEFAULT_STEP_BUDGET,
        }
    }

    /// The same checker with another step budget.
    pub fn with_budget(mut self, steps: u64) -> Self {
        self.budget = steps;
        self
    }
}

impl ConsistencyCheck for Linearizable {
    fn name(&self) -> &'static str {
        "linearizability"
    }

    fn check(&self, _history: &History) -> Result<Verdict, CheckError> {
        Ok(Verdict::Undecided {
            reason: "not implemented yet".into(),
        })
    }
}
