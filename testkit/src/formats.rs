//! Readers that turn history logs written by other tools into [`History`] values.
//!
//! Three formats are understood:
//!
//! | [`Format`] | what it looks like | model it implies |
//! | --- | --- | --- |
//! | [`Format::Json`] | the course's own file format, an object with `"ops"` ([`crate::history::json`]) | the file's optional `"model"` field |
//! | [`Format::Jepsen`] | Jepsen register logs, `INFO  jepsen.util - 3  :invoke  :write  4` ([`jepsen`]) | `cas-register` |
//! | [`Format::EdnKv`] | one flat EDN map per line, `{:process 0, :type :ok, :f :get, ...}` ([`edn_kv`]) | `kv` |
//!
//! [`detect`] tells them apart by content, so a file's name does not matter, and
//! [`parse`] detects and reads in one go. Every reader fails with a [`ParseError`] that
//! names the line (counted from 1) and what was expected there.
//!
//! In the two log formats the time of an event is its line number: a history read from
//! a log shows, in every piece of evidence, the lines to look at.

mod calls;
mod edn;
pub mod edn_kv;
pub mod jepsen;
pub mod jepsen_write;

use std::fmt;

use crate::history::History;
use crate::model::ModelKind;

/// Why a log could not be read: where, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The line, counted from 1; `None` when the problem is not on one line (a JSON
    /// document that ends too early, two operations that contradict each other).
    pub line: Option<usize>,
    /// What was expected and what was found, in one sentence.
    pub message: String,
}

impl ParseError {
    /// An error on line `line` (counted from 1).
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        ParseError {
            line: Some(line),
            message: message.into(),
        }
    }

    /// An error about the whole text rather than one line.
    pub fn whole(message: impl Into<String>) -> Self {
        ParseError {
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// The formats [`parse`] understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// The course's JSON history format, read by [`crate::history::json`].
    Json,
    /// Jepsen etcd register logs, read by [`jepsen`].
    Jepsen,
    /// Key-value logs of flat EDN maps, read by [`edn_kv`].
    EdnKv,
}

impl Format {
    /// A short name for messages: `json`, `jepsen`, `edn-kv`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jepsen => "jepsen",
            Format::EdnKv => "edn-kv",
        }
    }

    /// Reads `text` in this format. The model is the one the format implies (Jepsen
    /// logs: `cas-register`; key-value logs: `kv`) or, for JSON, the one the file names.
    pub fn parse(self, text: &str) -> Result<(History, Option<ModelKind>), ParseError> {
        match self {
            Format::Json => crate::history::json::from_json_str(text).map_err(|e| ParseError {
                line: e.line,
                message: e.message,
            }),
            Format::Jepsen => Ok((jepsen::parse(text)?, Some(ModelKind::CasRegister))),
            Format::EdnKv => Ok((edn_kv::parse(text)?, Some(ModelKind::Kv))),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Tells the format of `text` from its content, or `None` when it looks like none of
/// them (an empty text included).
///
/// The rules, in order: a first non-blank line starting with `{:` is a key-value EDN log;
/// any other text starting with `{` is JSON (even without `"ops"`, so that the JSON
/// reader, not this guess, explains what is missing); text mentioning `jepsen.util` is a
/// Jepsen log.
pub fn detect(text: &str) -> Option<Format> {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    if first.starts_with("{:") {
        Some(Format::EdnKv)
    } else if first.starts_with('{') {
        Some(Format::Json)
    } else if text.contains("jepsen.util") {
        Some(Format::Jepsen)
    } else {
        None
    }
}

/// Detects the format of `text` and reads it.
///
/// A text with nothing but blank space is an empty history with no model: an empty
/// history satisfies every model, and some Jepsen runs never started (their log is
/// empty), so refusing them would only get in the way.
pub fn parse(text: &str) -> Result<(History, Option<ModelKind>), ParseError> {
    parse_named(text).map(|(history, model, _)| (history, model))
}

/// [`parse`], with the property a JSON history file names in its `"consistency"` field
/// (see [`crate::history::json::JsonHistory`]); `None` for the other formats.
pub fn parse_named(text: &str) -> Result<(History, Option<ModelKind>, Option<String>), ParseError> {
    if text.trim().is_empty() {
        return Ok((History::new(), None, None));
    }
    match detect(text) {
        Some(Format::Json) => crate::history::json::read(text)
            .map(|f| (f.history, f.model, f.consistency))
            .map_err(|e| ParseError {
                line: e.line,
                message: e.message,
            }),
        Some(format) => format
            .parse(text)
            .map(|(history, model)| (history, model, None)),
        None => {
            let line = text.lines().position(|l| !l.trim().is_empty()).unwrap_or(0) + 1;
            Err(ParseError::at(
                line,
                "expected a JSON history (an object with \"ops\"), a Jepsen log (lines with \
                 'jepsen.util') or a key-value log (lines starting with '{:')",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format_by_content() {
        assert_eq!(
            detect("\n  {:process 0, :type :invoke}\n"),
            Some(Format::EdnKv)
        );
        assert_eq!(detect("{\n  \"ops\": []\n}"), Some(Format::Json));
        assert_eq!(
            detect("INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"),
            Some(Format::Jepsen)
        );
        assert_eq!(detect("hello\nworld\n"), None);
        assert_eq!(detect("   \n\n"), None);
    }

    #[test]
    fn parse_names_the_model_each_log_format_implies() {
        let jepsen =
            "INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t1\n";
        let (history, model) = parse(jepsen).unwrap();
        assert_eq!((history.len(), model), (1, Some(ModelKind::CasRegister)));

        let kv = "{:process 0, :type :invoke, :f :get, :key \"a\", :value nil}\n";
        let (history, model) = parse(kv).unwrap();
        assert_eq!((history.len(), model), (1, Some(ModelKind::Kv)));
    }

    #[test]
    fn blank_text_is_an_empty_history_without_a_model() {
        let (history, model) = parse("\n \n").unwrap();
        assert!(history.is_empty());
        assert_eq!(model, None);
    }

    #[test]
    fn unknown_text_is_refused_at_its_first_line() {
        let err = parse("\n\nsomething else\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(
            err.to_string()
                .starts_with("line 3: expected a JSON history"),
            "{err}"
        );
    }

    #[test]
    fn errors_show_the_line_when_there_is_one() {
        assert_eq!(
            ParseError::at(12, "expected x").to_string(),
            "line 12: expected x"
        );
        assert_eq!(ParseError::whole("no ops").to_string(), "no ops");
    }
}
