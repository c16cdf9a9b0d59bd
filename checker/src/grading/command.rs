//! `checker grade SUBMISSIONS --out DIR`: the run as a whole.
//!
//! 1. Check the folders: `--out` is new, empty, or a gradebook an earlier run wrote.
//! 2. List the submissions and keep this shard's.
//! 3. Make a sandbox per job (or refuse, without bubblewrap and `--no-sandbox`).
//! 4. Build the course's dependencies once.
//! 5. Keep what an earlier run graded with the same inputs; grade the rest, `--jobs`
//!    at a time, each record written as soon as its submission is done.
//! 6. Write the gradebook from every record, and print the summary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::compile::{Compiler, Toolchain};
use super::deps;
use super::pipeline::{Grader, Planned, with_private_tasks};
use super::private::PrivateSuites;
use super::progress::{Progress, clock};
use super::record::{ExerciseStatus, FORMAT, SubmissionGrade};
use super::reports::{self, ExerciseInfo};
use super::sandbox::Sandbox;
use super::store;
use super::submissions::{self, Submission, SubmissionKind};
use crate::Status;
use crate::catalog::Exercise;
use crate::course::Course;
use crate::runner::manifest::{Fnv1a, crate_key, digest};

/// What `checker grade` was asked.
#[derive(Clone, Debug)]
pub struct Request {
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
}

/// What `--no-sandbox` gives up, said when it is used and when it is needed.
const UNSANDBOXED: &str = "without a sandbox, submitted code can read any file its user \
     can read (the hidden and private suites, other submissions), write outside its folder, \
     reach the network, and forge its own results through /proc";

/// Runs `checker grade`.
pub fn run(course: &Course, req: &Request) -> Result<Status> {
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
        .map(|e| {
            course
                .root
                .join("checker/skeletons")
                .join(&e.name)
                .join("Cargo.toml")
        })
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
        let suite = course.root.join("checker/suites").join(&exercise.name);
        if !suite.join("main.rs").is_file() {
            bail!(
                "exercise {}: its hidden suite {} is missing",
                exercise.name,
                suite.display()
            );
        }
        let skeleton = course
            .root
            .join("checker/skeletons")
            .join(&exercise.name)
            .join("Cargo.toml");
        let private = private.of(&exercise.name).cloned();
        plan.push(Planned {
            exercise: with_private_tasks(exercise, private.as_ref()),
            krate: crate_key(&exercise.name),
            dependencies: deps::skeleton_dependencies(&skeleton)?
                .iter()
                .map(|d| deps::crate_name(d))
                .collect(),
            suite,
            private,
        });
    }
    let grader = Grader {
        compiler,
        plan,
        seed: req.seed,
        timeout: req.timeout,
    };
    let run_digest = run_digest(course, &grader, req, &sandboxes[0].describe())?;

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
    grade_all(&grader, &sandboxes, &queue, &out, mine.len(), kept)?;

    let book: Vec<SubmissionGrade> = mine
        .iter()
        .filter_map(|s| store::load(&out, &s.id))
        .collect();
    finish(&out, &book, &grader.plan)
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
    let mut progress = Progress::new(total as u32, kept as u32);
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
            // A second without news redraws the bar, so that its clock moves.
            let (slot, event) = match inbox.recv_timeout(Duration::from_secs(1)) {
                Ok(news) => news,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    progress.tick();
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
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

/// Writes the gradebook and prints the summary; the run's status.
pub fn finish(out: &Path, book: &[SubmissionGrade], plan: &[Planned]) -> Result<Status> {
    let exercises: Vec<ExerciseInfo> = plan
        .iter()
        .map(|p| ExerciseInfo {
            name: p.exercise.name.clone(),
            title: p.exercise.title.clone(),
            max_score: p.exercise.points(),
        })
        .collect();
    let written = reports::write_all(out, book, &exercises)?;
    print!("{}", summary(book, &exercises));
    println!("gradebook written to {}:", out.display());
    for path in written.iter().filter(|p| p.parent() == Some(out)) {
        println!("  {}", path.display());
    }
    println!(
        "  {}/ID/ (per submission: JUnit XML, Gradescope, GitHub Classroom and Exercism results.json)",
        out.join("submissions").display()
    );
    let errors = book.iter().filter(|r| r.tool_error.is_some()).count();
    if errors > 0 {
        eprintln!("error: {errors} submission(s) could not be graded; run again to retry them");
        return Ok(Status::ToolError);
    }
    Ok(Status::Passed)
}

/// The table printed at the end: a row per submission, a column per exercise.
pub fn summary(book: &[SubmissionGrade], exercises: &[ExerciseInfo]) -> String {
    let width = book
        .iter()
        .map(|r| r.submission.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    let mut text = format!("{:<width$}", "submission");
    for e in exercises {
        let short: String = e.name.chars().take(2).collect();
        text.push_str(&format!(" {short:>5}"));
    }
    text.push_str("     total\n");
    for record in book {
        text.push_str(&format!("{:<width$}", record.submission));
        for e in exercises {
            let cell = match record.exercise(&e.name) {
                None => "-".to_owned(),
                Some(g) => match g.status {
                    ExerciseStatus::Graded => g.score.to_string(),
                    ExerciseStatus::Missing => "-".to_owned(),
                    ExerciseStatus::ToolError => "!".to_owned(),
                    _ => "x".to_owned(),
                },
            };
            text.push_str(&format!(" {cell:>5}"));
        }
        text.push_str(&format!(" {:>5}/{}\n", record.score(), record.max_score()));
    }
    let legend: Vec<String> = exercises
        .iter()
        .map(|e| format!("{} {} points", e.name, e.max_score))
        .collect();
    text.push_str(&format!("({})\n", legend.join(", ")));
    text.push_str("(- missing, x does not compile or was refused, ! not graded: see grades.csv)\n");
    text
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
fn sandboxes(req: &Request, jobs: usize) -> Result<Vec<Sandbox>> {
    if req.no_sandbox {
        eprintln!("warning: --no-sandbox: {UNSANDBOXED}");
        return (0..jobs as u32)
            .map(|slot| Sandbox::unconfined(slot, req.sandbox_uid).map_err(anyhow::Error::msg))
            .collect();
    }
    (0..jobs as u32)
        .map(|slot| {
            Sandbox::bubblewrap(slot, req.sandbox_uid).map_err(|why| {
                anyhow::anyhow!(
                    "cannot grade untrusted code safely: {why}. Install bubblewrap, or pass \
                     --no-sandbox to grade anyway ({UNSANDBOXED})"
                )
            })
        })
        .collect()
}

/// Whether submission `id` belongs to shard `k` of `n`: by a digest of its id, so that
/// a submission stays in its shard when others are added or removed.
pub fn in_shard(id: &str, k: u32, n: u32) -> bool {
    let mut hash = Fnv1a::new();
    hash.write(id.as_bytes());
    let mut value = hash.value();
    // FNV's low bits differ little between names that differ in one character; the
    // finalizer of MurmurHash3 spreads every bit over all of them.
    value ^= value >> 33;
    value = value.wrapping_mul(0xff51_afd7_ed55_8ccd);
    value ^= value >> 33;
    value = value.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    value ^= value >> 33;
    value % u64::from(n) == u64::from(k - 1)
}

/// A digest of everything but the submission that a grade depends on: the checker, the
/// catalog, the suites, the dependencies, the options.
fn run_digest(course: &Course, grader: &Grader, req: &Request, isolation: &str) -> Result<String> {
    // The checker itself, by its size and time: a rebuilt checker may grade otherwise.
    let checker = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{} {:?}", m.len(), m.modified().ok()))
        .unwrap_or_default();
    let mut parts = vec![
        env!("CARGO_PKG_VERSION").to_owned(),
        checker,
        std::fs::read_to_string(course.root.join("checker/catalog.toml")).unwrap_or_default(),
        grader.compiler.deps.fingerprint.clone(),
        format!("seed {} timeout {:?}", req.seed, req.timeout),
        isolation.to_owned(),
    ];
    for planned in &grader.plan {
        parts.push(planned.exercise.name.clone());
        parts.push(submissions::fingerprint_files(&planned.suite)?);
        if let Some(dir) = planned.private.as_ref().and_then(|p| p.dir.as_ref()) {
            parts.push(submissions::fingerprint_files(dir)?);
        }
        parts.push(format!("{:?}", planned.exercise.tasks));
    }
    Ok(digest(parts.iter().map(|p| p.as_bytes())))
}

/// A digest of a submission's graded files, with the run's.
fn submission_digest(submission: &Submission, grader: &Grader, run: &str) -> Result<String> {
    let mut parts = vec![run.to_owned()];
    match submission.kind {
        SubmissionKind::Archive(_) => parts.push(
            submissions::fingerprint_file(&submission.origin)
                .with_context(|| format!("cannot read {}", submission.origin.display()))?,
        ),
        SubmissionKind::Folder => {
            let names: Vec<&str> = grader
                .plan
                .iter()
                .map(|p| p.exercise.name.as_str())
                .collect();
            let located = submissions::locate(&submission.origin, &names);
            for name in names {
                let src = located
                    .exercises_dir
                    .as_ref()
                    .map(|d| d.join(name).join("src"));
                let files = match src {
                    Some(src) if src.is_dir() => submissions::fingerprint_files(&src)
                        .with_context(|| format!("cannot read {}", src.display()))?,
                    _ => "none".to_owned(),
                };
                parts.push(format!("{name} {files}"));
            }
        }
    }
    Ok(digest(parts.iter().map(|p| p.as_bytes())))
}

/// `checker gradebook --out DIR FROM...`: the records of several runs, merged.
pub fn merge(course: &Course, out: &Path, from: &[PathBuf]) -> Result<Status> {
    let mut book: BTreeMap<String, SubmissionGrade> = BTreeMap::new();
    for dir in from {
        for record in store::load_all(dir)? {
            if let Some(old) = book.get(&record.submission) {
                bail!(
                    "submission {} was graded in two of the folders ({} among them): merge \
                     shards of one run, not two runs",
                    old.submission,
                    dir.display()
                );
            }
            book.insert(record.submission.clone(), record);
        }
    }
    let out = store::open(out, None)?;
    for record in book.values() {
        store::save(&out, record)?;
    }
    let names: Vec<&str> = book
        .values()
        .flat_map(|r| r.exercises.iter().map(|e| e.exercise.as_str()))
        .collect();
    let plan: Vec<Planned> = course
        .catalog
        .exercises
        .iter()
        .filter(|e| names.contains(&e.name.as_str()))
        .map(|e| Planned {
            exercise: merged_exercise(e, &book),
            krate: crate_key(&e.name),
            dependencies: Vec::new(),
            suite: PathBuf::new(),
            private: None,
        })
        .collect();
    let book: Vec<SubmissionGrade> = book.into_values().collect();
    finish(&out, &book, &plan)
}

/// An exercise as the records saw it: their max score (private tasks included).
fn merged_exercise(exercise: &Exercise, book: &BTreeMap<String, SubmissionGrade>) -> Exercise {
    let mut exercise = exercise.clone();
    if let Some(grade) = book.values().find_map(|r| r.exercise(&exercise.name)) {
        exercise.tasks = grade
            .tasks
            .iter()
            .map(|t| crate::catalog::Task {
                id: t.id.clone(),
                title: t.title.clone(),
                points: t.points,
            })
            .collect();
    }
    exercise
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::reports::sample;

    #[test]
    fn the_summary_has_a_row_per_submission_and_marks_what_was_not_graded() {
        let book = sample::book();
        let text = summary(&book, &sample::exercises());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), book.len() + 3, "{text}");
        assert!(
            lines[0].starts_with("submission") && lines[0].ends_with("total"),
            "{text}"
        );
        for (record, line) in book.iter().zip(&lines[1..]) {
            assert!(line.starts_with(&record.submission), "{line}");
            let total = format!("{}/{}", record.score(), record.max_score());
            assert!(line.ends_with(&total), "{line}");
            for e in &record.exercises {
                let mark = match e.status {
                    ExerciseStatus::Graded => e.score.to_string(),
                    ExerciseStatus::Missing => "-".to_owned(),
                    ExerciseStatus::ToolError => "!".to_owned(),
                    _ => "x".to_owned(),
                };
                assert!(
                    line.split_whitespace().any(|cell| cell == mark),
                    "{line}: {mark}"
                );
            }
        }
    }

    #[test]
    fn shards_split_every_submission_exactly_once() {
        let ids: Vec<String> = (0..200).map(|i| format!("student-{i}")).collect();
        for n in [1, 2, 3, 7] {
            let mut sizes = vec![0; n as usize];
            for id in &ids {
                let owners: Vec<u32> = (1..=n).filter(|&k| in_shard(id, k, n)).collect();
                assert_eq!(owners.len(), 1, "{id} in {owners:?} of {n}");
                sizes[owners[0] as usize - 1] += 1;
            }
            // A digest spreads them: no shard gets less than half its share.
            assert!(
                sizes.iter().all(|&s| s * 2 * n as usize >= ids.len()),
                "{sizes:?}"
            );
        }
    }
}
