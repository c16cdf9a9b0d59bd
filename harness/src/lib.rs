//! `suite-harness`: the child side of consistency-lab's hidden test suites.
//!
//! A suite is a small binary, compiled by the checker against an exercise crate. It
//! declares its tests with [`suite!`]; the checker starts the binary once to list the
//! tests, then once per test, and learns each result through this crate's protocol,
//! never from what the binary prints. Unix only (Linux and macOS): the results travel
//! over a Unix socket, and the checker kills each test's whole process group.
//!
//! A suite with a bridge is a library instead, built without the exercise: it names its
//! entry in [`suite!`] (`fn run;`), keeps what its bridge hands it in an [`Exercise`],
//! and the bridge, a binary built against the exercise, calls it (see
//! `docs/src/authors.md`, "A suite with a bridge").
//!
//! # Declaring a suite
//!
//! ```no_run
//! fn reads_its_own_write() {
//!     assert_eq!(1 + 1, 2);
//! }
//!
//! fn survives_a_partition() {
//!     suite_harness::block_on_paused(async {
//!         tokio::time::sleep(std::time::Duration::from_secs(60)).await;
//!     });
//! }
//!
//! suite_harness::suite! {
//!     "read-your-writes" => [reads_its_own_write],
//!     "partitions" => [survives_a_partition],
//! }
//! ```
//!
//! A test is a plain `fn()` that belongs to a task (a part of the exercise). It passes
//! by returning and fails by panicking; the panic message is what the student sees, so
//! suites panic with rich messages (`assert_eq!` from `pretty_assertions`, a timeline
//! drawn by `testkit`, or [`fail`]). Async tests make their own runtime with
//! [`block_on_paused`], whose clock only moves when every task waits. Randomised tests
//! seed their generator with [`seed`].
//!
//! # Command line
//!
//! | arguments | what the binary does |
//! | --- | --- |
//! | `--list` | prints one JSON object `{"task":..,"name":..,"clauses":[..]}` per test on standard output |
//! | `--run NAME` | runs the one test called `NAME`; exit code 0 if it passed, 101 if it panicked |
//!
//! Other arguments, or a suite that names two tests alike, exit with code 2; a report
//! that cannot be sent exits with code 3.
//!
//! # Protocol
//!
//! The checker never trusts standard output, standard error or the exit code for a
//! result: a student's code runs in the same process and can print, or exit, as it likes.
//! Instead:
//!
//! 1. The checker makes a fresh secret (128 random bits as 32 hex digits) and a Unix
//!    socket it listens on, and starts the binary in a process group of its own.
//! 2. It writes an invitation to the binary's standard input and closes it:
//!    ```text
//!    suite-harness protocol 1
//!    secret 5f0c…
//!    socket /tmp/…/3.sock
//!    ```
//!    The harness reads standard input to its end as the first thing `main` does, before
//!    any test code runs, so test code finds nothing left to read there. Input that is
//!    empty or a terminal means the binary was started by hand: it then reports only on
//!    its own output, for people.
//! 3. The harness connects to the socket and sends lines, each `KIND SECRET REST`:
//!    ```text
//!    hello SECRET NAME                          main started, about to run test NAME
//!    attach SECRET NAME KIND JSON               something to show beside the result
//!    pass SECRET NAME                           the test body returned
//!    panic SECRET NAME {"message":..,"location":..}   the test body panicked
//!    ```
//!    and when listing, `hello SECRET --list`, then
//!    `test SECRET {"task":..,"name":..,"clauses":[..]}` per test, then `end SECRET COUNT`.
//! 4. `pass` is sent only after the body returned from under `catch_unwind`; the process
//!    then exits at once. The checker kills the process group when the process ends or
//!    the time is up.
//!
//! Because of the secret, printed text (such as a copied `test result: ok` line) is
//! never a result; because of `hello`, a process ended by code that runs before `main`
//! (a constructor of the exercise crate) is told apart from a test that exited early;
//! because a result comes only from the harness after the body, `std::process::exit(0)`
//! inside a test is not a pass. The format of each line is in [`protocol`].
//!
//! The protocol guards against a student's code ending, hanging or crashing its test
//! process and against printed lookalike results. The process makes itself
//! non-dumpable on Linux, so that no other process of the same user (a debugger the test
//! starts, say) can attach to it or read its memory. What the protocol alone cannot stop,
//! code that reads the harness's memory through `/proc/self/mem` or runs before `main`,
//! `checker grade` stops around it: it forbids `unsafe` in submitted code (no
//! constructors) and runs each test in a sandbox without `/proc`.

pub mod protocol;

mod entry;
mod panics;

use std::fmt::Display;
use std::future::Future;

/// One test of a suite: what [`suite!`] builds from each listed function.
#[derive(Clone, Copy, Debug)]
pub struct Test {
    /// The task of the exercise that the test checks.
    pub task: &'static str,
    /// The name of the function, as written in the suite.
    pub name: &'static str,
    /// The test body: passes by returning, fails by panicking.
    pub run: fn(),
    /// The clauses of its task's statement it checks, by number (`[1, 3]` for clauses
    /// `task.1` and `task.3` of the exercise's README).
    pub clauses: &'static [u32],
}

/// Declares a suite's tests by task and writes its `main`.
///
/// ```no_run
/// # fn a() {} fn b() {} fn c() {}
/// suite_harness::suite! {
///     "task-id" => [a [1, 2], b [3]],
///     "other-task" => [c],
/// }
/// ```
///
/// Each test's name is its function path as written; names must be unique in a suite.
/// The numbers after a test are the clauses of its task it checks: clause `task-id.1`
/// is the first numbered rule of that task's statement in the exercise's README.
/// `checker dev verify` reports a clause no test names.
///
/// A suite built as a library (one with a bridge, see `docs/src/authors.md`) names the
/// function to write instead of `main`, and its bridge calls it:
///
/// ```no_run
/// # fn a() {}
/// suite_harness::suite! {
///     pub fn run;
///     "task-id" => [a [1]],
/// }
/// ```
#[macro_export]
macro_rules! suite {
    ($vis:vis fn $entry:ident; $($task:literal => [$($test:path $([$($clause:literal),* $(,)?])?),* $(,)?]),* $(,)?) => {
        /// Runs the suite's tests as the command line says; never returns.
        $vis fn $entry() -> ! {
            $crate::main(&[$($($crate::Test {
                task: $task,
                name: stringify!($test),
                run: $test,
                clauses: &[$($($clause),*)?],
            },)*)*])
        }
    };
    ($($task:literal => [$($test:path $([$($clause:literal),* $(,)?])?),* $(,)?]),* $(,)?) => {
        $crate::suite! { fn main; $($task => [$($test $([$($clause),*])?),*]),* }
    };
}

/// Runs the suite as the command line says (see the crate docs); never returns.
pub fn main(tests: &[Test]) -> ! {
    entry::main(tests)
}

/// The seed used when the checker passes none.
pub const DEFAULT_SEED: u64 = 0x00C0_FFEE;

/// The seed of this run: the value of [`protocol::SEED_VAR`] when the checker sets it,
/// otherwise [`DEFAULT_SEED`]. Randomised tests seed `testkit::rng::Rng` with it, so a
/// failure replays with the same seed.
pub fn seed() -> u64 {
    entry::seed()
}

/// Tells the checker which seed to replay the current test from: the seed of the run
/// that failed, when a test tries many seeds from [`seed`]. Call it before [`fail`]; the
/// checker then prints `checker check EXERCISE --seed N --test NAME`, which starts the
/// test at the failing run.
pub fn replay_from(seed: u64) {
    attach("replay", &format!("{{\"seed\":{seed}}}"));
}

/// Runs `future` to completion on a fresh single-threaded tokio runtime whose clock is
/// paused: virtual time jumps ahead whenever every task waits, so timeouts of minutes
/// take no real time and runs are repeatable.
pub fn block_on_paused<F: Future>(future: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(future),
        Err(error) => panic!("the suite could not start a tokio runtime: {error}"),
    }
}

/// Hands the checker something to show beside the current test's result: `kind` names
/// it (one word), `json` is one line of JSON. `checker check` draws a `check-report`
/// (a `testkit::report::CheckReport`) as an HTML page of the history. Call it before
/// [`fail`]; started by hand, the binary only says it was attached.
///
/// # Panics
///
/// If `kind` is not one word or `json` is not one line of JSON: a mistake of the suite.
pub fn attach(kind: &str, json: &str) {
    assert!(
        protocol::is_word(kind),
        "an attachment's kind is one word: {kind:?}"
    );
    assert!(
        !json.contains('\n') && serde_json::from_str::<serde_json::Value>(json).is_ok(),
        "an attachment is one line of JSON"
    );
    entry::attach(kind, json);
}

/// Fails the current test with `message`, which is what the student is shown, reported
/// at the caller's line.
#[track_caller]
pub fn fail(message: impl Display) -> ! {
    panic!("{message}")
}

/// The exercise a suite built as a library is handed by its bridge: a `static` of the
/// suite, filled once by the suite's entry function before any test runs.
///
/// ```
/// pub trait Sums: Sync {
///     fn add(&self, a: i64, b: i64) -> i64;
/// }
///
/// static EXERCISE: suite_harness::Exercise<dyn Sums> = suite_harness::Exercise::new();
///
/// struct Submission;
/// impl Sums for Submission {
///     fn add(&self, a: i64, b: i64) -> i64 {
///         a + b
///     }
/// }
///
/// EXERCISE.hand(&Submission);
/// assert_eq!(EXERCISE.get().add(2, 3), 5);
/// ```
pub struct Exercise<T: ?Sized + 'static> {
    handed: std::sync::OnceLock<&'static T>,
}

impl<T: ?Sized + Sync + 'static> Exercise<T> {
    /// Nothing handed yet.
    pub const fn new() -> Self {
        Exercise {
            handed: std::sync::OnceLock::new(),
        }
    }

    /// Hands the suite the exercise; the bridge calls the suite's entry, which calls
    /// this.
    ///
    /// # Panics
    ///
    /// If an exercise was handed already: a mistake of the suite.
    pub fn hand(&self, exercise: &'static T) {
        assert!(
            self.handed.set(exercise).is_ok(),
            "the suite was handed an exercise twice"
        );
    }

    /// The exercise the bridge handed.
    ///
    /// # Panics
    ///
    /// If none was: the suite's entry was not called, a mistake of the suite.
    pub fn get(&self) -> &'static T {
        match self.handed.get() {
            Some(exercise) => exercise,
            None => panic!("the suite's bridge handed it no exercise before the tests ran"),
        }
    }
}

impl<T: ?Sized + Sync + 'static> Default for Exercise<T> {
    fn default() -> Self {
        Self::new()
    }
}
