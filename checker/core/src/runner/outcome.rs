//! What happened to one test, judged only from the report socket and how the process
//! ended: never from what it printed.

use std::fmt;
use std::time::Duration;

use nix::sys::signal::Signal;
use suite_harness::protocol::{Message, Subject};

use super::process::{End, Session};

/// How one test ended, from the harness's reports and the process's end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The harness said `pass`, with the run's secret, after `hello`: the test body
    /// returned.
    Passed,
    /// The test body panicked: a failed assertion, or a panic in the exercise's code.
    Panicked {
        /// The panic message, as the suite wrote it.
        message: String,
        /// `file:line:column` of the panic, when known.
        location: Option<String>,
    },
    /// The harness started the test, and the process ended with this exit code before
    /// the test finished: something called `std::process::exit`.
    ExitedEarly {
        /// The exit code.
        code: i32,
    },
    /// The process ended with this exit code before the harness said `hello`: code that
    /// runs before `main` ended it, or the suite binary is broken.
    ExitedBeforeStart {
        /// The exit code.
        code: i32,
    },
    /// A signal ended the process before a result: an abort, a stack overflow, an
    /// invalid memory access.
    Crashed {
        /// The signal's number.
        signal: i32,
    },
    /// The test did not end in time; its whole process group was killed.
    TimedOut {
        /// The time it had.
        after: Duration,
    },
    /// The test wrote more output than the run allows; its whole process group was
    /// killed.
    OutputFlood,
    /// The report socket carried something the harness never sends: a line without the
    /// run's secret, a result for another test, a second result.
    Forged {
        /// What was wrong.
        reason: String,
    },
}

impl Outcome {
    /// Whether the test passed.
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Passed)
    }

    /// What happened in a few words, for a table of results; [`Display`](fmt::Display)
    /// gives the full explanation.
    pub fn verdict(&self) -> String {
        match self {
            Outcome::Passed => "passed".to_owned(),
            Outcome::Panicked { .. } => "panicked".to_owned(),
            Outcome::ExitedEarly { code } => format!("exited early (code {code})"),
            Outcome::ExitedBeforeStart { code } => format!("exited before starting (code {code})"),
            Outcome::Crashed { signal } => format!("crashed ({})", signal_name(*signal)),
            Outcome::TimedOut { after } => format!("timed out after {} s", after.as_secs_f64()),
            Outcome::OutputFlood => "too much output".to_owned(),
            Outcome::Forged { .. } => "forged report".to_owned(),
        }
    }
}

/// `SIGABRT` for 6, or the number for a signal this system does not name.
fn signal_name(signal: i32) -> String {
    Signal::try_from(signal).map_or_else(|_| format!("signal {signal}"), |s| s.as_str().to_owned())
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Passed => f.write_str("passed"),
            Outcome::Panicked { message, location } => {
                match location {
                    Some(location) => write!(f, "failed at {location}: ")?,
                    None => f.write_str("failed: ")?,
                }
                f.write_str(message)
            }
            Outcome::ExitedEarly { code } => write!(
                f,
                "the test ended its process with exit code {code} before finishing (for \
                 example by calling std::process::exit): a test passes only by returning, \
                 so this counts as a failure"
            ),
            Outcome::ExitedBeforeStart { code } => write!(
                f,
                "the process exited with code {code} before the test could start: code \
                 that runs before main (such as a constructor in the exercise crate) ended \
                 it, or the suite binary is broken; no test ran, so this counts as a failure"
            ),
            Outcome::Crashed { signal } => write!(
                f,
                "the test crashed: {} killed it, as an abort, a stack overflow or an \
                 invalid memory access does",
                signal_name(*signal)
            ),
            Outcome::TimedOut { after } => write!(
                f,
                "the test did not finish within {} s and was stopped, with every process \
                 it started: look for an endless loop, a deadlock, or a wait for something \
                 that never happens",
                after.as_secs_f64()
            ),
            Outcome::OutputFlood => f.write_str(
                "the test printed far more than any test needs and was stopped, with every \
                 process it started: look for printing in a loop",
            ),
            Outcome::Forged { reason } => write!(
                f,
                "the test's report was not genuine ({reason}): something other than the \
                 test harness tried to report a result, so this counts as a failure"
            ),
        }
    }
}

/// Judges the session of `--run test`.
pub(super) fn judge_run(session: &Session, test: &str) -> Outcome {
    if session.output_flooded {
        return Outcome::OutputFlood;
    }
    if session.flooded {
        return forged("far more was sent on the report socket than a report holds");
    }
    let mut started = false;
    let mut result = None;
    for line in &session.lines {
        let message = match Message::decode(line, &session.secret) {
            Ok(message) => message,
            Err(error) => return forged(error.to_string()),
        };
        match message {
            Message::Hello(Subject::Test(name)) if !started && name == test => started = true,
            Message::Pass(name) if started && result.is_none() && name == test => {
                result = Some(Outcome::Passed);
            }
            Message::Panic {
                test: name,
                message,
                location,
            } if started && result.is_none() && name == test => {
                result = Some(Outcome::Panicked { message, location });
            }
            Message::Attach { test: name, .. } if started && result.is_none() && name == test => {}
            other => return forged(format!("an out-of-place {}", describe(&other))),
        }
    }
    result.unwrap_or_else(|| ended_without_result(started, session.end))
}

/// Something the test handed over beside its result (see `suite_harness::attach`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// What it is: `check-report`.
    pub kind: String,
    /// Its JSON.
    pub body: String,
}

/// The attachments of the session of `--run test`, in the order sent; none when its
/// report was not genuine (see [`judge_run`]), since only the harness sends them.
pub(super) fn attachments(session: &Session, test: &str) -> Vec<Attachment> {
    if matches!(judge_run(session, test), Outcome::Forged { .. }) {
        return Vec::new();
    }
    session
        .lines
        .iter()
        .filter_map(|line| match Message::decode(line, &session.secret) {
            Ok(Message::Attach {
                test: name,
                kind,
                body,
            }) if name == test => Some(Attachment { kind, body }),
            _ => None,
        })
        .collect()
}

/// What it means that a process ended without a final report.
pub(super) fn ended_without_result(started: bool, end: End) -> Outcome {
    match end {
        End::TimedOut(after) => Outcome::TimedOut { after },
        End::Signaled(signal) => Outcome::Crashed { signal },
        End::Exited(code) if started => Outcome::ExitedEarly { code },
        End::Exited(code) => Outcome::ExitedBeforeStart { code },
    }
}

/// A [`Outcome::Forged`] for `reason`.
pub(super) fn forged(reason: impl Into<String>) -> Outcome {
    Outcome::Forged {
        reason: reason.into(),
    }
}

/// A message named for an error, without repeating what the sender chose to put in it.
pub(super) fn describe(message: &Message) -> &'static str {
    match message {
        Message::Hello(_) => "`hello`",
        Message::Test { .. } => "`test` listing line",
        Message::End(_) => "`end` of a listing",
        Message::Pass(_) => "`pass`",
        Message::Panic { .. } => "`panic`",
        Message::Attach { .. } => "`attach`",
    }
}

#[cfg(test)]
mod tests {
    use super::super::capture::Captured;
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn session(lines: &[Message], end: End) -> Session {
        Session {
            secret: SECRET.to_owned(),
            lines: lines
                .iter()
                .map(|message| message.encode(SECRET).trim_end().to_owned())
                .collect(),
            flooded: false,
            output_flooded: false,
            end,
            output: Captured::default(),
            duration: Duration::ZERO,
        }
    }

    fn hello() -> Message {
        Message::Hello(Subject::Test("t".into()))
    }

    fn pass(test: &str) -> Message {
        Message::Pass(test.into())
    }

    #[test]
    fn a_pass_after_hello_passes_whatever_the_exit() {
        for end in [End::Exited(0), End::Exited(1), End::Signaled(9)] {
            assert_eq!(
                judge_run(&session(&[hello(), pass("t")], end), "t"),
                Outcome::Passed
            );
        }
    }

    #[test]
    fn a_panic_report_carries_its_message() {
        let panic = Message::Panic {
            test: "t".into(),
            message: "left != right".into(),
            location: Some("main.rs:4:9".into()),
        };
        let outcome = judge_run(&session(&[hello(), panic], End::Exited(101)), "t");
        assert_eq!(outcome.to_string(), "failed at main.rs:4:9: left != right");
    }

    #[test]
    fn no_result_is_judged_by_how_the_process_ended() {
        let judge = |lines: &[Message], end| judge_run(&session(lines, end), "t");
        assert_eq!(
            judge(&[hello()], End::Exited(0)),
            Outcome::ExitedEarly { code: 0 }
        );
        assert_eq!(
            judge(&[], End::Exited(0)),
            Outcome::ExitedBeforeStart { code: 0 }
        );
        assert_eq!(
            judge(&[hello()], End::Signaled(6)),
            Outcome::Crashed { signal: 6 }
        );
        let after = Duration::from_secs(2);
        assert_eq!(
            judge(&[], End::TimedOut(after)),
            Outcome::TimedOut { after }
        );
    }

    #[test]
    fn reports_out_of_order_or_for_another_test_are_forged() {
        let cases: [&[Message]; 4] = [
            &[pass("t")],
            &[hello(), pass("other")],
            &[hello(), pass("t"), pass("t")],
            &[hello(), hello(), pass("t")],
        ];
        for lines in cases {
            let outcome = judge_run(&session(lines, End::Exited(0)), "t");
            assert!(
                matches!(outcome, Outcome::Forged { .. }),
                "{lines:?}: {outcome}"
            );
        }
    }

    #[test]
    fn attachments_come_only_from_the_harness_during_the_test() {
        let attach = |test: &str| Message::Attach {
            test: test.into(),
            kind: "check-report".into(),
            body: "{\"n\":1}".into(),
        };
        let good = session(&[hello(), attach("t"), pass("t")], End::Exited(0));
        assert_eq!(judge_run(&good, "t"), Outcome::Passed);
        assert_eq!(
            attachments(&good, "t"),
            [Attachment {
                kind: "check-report".into(),
                body: "{\"n\":1}".into()
            }]
        );
        // After the result, or for another test: the run's report is not genuine.
        for lines in [
            &[hello(), pass("t"), attach("t")][..],
            &[hello(), attach("u"), pass("t")][..],
            &[attach("t"), hello(), pass("t")][..],
        ] {
            let run = session(lines, End::Exited(0));
            assert!(
                matches!(judge_run(&run, "t"), Outcome::Forged { .. }),
                "{lines:?}"
            );
            assert!(attachments(&run, "t").is_empty());
        }
    }

    #[test]
    fn a_line_with_a_wrong_secret_is_forged_even_beside_a_real_pass() {
        let mut forged = session(&[hello(), pass("t")], End::Exited(0));
        forged.lines.insert(1, "pass 0000 t".to_owned());
        let outcome = judge_run(&forged, "t");
        assert_eq!(
            outcome,
            Outcome::Forged {
                reason: "a `pass` line without the run's secret".into()
            }
        );
        let mut flooded = session(&[hello(), pass("t")], End::Exited(0));
        flooded.flooded = true;
        assert!(matches!(judge_run(&flooded, "t"), Outcome::Forged { .. }));
    }
}
