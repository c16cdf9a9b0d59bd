//! Key-value logs: one flat EDN map per line.
//!
//! ```text
//! {:process 0, :type :invoke, :f :get, :key "5", :value nil}
//! {:process 0, :type :ok, :f :get, :key "5", :value "x 0 1 y"}
//! {:process 1, :type :invoke, :f :append, :key "5", :value "x 1 0 y"}
//! ```
//!
//! The model is a map of string keys to strings, initially `""` everywhere. How each
//! event becomes part of an [`Operation`](crate::history::Operation) on its key:
//!
//! | event | becomes |
//! | --- | --- |
//! | `:invoke :get` | a read (the call's `:value` is ignored) |
//! | `:invoke :put "S"` | a write of the string `S` |
//! | `:invoke :append "S"` | an append of `S` |
//! | `:ok :get V` | the read returned `V` (`""`, a string, or `nil`, which the model reads as `""`) |
//! | `:ok :put` / `:ok :append` | acknowledged |
//! | `:fail _` | failed, with no effect |
//! | `:info _` | unknown outcome: it may take effect any time after its call, or never |
//!
//! The recorded logs only use `:invoke` and `:ok`; `:fail` and `:info` are read the way
//! the Jepsen register logs use them. Entries other than the five above (Jepsen adds
//! `:time` or `:index`) are ignored; each of the five must appear once. A call the log
//! never returns is of unknown outcome. The time of each event is its line number.

use crate::formats::ParseError;
use crate::formats::calls::{Calls, time};
use crate::formats::edn::{self, Atom};
use crate::history::{Action, ClientId, History, Outcome, Output, Value};

/// Reads a key-value log. Blank lines are skipped; an empty log is an empty history.
pub fn parse(text: &str) -> Result<History, ParseError> {
    let mut calls = Calls::default();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let entries = edn::parse_map(raw).map_err(|m| ParseError::at(line, m))?;
        let event = Event::from_entries(entries).map_err(|m| ParseError::at(line, m))?;
        apply(&mut calls, line, event)?;
    }
    calls.finish()
}

/// The entries of one line that matter.
struct Event {
    process: ClientId,
    kind: String,
    f: String,
    key: String,
    value: Atom,
}

/// The entries every line must have, in the order messages list them.
const REQUIRED: [&str; 5] = [":process", ":type", ":f", ":key", ":value"];

impl Event {
    fn from_entries(entries: Vec<(String, Atom)>) -> Result<Self, String> {
        let mut found: [Option<Atom>; 5] = Default::default();
        for (key, atom) in entries {
            if let Some(slot) = REQUIRED.iter().position(|k| *k == key) {
                if found[slot].is_some() {
                    return Err(format!("the entry {key} appears twice"));
                }
                found[slot] = Some(atom);
            }
        }
        let mut take = |slot: usize| {
            found[slot]
                .take()
                .ok_or_else(|| format!("expected an entry {}", REQUIRED[slot]))
        };
        let [process, kind, f, key, value] = [take(0)?, take(1)?, take(2)?, take(3)?, take(4)?];
        let process = match process {
            Atom::Int(p) if ClientId::try_from(p).is_ok() => p as ClientId,
            other => {
                return Err(format!(
                    "expected a process number for :process, found {}",
                    other.show()
                ));
            }
        };
        let kind = match kind {
            Atom::Keyword(k) if [":invoke", ":ok", ":fail", ":info"].contains(&k.as_str()) => k,
            other => {
                return Err(format!(
                    "expected ':invoke', ':ok', ':fail' or ':info' for :type, found {}",
                    other.show()
                ));
            }
        };
        let f = match f {
            Atom::Keyword(k) if [":get", ":put", ":append"].contains(&k.as_str()) => k,
            other => {
                return Err(format!(
                    "expected ':get', ':put' or ':append' for :f, found {}",
                    other.show()
                ));
            }
        };
        let key = match key {
            Atom::Str(k) => k,
            other => {
                return Err(format!(
                    "expected a string for :key, found {}",
                    other.show()
                ));
            }
        };
        Ok(Event {
            process,
            kind,
            f,
            key,
            value,
        })
    }
}

/// Adds one event to the operations read so far.
fn apply(calls: &mut Calls, line: usize, event: Event) -> Result<(), ParseError> {
    let Event {
        process,
        kind,
        f,
        key,
        value,
    } = event;
    if kind == ":invoke" {
        let action = match (f.as_str(), value) {
            (":get", _) => Action::Read,
            (":put", Atom::Str(s)) => Action::Write(Value::Str(s)),
            (":append", Atom::Str(s)) => Action::Append(Value::Str(s)),
            (_, other) => {
                return Err(ParseError::at(
                    line,
                    format!(
                        "expected a string :value to {}, found {}",
                        &f[1..],
                        other.show()
                    ),
                ));
            }
        };
        return calls.invoke(line, process, Some(key), action, &f);
    }
    let op = calls.complete(line, process, &f, Some(&key))?;
    let at = time(line);
    op.outcome = match (kind.as_str(), f.as_str()) {
        (":ok", ":get") => match value {
            Atom::Nil => Outcome::Ok {
                at,
                output: Output::Value(None),
            },
            Atom::Str(s) => Outcome::Ok {
                at,
                output: Output::Value(Some(Value::Str(s))),
            },
            other => {
                return Err(ParseError::at(
                    line,
                    format!("expected the string read, or nil, found {}", other.show()),
                ));
            }
        },
        (":ok", _) => Outcome::Ok {
            at,
            output: Output::Done,
        },
        (":fail", _) => Outcome::Failed { at },
        _ => Outcome::Unknown,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Operation as Op;

    /// One line of a key-value log.
    fn ev(process: u32, kind: &str, f: &str, key: &str, value: &str) -> String {
        format!("{{:process {process}, :type :{kind}, :f :{f}, :key \"{key}\", :value {value}}}\n")
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_gets_puts_and_appends_on_their_keys() {
        let log = [
            ev(0, "invoke", "get", "a", "nil"),
            ev(1, "invoke", "append", "a", r#""x \"1\" y""#),
            ev(0, "ok", "get", "a", r#""""#),
            ev(1, "ok", "append", "a", r#""x \"1\" y""#),
            ev(0, "invoke", "put", "b", r#""z""#),
            ev(0, "ok", "put", "b", r#""z""#),
            ev(1, "invoke", "get", "b", "nil"),
            ev(1, "ok", "get", "b", "nil"),
        ]
        .concat();
        let history = parse(&log).unwrap();
        let expected = [
            Op::read(0, Some("".into()), 1, 3).on("a"),
            Op::append(1, "x \"1\" y", 2, 4).on("a"),
            Op::write(0, "z", 5, 6).on("b"),
            Op::read(1, None, 7, 8).on("b"),
        ];
        assert_eq!(history.ops(), expected);
    }

    #[test]
    fn fail_info_and_unreturned_calls() {
        let log = [
            ev(0, "invoke", "put", "a", r#""1""#),
            ev(0, "fail", "put", "a", r#""1""#),
            ev(1, "invoke", "append", "a", r#""2""#),
            ev(1, "info", "append", "a", r#""2""#),
            "{:time 5, :process 2, :value nil, :f :get, :type :invoke, :key \"c\"}\n".into(),
        ]
        .concat();
        let history = parse(&log).unwrap();
        let expected = [
            Op::failed(0, Action::Write("1".into()), 1, 2).on("a"),
            Op::unknown(1, Action::Append("2".into()), 3).on("a"),
            Op::unknown(2, Action::Read, 5).on("c"),
        ];
        assert_eq!(history.ops(), expected);
    }

    #[test]
    fn refuses_syntax_errors_with_line_and_column() {
        let log = ev(0, "invoke", "get", "a", "nil") + "{:process 0 :type}\n";
        assert_eq!(
            err(&log),
            "line 2: expected a keyword, integer, string or nil at column 18, found '}'"
        );
    }

    #[test]
    fn refuses_missing_repeated_and_ill_typed_entries() {
        let cases = [
            (
                "{:process 0, :type :ok, :f :get, :key \"a\"}",
                "expected an entry :value",
            ),
            (
                "{:process 0, :process 1}",
                "the entry :process appears twice",
            ),
            (
                &ev(0, "oops", "get", "a", "nil"),
                "expected ':invoke', ':ok', ':fail' or ':info' for :type, found :oops",
            ),
            (
                &ev(0, "invoke", "cas", "a", "nil"),
                "expected ':get', ':put' or ':append' for :f, found :cas",
            ),
            (
                &ev(0, "invoke", "get", "a", "nil").replace("\"a\"", "7"),
                "expected a string for :key, found 7",
            ),
            (
                &ev(0, "invoke", "get", "a", "nil").replace(":process 0", ":process -1"),
                "expected a process number for :process, found -1",
            ),
            (
                &ev(0, "invoke", "put", "a", "nil"),
                "expected a string :value to put, found nil",
            ),
            (
                &ev(0, "invoke", "append", "a", "3"),
                "expected a string :value to append, found 3",
            ),
        ];
        for (line, message) in cases {
            assert_eq!(err(line), format!("line 1: {message}"), "for {line}");
        }
        let log = ev(0, "invoke", "get", "a", "nil") + &ev(0, "ok", "get", "a", ":x");
        assert_eq!(
            err(&log),
            "line 2: expected the string read, or nil, found :x"
        );
    }

    #[test]
    fn refuses_calls_and_returns_that_do_not_pair() {
        let twice = ev(2, "invoke", "get", "a", "nil") + &ev(2, "invoke", "get", "b", "nil");
        assert_eq!(
            err(&twice),
            "line 2: process 2 calls again while its operation from line 1 is open"
        );
        let orphan = ev(2, "ok", "get", "a", "nil");
        assert_eq!(
            err(&orphan),
            "line 1: process 2 returns but has no open call"
        );
        let other_key = ev(2, "invoke", "get", "a", "nil") + &ev(2, "ok", "get", "b", "nil");
        assert_eq!(
            err(&other_key),
            "line 2: process 2 returns :get on key \"b\" but its call on line 1 was :get on key \"a\""
        );
    }
}
