//! Results for programs: one JSON object per file, on one line.
//!
//! ```json
//! {"file":"a.log","model":"cas-register","consistency":"linearizable","verdict":"not-linearizable","ms":1.234,"ops":12,
//!  "evidence":{"broken":"linearizability","summary":"...","prefix":[...],"state":"3","blocked":[...]}}
//! ```
//!
//! `consistency` is the model checked, as `--consistency` names it. `verdict` is
//! `linearizable`, `not-linearizable` or `unknown` (with a `reason`), or for another model
//! its own words joined by hyphens: `sequentially-consistent`, `not-causally-consistent`,
//! `causal-memory`, `breaks-read-your-writes`, `keeps-session-guarantees`.
//! `model` is the data model of the file or of `--model`: `null` for an empty history read
//! without one, and for a causal check (which needs none) of a file that names none.
//! Operations in the evidence are objects `{"id", "client", "key"?, "op", "call", "ret"}`:
//! `id` is the operation's index in the history, `op` its label (`w(3)`, `r:nil`,
//! `cas(1->2):no`), `ret` is `null` when its outcome is unknown.

use serde::Serialize;
use testkit::check::{Evidence, Verdict};
use testkit::history::{History, OpId, Time};

use crate::output::{Checked, millis};

/// The line for one file.
#[derive(Serialize)]
struct Line<'a> {
    file: &'a str,
    model: Option<&'static str>,
    consistency: &'static str,
    verdict: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    ms: f64,
    ops: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<EvidenceLine<'a>>,
}

/// The evidence of a violation.
#[derive(Serialize)]
struct EvidenceLine<'a> {
    broken: &'a str,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<Vec<OpLine<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked: Option<Vec<OpLine<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ops: Option<Vec<OpLine<'a>>>,
}

/// One operation named by the evidence.
#[derive(Serialize)]
struct OpLine<'a> {
    id: OpId,
    client: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    op: String,
    call: Time,
    ret: Option<Time>,
}

fn op_lines<'a>(history: &'a History, ids: &[OpId]) -> Vec<OpLine<'a>> {
    ids.iter()
        .map(|&id| {
            let op = history.op(id);
            OpLine {
                id,
                client: op.client,
                key: op.key.as_deref(),
                op: op.label(),
                call: op.call,
                ret: op.ret(),
            }
        })
        .collect()
}

/// The JSON line for one checked file, without the newline.
pub fn render(c: &Checked<'_>) -> String {
    let h = c.history;
    let (verdict, reason, evidence) = match c.verdict {
        Verdict::Holds => (c.consistency.verdict_tag(true), None, None),
        Verdict::Undecided { reason } => ("unknown".to_owned(), Some(reason.as_str()), None),
        Verdict::Violated(v) => {
            let mut e = EvidenceLine {
                broken: &v.broken,
                summary: &v.summary,
                prefix: None,
                state: None,
                blocked: None,
                ops: None,
            };
            match &v.evidence {
                Evidence::PartialOrder {
                    prefix,
                    state,
                    blocked,
                } => {
                    e.prefix = Some(op_lines(h, prefix));
                    e.state = Some(state);
                    e.blocked = Some(op_lines(h, blocked));
                }
                Evidence::Ops { ops } => e.ops = Some(op_lines(h, ops)),
            }
            (c.consistency.verdict_tag(false), None, Some(e))
        }
    };
    let line = Line {
        file: c.file,
        model: c.model.map(|m| m.name()),
        consistency: c.consistency.flag(),
        verdict,
        reason,
        ms: millis(c.elapsed),
        ops: h.len(),
        evidence,
    };
    // Serializing plain structs of strings and numbers cannot fail.
    serde_json::to_string(&line).expect("a result line serializes")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{Value, json};
    use testkit::check::Violation;
    use testkit::history::{Action, Operation as Op};
    use testkit::model::ModelKind;

    use super::*;
    use crate::history::consistency::Consistency;

    fn parse(c: &Checked<'_>) -> Value {
        let text = render(c);
        assert!(!text.contains('\n'), "one line: {text}");
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn a_violation_carries_its_evidence() {
        let h = History::from_ops([
            Op::write(0, 1, 1, 2).on("k"),
            Op::unknown(1, Action::Read, 3).on("k"),
        ])
        .unwrap();
        let verdict = Verdict::Violated(Violation {
            broken: "linearizability".into(),
            summary: "why".into(),
            evidence: Evidence::PartialOrder {
                prefix: vec![0],
                state: "\"a\"".into(),
                blocked: vec![1],
            },
        });
        let c = Checked {
            file: "x.txt",
            model: Some(ModelKind::Kv),
            consistency: Consistency::Linearizable,
            history: &h,
            times_are_lines: true,
            verdict: &verdict,
            elapsed: Duration::from_micros(2500),
        };
        let expected = json!({
            "file": "x.txt", "model": "kv", "consistency": "linearizable",
            "verdict": "not-linearizable", "ms": 2.5, "ops": 2,
            "evidence": {
                "broken": "linearizability", "summary": "why", "state": "\"a\"",
                "prefix": [{"id": 0, "client": 0, "key": "k", "op": "k.w(1)", "call": 1, "ret": 2}],
                "blocked": [{"id": 1, "client": 1, "key": "k", "op": "k.r?", "call": 3, "ret": null}],
            }
        });
        assert_eq!(parse(&c), expected);
    }

    #[test]
    fn passes_and_unknowns_have_no_evidence() {
        let h = History::new();
        let undecided = Verdict::Undecided {
            reason: "out of steps".into(),
        };
        let mut c = Checked {
            file: "e.log",
            model: None,
            consistency: Consistency::Linearizable,
            history: &h,
            times_are_lines: false,
            verdict: &Verdict::Holds,
            elapsed: Duration::ZERO,
        };
        let expected = json!({"file": "e.log", "model": null, "consistency": "linearizable",
            "verdict": "linearizable", "ms": 0.0, "ops": 0});
        assert_eq!(parse(&c), expected);
        c.consistency = Consistency::ReadYourWrites;
        assert_eq!(parse(&c)["consistency"], "read-your-writes");
        assert_eq!(parse(&c)["verdict"], "keeps-read-your-writes");
        c.consistency = Consistency::Linearizable;
        c.verdict = &undecided;
        assert_eq!(parse(&c)["verdict"], "unknown");
        assert_eq!(parse(&c)["reason"], "out of steps");
        assert!(parse(&c).get("evidence").is_none());
    }
}
