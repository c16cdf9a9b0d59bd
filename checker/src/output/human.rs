//! Results for people: one line per file, then the evidence of a violation.
//!
//! ```text
//! etcd_000.log  not linearizable  (1.3 ms)
//!     no order of the operations on the register explains what the clients saw. ...
//!     longest legal order: 14 operations, ending with
//!       op 13: client 3 w(3), called at line 10, returned at line 14
//!     state after it: 3
//!     cannot go next: op 15: client 1 r:2, called at line 15, returned at line 18
//! ```
//!
//! Times are in the history's own unit: milliseconds for a JSON history (its
//! nanoseconds), line numbers for a log.

use testkit::check::{Evidence, Verdict, Violation};
use testkit::history::{OpId, TimeUnit};

use crate::output::{Checked, millis};
use checker_core::style::Style;

/// How many operations of the legal prefix to show: the last few explain the state.
const PREFIX_SHOWN: usize = 5;

/// Where text wraps, not counting the indentation.
const WIDTH: usize = 88;

/// The indentation of everything under the result line.
const INDENT: &str = "    ";

/// The result line for one file, and for a violation its evidence.
pub fn render(c: &Checked<'_>, width: usize, style: Style) -> String {
    let (holds, violated) = c.consistency.verdict_words();
    let (word, reason) = match c.verdict {
        Verdict::Holds => (style.green(holds), None),
        Verdict::Violated(_) => (style.red(violated), None),
        Verdict::Undecided { reason } => (style.yellow("unknown"), Some(reason)),
    };
    let time = style.dim(&format!("({:.1} ms)", millis(c.elapsed)));
    // Pad by characters, not bytes, and before colouring: escapes have no width.
    let pad = width.saturating_sub(c.file.chars().count());
    let mut out = format!("{}{}  {word}  {time}", c.file, " ".repeat(pad));
    if let Some(reason) = reason {
        out.push('\n');
        out.push_str(&wrap(reason, INDENT));
    }
    if let Verdict::Violated(v) = c.verdict {
        out.push('\n');
        out.push_str(&evidence(c, v));
    }
    out
}

/// The evidence of a violation, indented under the result line.
fn evidence(c: &Checked<'_>, v: &Violation) -> String {
    let h = c.history;
    let unit = match c.times_are_lines {
        true => TimeUnit::Lines,
        false => TimeUnit::Nanoseconds,
    };
    let op = |id: OpId| unit.describe(id, h.op(id));
    let mut lines = vec![wrap(&v.summary, INDENT)];
    match &v.evidence {
        Evidence::PartialOrder {
            prefix,
            state,
            blocked,
        } => {
            let shown = &prefix[prefix.len().saturating_sub(PREFIX_SHOWN)..];
            lines.push(match (prefix.len(), shown.len() < prefix.len()) {
                (0, _) => format!("{INDENT}longest legal order: none"),
                (n, true) => format!("{INDENT}longest legal order: {n} operations, ending with"),
                (n, false) => format!("{INDENT}longest legal order: {n} operations"),
            });
            lines.extend(shown.iter().map(|&id| format!("{INDENT}  {}", op(id))));
            lines.push(format!("{INDENT}state after it: {state}"));
            if let Some((&first, rest)) = blocked.split_first() {
                let more = match rest.len() {
                    0 => String::new(),
                    n => format!(" (and {n} more)"),
                };
                lines.push(format!("{INDENT}cannot go next: {}{more}", op(first)));
            }
        }
        Evidence::Ops { ops } => {
            lines.push(format!("{INDENT}operations involved:"));
            lines.extend(ops.iter().map(|&id| format!("{INDENT}  {}", op(id))));
        }
    }
    let picture = v.picture(h, WIDTH);
    lines.extend(picture.lines().map(|l| format!("{INDENT}{l}")));
    lines.join("\n")
}

/// Wraps `text` at word boundaries to [`WIDTH`] columns (not counting `indent`), each
/// line starting with `indent`.
fn wrap(text: &str, indent: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.len() + 1 + word.len() > indent.len() + WIDTH {
            lines.push(std::mem::replace(&mut line, String::from(indent)));
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use testkit::history::{History, Operation as Op};
    use testkit::model::ModelKind;

    use super::*;
    use crate::history::consistency::Consistency;

    fn history() -> History {
        History::from_ops([
            Op::write(0, 1, 1, 2),
            Op::write(1, 2, 3, 4),
            Op::read(2, Some(1.into()), 5, 6),
        ])
        .unwrap()
    }

    fn checked<'a>(history: &'a History, verdict: &'a Verdict) -> Checked<'a> {
        Checked {
            file: "a.log",
            model: Some(ModelKind::Register),
            consistency: Consistency::Linearizable,
            history,
            times_are_lines: true,
            verdict,
            elapsed: Duration::from_micros(1300),
        }
    }

    #[test]
    fn a_violation_shows_summary_prefix_state_and_blocked_operation() {
        let h = history();
        let verdict = Verdict::Violated(Violation {
            broken: "linearizability".into(),
            summary: "the read of 1 comes too late".into(),
            evidence: Evidence::PartialOrder {
                prefix: vec![0, 1],
                state: "2".into(),
                blocked: vec![2],
            },
        });
        let text = render(&checked(&h, &verdict), 8, Style::plain());
        let expected = "\
a.log     not linearizable  (1.3 ms)
    the read of 1 comes too late
    longest legal order: 2 operations
      op 0: client 0 w(1), called at line 1, returned at line 2
      op 1: client 1 w(2), called at line 3, returned at line 4
    state after it: 2
    cannot go next: op 2: client 2 r:1, called at line 5, returned at line 6
    c0 [w(1)-]
    c1        [w(2)-]
    c2               [r:1=]
    [==] highlighted: op 2";
        assert_eq!(text, expected);
    }

    #[test]
    fn a_long_prefix_shows_only_its_end() {
        let ops = (0..8).map(|i| Op::write(0, i, 2 * i as u64, 2 * i as u64 + 1));
        let h = History::from_ops(ops).unwrap();
        let verdict = Verdict::Violated(Violation {
            broken: "linearizability".into(),
            summary: "s".into(),
            evidence: Evidence::PartialOrder {
                prefix: (0..7).collect(),
                state: "6".into(),
                blocked: vec![7, 3],
            },
        });
        let text = render(&checked(&h, &verdict), 0, Style::plain());
        assert!(
            text.contains("longest legal order: 7 operations, ending with\n"),
            "{text}"
        );
        assert!(!text.contains("w(1),"), "{text}");
        assert!(
            text.contains("      op 2: client 0 w(2), called at line 4, returned at line 5\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "cannot go next: op 7: client 0 w(7), called at line 14, returned at line 15 \
                 (and 1 more)"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_json_historys_nanoseconds_show_as_milliseconds() {
        let h = History::from_ops([
            Op::write(0, 1, 0, 2_000_000),
            Op::read(1, Some(2.into()), 3_000_000, 4_250_000),
        ])
        .unwrap();
        let verdict = Verdict::Violated(Violation {
            broken: "linearizability".into(),
            summary: "a read of a value nobody wrote".into(),
            evidence: Evidence::Ops { ops: vec![1] },
        });
        let c = Checked {
            times_are_lines: false,
            ..checked(&h, &verdict)
        };
        let text = render(&c, 0, Style::plain());
        assert!(
            text.contains("  op 1: client 1 r:2, called at 3 ms, returned at 4.25 ms\n"),
            "{text}"
        );
        assert!(!text.contains("at line"), "{text}");
    }

    #[test]
    fn passes_and_unknowns_are_one_line_and_a_reason() {
        let h = history();
        let text = render(&checked(&h, &Verdict::Holds), 5, Style::plain());
        assert_eq!(text, "a.log  linearizable  (1.3 ms)");
        let undecided = Verdict::Undecided {
            reason: "out of steps".into(),
        };
        let text = render(&checked(&h, &undecided), 5, Style::plain());
        assert_eq!(text, "a.log  unknown  (1.3 ms)\n    out of steps");
    }

    #[test]
    fn wraps_long_text_at_words() {
        let text = "word ".repeat(40);
        let wrapped = wrap(&text, INDENT);
        assert!(wrapped.lines().count() > 1);
        for line in wrapped.lines() {
            assert!(line.len() <= INDENT.len() + WIDTH, "{line:?}");
            assert!(line.starts_with("    word"), "{line:?}");
        }
        assert_eq!(wrapped.split_whitespace().count(), 40);
    }
}
