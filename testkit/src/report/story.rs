//! The smallest story of a report, and the failure message that tells it.
//!
//! ```text
//! linearizability violated: no order of the operations on the register explains ...
//! c3  [w(3)-]
//! c11        [w(11)-]
//! c99                [r:3=]
//! [==] highlighted: op 24
//!   op 6   c3   w(3)   called at 30 ms, returned at 35 ms
//!   op 22  c11  w(11)  called at 110 ms, returned at 115 ms
//!   op 24  c99  r:3    called at 200 ms, returned at 210.25 ms  <- the one to look at
//! the smallest failing part: 3 of 25 operations; the whole history is in the
//! .history.json beside this test's page
//! ```
//!
//! Operation numbers are those of the whole history, so that `op 24` is the same
//! operation in the message, on the page and in the history file.

use serde::{Deserialize, Serialize};

use super::CheckReport;
use crate::check::minimize::culprit;
use crate::check::{Verdict, Violation};
use crate::history::timeline::{Options, render};
use crate::history::{History, OpId};

/// The smallest part of a report's history the checker still rejects for the same reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Story {
    /// Its operations, as ids of the report's history, in the history's order.
    pub ops: Vec<OpId>,
    /// What the checker found on the story alone; its ids are the report's history's.
    pub violation: Violation,
    /// Checker calls the search for it made.
    pub checks: usize,
}

/// The most operations a message lists with their times; a longer story is shown by the
/// end of its longest order and what cannot follow, as without a story.
const LISTED: usize = 12;

/// The widest a message's timeline gets, in columns.
const WIDTH: usize = 100;

impl CheckReport {
    /// The failure message of the check: what was broken and why, the story (or the
    /// evidence) drawn as a text timeline with the operation to look at highlighted,
    /// those operations with their times, and how much of `history` (the report's) was
    /// left out.
    pub fn explain(&self, history: &History) -> String {
        let Some(violation) = self.evidence() else {
            return match &self.verdict {
                Verdict::Undecided { reason } => format!("{} undecided: {reason}", self.check),
                _ => format!("{} holds", self.check),
            };
        };
        let ops = match &self.story {
            Some(story) if story.ops.len() <= LISTED => story.ops.clone(),
            _ => violation.focus().0,
        };
        let marked = culprit(violation);
        let picture = render(
            history,
            &Options::new()
                .only(ops.iter().copied())
                .highlight(marked)
                .max_width(WIDTH),
        );
        let mut text = format!(
            "{} violated: {}\n{picture}{}",
            violation.broken,
            violation.summary,
            self.listing(history, &ops, marked)
        );
        if let Some(line) = self.left_out("the .history.json beside this test's page") {
            text.push_str(&line);
            text.push('\n');
        }
        text
    }

    /// How much of the history the story leaves out and where the whole is: `the
    /// smallest failing part: 4 of 34 operations; the whole history is in WHOLE`. `None`
    /// without a story.
    pub fn left_out(&self, whole: &str) -> Option<String> {
        let story = self.story.as_ref()?;
        let all = self
            .history
            .get("ops")
            .and_then(|ops| ops.as_array())
            .map_or(0, Vec::len);
        Some(format!(
            "the smallest failing part: {} of {all} operations; the whole history is in \
             {whole}",
            story.ops.len()
        ))
    }

    /// One line per operation, in the order they were called: its number, client, label
    /// and times, the one to look at marked.
    fn listing(&self, history: &History, ops: &[OpId], marked: Option<OpId>) -> String {
        let mut ids: Vec<OpId> = ops.iter().copied().filter(|&i| i < history.len()).collect();
        ids.sort_by_key(|&i| (history.op(i).call, i));
        let number = ids.iter().map(|i| i.to_string().len()).max().unwrap_or(1);
        let client = ids
            .iter()
            .map(|&i| history.op(i).client.to_string().len() + 1)
            .max()
            .unwrap_or(2);
        let label = ids
            .iter()
            .map(|&i| history.op(i).label().chars().count())
            .max()
            .unwrap_or(1);
        let mut out = String::new();
        for id in ids {
            let op = history.op(id);
            let mark = if Some(id) == marked {
                "  <- the one to look at"
            } else {
                ""
            };
            out.push_str(&format!(
                "  op {id:<number$}  {:<client$}  {:<label$}  {}{mark}\n",
                format!("c{}", op.client),
                op.label(),
                self.times.span(op),
            ));
        }
        out
    }
}
