//! Jepsen register logs, as recorded by Jepsen's etcd tests.
//!
//! One event per line, fields separated by tabs or runs of spaces:
//!
//! ```text
//! INFO  jepsen.util - 3  :invoke  :cas  [1 4]
//! INFO  jepsen.util - 3  :fail    :cas  [1 4]
//! ```
//!
//! that is `PROCESS TYPE F VALUE` after `jepsen.util -` (anything before `jepsen.util`,
//! such as a timestamp, is skipped). The model is a compare-and-swap register of integers,
//! initially `nil`. How each event becomes part of an [`Operation`](crate::history::Operation):
//!
//! | event | becomes |
//! | --- | --- |
//! | `:invoke :read _` | a read called at this line |
//! | `:invoke :write V` | a write of the integer `V` |
//! | `:invoke :cas [A B]` | a compare-and-swap from `A` (an integer or `nil`) to `B` |
//! | `:ok :read V` | the read returned `V` (`nil`: nothing written yet) |
//! | `:ok :write _` | the write was acknowledged |
//! | `:ok :cas _` | the cas swapped |
//! | `:fail :cas _` | the cas did not swap: legal only where the register did not hold `A` |
//! | `:fail :write _` | the write failed and had no effect |
//! | `:fail :read _` | the read failed (for example `:timed-out`): recorded as failed |
//! | `:info _ _` | the outcome is unknown: it may take effect any time after its call, or never |
//!
//! A failed read is kept as a failed operation rather than dropped: checkers skip failed
//! operations, exactly as they would skip a dropped one, while timelines still show it and
//! the operation count matches the log. Marking it unknown instead would be just as
//! correct (a read changes nothing) but would keep it open to the end of the history and
//! make the search try it everywhere for nothing.
//!
//! The value on a return is not compared with the call's, except that a read's is what
//! it returned. A call the log never returns is of unknown outcome. The time of each
//! event is its line number, counted from 1.

use crate::formats::ParseError;
use crate::formats::calls::{Calls, time};
use crate::history::{Action, ClientId, History, Outcome, Output, Value};

/// Reads a Jepsen register log. Blank lines are skipped; an empty log is an empty history.
pub fn parse(text: &str) -> Result<History, ParseError> {
    let mut calls = Calls::default();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let event = Event::parse(raw).map_err(|m| ParseError::at(line, m))?;
        apply(&mut calls, line, event)?;
    }
    calls.finish()
}

/// The four kinds of events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Invoke,
    Ok,
    Fail,
    Info,
}

/// The functions of the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Function {
    Read,
    Write,
    Cas,
}

impl Function {
    fn name(self) -> &'static str {
        match self {
            Function::Read => ":read",
            Function::Write => ":write",
            Function::Cas => ":cas",
        }
    }
}

/// The VALUE field.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Field {
    /// `nil` or an integer.
    Value(Option<Value>),
    /// `[A B]`, each `nil` or an integer.
    Pair(Option<Value>, Option<Value>),
    /// A keyword such as `:timed-out`.
    Keyword(String),
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Event {
    process: ClientId,
    kind: Kind,
    f: Function,
    value: Field,
}

impl Event {
    /// Splits a line into its fields; the error says what was expected.
    fn parse(raw: &str) -> Result<Self, String> {
        let tokens: Vec<&str> = raw.split_whitespace().collect();
        let Some(start) = tokens.iter().position(|t| *t == "jepsen.util") else {
            return Err(format!(
                "expected an event such as 'INFO  jepsen.util - 3  :invoke  :read  nil', \
                 found '{}'",
                raw.trim()
            ));
        };
        let fields = &tokens[start + 1..];
        if fields.first() != Some(&"-") || fields.len() < 5 {
            return Err(format!(
                "expected 'jepsen.util - PROCESS TYPE F VALUE', found '{}'",
                tokens[start..].join(" ")
            ));
        }
        let process = fields[1]
            .parse::<ClientId>()
            .map_err(|_| format!("expected a process number, found '{}'", fields[1]))?;
        let kind = match fields[2] {
            ":invoke" => Kind::Invoke,
            ":ok" => Kind::Ok,
            ":fail" => Kind::Fail,
            ":info" => Kind::Info,
            other => {
                return Err(format!(
                    "expected ':invoke', ':ok', ':fail' or ':info', found '{other}'"
                ));
            }
        };
        let f = match fields[3] {
            ":read" => Function::Read,
            ":write" => Function::Write,
            ":cas" => Function::Cas,
            other => {
                return Err(format!(
                    "expected ':read', ':write' or ':cas', found '{other}'"
                ));
            }
        };
        // A pair holds a space, so the value is everything after F, joined again.
        let value = parse_field(&fields[4..].join(" "))?;
        Ok(Event {
            process,
            kind,
            f,
            value,
        })
    }
}

/// `nil` or an integer.
fn parse_value(s: &str) -> Option<Option<Value>> {
    if s == "nil" {
        Some(None)
    } else {
        s.parse::<i64>().ok().map(|i| Some(Value::Int(i)))
    }
}

/// The VALUE field: `nil`, an integer, `[A B]` or a keyword.
fn parse_field(s: &str) -> Result<Field, String> {
    if let Some(v) = parse_value(s) {
        return Ok(Field::Value(v));
    }
    if s.starts_with(':') && s.len() > 1 && !s.contains(' ') {
        return Ok(Field::Keyword(s.to_owned()));
    }
    if let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']'))
        && let [a, b] = inner.split_whitespace().collect::<Vec<_>>()[..]
        && let (Some(a), Some(b)) = (parse_value(a), parse_value(b))
    {
        return Ok(Field::Pair(a, b));
    }
    Err(format!(
        "expected nil, an integer, a pair such as [1 2] or a keyword such as :timed-out, \
         found '{s}'"
    ))
}

/// Adds one event to the operations read so far.
fn apply(calls: &mut Calls, line: usize, event: Event) -> Result<(), ParseError> {
    let Event {
        process,
        kind,
        f,
        value,
    } = event;
    if kind == Kind::Invoke {
        let action = match (f, value) {
            (Function::Read, _) => Action::Read,
            (Function::Write, Field::Value(Some(v))) => Action::Write(v),
            (Function::Cas, Field::Pair(from, Some(to))) => Action::Cas { from, to },
            (Function::Write, other) => {
                return Err(ParseError::at(
                    line,
                    format!("expected an integer to write, found {}", show(&other)),
                ));
            }
            (Function::Cas, other) => {
                return Err(ParseError::at(
                    line,
                    format!(
                        "expected a pair [FROM TO] with an integer TO, found {}",
                        show(&other)
                    ),
                ));
            }
        };
        return calls.invoke(line, process, None, action, f.name());
    }
    let op = calls.complete(line, process, f.name(), None)?;
    let at = time(line);
    op.outcome = match (kind, f) {
        (Kind::Ok, Function::Read) => match value {
            Field::Value(v) => Outcome::Ok {
                at,
                output: Output::Value(v),
            },
            other => {
                return Err(ParseError::at(
                    line,
                    format!(
                        "expected the value read, nil or an integer, found {}",
                        show(&other)
                    ),
                ));
            }
        },
        (Kind::Ok, Function::Write) => Outcome::Ok {
            at,
            output: Output::Done,
        },
        (Kind::Ok, Function::Cas) => Outcome::Ok {
            at,
            output: Output::Swapped(true),
        },
        // The compare failed: a completed cas that did not swap, not a failed operation.
        (Kind::Fail, Function::Cas) => Outcome::Ok {
            at,
            output: Output::Swapped(false),
        },
        (Kind::Fail, Function::Write | Function::Read) => Outcome::Failed { at },
        (Kind::Info, _) => Outcome::Unknown,
        (Kind::Invoke, _) => unreachable!("calls are handled above"),
    };
    Ok(())
}

/// How a VALUE field reads in messages.
fn show(field: &Field) -> String {
    match field {
        Field::Value(v) => crate::history::show(v),
        Field::Pair(a, b) => format!("[{} {}]", crate::history::show(a), crate::history::show(b)),
        Field::Keyword(k) => k.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Operation as Op;

    /// A log line with tab-separated fields, as most Jepsen logs have.
    fn tab(process: u32, kind: &str, f: &str, value: &str) -> String {
        format!("INFO  jepsen.util - {process}\t{kind}\t{f}\t{value}\n")
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_tab_separated_reads_writes_and_cas() {
        let log = [
            tab(0, ":invoke", ":write", "3"),
            tab(1, ":invoke", ":read", "nil"),
            tab(0, ":ok", ":write", "3"),
            tab(1, ":ok", ":read", "3"),
            tab(0, ":invoke", ":cas", "[3 4]"),
            tab(0, ":ok", ":cas", "[3 4]"),
            tab(1, ":invoke", ":read", "nil"),
            tab(1, ":ok", ":read", "nil"),
        ]
        .concat();
        let history = parse(&log).unwrap();
        let expected = [
            Op::write(0, 3, 1, 3),
            Op::read(1, Some(3.into()), 2, 4),
            Op::cas(0, Some(3.into()), 4, true, 5, 6),
            Op::read(1, None, 7, 8),
        ];
        assert_eq!(history.ops(), expected);
    }

    #[test]
    fn reads_space_separated_fields_and_skips_blank_lines() {
        let log = "INFO  jepsen.util - 4   :invoke :cas    [1 2]\n\n\
                   INFO  jepsen.util - 4   :fail   :cas    [1 2]\n";
        let history = parse(log).unwrap();
        assert_eq!(history.ops(), [Op::cas(4, Some(1.into()), 2, false, 1, 3)]);
    }

    #[test]
    fn failed_writes_and_reads_are_failed_and_info_is_unknown() {
        let log = [
            tab(0, ":invoke", ":write", "1"),
            tab(0, ":fail", ":write", "1"),
            tab(1, ":invoke", ":read", "nil"),
            tab(1, ":fail", ":read", ":timed-out"),
            tab(2, ":invoke", ":cas", "[nil 5]"),
            tab(2, ":info", ":cas", ":timed-out"),
            tab(3, ":invoke", ":write", "7"),
        ]
        .concat();
        let history = parse(&log).unwrap();
        let cas = Action::Cas {
            from: None,
            to: 5.into(),
        };
        let expected = [
            Op::failed(0, Action::Write(1.into()), 1, 2),
            Op::failed(1, Action::Read, 3, 4),
            Op::unknown(2, cas, 5),
            Op::unknown(3, Action::Write(7.into()), 7),
        ];
        assert_eq!(history.ops(), expected);
    }

    #[test]
    fn an_empty_log_is_an_empty_history() {
        assert!(parse("").unwrap().is_empty());
        assert!(parse("\n\n").unwrap().is_empty());
    }

    #[test]
    fn skips_whatever_comes_before_jepsen_util() {
        let log = "2015-01-01 12:00:00,000{GMT}\tINFO\tjepsen.util - 0\t:invoke\t:read\tnil\n";
        assert_eq!(parse(log).unwrap().ops(), [Op::unknown(0, Action::Read, 1)]);
    }

    #[test]
    fn refuses_an_unknown_type() {
        let log = tab(0, ":invoke", ":read", "nil") + &tab(0, ":oops", ":read", "nil");
        assert_eq!(
            err(&log),
            "line 2: expected ':invoke', ':ok', ':fail' or ':info', found ':oops'"
        );
    }

    #[test]
    fn refuses_malformed_lines() {
        assert_eq!(
            err("hello\n"),
            "line 1: expected an event such as 'INFO  jepsen.util - 3  :invoke  :read  nil', \
             found 'hello'"
        );
        assert_eq!(
            err("INFO  jepsen.util - 0\t:invoke\t:read\n"),
            "line 1: expected 'jepsen.util - PROCESS TYPE F VALUE', found \
             'jepsen.util - 0 :invoke :read'"
        );
        assert_eq!(
            err(&tab(0, ":invoke", ":read", "nil").replace(" - ", " + ")),
            "line 1: expected 'jepsen.util - PROCESS TYPE F VALUE', found \
             'jepsen.util + 0 :invoke :read nil'"
        );
        assert_eq!(
            err(&tab(0, ":invoke", ":read", "nil").replace("- 0", "- p0")),
            "line 1: expected a process number, found 'p0'"
        );
        assert_eq!(
            err(&tab(0, ":invoke", ":delete", "nil")),
            "line 1: expected ':read', ':write' or ':cas', found ':delete'"
        );
        assert_eq!(
            err(&tab(0, ":invoke", ":cas", "[1 2")),
            "line 1: expected nil, an integer, a pair such as [1 2] or a keyword such as \
             :timed-out, found '[1 2'"
        );
    }

    #[test]
    fn refuses_values_that_do_not_fit_the_function() {
        assert_eq!(
            err(&tab(0, ":invoke", ":write", "nil")),
            "line 1: expected an integer to write, found nil"
        );
        assert_eq!(
            err(&tab(0, ":invoke", ":cas", "[1 nil]")),
            "line 1: expected a pair [FROM TO] with an integer TO, found [1 nil]"
        );
        let log = tab(0, ":invoke", ":read", "nil") + &tab(0, ":ok", ":read", ":timed-out");
        assert_eq!(
            err(&log),
            "line 2: expected the value read, nil or an integer, found :timed-out"
        );
    }

    #[test]
    fn refuses_calls_and_returns_that_do_not_pair() {
        let twice = tab(3, ":invoke", ":read", "nil") + &tab(3, ":invoke", ":write", "1");
        assert_eq!(
            err(&twice),
            "line 2: process 3 calls again while its operation from line 1 is open"
        );
        let orphan = tab(3, ":invoke", ":read", "nil") + &tab(4, ":ok", ":read", "nil");
        assert_eq!(
            err(&orphan),
            "line 2: process 4 returns but has no open call"
        );
        let other = tab(3, ":invoke", ":read", "nil") + &tab(3, ":ok", ":write", "1");
        assert_eq!(
            err(&other),
            "line 2: process 3 returns :write but its call on line 1 was :read"
        );
    }
}
