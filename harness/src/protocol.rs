//! The wire format between the checker (the parent) and a suite binary (the child).
//!
//! Both sides use this module, so the format has one definition. See the crate docs for
//! the conversation as a whole; this module only says how each piece is written.
//!
//! The parent writes an [`Invitation`] to the child's standard input and closes it. The
//! child answers on the Unix socket named in the invitation with [`Message`]s, one per
//! line, each carrying the invitation's secret as its second word.

use std::fmt;
use std::path::PathBuf;

use serde_json::{Value, json};

/// The first line of an invitation; a later, incompatible format would change the number.
pub const HEADER: &str = "suite-harness protocol 1";

/// The environment variable through which the parent passes the run's seed.
///
/// The seed is not a secret: a run is replayed by passing the same seed again.
pub const SEED_VAR: &str = "SUITE_SEED";

/// What the parent tells the child before it starts: where to report, and the secret
/// that proves a report came from the harness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    /// A fresh random word, known only to the parent and the harness.
    pub secret: String,
    /// The Unix socket the parent listens on.
    pub socket: PathBuf,
}

impl Invitation {
    /// The text written to the child's standard input.
    pub fn encode(&self) -> String {
        format!(
            "{HEADER}\nsecret {}\nsocket {}\n",
            self.secret,
            self.socket.display()
        )
    }

    /// Reads an invitation from the whole of standard input.
    ///
    /// Empty input means the binary was started by hand (`Ok(None)`); anything else that
    /// is not a well-formed invitation is an error.
    pub fn decode(text: &str) -> Result<Option<Invitation>, ProtocolError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(ProtocolError::new(format!(
                "standard input does not start with `{HEADER}`"
            )));
        }
        let secret = field(lines.next(), "secret")?;
        let socket = field(lines.next(), "socket")?;
        if !is_word(secret) {
            return Err(ProtocolError::new("the secret is not a single word"));
        }
        Ok(Some(Invitation {
            secret: secret.to_owned(),
            socket: PathBuf::from(socket),
        }))
    }
}

/// The value of a `name value` line.
fn field<'a>(line: Option<&'a str>, name: &str) -> Result<&'a str, ProtocolError> {
    line.and_then(|line| line.strip_prefix(name))
        .and_then(|rest| rest.strip_prefix(' '))
        .filter(|value| !value.is_empty())
        .ok_or_else(|| ProtocolError::new(format!("the invitation has no `{name}` line")))
}

/// A non-empty string without whitespace: secrets and test names are words.
pub fn is_word(text: &str) -> bool {
    !text.is_empty() && !text.chars().any(char::is_whitespace)
}

/// What a `hello` is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The child is about to list its tests (`--list` on the wire).
    List,
    /// The child is about to run the named test.
    Test(String),
}

/// One line from the child to the parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// `hello <secret> --list|<test>`: the harness's `main` has started.
    Hello(Subject),
    /// `test <secret> {"task":..,"name":..,"clauses":[..]}`: one test of the suite, when
    /// listing.
    Test {
        /// The task the test belongs to.
        task: String,
        /// The test's name.
        name: String,
        /// The clauses of the task it checks, by number (absent: none).
        clauses: Vec<u32>,
    },
    /// `end <secret> <count>`: the listing is complete and held `count` tests.
    End(usize),
    /// `pass <secret> <test>`: the test body returned.
    Pass(String),
    /// `attach <secret> <test> <kind> <json>`: something for the checker to show beside
    /// the result, such as a check report to draw; one line of JSON.
    Attach {
        /// The test's name.
        test: String,
        /// What it is, a word (`check-report`).
        kind: String,
        /// The JSON, on one line.
        body: String,
    },
    /// `panic <secret> <test> {"message":..,"location":..}`: the test body panicked.
    Panic {
        /// The test's name.
        test: String,
        /// The panic payload as text.
        message: String,
        /// `file:line:column` of the panic, when known.
        location: Option<String>,
    },
}

impl Message {
    /// The line for this message, with its newline.
    pub fn encode(&self, secret: &str) -> String {
        let rest = match self {
            Message::Hello(Subject::List) => format!("hello {secret} --list"),
            Message::Hello(Subject::Test(name)) => format!("hello {secret} {name}"),
            Message::Test {
                task,
                name,
                clauses,
            } => {
                let body = json!({ "task": task, "name": name, "clauses": clauses });
                format!("test {secret} {body}")
            }
            Message::End(count) => format!("end {secret} {count}"),
            Message::Pass(test) => format!("pass {secret} {test}"),
            Message::Attach { test, kind, body } => format!("attach {secret} {test} {kind} {body}"),
            Message::Panic {
                test,
                message,
                location,
            } => {
                let body = json!({ "message": message, "location": location });
                format!("panic {secret} {test} {body}")
            }
        };
        rest + "\n"
    }

    /// Reads one line (without its newline), checking the secret before anything else.
    pub fn decode(line: &str, secret: &str) -> Result<Message, ProtocolError> {
        let mut words = line.splitn(3, ' ');
        let kind = words.next().unwrap_or_default();
        let given = words.next().unwrap_or_default();
        let rest = words.next().unwrap_or_default();
        if given != secret {
            return Err(ProtocolError::new(format!(
                "a `{}` line without the run's secret",
                printable(kind)
            )));
        }
        let bad = || ProtocolError::new(format!("a malformed `{}` line", printable(kind)));
        match kind {
            "hello" if rest == "--list" => Ok(Message::Hello(Subject::List)),
            "hello" if is_word(rest) => Ok(Message::Hello(Subject::Test(rest.to_owned()))),
            "test" => {
                let value: Value = serde_json::from_str(rest).map_err(|_| bad())?;
                let text = |key: &str| value[key].as_str().map(str::to_owned).ok_or_else(bad);
                let clauses = match &value["clauses"] {
                    Value::Null => Vec::new(),
                    Value::Array(numbers) => numbers
                        .iter()
                        .map(|n| n.as_u64().and_then(|n| u32::try_from(n).ok()))
                        .collect::<Option<Vec<u32>>>()
                        .ok_or_else(bad)?,
                    _ => return Err(bad()),
                };
                Ok(Message::Test {
                    task: text("task")?,
                    name: text("name")?,
                    clauses,
                })
            }
            "end" => rest.parse().map(Message::End).map_err(|_| bad()),
            "pass" if is_word(rest) => Ok(Message::Pass(rest.to_owned())),
            "attach" => {
                let mut parts = rest.splitn(3, ' ');
                let (Some(test), Some(kind), Some(body)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(bad());
                };
                if !is_word(test) || !is_word(kind) || serde_json::from_str::<Value>(body).is_err()
                {
                    return Err(bad());
                }
                Ok(Message::Attach {
                    test: test.to_owned(),
                    kind: kind.to_owned(),
                    body: body.to_owned(),
                })
            }
            "panic" => {
                let (test, body) = rest.split_once(' ').ok_or_else(bad)?;
                let value: Value = serde_json::from_str(body).map_err(|_| bad())?;
                let message = value["message"].as_str().ok_or_else(bad)?.to_owned();
                let location = value["location"].as_str().map(str::to_owned);
                Ok(Message::Panic {
                    test: test.to_owned(),
                    message,
                    location,
                })
            }
            _ => Err(bad()),
        }
    }
}

/// At most a short stretch of `text`, so that a hostile line cannot flood an error.
fn printable(text: &str) -> String {
    text.chars().take(16).filter(|c| !c.is_control()).collect()
}

/// A piece of the conversation that does not follow the format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError {
    reason: String,
}

impl ProtocolError {
    /// An error saying `reason`.
    pub fn new(reason: impl Into<String>) -> Self {
        ProtocolError {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for ProtocolError {}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "00ff00ff00ff00ff00ff00ff00ff00ff";

    #[test]
    fn every_message_reads_back_as_itself() {
        let messages = [
            Message::Hello(Subject::List),
            Message::Hello(Subject::Test("reads_back".into())),
            Message::Test {
                task: "task one".into(),
                name: "reads_back".into(),
                clauses: vec![1, 3],
            },
            Message::Test {
                task: "task one".into(),
                name: "names_no_clause".into(),
                clauses: Vec::new(),
            },
            Message::End(3),
            Message::Pass("reads_back".into()),
            Message::Panic {
                test: "reads_back".into(),
                message: "two\nlines with \"quotes\"".into(),
                location: Some("suite.rs:3:5".into()),
            },
            Message::Panic {
                test: "reads_back".into(),
                message: String::new(),
                location: None,
            },
            Message::Attach {
                test: "reads_back".into(),
                kind: "check-report".into(),
                body: r#"{"a":[1,"two three"]}"#.into(),
            },
        ];
        for message in messages {
            let line = message.encode(SECRET);
            assert_eq!(line.matches('\n').count(), 1, "{line:?}");
            let back = Message::decode(line.trim_end_matches('\n'), SECRET);
            assert_eq!(back, Ok(message));
        }
    }

    #[test]
    fn a_listing_line_without_clauses_names_none_and_bad_clauses_are_malformed() {
        let line = format!("test {SECRET} {{\"task\":\"t\",\"name\":\"n\"}}");
        let Ok(Message::Test { clauses, .. }) = Message::decode(&line, SECRET) else {
            panic!("{line}");
        };
        assert!(clauses.is_empty());
        for bad in ["\"1\"", "[-1]", "[\"a\"]", "[4294967296]"] {
            let line = format!("test {SECRET} {{\"task\":\"t\",\"name\":\"n\",\"clauses\":{bad}}}");
            assert!(Message::decode(&line, SECRET).is_err(), "{line}");
        }
    }

    #[test]
    fn a_line_with_another_secret_is_rejected() {
        let line = Message::Pass("t".into()).encode("guessed");
        let error = Message::decode(line.trim_end(), SECRET).unwrap_err();
        assert_eq!(error.to_string(), "a `pass` line without the run's secret");
        assert!(Message::decode("pass", SECRET).is_err());
        assert!(Message::decode(&format!("pass {SECRET}"), SECRET).is_err());
        assert!(Message::decode(&format!("shout {SECRET} t"), SECRET).is_err());
    }

    #[test]
    fn an_attachment_must_be_one_word_kind_and_json() {
        let decode = |rest: &str| Message::decode(&format!("attach {SECRET} {rest}"), SECRET);
        assert!(decode("t check-report {\"x\":1}").is_ok());
        assert!(decode("t check-report not json").is_err());
        assert!(decode("t check-report").is_err());
        assert!(decode("t").is_err());
    }

    #[test]
    fn invitations_read_back_and_empty_input_means_by_hand() {
        let invitation = Invitation {
            secret: SECRET.into(),
            socket: PathBuf::from("/tmp/a dir/s.sock"),
        };
        assert_eq!(
            Invitation::decode(&invitation.encode()),
            Ok(Some(invitation))
        );
        assert_eq!(Invitation::decode(""), Ok(None));
        assert!(Invitation::decode("hello\n").is_err());
        assert!(Invitation::decode(&format!("{HEADER}\nsecret x\n")).is_err());
    }
}
