//! Building a hidden suite against an exercise crate and running its tests, each in a
//! process of its own. Unix only (Linux and macOS).
//!
//! ```text
//! let runner = Runner::new(course_root, target_dir);
//! let built = runner.build("kv-store", student_dir, skeleton_manifest, suite_main)?;
//! let results = built.run_all(&RunOptions::default())?;            // SuiteError
//! ```
//!
//! A suite is built as a small package of its own (see `manifest`), against the
//! sources of the exercise folder by path, so the folder is never changed and the same
//! suite runs against a student's crate, the reference solution or any copy; the
//! exercise crate's manifest is always the course's. Results come only
//! from `suite-harness`'s protocol (see that crate's docs): each test process gets a
//! fresh secret on standard input and reports on a Unix socket. What a test prints is
//! kept for people to read and never parsed.
//!
//! | module | what it holds |
//! | --- | --- |
//! | `manifest` | the runner package's `Cargo.toml`, from the exercise's and the course's |
//! | `build` | cargo, and reading its messages |
//! | `error` | why a build failed: the student's code or the tool's trouble |
//! | `process` | one test process: its group, its timeout, its report socket and output |
//! | `outcome` | what happened to a test, judged from its reports and its end |
//! | `listing` | learning the suite's tests through the same protocol |
//! | `capture` | keeping the end of a test's output |
//! | `secret` | random secrets and a private directory for the sockets |
//! | `launch` | how a test process is started: directly, or wrapped in a sandbox |
//! | `order` | the order tests start in: the slowest of the last run first |

mod build;
mod capture;
mod error;
mod launch;
mod listing;
mod manifest;
mod order;
mod outcome;
mod process;
mod secret;

use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use capture::Captured;
pub use error::BuildError;
pub use launch::{Direct, Launch, Launcher};
pub use listing::{SuiteError, TestCase};
pub use manifest::{BRIDGE, Optimised, SUITE_LIBRARY, bridge_of};
pub use outcome::{Attachment, Outcome};

/// Removes the private folders (in the system's temporary directory) of the report
/// sockets of the checks still running: for a program that ends while a check runs (the
/// watch mode, quit during one), after ending their tests
/// ([`ProcessGroup::kill_all`](crate::group::ProcessGroup::kill_all)). A check removes its
/// own folder when it ends, but the thread running it ends with the program first.
pub fn remove_report_dirs() {
    secret::remove_all();
}

/// What a check is busy with, for a line that shows it is alive: a cold build of the
/// course's dependencies takes minutes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Activity {
    /// Cargo is compiling: `done` of `total` crates (cargo's own count), and the ones in
    /// progress now.
    Compiling {
        /// Crates compiled.
        done: usize,
        /// Crates to compile in all.
        total: usize,
        /// The crates being compiled now, as cargo names them.
        now: String,
    },
    /// The suite's tests are running: `done` of `total` finished.
    Testing {
        /// Tests finished.
        done: usize,
        /// Tests in all.
        total: usize,
    },
}

/// Told of each [`Activity`] as it happens (from any thread).
pub type Observer = Arc<dyn Fn(&Activity) + Send + Sync>;

/// Builds suites for one course, sharing one target directory.
#[derive(Clone)]
pub struct Runner {
    course_root: PathBuf,
    target_dir: PathBuf,
    cargo: OsString,
    observer: Option<Observer>,
    optimised: Optimised,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("course_root", &self.course_root)
            .field("target_dir", &self.target_dir)
            .field("cargo", &self.cargo)
            .field("observed", &self.observer.is_some())
            .field("optimised", &self.optimised)
            .finish()
    }
}

impl Runner {
    /// A runner for the course whose workspace root is `course_root`, building in
    /// `target_dir` (the course's own, so that dependencies compile once).
    ///
    /// Cargo is the one named by `CARGO` when set (as it is under `cargo run`), else
    /// `cargo` from `PATH`.
    pub fn new(course_root: impl Into<PathBuf>, target_dir: impl Into<PathBuf>) -> Self {
        Runner {
            course_root: course_root.into(),
            target_dir: target_dir.into(),
            cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            observer: None,
            optimised: Optimised::No,
        }
    }

    /// The same runner, building suites and exercises optimised or not (not unless told):
    /// see [`Optimised`].
    pub fn optimised(mut self, optimised: Optimised) -> Self {
        self.optimised = optimised;
        self
    }

    /// The same runner, telling `observer` what it is busy with: how far cargo's build
    /// is, and how many tests have finished.
    pub fn observed(mut self, observer: Observer) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Builds the suite whose source is `suite_main` against the sources of the exercise
    /// in `exercise_dir` (its `src/`), as the course's `manifest` of the exercise declares
    /// the crate: its package name and dependencies. The folder's own `Cargo.toml` is
    /// never read, so nothing it declares (a build script, another dependency) is built.
    /// Suites name the exercise's crate by the exercise name without its leading number,
    /// with `-` as `_` (`01_linearizable` -> `linearizable`), whatever its package is
    /// called. Cargo rebuilds only what changed.
    pub fn build(
        &self,
        exercise: &str,
        exercise_dir: &Path,
        manifest: &Path,
        suite_main: &Path,
    ) -> Result<Built, BuildError> {
        let made = build::build(&build::Job {
            course_root: &self.course_root,
            target_dir: &self.target_dir,
            cargo: &self.cargo,
            exercise,
            exercise_dir,
            manifest,
            suite_main,
            observer: self.observer.as_ref(),
            optimised: self.optimised,
        })?;
        Ok(Built {
            binary: made.binary,
            warnings: made.warnings,
            observer: self.observer.clone(),
            durations: Some(made.dir.join(order::DURATIONS)),
        })
    }
}

/// How tests are run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Wall-clock time each test process has before its process group is killed.
    pub timeout: Duration,
    /// How many test processes run at once.
    pub jobs: NonZeroUsize,
    /// The seed passed to the suite (see `suite_harness::seed`); `None` leaves the
    /// suite's default.
    pub seed: Option<u64>,
    /// How many bytes of output a test may write before it is stopped; `None` for no
    /// limit (only the end of the output is kept either way).
    pub output_limit: Option<u64>,
    /// How each test process is started.
    pub launcher: Arc<dyn Launcher>,
}

impl Default for RunOptions {
    /// Ten seconds a test, as many at once as the machine has cores, no seed, no output
    /// limit, started directly.
    fn default() -> Self {
        RunOptions {
            timeout: Duration::from_secs(10),
            jobs: std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN),
            seed: None,
            output_limit: None,
            launcher: Arc::new(Direct),
        }
    }
}

/// What happened to one test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    /// The task the test belongs to.
    pub task: String,
    /// The test's name.
    pub name: String,
    /// The clauses of its task it checks, by number.
    pub clauses: Vec<u32>,
    /// How it ended.
    pub outcome: Outcome,
    /// What it printed, for people to read.
    pub output: Captured,
    /// What the test handed over beside its result, such as a check report to draw.
    pub attachments: Vec<Attachment>,
    /// How long its process ran.
    pub duration: Duration,
}

/// A suite built against an exercise, ready to run.
#[derive(Clone)]
pub struct Built {
    binary: PathBuf,
    warnings: Vec<String>,
    observer: Option<Observer>,
    /// Where the tests' durations of the last run are kept, if anywhere (see `order`).
    durations: Option<PathBuf>,
}

impl std::fmt::Debug for Built {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Built")
            .field("binary", &self.binary)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

impl Built {
    /// The compiler's warnings about the exercise's own code, rendered (replayed by
    /// cargo from its cache when nothing was recompiled).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// A suite binary built some other way (the grader compiles submissions itself).
    pub fn from_binary(binary: PathBuf) -> Self {
        Built {
            binary,
            warnings: Vec::new(),
            observer: None,
            durations: None,
        }
    }

    /// The suite binary.
    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// The suite's tests, learned by running it with `--list`.
    pub fn list(&self, options: &RunOptions) -> Result<Vec<TestCase>, SuiteError> {
        let session =
            process::run(&self.binary, &["--list"], options).map_err(SuiteError::Launch)?;
        listing::read_listing(&session).map_err(|outcome| SuiteError::Listing {
            outcome,
            output: session.output,
        })
    }

    /// Runs one test in a process of its own.
    pub fn run_test(
        &self,
        test: &TestCase,
        options: &RunOptions,
    ) -> Result<TestResult, SuiteError> {
        let args = ["--run", test.name.as_str()];
        let session = process::run(&self.binary, &args, options).map_err(SuiteError::Launch)?;
        Ok(TestResult {
            task: test.task.clone(),
            name: test.name.clone(),
            clauses: test.clauses.clone(),
            outcome: outcome::judge_run(&session, &test.name),
            attachments: outcome::attachments(&session, &test.name),
            output: session.output,
            duration: session.duration,
        })
    }

    /// Runs the test called `name`, after listing the suite to find its task.
    pub fn run_named(&self, name: &str, options: &RunOptions) -> Result<TestResult, SuiteError> {
        let tests = self.list(options)?;
        let test =
            tests
                .iter()
                .find(|test| test.name == name)
                .ok_or_else(|| SuiteError::NoSuchTest {
                    name: name.to_owned(),
                    known: tests.iter().map(|t| t.name.clone()).collect(),
                })?;
        self.run_test(test, options)
    }

    /// Lists the suite and runs every test, up to `options.jobs` at once, the slowest of
    /// the last run first; the results are in the listing's order.
    pub fn run_all(&self, options: &RunOptions) -> Result<Vec<TestResult>, SuiteError> {
        let tests = self.list(options)?;
        let remembered = self
            .durations
            .as_deref()
            .map(order::read)
            .unwrap_or_default();
        let starts = order::slowest_first(&tests, &remembered);
        let next = AtomicUsize::new(0);
        let finished = AtomicUsize::new(0);
        let tell = |done: usize| {
            if let Some(observer) = &self.observer {
                observer(&Activity::Testing {
                    done,
                    total: tests.len(),
                });
            }
        };
        tell(0);
        let results: Mutex<Vec<Option<Result<TestResult, SuiteError>>>> =
            Mutex::new((0..tests.len()).map(|_| None).collect());
        // Workers take the next test until none is left; a fixed split would leave
        // cores idle behind one slow test.
        std::thread::scope(|scope| {
            for _ in 0..options.jobs.get().min(tests.len()) {
                scope.spawn(|| {
                    while let Some(&index) = starts.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let result = self.run_test(&tests[index], options);
                        results.lock().unwrap()[index] = Some(result);
                        tell(finished.fetch_add(1, Ordering::Relaxed) + 1);
                    }
                });
            }
        });
        let results: Vec<_> = results
            .into_inner()
            .unwrap()
            .into_iter()
            .map(|result| result.expect("every test was run"))
            .collect::<Result<_, _>>()?;
        if let Some(path) = &self.durations {
            order::write(path, &results);
        }
        Ok(results)
    }
}
