//! The JSON history format: how histories are saved, shared and read back.
//!
//! ```json
//! {
//!   "format": "consistency-lab-history",
//!   "version": 1,
//!   "model": "cas-register",
//!   "ops": [
//!     {"client": 0, "f": "write", "value": 1, "call": 0, "return": 10, "outcome": "ok"},
//!     {"client": 1, "f": "read", "value": 1, "call": 5, "return": 12, "outcome": "ok"},
//!     {"client": 2, "f": "cas", "from": 1, "to": 2, "call": 6, "outcome": "unknown"},
//!     {"client": 3, "f": "cas", "from": null, "to": 7, "call": 7, "return": 9,
//!      "outcome": "ok", "swapped": false},
//!     {"client": 4, "key": "x", "f": "append", "value": "ab", "call": 8, "return": 9,
//!      "outcome": "fail"}
//!   ]
//! }
//! ```
//!
//! - `format` and `version` identify the file; `model` (`register`, `cas-register` or
//!   `kv`) is optional and tells `checker history check` which model to use.
//! - Each operation has `client` (a number), `f` (`read`, `write`, `cas` or `append`),
//!   `call` (a number), `outcome` (`ok`, `fail` or `unknown`) and, unless the outcome is
//!   `unknown`, `return` (a number, not before `call`). `key` (a string) is optional.
//! - `value`: for `write` and `append` the value written; for a `read` with outcome `ok`
//!   the value read (`null` when nothing was written). Values are integers or strings.
//! - `from` and `to`: for `cas`; `from` may be `null` (swap only if empty). A `cas` with
//!   outcome `ok` also has `swapped` (`true` or `false`).
//! - `fail` means the operation certainly had no effect; `unknown` means it may have taken
//!   effect at any point after its call, or never.
//!
//! Unknown fields are rejected rather than ignored, so that a misspelt `"retrun"` is an
//! error with a line number instead of an operation silently treated as unfinished.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::history::{Action, History, HistoryError, Operation, Outcome, Output, Value};
use crate::model::ModelKind;

/// The value of the `format` field.
pub const FORMAT: &str = "consistency-lab-history";

/// The version this code writes and reads.
pub const VERSION: u32 = 1;

/// Why a JSON history could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// The 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// What was wrong and what was expected.
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for JsonError {}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: String,
    version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    /// What the history was checked for when it was kept beside a failed check's page
    /// (see [`JsonHistory::consistency`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    consistency: Option<String>,
    ops: Vec<WireOp>,
}

/// One operation as it appears in the file: flat, with optional fields, so that the
/// file reads like a log. Conversion to [`Operation`] checks the combinations.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireOp {
    client: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    f: String,
    // `Option<Option<_>>` tells "absent" apart from `null` (a read of nothing).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
    value: Option<Option<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
    from: Option<Option<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<Value>,
    call: u64,
    #[serde(default, rename = "return", skip_serializing_if = "Option::is_none")]
    ret: Option<u64>,
    outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    swapped: Option<bool>,
}

/// Serde helpers for a field that may be absent, `null`, or a value.
mod present {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// Writes a history as pretty JSON in the format above, one operation per line.
pub fn to_json_string(history: &History, model: Option<ModelKind>) -> String {
    let ops: Vec<String> = history
        .ops()
        .iter()
        .map(|op| serde_json::to_string(&to_wire(op)).expect("operations serialise"))
        .collect();
    let model = model.map_or(String::new(), |m| format!("  \"model\": \"{m}\",\n"));
    format!(
        "{{\n  \"format\": \"{FORMAT}\",\n  \"version\": {VERSION},\n{model}  \"ops\": [\n    {}\n  ]\n}}\n",
        ops.join(",\n    ")
    )
}

fn to_wire(op: &Operation) -> WireOp {
    let (f, value, from, to) = match &op.action {
        Action::Read => ("read", op.read_value().cloned(), None, None),
        Action::Write(v) => ("write", Some(Some(v.clone())), None, None),
        Action::Append(v) => ("append", Some(Some(v.clone())), None, None),
        Action::Cas { from, to } => ("cas", None, Some(from.clone()), Some(to.clone())),
    };
    let (outcome, swapped) = match &op.outcome {
        Outcome::Ok { output, .. } => match output {
            Output::Swapped(s) => ("ok", Some(*s)),
            _ => ("ok", None),
        },
        Outcome::Failed { .. } => ("fail", None),
        Outcome::Unknown => ("unknown", None),
    };
    WireOp {
        client: op.client,
        key: op.key.clone(),
        f: f.to_owned(),
        value,
        from,
        to,
        call: op.call,
        ret: op.ret(),
        outcome: outcome.to_owned(),
        swapped,
    }
}

/// Reads a history in the format above, with the model it names, if any.
pub fn from_json_str(text: &str) -> Result<(History, Option<ModelKind>), JsonError> {
    read(text).map(|file| (file.history, file.model))
}

/// A JSON history file as read: the history, the model it names, and the property it
/// names (`"consistency"`: what a check held it to, written into the history a failed
/// check keeps beside its page, so that checking the file again checks the same
/// property; the parser itself does not look at it).
#[derive(Debug)]
pub struct JsonHistory {
    /// The operations.
    pub history: History,
    /// The model the file names.
    pub model: Option<ModelKind>,
    /// The property the file names, as it names it.
    pub consistency: Option<String>,
}

/// Reads a JSON history file, with every field it names (see [`from_json_str`]).
pub fn read(text: &str) -> Result<JsonHistory, JsonError> {
    let file: File = serde_json::from_str(text).map_err(|e| JsonError {
        line: Some(e.line()),
        message: format!("not a valid history file: {e}"),
    })?;
    let at_top = |message: String| JsonError {
        line: None,
        message,
    };
    if file.format != FORMAT {
        return Err(at_top(format!(
            "\"format\" is {:?}, expected {FORMAT:?}",
            file.format
        )));
    }
    if file.version != VERSION {
        return Err(at_top(format!(
            "\"version\" is {}, this checker reads version {VERSION}",
            file.version
        )));
    }
    let model = match file.model {
        Some(m) => Some(m.parse::<ModelKind>().map_err(at_top)?),
        None => None,
    };
    let lines = op_lines(text);
    let mut ops = Vec::with_capacity(file.ops.len());
    for (i, wire) in file.ops.into_iter().enumerate() {
        let op = from_wire(wire).map_err(|message| JsonError {
            line: lines.get(i).copied(),
            message: format!("operation {i}: {message}"),
        })?;
        ops.push(op);
    }
    let history = History::from_ops(ops).map_err(|e| JsonError {
        line: match &e {
            HistoryError::ReturnBeforeCall { op } | HistoryError::OutputMismatch { op } => {
                lines.get(*op).copied()
            }
            HistoryError::Overlap { second, .. } => lines.get(*second).copied(),
        },
        message: e.to_string(),
    })?;
    Ok(JsonHistory {
        history,
        model,
        consistency: file.consistency,
    })
}

/// The line on which each element of the `"ops"` array starts: best effort, for error
/// messages only. It counts objects at nesting depth two, skipping strings.
fn op_lines(text: &str) -> Vec<usize> {
    let (mut depth, mut line, mut in_string, mut escaped) = (0usize, 1usize, false, false);
    let mut starts = Vec::new();
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else {
            match c {
                '"' => in_string = true,
                '{' | '[' => {
                    depth += 1;
                    if c == '{' && depth == 3 {
                        starts.push(line);
                    }
                }
                '}' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if c == '\n' {
            line += 1;
        }
    }
    starts
}

fn from_wire(w: WireOp) -> Result<Operation, String> {
    let need = |field: &str| format!("a {} needs \"{field}\"", w.f);
    let action = match w.f.as_str() {
        "read" => Action::Read,
        "write" => Action::Write(w.value.clone().flatten().ok_or_else(|| need("value"))?),
        "append" => Action::Append(w.value.clone().flatten().ok_or_else(|| need("value"))?),
        "cas" => Action::Cas {
            from: w.from.clone().ok_or_else(|| need("from"))?,
            to: w.to.clone().ok_or_else(|| need("to"))?,
        },
        other => {
            return Err(format!(
                "\"f\" is {other:?}, expected \"read\", \"write\", \"cas\" or \"append\""
            ));
        }
    };
    let ret = |w: &WireOp| {
        w.ret
            .ok_or_else(|| format!("outcome {:?} needs \"return\"", w.outcome))
    };
    let outcome = match w.outcome.as_str() {
        "ok" => {
            let output = match &action {
                Action::Read => Output::Value(w.value.clone().ok_or_else(|| need("value"))?),
                Action::Write(_) | Action::Append(_) => Output::Done,
                Action::Cas { .. } => Output::Swapped(w.swapped.ok_or_else(|| need("swapped"))?),
            };
            Outcome::Ok {
                at: ret(&w)?,
                output,
            }
        }
        "fail" => Outcome::Failed { at: ret(&w)? },
        "unknown" => {
            if w.ret.is_some() {
                return Err("an operation with outcome \"unknown\" has no \"return\"".into());
            }
            Outcome::Unknown
        }
        other => {
            return Err(format!(
                "\"outcome\" is {other:?}, expected \"ok\", \"fail\" or \"unknown\""
            ));
        }
    };
    Ok(Operation {
        client: w.client,
        key: w.key,
        action,
        call: w.call,
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn sample() -> History {
        History::from_ops([
            Operation::write(0, 1, 0, 10),
            Operation::read(1, Some(1.into()), 5, 12),
            Operation::read(1, None, 13, 14),
            Operation::unknown(
                2,
                Action::Cas {
                    from: Some(1.into()),
                    to: 2.into(),
                },
                6,
            ),
            Operation::cas(3, None, 7, false, 7, 9),
            Operation::failed(4, Action::Append("ab".into()), 8, 9).on("x"),
        ])
        .unwrap()
    }

    #[test]
    fn a_kept_history_names_the_property_it_was_checked_for() {
        let text = to_json_string(&sample(), Some(ModelKind::CasRegister));
        assert_eq!(read(&text).unwrap().consistency, None);
        let named = text.replacen(
            "\"version\": 1,",
            "\"version\": 1,\n  \"consistency\": \"read-your-writes\",",
            1,
        );
        assert_eq!(
            read(&named).unwrap().consistency.as_deref(),
            Some("read-your-writes")
        );
        // The field is allowed, and the history reads the same.
        assert_eq!(
            from_json_str(&named).unwrap(),
            from_json_str(&text).unwrap()
        );
    }

    #[test]
    fn round_trips_every_kind_of_operation() {
        let h = sample();
        let text = to_json_string(&h, Some(ModelKind::CasRegister));
        let (back, model) = from_json_str(&text).unwrap();
        assert_eq!(back, h);
        assert_eq!(model, Some(ModelKind::CasRegister));
    }

    #[test]
    fn a_read_of_nothing_is_null_and_an_absent_value_is_an_error() {
        let text = to_json_string(&sample(), None);
        assert!(text.contains(r#""f":"read","value":null"#), "{text}");
        let bad = text.replace(r#""f":"read","value":null,"#, r#""f":"read","#);
        let err = from_json_str(&bad).unwrap_err();
        assert_eq!(err.line, Some(7), "{err}");
        assert!(err.message.contains("a read needs \"value\""), "{err}");
    }

    #[test]
    fn errors_name_the_line_and_what_was_expected() {
        let text = to_json_string(&sample(), None).replace("\"write\"", "\"wirte\"");
        let err = from_json_str(&text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 5: operation 0: \"f\" is \"wirte\", expected \"read\", \"write\", \"cas\" or \"append\""
        );

        let text = to_json_string(&sample(), None).replace("\"return\":10", "\"retrun\":10");
        let err = from_json_str(&text).unwrap_err();
        assert_eq!(err.line, Some(5));
        assert!(err.message.contains("retrun"), "{err}");

        let err =
            from_json_str("{\"format\": \"other\", \"version\": 1, \"ops\": []}").unwrap_err();
        assert!(
            err.message.contains("expected \"consistency-lab-history\""),
            "{err}"
        );
        let err =
            from_json_str("{\"format\": \"consistency-lab-history\", \"version\": 9, \"ops\": []}")
                .unwrap_err();
        assert!(err.message.contains("version 1"), "{err}");
    }

    #[test]
    fn malformed_histories_are_rejected_with_the_operation_line() {
        let text = "{\"format\": \"consistency-lab-history\", \"version\": 1, \"ops\": [\n\
            {\"client\": 0, \"f\": \"write\", \"value\": 1, \"call\": 0, \"return\": 10, \"outcome\": \"ok\"},\n\
            {\"client\": 0, \"f\": \"write\", \"value\": 2, \"call\": 5, \"return\": 12, \"outcome\": \"ok\"}\n]}";
        let err = from_json_str(text).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(
            err.message.contains("one operation open at a time"),
            "{err}"
        );
        let unknown_with_return = text.replace(
            "\"return\": 12, \"outcome\": \"ok\"",
            "\"return\": 12, \"outcome\": \"unknown\"",
        );
        let err = from_json_str(&unknown_with_return).unwrap_err();
        assert!(err.message.contains("has no \"return\""), "{err}");
    }
}
