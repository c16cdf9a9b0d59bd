//! Check reports: everything a history check found, in one self-describing JSON record
//! that a program can draw, such as the checker's HTML pages.
//!
//! A hidden test that finds a violation hands the grader a [`CheckReport`] (through the
//! suite harness's `attach`), and the grader draws it: the history with the evidence
//! highlighted and, for runs on the simulated network, what the network did around it.
//!
//! ```json
//! {"format": "consistency-lab-check-report", "version": 1,
//!  "title": "five clients, seed 3", "check": "linearizability",
//!  "history": {"format": "consistency-lab-history", ...},
//!  "verdict": {"verdict": "violated", "broken": "linearizability", "summary": "...",
//!              "evidence": {"kind": "partial-order", "prefix": [0, 2], "state": "1", "blocked": [3]}},
//!  "story": {"ops": [0, 2, 3], "checks": 41,
//!            "violation": {"broken": "linearizability", "summary": "...", "evidence": {...}}},
//!  "trace": [{"at": 3104000, "event": "message", "id": 1, "from": "n1", "to": "n2",
//!             "label": "Replicate(7)", "fate": "dropped", "reason": "loss"}],
//!  "trace_left_out": 0}
//! ```
//!
//! The history is in the documented history format (see [`crate::history::json`]), so
//! its operation ids are its positions there, as in the evidence. Trace times are
//! nanoseconds of virtual time, the unit of simulated histories; `"times": "lines"` says
//! a history's times are line numbers of a log instead, `"times": "ticks"` plain numbers
//! of a history written by hand.
//!
//! A report made for a student tells the smallest story ([`CheckReport::smallest`]): the
//! few operations the checker still rejects for the same reason (see
//! [`crate::check::minimize`]), and what it found on them. The whole history stays in the
//! report, so that nothing is lost; the text ([`CheckReport::explain`]) and the page draw
//! the story and say how much was left out.

mod story;

pub use story::Story;

use std::fmt::Debug;

use serde::{Deserialize, Serialize};

use crate::check::minimize::{self, Budget};
use crate::check::{ConsistencyCheck, Verdict, Violation};
use crate::history::json::{JsonError, from_json_str, to_json_string};
use crate::history::{History, OpId, TimeUnit};
use crate::model::ModelKind;
use crate::sim::trace::{Event, Fate, Trace};

/// The `format` field of every report.
pub const FORMAT: &str = "consistency-lab-check-report";

/// The most trace events a report keeps: those around the evidence.
pub const TRACE_KEPT: usize = 400;

/// A history, what it was checked for, and what was found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// Always [`FORMAT`].
    pub format: String,
    /// `1`.
    pub version: u32,
    /// What ran, in a few words: the scenario and its seed.
    pub title: String,
    /// What the history was checked for: `linearizability`, `sequential consistency`,
    /// `causal consistency`, `read-your-writes`...
    pub check: String,
    /// The history, in the JSON history format.
    pub history: serde_json::Value,
    /// The verdict.
    pub verdict: Verdict,
    /// What the simulated network did around the evidence, if the run was simulated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceRecord>,
    /// How many trace events were left out.
    #[serde(default)]
    pub trace_left_out: usize,
    /// What the history's times count: nanoseconds unless it was read from a log or
    /// written by hand.
    #[serde(default, skip_serializing_if = "TimeUnit::is_nanoseconds")]
    pub times: TimeUnit,
    /// The smallest part of the history the checker still rejects for the same reason,
    /// when the report was made with [`CheckReport::smallest`] and the part is smaller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<Story>,
}

/// One event of a simulated run, at `at` nanoseconds of virtual time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceRecord {
    /// When.
    pub at: u64,
    /// What.
    #[serde(flatten)]
    pub event: EventRecord,
}

/// A trace [`Event`], its payloads as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum EventRecord {
    /// Something happened to message `id` from `from` to `to` (`n1`, `c0`).
    Message {
        /// The message's number; a duplicate shares it.
        id: u64,
        /// The sender.
        from: String,
        /// The receiver.
        to: String,
        /// What it carries.
        label: String,
        /// `sent`, `duplicated`, `delivered` or `dropped`.
        fate: String,
        /// Why it was dropped.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A node started with the world.
    Start {
        /// The node.
        node: usize,
    },
    /// A node crashed.
    Crash {
        /// The node.
        node: usize,
    },
    /// A crashed node started again.
    Restart {
        /// The node.
        node: usize,
        /// Whether it kept its state.
        kept_state: bool,
    },
    /// The nodes were split into groups (those in none form one more).
    Partition {
        /// The groups.
        groups: Vec<Vec<usize>>,
    },
    /// The link `from -> to` was cut.
    Block {
        /// Sender side.
        from: usize,
        /// Receiver side.
        to: usize,
    },
    /// Every link opened again.
    Heal,
    /// A client called a node.
    Call {
        /// The client.
        client: u32,
        /// The node.
        node: usize,
        /// The call's number.
        call: usize,
        /// What it asked.
        label: String,
    },
    /// A client got its answer.
    Return {
        /// The client.
        client: u32,
        /// The call.
        call: usize,
        /// The answer.
        label: String,
    },
    /// A client stopped waiting.
    TimedOut {
        /// The client.
        client: u32,
        /// The call.
        call: usize,
    },
    /// A call reached a crashed node.
    Refused {
        /// The client.
        client: u32,
        /// The call.
        call: usize,
    },
    /// The node holding a call crashed.
    Lost {
        /// The client.
        client: u32,
        /// The call.
        call: usize,
    },
}

impl CheckReport {
    /// A report of checking `history` (of data model `model`, if any) for `check`.
    pub fn new(
        title: impl Into<String>,
        check: impl Into<String>,
        history: &History,
        model: Option<ModelKind>,
        verdict: &Verdict,
    ) -> Self {
        let history_json: serde_json::Value = serde_json::from_str(&to_json_string(history, model))
            .expect("the history format is JSON");
        CheckReport {
            format: FORMAT.to_owned(),
            version: 1,
            title: title.into(),
            check: check.into(),
            history: history_json,
            verdict: verdict.clone(),
            trace: Vec::new(),
            trace_left_out: 0,
            times: TimeUnit::default(),
            story: None,
        }
    }

    /// The same report telling the smallest story: the fewest operations of `history`
    /// (the report's) that `checker` (the one that found the violation) still rejects for
    /// the same reason, searched within the default [`Budget`]. Nothing changes when the
    /// verdict is not a violation or no operation can be left out. Call it before
    /// [`CheckReport::with_trace`], whose window then follows the story.
    pub fn smallest(self, history: &History, checker: &dyn ConsistencyCheck) -> Self {
        self.smallest_within(history, checker, Budget::default())
    }

    /// [`CheckReport::smallest`] with another budget of checker calls.
    pub fn smallest_within(
        mut self,
        history: &History,
        checker: &dyn ConsistencyCheck,
        budget: Budget,
    ) -> Self {
        if let Some(violation) = self.verdict.violation() {
            let found = minimize::minimize(checker, history, violation, budget);
            if found.ids.len() < history.len() {
                self.story = Some(Story {
                    violation: found.violation_in_whole(),
                    ops: found.ids,
                    checks: found.checks,
                });
            }
        }
        self
    }

    /// The same report, its history's times counting `unit` (line numbers of a log, plain
    /// numbers of a history written by hand).
    pub fn times_in(mut self, unit: TimeUnit) -> Self {
        self.times = unit;
        self
    }

    /// The violation to show: the story's when there is one (its ids are the history's),
    /// else the verdict's.
    pub fn evidence(&self) -> Option<&Violation> {
        match &self.story {
            Some(story) => Some(&story.violation),
            None => self.verdict.violation(),
        }
    }

    /// Adds what the network did: the events from a little before the first operation
    /// the evidence shows to a little after the last, at most [`TRACE_KEPT`] of them.
    pub fn with_trace<M: Debug, Q: Debug, R: Debug>(
        mut self,
        history: &History,
        trace: &Trace<M, Q, R>,
    ) -> Self {
        let (start, end) = match self.focus() {
            Some(ops) if !ops.is_empty() => {
                let start = ops.iter().map(|&i| history.op(i).call).min().unwrap_or(0);
                let end = ops
                    .iter()
                    .map(|&i| history.op(i).ret().unwrap_or(u64::MAX))
                    .max()
                    .unwrap_or(u64::MAX);
                (start, end)
            }
            _ => (0, u64::MAX),
        };
        let window: Vec<TraceRecord> = trace
            .events()
            .iter()
            .filter(|e| {
                let at = e.at.as_nanos() as u64;
                at >= start && at <= end
            })
            .map(|e| TraceRecord {
                at: e.at.as_nanos() as u64,
                event: EventRecord::from(&e.event),
            })
            .collect();
        let cut = window.len().saturating_sub(TRACE_KEPT);
        self.trace_left_out = trace.len() - (window.len() - cut);
        self.trace = window.into_iter().skip(cut).collect();
        self
    }

    /// The operations worth showing: the story's, or those of the verdict's evidence (see
    /// [`crate::check::Violation::focus`]).
    pub fn focus(&self) -> Option<Vec<OpId>> {
        match &self.story {
            Some(story) => Some(story.ops.clone()),
            None => self.verdict.violation().map(|v| v.focus().0),
        }
    }

    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report serializes")
    }

    /// Reads a report.
    pub fn from_json(text: &str) -> Result<CheckReport, String> {
        let report: CheckReport = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if report.format != FORMAT {
            return Err(format!("not a check report (format {:?})", report.format));
        }
        Ok(report)
    }

    /// The history, read back.
    pub fn history(&self) -> Result<(History, Option<ModelKind>), JsonError> {
        from_json_str(&self.history.to_string())
    }
}

impl<M: Debug, Q: Debug, R: Debug> From<&Event<M, Q, R>> for EventRecord {
    fn from(event: &Event<M, Q, R>) -> Self {
        match event {
            Event::Message {
                id,
                from,
                to,
                payload,
                fate,
            } => {
                let (fate, reason) = match fate {
                    Fate::Sent => ("sent", None),
                    Fate::Duplicated => ("duplicated", None),
                    Fate::Delivered => ("delivered", None),
                    Fate::Dropped(why) => ("dropped", Some(why.to_string())),
                };
                EventRecord::Message {
                    id: *id,
                    from: from.to_string(),
                    to: to.to_string(),
                    label: payload.to_string(),
                    fate: fate.to_owned(),
                    reason,
                }
            }
            Event::Started(node) => EventRecord::Start { node: *node },
            Event::Crashed(node) => EventRecord::Crash { node: *node },
            Event::Restarted { node, kept_state } => EventRecord::Restart {
                node: *node,
                kept_state: *kept_state,
            },
            Event::Partitioned(groups) => EventRecord::Partition {
                groups: groups.clone(),
            },
            Event::Blocked { from, to } => EventRecord::Block {
                from: *from,
                to: *to,
            },
            Event::Healed => EventRecord::Heal,
            Event::Called {
                client,
                node,
                call,
                request,
            } => EventRecord::Call {
                client: *client,
                node: *node,
                call: *call,
                label: format!("{request:?}"),
            },
            Event::Returned {
                client,
                call,
                response,
            } => EventRecord::Return {
                client: *client,
                call: *call,
                label: format!("{response:?}"),
            },
            Event::TimedOut { client, call } => EventRecord::TimedOut {
                client: *client,
                call: *call,
            },
            Event::Refused { client, call } => EventRecord::Refused {
                client: *client,
                call: *call,
            },
            Event::Lost { client, call } => EventRecord::Lost {
                client: *client,
                call: *call,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ConsistencyCheck;
    use crate::check::linearizable::Linearizable;
    use crate::history::Operation;
    use crate::sim::Endpoint;
    use crate::sim::trace::Payload;

    /// w(1) finishes, then a read returns nothing: not linearizable.
    fn stale() -> History {
        History::from_ops([
            Operation::write(0, 1, 0, 10),
            Operation::read(1, None, 20, 30),
        ])
        .unwrap()
    }

    #[test]
    fn a_report_reads_back_as_itself_with_its_history() {
        let history = stale();
        let verdict = Linearizable::new(ModelKind::Register)
            .check(&history)
            .unwrap();
        let report = CheckReport::new(
            "a stale read",
            "linearizability",
            &history,
            Some(ModelKind::Register),
            &verdict,
        );
        let back = CheckReport::from_json(&report.to_json()).unwrap();
        assert_eq!(back, report);
        let (read_back, model) = back.history().unwrap();
        assert_eq!(read_back, history);
        assert_eq!(model, Some(ModelKind::Register));
        assert_eq!(back.verdict, verdict);
        assert_eq!(back.focus(), Some(vec![0, 1]));
        assert!(CheckReport::from_json("{\"format\":\"x\"}").is_err());
    }

    /// Twelve clients each write their number and read it back; then client 99 reads 3,
    /// long overwritten. In milliseconds.
    fn crowd() -> History {
        let ms = 1_000_000;
        let mut ops = Vec::new();
        for i in 0..12u64 {
            let t = i * 10 * ms;
            ops.push(Operation::write(i as u32, i as i64, t, t + 5 * ms));
            ops.push(Operation::read(
                i as u32,
                Some((i as i64).into()),
                t + 6 * ms,
                t + 8 * ms,
            ));
        }
        ops.push(Operation::read(
            99,
            Some(3.into()),
            200 * ms,
            210 * ms + 250_000,
        ));
        History::from_ops(ops).unwrap()
    }

    #[test]
    fn a_report_for_a_student_tells_the_smallest_story_in_milliseconds() {
        let history = crowd();
        let checker = Linearizable::new(ModelKind::Register);
        let verdict = checker.check(&history).unwrap();
        let plain = CheckReport::new("a crowd", "linearizability", &history, None, &verdict);
        let report = plain.clone().smallest(&history, &checker);
        let story = report.story.as_ref().expect("a smaller story");
        // The write of 3, a later write, and the read: ids of the whole.
        assert_eq!(story.ops, vec![6, 22, 24]);
        assert_eq!(report.focus(), Some(vec![6, 22, 24]));
        assert_eq!(report.evidence(), Some(&story.violation));
        assert_eq!(crate::check::minimize::culprit(&story.violation), Some(24));
        // The whole history and its verdict stay.
        assert_eq!(report.history().unwrap().0, history);
        assert_eq!(report.verdict, verdict);
        let back = CheckReport::from_json(&report.to_json()).unwrap();
        assert_eq!(back, report);

        let text = report.explain(&history);
        assert!(text.starts_with("linearizability violated: "), "{text}");
        assert!(
            text.contains(
                "op 24  c99  r:3    called at 200 ms, returned at 210.25 ms  <- the one to look at"
            ),
            "{text}"
        );
        assert!(
            text.contains("op 6   c3   w(3)   called at 30 ms, returned at 35 ms\n"),
            "{text}"
        );
        assert!(text.contains("[==] highlighted: op 24"), "{text}");
        assert!(
            text.ends_with(
                "the smallest failing part: 3 of 25 operations; the whole history is in the \
                 .history.json beside this test's page\n"
            ),
            "{text}"
        );
        // Without the story, no line about what was left out, and the same operation to
        // look at.
        let whole = plain.explain(&history);
        assert!(!whole.contains("smallest failing part"), "{whole}");
        assert!(whole.contains("<- the one to look at"), "{whole}");
        assert_eq!(plain.left_out("x"), None);
    }

    #[test]
    fn a_history_that_holds_has_no_story_and_logs_count_lines() {
        let history = crowd();
        let history = history.subset(&(0..24).collect::<Vec<_>>());
        let checker = Linearizable::new(ModelKind::Register);
        let verdict = checker.check(&history).unwrap();
        let report = CheckReport::new("fine", "linearizability", &history, None, &verdict)
            .smallest(&history, &checker);
        assert_eq!(report.story, None);
        assert_eq!(report.explain(&history), "linearizability holds");

        let stale = stale();
        let verdict = checker.check(&stale).unwrap();
        let report = CheckReport::new("log", "linearizability", &stale, None, &verdict)
            .times_in(TimeUnit::Lines)
            .smallest(&stale, &checker);
        // Two operations cannot get smaller.
        assert_eq!(report.story, None);
        assert!(
            report
                .explain(&stale)
                .contains("called at line 20, returned at line 30"),
            "{}",
            report.explain(&stale)
        );
        let json = report.to_json();
        assert!(json.contains("\"times\":\"lines\""), "{json}");
        assert_eq!(CheckReport::from_json(&json).unwrap(), report);
        // Reports written before these fields read as nanoseconds without a story.
        let old = json.replace(",\"times\":\"lines\"", "");
        assert_eq!(
            CheckReport::from_json(&old).unwrap().times,
            TimeUnit::Nanoseconds
        );
    }

    #[test]
    fn the_trace_kept_is_the_window_of_the_evidence() {
        let history = stale();
        let verdict = Linearizable::new(ModelKind::Register)
            .check(&history)
            .unwrap();
        let mut trace: Trace<&str, u8, bool> = Trace::default();
        for (at, id) in [(5u64, 1u64), (25, 2), (50, 3)] {
            trace.push(
                at,
                Event::Message {
                    id,
                    from: Endpoint::Node(0),
                    to: Endpoint::Client(1),
                    payload: Payload::Msg("ack"),
                    fate: Fate::Dropped(crate::sim::trace::DropReason::Partition),
                },
            );
        }
        let report = CheckReport::new("x", "linearizability", &history, None, &verdict)
            .with_trace(&history, &trace);
        // The evidence spans 0..30: the event at 50 is left out.
        assert_eq!(report.trace.len(), 2);
        assert_eq!(report.trace_left_out, 1);
        let EventRecord::Message {
            fate,
            reason,
            label,
            ..
        } = &report.trace[1].event
        else {
            panic!("{:?}", report.trace[1]);
        };
        assert_eq!(
            (fate.as_str(), reason.as_deref()),
            ("dropped", Some("partition"))
        );
        assert_eq!(label, "\"ack\"");
        let json = report.to_json();
        assert!(json.contains("\"event\":\"message\""), "{json}");
    }
}
