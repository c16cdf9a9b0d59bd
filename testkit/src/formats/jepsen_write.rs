//! Writes register histories as Jepsen logs, the format [`super::jepsen`] reads.
//!
//! Each operation becomes an `:invoke` line and, unless its outcome is unknown, an `:ok`
//! or `:fail` line, in time order. At equal times returns come before calls, so that the
//! log keeps every "returned before called" relation of the history; since the reader
//! takes line numbers as times, the history read back has other times but the same
//! real-time order, and so the same verdict. (Operations of length zero are the one
//! exception: their two lines get two different numbers.)
//!
//! An operation of unknown outcome gets an `:info` line just before its client's next
//! call, or at the end of the log, the way Jepsen reports a timeout.
//!
//! Only what the format can say is written: integer values, no keys, no appends, and no
//! cas that failed without effect (Jepsen's `:fail :cas` means "did not swap").

use std::fmt;

use crate::history::{Action, History, OpId, Outcome, Output, show};

/// Why a history cannot be written as a Jepsen register log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteError {
    /// The operation that cannot be written.
    pub op: OpId,
    /// Why, in a few words.
    pub what: &'static str,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "operation {} cannot be written as a Jepsen register log: {}",
            self.op, self.what
        )
    }
}

impl std::error::Error for WriteError {}

/// One line to be: its time, its rank among lines at that time, the operation and kind.
type Line = (u64, u8, OpId, &'static str);

/// Writes `history` as a Jepsen register log.
pub fn write(history: &History) -> Result<String, WriteError> {
    let ops = history.ops();
    let end = ops
        .iter()
        .map(|o| o.ret().unwrap_or(o.call))
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = Vec::with_capacity(ops.len() * 2);
    for (id, op) in ops.iter().enumerate() {
        let fail = |what| WriteError { op: id, what };
        if op.key.is_some() {
            return Err(fail("it has a key"));
        }
        let values = match &op.action {
            Action::Read => vec![op.read_value().cloned().flatten()],
            Action::Write(v) => vec![Some(v.clone())],
            Action::Cas { from, to } => vec![from.clone(), Some(to.clone())],
            Action::Append(_) => return Err(fail("an append")),
        };
        if values
            .iter()
            .flatten()
            .any(|v| !matches!(v, crate::history::Value::Int(_)))
        {
            return Err(fail("a value that is not an integer"));
        }
        if matches!(
            (&op.action, &op.outcome),
            (Action::Cas { .. }, Outcome::Failed { .. })
        ) {
            return Err(fail("a cas that failed without effect"));
        }
        lines.push((op.call, 1, id, "invoke"));
        match &op.outcome {
            Outcome::Ok { at, output } => {
                let kind = if *output == Output::Swapped(false) {
                    "fail"
                } else {
                    "ok"
                };
                lines.push((*at, 0, id, kind));
            }
            Outcome::Failed { at } => lines.push((*at, 0, id, "fail")),
            Outcome::Unknown => {
                let next = ops
                    .iter()
                    .filter(|o| o.client == op.client && o.call > op.call)
                    .map(|o| o.call)
                    .min();
                // Just before the client's next call, else after everything.
                lines.push(match next {
                    Some(t) => (t, 0, id, "info"),
                    None => (end, 2, id, "info"),
                });
            }
        }
    }
    lines.sort_unstable();
    let mut out = String::new();
    for (_, _, id, kind) in lines {
        let op = &ops[id];
        let (f, value) = match &op.action {
            Action::Read => {
                let v = match (kind, op.read_value()) {
                    ("ok", Some(v)) => show(v),
                    ("invoke", _) => "nil".to_owned(),
                    _ => ":timed-out".to_owned(),
                };
                ("read", v)
            }
            Action::Write(v) => ("write", v.to_string()),
            Action::Cas { from, to } => ("cas", format!("[{} {to}]", show(from))),
            Action::Append(_) => unreachable!("refused above"),
        };
        let value = if kind == "info" {
            ":timed-out".to_owned()
        } else {
            value
        };
        out.push_str(&format!(
            "INFO  jepsen.util - {}\t:{kind}\t:{f}\t{value}\n",
            op.client
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::jepsen;
    use crate::history::Operation as Op;

    #[test]
    fn writes_what_the_reader_reads_back_in_the_same_order() {
        let cas = Action::Cas {
            from: Some(1.into()),
            to: 2.into(),
        };
        let h = History::from_ops([
            Op::write(0, 1, 0, 4),
            Op::read(1, Some(1.into()), 4, 6),
            Op::cas(2, Some(3.into()), 4, false, 5, 7),
            Op::unknown(0, cas, 8),
            Op::failed(1, Action::Write(9.into()), 9, 10),
            Op::read(0, None, 11, 12),
        ])
        .unwrap();
        let log = write(&h).unwrap();
        let back = jepsen::parse(&log).unwrap();
        let labels = |h: &History| h.ops().iter().map(Op::label).collect::<Vec<_>>();
        assert_eq!(labels(&back), labels(&h));
        // The write returned at 4 and the read was called at 4: still in that order.
        assert!(back.op(0).ret().unwrap() < back.op(1).call);
        assert!(log.contains("0\t:info\t:cas\t:timed-out"), "{log}");
    }

    #[test]
    fn refuses_what_the_format_cannot_say() {
        let keyed = History::from_ops([Op::write(0, 1, 0, 1).on("x")]).unwrap();
        assert_eq!(write(&keyed).unwrap_err().what, "it has a key");
        let text = History::from_ops([Op::write(0, "a", 0, 1)]).unwrap();
        assert_eq!(write(&text).unwrap_err().op, 0);
        let cas = Action::Cas {
            from: None,
            to: 1.into(),
        };
        let failed = History::from_ops([Op::failed(0, cas, 0, 1)]).unwrap();
        assert!(
            write(&failed)
                .unwrap_err()
                .to_string()
                .contains("without effect")
        );
    }
}
