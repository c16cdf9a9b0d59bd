//! What the suite binary does from `main` on: read the invitation, then list or run.

use std::collections::HashSet;
use std::io::{IsTerminal, Read, Write};
use std::os::unix::net::UnixStream;
use std::panic::{self, AssertUnwindSafe};
use std::process;
use std::sync::{Mutex, OnceLock, PoisonError};

use serde_json::json;

use crate::protocol::{Invitation, Message, SEED_VAR, Subject, is_word};
use crate::{DEFAULT_SEED, Test, panics};

/// Exit code for a test that panicked, as `cargo test` uses.
const FAILED: i32 = 101;
/// Exit code for a wrong command line or a malformed suite.
const USAGE: i32 = 2;
/// Exit code when a report cannot reach the checker.
const UNREPORTED: i32 = 3;

static SEED: OnceLock<u64> = OnceLock::new();

/// The running test's link to the checker, for [`attach`] to report through while the
/// test runs; `None` when listing or started by hand.
static LINK: Mutex<Option<Reporter>> = Mutex::new(None);

/// The running test's name.
static RUNNING: OnceLock<String> = OnceLock::new();

/// The entry point behind [`crate::main`].
pub(crate) fn main(tests: &[Test]) -> ! {
    // First of all, before any test code can run: take the whole of standard input, and
    // keep other processes out of this one's memory.
    let invitation = read_invitation();
    shut_memory();
    let seed = std::env::var(SEED_VAR).ok().map(|text| text.parse::<u64>());
    match seed {
        Some(Ok(seed)) => _ = SEED.set(seed),
        Some(Err(_)) => give_up(&format!("{SEED_VAR} is not a number from 0 to 2^64-1")),
        None => {}
    }
    if let Err(problem) = check_names(tests) {
        give_up(&problem);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let reporter = Reporter::connect(invitation);
    match args.as_slice() {
        ["--list"] => list(tests, reporter),
        ["--run", name] => match tests.iter().find(|test| test.name == *name) {
            Some(test) => run(test, reporter),
            None => give_up(&format!("no test is called `{name}`; --list shows them")),
        },
        _ => give_up("usage: --list | --run NAME"),
    }
}

/// The seed behind [`crate::seed`].
pub(crate) fn seed() -> u64 {
    SEED.get().copied().unwrap_or(DEFAULT_SEED)
}

/// Reads standard input to its end; `None` when started by hand.
fn read_invitation() -> Option<Invitation> {
    let mut stdin = std::io::stdin();
    // Reading a terminal to its end would wait for Ctrl-D.
    if stdin.is_terminal() {
        return None;
    }
    let mut text = String::new();
    if let Err(error) = stdin.read_to_string(&mut text) {
        give_up(&format!(
            "cannot read the invitation on standard input: {error}"
        ));
    }
    Invitation::decode(&text).unwrap_or_else(|error| give_up(&error.to_string()))
}

/// Makes the process non-dumpable (Linux): another process of the same user, such as a
/// debugger that test code starts, can then no longer attach to it or read its memory
/// through `/proc`, where the run's secret is. The sandbox of `checker grade` adds what
/// this cannot do alone (no `/proc` at all, a user of its own).
fn shut_memory() {
    #[cfg(target_os = "linux")]
    if let Err(error) = nix::sys::prctl::set_dumpable(false) {
        give_up(&format!("cannot make the process non-dumpable: {error}"));
    }
}

/// Names must be words (they travel as one) and unique (`--run` picks by name).
fn check_names(tests: &[Test]) -> Result<(), String> {
    let mut seen = HashSet::new();
    for test in tests {
        if !is_word(test.name) || test.name.starts_with('-') {
            return Err(format!("`{}` cannot be a test name", test.name));
        }
        if !seen.insert(test.name) {
            return Err(format!("two tests are called `{}`", test.name));
        }
    }
    Ok(())
}

/// `--list`: the tests for people on standard output, and for the checker on the socket.
fn list(tests: &[Test], mut reporter: Reporter) -> ! {
    reporter.send(&Message::Hello(Subject::List));
    let mut stdout = std::io::stdout().lock();
    for test in tests {
        _ = writeln!(
            stdout,
            "{}",
            json!({ "task": test.task, "name": test.name, "clauses": test.clauses })
        );
        reporter.send(&Message::Test {
            task: test.task.to_owned(),
            name: test.name.to_owned(),
            clauses: test.clauses.to_vec(),
        });
    }
    _ = stdout.flush();
    reporter.send(&Message::End(tests.len()));
    process::exit(0)
}

/// `--run NAME`: the one test, under `catch_unwind`, then the report and the exit.
fn run(test: &Test, mut reporter: Reporter) -> ! {
    let name = test.name.to_owned();
    reporter.send(&Message::Hello(Subject::Test(name.clone())));
    _ = RUNNING.set(name.clone());
    let by_hand = reporter.by_hand();
    *LINK.lock().unwrap_or_else(PoisonError::into_inner) = Some(reporter);
    panics::install_hook();
    // A `fn()` holds no state that a panic could leave half-changed for us to see.
    let outcome = panic::catch_unwind(AssertUnwindSafe(test.run));
    let mut reporter = LINK
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
        .unwrap_or(Reporter { link: None });
    match outcome {
        Ok(()) => {
            reporter.send(&Message::Pass(name.clone()));
            if by_hand {
                eprintln!("test {name} ... ok");
            }
            process::exit(0)
        }
        Err(payload) => {
            let failure = panics::failure(payload.as_ref());
            // Dropping a payload runs its code, which may panic again: never drop it.
            std::mem::forget(payload);
            reporter.send(&Message::Panic {
                test: name.clone(),
                message: failure.message.clone(),
                location: failure.location.clone(),
            });
            if by_hand {
                let at = failure
                    .location
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default();
                eprintln!("test {name} ... FAILED{at}\n{}", failure.message);
            }
            process::exit(FAILED)
        }
    }
}

/// Sends an attachment of the running test (see [`crate::attach`]).
pub(crate) fn attach(kind: &str, body: &str) {
    let Some(test) = RUNNING.get() else {
        eprintln!("suite: an attachment outside a test was left out");
        return;
    };
    let mut link = LINK.lock().unwrap_or_else(PoisonError::into_inner);
    match link.as_mut() {
        Some(reporter) if !reporter.by_hand() => reporter.send(&Message::Attach {
            test: test.clone(),
            kind: kind.to_owned(),
            body: body.to_owned(),
        }),
        _ => eprintln!("suite: attached {kind} ({} bytes)", body.len()),
    }
}

/// Prints why the binary cannot go on and exits with the usage code.
fn give_up(problem: &str) -> ! {
    eprintln!("suite: {problem}");
    process::exit(USAGE)
}

/// The connection to the checker, or nothing when started by hand.
struct Reporter {
    link: Option<(UnixStream, String)>,
}

impl Reporter {
    /// Connects to the invitation's socket.
    fn connect(invitation: Option<Invitation>) -> Self {
        let link = invitation.map(|invitation| match UnixStream::connect(&invitation.socket) {
            Ok(stream) => (stream, invitation.secret),
            Err(error) => {
                eprintln!("suite: cannot reach the checker: {error}");
                process::exit(UNREPORTED)
            }
        });
        Reporter { link }
    }

    /// Whether results go to people rather than to the checker.
    fn by_hand(&self) -> bool {
        self.link.is_none()
    }

    /// Sends one line in one write; a lost report ends the process, which the checker
    /// then sees as a test that ended without a result.
    fn send(&mut self, message: &Message) {
        if let Some((stream, secret)) = &mut self.link
            && let Err(error) = stream.write_all(message.encode(secret).as_bytes())
        {
            eprintln!("suite: cannot report to the checker: {error}");
            process::exit(UNREPORTED)
        }
    }
}
