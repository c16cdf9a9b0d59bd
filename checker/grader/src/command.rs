//! `checker grade SUBMISSIONS --out DIR`: the run as a whole.
//!
//! 1. Check the folders: `--out` is new, empty, or a gradebook an earlier run wrote.
//! 2. List the submissions and keep this shard's.
//! 3. Make a sandbox per job (or refuse, without bubblewrap and `--no-sandbox`).
//! 4. Build the course's dependencies once.
//! 5. Keep what an earlier run graded with the same inputs; grade the rest, `--jobs`
//!    at a time, each record written as soon as its submission is done.
//! 6. Write the gradebook from every record, and print the summary.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::cgroup::job_memory;
use super::compile::{Compiled, Compiler, SuiteSource, Toolchain};
use super::deps;
use super::digests::{in_shard, run_digest, submission_digest};
use super::gradebook::{ClassOptions, class_files, finish, info};
use super::jobs::Stamp;
use super::pipeline::{Grader, Planned, with_private_tasks};
use super::private::PrivateSuites;
use super::progress::{RunProgress, clock};
use super::record::{FORMAT, SubmissionGrade};
use super::sandbox::Sandbox;
use super::similarity::sources;
use super::store;
use super::submissions::{self, Submission};
use checker_core::Status;
use checker_core::catalog::Exercise;
use checker_core::catalog::crate_key;
use checker_core::course::Course;

/// What `checker grade` was asked.
#[derive(Clone, Debug)]
pub struct GradeRequest {
    /// The folder of submissions.
    pub submissions: PathBuf,
    /// The gradebook folder.
    pub out: PathBuf,
    /// Only these exercises (empty: all).
    pub exercises: Vec<String>,
    /// Submissions at once.
    pub jobs: Option<usize>,
    /// Part K of N.
    pub shard: Option<(u32, u32)>,
    /// The private suites' folder.
    pub private_suite: Option<PathBuf>,
    /// The seed of the randomized tests.
    pub seed: u64,
    /// Wall-clock time per test.
    pub timeout: Duration,
    /// Grade again what an earlier run graded.
    pub regrade: bool,
    /// Run without bubblewrap.
    pub no_sandbox: bool,
    /// The first user id of the sandboxes, as root.
    pub sandbox_uid: u32,
    /// Similarity and the learning-management imports.
    pub class: ClassOptions,
}

/// What `--no-sandbox` gives up, said when it is used and when it is needed.
const UNSANDBOXED: &str = "without a sandbox, submitted code can read any file its user \
     can read (the hidden and private suites, other submissions), write outside its folder, \
     reach the network, and forge its own results through /proc";

/// Runs `checker grade`.
pub fn run(course: &Course, req: &GradeRequest) -> Result<Status> {
    let submissions_dir = req.submissions.canonicalize().with_context(|| {
        format!(
            "{}: no such folder of submissions",
            req.submissions.display()
        )
    })?;
    let out = store::open(&req.out, Some(&submissions_dir))?;
    let listing = submissions::list(&submissions_dir)?;
    for skipped in &listing.skipped {
        eprintln!("note: {skipped}");
    }
    let mine: Vec<Submission> = listing
        .submissions
        .into_iter()
        .filter(|s| req.shard.is_none_or(|(k, n)| in_shard(&s.id, k, n)))
        .collect();
    if let Some((k, n)) = req.shard {
        eprintln!("shard {k}/{n}: {} submission(s)", mine.len());
    }
    let selected = select(course, &req.exercises)?;
    // The class files' inputs are read now, so that a bad roster or known folder is
    // said before an hour of grading rather than after.
    let class = req.class.load(&selected)?;
    let private = match &req.private_suite {
        Some(dir) => PrivateSuites::load(dir, &course.catalog)?,
        None => PrivateSuites::default(),
    };
    let jobs = req
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, 64)
        .min(mine.len().max(1));
    let mut sandboxes = sandboxes(req, jobs)?;

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let skeletons: Vec<PathBuf> = selected
        .iter()
        .map(|e| course.skeleton_manifest(e))
        .collect();
    eprintln!("preparing the course's dependencies (built once, reused by later runs)");
    let compiler = Compiler {
        toolchain: Toolchain::find(&course.root)?,
        deps: deps::prepare(&course.root, &course.target_dir(), &cargo, &skeletons)?,
    };
    let scratch = out.join(".work");
    std::fs::create_dir_all(&scratch)
        .with_context(|| format!("cannot create {}", scratch.display()))?;
    let rustc = compiler.toolchain.sysroot.join("bin/rustc");
    let mut notes = Vec::new();
    for sandbox in &mut sandboxes {
        notes.extend(sandbox.check_user(&rustc, &[&compiler.deps.dir, &scratch]));
    }
    if let Some(note) = notes.first() {
        eprintln!("warning: {note}");
    }
    eprintln!("isolation: {}", sandboxes[0].describe());
    let mut plan = Vec::new();
    for exercise in &selected {
        let suite = course.suite_dir(exercise);
        if !suite.join("main.rs").is_file() {
            bail!(
                "exercise {}: its hidden suite {} is missing",
                exercise.name,
                suite.display()
            );
        }
        let skeleton = course.skeleton_manifest(exercise);
        let private = private.of(&exercise.name).cloned();
        plan.push(Planned {
            exercise: with_private_tasks(exercise, private.as_ref()),
            krate: crate_key(&exercise.name),
            dependencies: deps::skeleton_dependencies(&skeleton)?
                .iter()
                .map(|d| deps::crate_name(d))
                .collect(),
            suite: SuiteSource::new(&suite),
            private,
        });
    }
    let mut grader = Grader {
        compiler,
        plan,
        seed: req.seed,
        timeout: req.timeout,
    };
    let run_digest = run_digest(course, &grader, &sandboxes[0].describe())?;

    // What an earlier run graded with the same inputs is kept.
    let mut queue = Vec::new();
    let mut kept = 0;
    for submission in &mine {
        let digest = submission_digest(submission, &grader, &run_digest)?;
        let earlier = store::load(&out, &submission.id);
        let reusable = earlier.is_some_and(|r| {
            !req.regrade && r.format == FORMAT && r.fingerprint == digest && r.tool_error.is_none()
        });
        if reusable {
            kept += 1;
        } else {
            queue.push((submission, digest));
        }
    }
    if kept > 0 {
        eprintln!("{kept} submission(s) graded by an earlier run with the same inputs: kept");
    }
    if !queue.is_empty() {
        build_suite_libraries(&mut grader, &sandboxes[0], &scratch.join("suites"))?;
    }
    grade_all(&grader, &sandboxes, &queue, &out, mine.len(), kept)?;
    Stamp::of(course, &grader, req.no_sandbox, req.shard)?.save(&out)?;

    // Each submission's own sources, kept for similarity (here and in a merge); those
    // of a kept record are still there from the run that graded it.
    let names: Vec<&str> = grader
        .plan
        .iter()
        .map(|p| p.exercise.name.as_str())
        .collect();
    for submission in &mine {
        let regraded = queue.iter().any(|(s, _)| s.id == submission.id);
        if regraded || !sources::path(&out, &submission.id).is_file() {
            let unpacked = out.join(".work").join(format!("sources-{}", submission.id));
            let found = sources::collect(submission, &names, &unpacked);
            sources::save(&out, &submission.id, &found)?;
        }
    }

    let book: Vec<SubmissionGrade> = mine
        .iter()
        .filter_map(|s| store::load(&out, &s.id))
        .collect();
    let exercises: Vec<_> = grader.plan.iter().map(|p| info(&p.exercise)).collect();
    let similar = class_files(course, &out, &book, &exercises, &class)?;
    finish(&out, &book, &exercises, &similar)
}

/// Compiles the library of each suite with a bridge once, into `dir`, for every
/// submission's bridge to be compiled against (it never sees submitted code). A suite
/// that does not compile is the course's mistake: nothing is graded.
fn build_suite_libraries(grader: &mut Grader, sandbox: &Sandbox, dir: &Path) -> Result<()> {
    for planned in &mut grader.plan {
        if !planned.suite.bridged() {
            continue;
        }
        let out = dir.join(&planned.exercise.name);
        std::fs::create_dir_all(&out)
            .with_context(|| format!("cannot create {}", out.display()))?;
        eprintln!(
            "compiling the hidden suite of {} (once, for every submission)",
            planned.exercise.name
        );
        match grader.compiler.suite_library(
            sandbox,
            &planned.dependencies,
            &planned.suite.dir,
            &out,
        )? {
            Compiled::Built(library) => planned.suite.library = Some(library),
            Compiled::Rejected(errors) => bail!(
                "exercise {}: its hidden suite {} does not compile (`checker dev verify` shows \
                 the compiler's errors): {}",
                planned.exercise.name,
                planned.suite.dir.display(),
                errors.lines().next().unwrap_or_default()
            ),
        }
    }
    Ok(())
}

/// Grades the queue, a job per sandbox, writing each record as it is done.
fn grade_all(
    grader: &Grader,
    sandboxes: &[Sandbox],
    queue: &[(&Submission, String)],
    out: &Path,
    total: usize,
    kept: usize,
) -> Result<()> {
    let next = Mutex::new(queue.iter());
    let (events, inbox) = mpsc::channel::<(usize, Event)>();
    let mut progress = RunProgress::new(total as u32, kept as u32);
    std::thread::scope(|scope| -> Result<()> {
        for (slot, sandbox) in sandboxes.iter().enumerate() {
            let events = events.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let Some((submission, digest)) = next.lock().unwrap().next() else {
                        break;
                    };
                    _ = events.send((slot, Event::Started(submission.id.clone())));
                    let work = out.join(".work").join(&submission.id);
                    let record = grader.grade(sandbox, submission, digest, &work);
                    let saved = store::save(out, &record);
                    _ = events.send((slot, Event::Finished(Box::new(record), saved.err())));
                }
            });
        }
        drop(events);
        let mut failed = None;
        loop {
            let Ok((slot, event)) = inbox.recv() else {
                break;
            };
            match event {
                Event::Started(id) => progress.start(slot, &id),
                Event::Finished(record, error) => {
                    progress.finish(slot, &finished_line(&record));
                    if let Some(error) = error {
                        failed.get_or_insert(error);
                    }
                }
            }
        }
        progress.close();
        failed.map_or(Ok(()), Err)
    })
}

/// What a job tells the main thread.
enum Event {
    Started(String),
    Finished(Box<SubmissionGrade>, Option<anyhow::Error>),
}

/// One line about a finished submission.
fn finished_line(record: &SubmissionGrade) -> String {
    let mut line = format!(
        "{}: {}/{} points in {}",
        record.submission,
        record.score(),
        record.max_score(),
        clock(Duration::from_secs_f64(record.seconds))
    );
    if let Some(error) = &record.tool_error {
        line.push_str(&format!(" (NOT GRADED: {error})"));
    }
    line
}

/// The exercises asked for, in catalog order.
fn select<'a>(course: &'a Course, names: &[String]) -> Result<Vec<&'a Exercise>> {
    if names.is_empty() {
        return Ok(course.catalog.exercises.iter().collect());
    }
    let mut wanted = Vec::new();
    for name in names {
        wanted.push(course.catalog.find(name)?.name.clone());
    }
    Ok(course
        .catalog
        .exercises
        .iter()
        .filter(|e| wanted.contains(&e.name))
        .collect())
}

/// A sandbox per job, or the reason there is none.
fn sandboxes(req: &GradeRequest, jobs: usize) -> Result<Vec<Sandbox>> {
    if req.no_sandbox {
        eprintln!("warning: --no-sandbox: {UNSANDBOXED}");
    }
    let memory = job_memory(jobs);
    (0..jobs as u32)
        .map(|slot| {
            let mut sandbox = if req.no_sandbox {
                Sandbox::unconfined(slot, req.sandbox_uid)?
            } else {
                Sandbox::bubblewrap(slot, req.sandbox_uid).map_err(|why| {
                    anyhow::anyhow!(
                        "cannot grade untrusted code safely: {why}. Install bubblewrap, or \
                         pass --no-sandbox to grade anyway ({UNSANDBOXED})"
                    )
                })?
            };
            sandbox.cap_job(memory);
            Ok(sandbox)
        })
        .collect()
}
