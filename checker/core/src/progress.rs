//! The student's place in the course: [`CourseState`], read once per action from
//! `.checker/progress.json` at the course root ([`ProgressFile`], the file's contents), and
//! the one place that answers "which exercise am I on, what is done, how many points,
//! which hint is next".
//!
//! It remembers which tasks passed at the last check of each exercise that compiled,
//! whether the exercise compiles now (a compile error does not take back what was done
//! before: those tasks show as done before, and the first error's place is kept), how
//! many hints of each task were shown, and the exercise being worked on. It is a cache of results, never the only
//! copy of anything a student wrote: a missing, corrupted or old file is reported in one
//! line and rebuilt empty (the next check fills it again), never a crash.
//!
//! Writes go to a temporary file that is then renamed over the old one, so an
//! interrupted write leaves the previous state, not half a file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::catalog::{Exercise, Task};
use crate::course::Course;
use crate::files::write_atomically;
use crate::report::{Build, ExerciseReport, first_error_place};

/// The version of the file's layout.
const VERSION: u32 = 1;

/// ProgressFile through the course.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressFile {
    version: u32,
    /// The exercise the student is on.
    #[serde(default)]
    pub current: Option<String>,
    /// Per exercise, by name.
    #[serde(default)]
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

/// ProgressFile on one exercise.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseProgress {
    /// Ids of the tasks that passed at the last check that compiled.
    #[serde(default)]
    pub done: BTreeSet<String>,
    /// How many hints of each task (by id) have been shown.
    #[serde(default)]
    pub hints: BTreeMap<String, usize>,
    /// Whether the exercise was ever checked.
    #[serde(default)]
    pub checked: bool,
    /// When the last check found that the copy does not compile: where the first error
    /// is (`src/register.rs:42`, or the first line of the error when it names no file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<String>,
}

impl ProgressFile {
    /// The progress file in `state_dir`.
    pub fn path(state_dir: &Path) -> PathBuf {
        state_dir.join("progress.json")
    }

    /// Loads the progress, with a one-line notice when the file was missing, unreadable,
    /// corrupted or of another version and an empty progress is used instead.
    pub fn load(state_dir: &Path) -> (ProgressFile, Option<String>) {
        let path = Self::path(state_dir);
        let fresh = ProgressFile {
            version: VERSION,
            ..ProgressFile::default()
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (fresh, None),
            Err(e) => {
                return (
                    fresh,
                    Some(format!(
                        "{}: cannot read it ({e}); starting a new one",
                        path.display()
                    )),
                );
            }
        };
        match serde_json::from_str::<ProgressFile>(&text) {
            Ok(p) if p.version == VERSION => (p, None),
            Ok(p) => (
                fresh,
                Some(format!(
                    "{}: written by another version of the checker ({}), starting a new one; the next check brings your results back",
                    path.display(),
                    p.version
                )),
            ),
            Err(_) => (
                fresh,
                Some(format!(
                    "{}: corrupted, starting a new one; the next check brings your results back",
                    path.display()
                )),
            ),
        }
    }

    /// Saves the progress.
    pub fn save(&self, state_dir: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).expect("progress serialises");
        write_atomically(&Self::path(state_dir), (text + "\n").as_bytes())?;
        Ok(())
    }

    /// The progress on `exercise`, created when missing.
    pub fn exercise(&mut self, exercise: &str) -> &mut ExerciseProgress {
        self.exercises.entry(exercise.to_owned()).or_default()
    }

    /// Whether task `task` of `exercise` passed at the last check.
    pub fn is_done(&self, exercise: &str, task: &str) -> bool {
        self.exercises
            .get(exercise)
            .is_some_and(|e| e.done.contains(task))
    }
}

/// A hint, as shown: the task it helps with, its number, how many there are, and its
/// text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    /// The id of the task it is about.
    pub task: String,
    /// Its number, from 1.
    pub number: usize,
    /// How many hints the task has.
    pub of: usize,
    /// The hint.
    pub text: String,
}

/// Why no hint was shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoHint {
    /// Every task of the exercise passed at its last check.
    AllDone,
    /// The task (by id) has no hints.
    NoneWritten(String),
}

/// The student's place in the course: the catalog and the progress file together, read
/// once per action and saved once after it.
#[derive(Clone, Debug)]
pub struct CourseState<'c> {
    course: &'c Course,
    progress: ProgressFile,
    notice: Option<String>,
}

impl<'c> CourseState<'c> {
    /// The state of `course`, its progress file read (a missing or damaged one is
    /// replaced by an empty progress, with a [notice](CourseState::notice)).
    pub fn load(course: &'c Course) -> Self {
        let (progress, notice) = ProgressFile::load(&course.state_dir());
        CourseState {
            course,
            progress,
            notice,
        }
    }

    /// Saves the progress file.
    pub fn save(&self) -> Result<()> {
        self.progress.save(&self.course.state_dir())
    }

    /// The course.
    pub fn course(&self) -> &'c Course {
        self.course
    }

    /// The one-line notice of a progress file that was damaged or of another version.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// What the progress file holds.
    pub fn progress(&self) -> &ProgressFile {
        &self.progress
    }

    /// The exercise the student is on: the one chosen last, else the first not
    /// finished, else the last; `None` only for a course without exercises.
    pub fn current(&self) -> Option<&'c Exercise> {
        let exercises = &self.course.catalog.exercises;
        if let Some(name) = &self.progress.current
            && let Some(chosen) = exercises.iter().find(|e| &e.name == name)
        {
            return Some(chosen);
        }
        exercises
            .iter()
            .find(|e| !self.finished(e))
            .or(exercises.last())
    }

    /// Makes `exercise` the current one.
    pub fn set_current(&mut self, exercise: &Exercise) {
        self.progress.current = Some(exercise.name.clone());
    }

    /// The exercise after the current one, in course order.
    pub fn next(&self) -> Option<&'c Exercise> {
        self.course.catalog.after(&self.current()?.name)
    }

    /// The exercise before the current one, in course order.
    pub fn previous(&self) -> Option<&'c Exercise> {
        let current = self.current()?;
        let exercises = &self.course.catalog.exercises;
        let at = exercises.iter().position(|e| e.name == current.name)?;
        at.checked_sub(1).map(|i| &exercises[i])
    }

    /// Whether task `task` of `exercise` passed at its last check.
    pub fn is_done(&self, exercise: &Exercise, task: &str) -> bool {
        self.progress.is_done(&exercise.name, task)
    }

    /// Whether every task of `exercise` passed at its last check.
    pub fn finished(&self, exercise: &Exercise) -> bool {
        exercise.tasks.iter().all(|t| self.is_done(exercise, &t.id))
    }

    /// The points earned on `exercise` at its last check.
    pub fn points_of(&self, exercise: &Exercise) -> u32 {
        exercise
            .tasks
            .iter()
            .filter(|t| self.is_done(exercise, &t.id))
            .map(|t| t.points)
            .sum()
    }

    /// The points earned over the course, and the points there are.
    pub fn points(&self) -> (u32, u32) {
        let exercises = &self.course.catalog.exercises;
        let earned = exercises.iter().map(|e| self.points_of(e)).sum();
        let total = exercises.iter().map(Exercise::points).sum();
        (earned, total)
    }

    /// How many exercises are finished, and how many there are.
    pub fn exercises_finished(&self) -> (usize, usize) {
        let exercises = &self.course.catalog.exercises;
        let finished = exercises.iter().filter(|e| self.finished(e)).count();
        (finished, exercises.len())
    }

    /// Remembers what a check of the student's copy of an exercise found. A copy that
    /// does not compile (or whose suite cannot start) keeps the tasks done before, marked
    /// as broken at the first error, until a check that compiles says again.
    pub fn record(&mut self, report: &ExerciseReport) {
        let entry = self.progress.exercise(&report.exercise.name);
        entry.checked = true;
        match &report.build {
            Build::Compiled => {
                entry.broken = None;
                entry.done = report
                    .tasks()
                    .into_iter()
                    .filter(|t| t.done)
                    .map(|t| t.id)
                    .collect();
            }
            Build::Failed(errors) | Build::Unlisted(errors) => {
                entry.broken = Some(first_error_place(errors, &self.course.root));
            }
        }
    }

    /// Forgets what the checks of `exercise` found (its copy was put back to the
    /// skeleton); the hints shown stay counted.
    pub fn forget_results(&mut self, exercise: &Exercise) {
        let entry = self.progress.exercise(&exercise.name);
        entry.done.clear();
        entry.broken = None;
        entry.checked = false;
    }

    /// Where the last check of `exercise` found its first compile error, when the copy
    /// does not compile now.
    pub fn broken(&self, exercise: &Exercise) -> Option<&str> {
        self.progress
            .exercises
            .get(&exercise.name)?
            .broken
            .as_deref()
    }

    /// The tasks of `exercise` that passed at its last check that compiled, by id.
    pub fn done_tasks(&self, exercise: &Exercise) -> BTreeSet<String> {
        self.progress
            .exercises
            .get(&exercise.name)
            .map(|e| e.done.clone())
            .unwrap_or_default()
    }

    /// The first task of `exercise`, in catalog order, that is not done: the one the
    /// student is on, which hints are about.
    pub fn first_open_task(&self, exercise: &'c Exercise) -> Option<&'c Task> {
        exercise
            .tasks
            .iter()
            .find(|t| !self.is_done(exercise, &t.id))
    }

    /// How many hints of `task` of `exercise` were shown.
    pub fn hints_shown(&self, exercise: &Exercise, task: &Task) -> usize {
        self.progress
            .exercises
            .get(&exercise.name)
            .and_then(|e| e.hints.get(&task.id))
            .copied()
            .unwrap_or(0)
    }

    /// The task a hint is wanted for: `task` when given, else the first one not done.
    fn hint_task(
        &self,
        exercise: &'c Exercise,
        task: Option<&'c Task>,
    ) -> Result<&'c Task, NoHint> {
        match task.or_else(|| self.first_open_task(exercise)) {
            Some(task) if task.hints.is_empty() => Err(NoHint::NoneWritten(task.id.clone())),
            Some(task) => Ok(task),
            None => Err(NoHint::AllDone),
        }
    }

    /// The next hint of `task` (by default the first task of `exercise` not done): one
    /// more each time, the last one again once all were shown, counted as shown.
    pub fn next_hint(
        &mut self,
        exercise: &'c Exercise,
        task: Option<&'c Task>,
    ) -> Result<Hint, NoHint> {
        let task = self.hint_task(exercise, task)?;
        let shown = self
            .progress
            .exercise(&exercise.name)
            .hints
            .entry(task.id.clone())
            .or_default();
        let number = (*shown + 1).min(task.hints.len());
        *shown = (*shown).max(number);
        Ok(hint(task, number))
    }

    /// Every hint of `task` (by default the first task of `exercise` not done), all
    /// counted as shown.
    pub fn all_hints(
        &mut self,
        exercise: &'c Exercise,
        task: Option<&'c Task>,
    ) -> Result<Vec<Hint>, NoHint> {
        let task = self.hint_task(exercise, task)?;
        self.progress
            .exercise(&exercise.name)
            .hints
            .insert(task.id.clone(), task.hints.len());
        Ok((1..=task.hints.len()).map(|n| hint(task, n)).collect())
    }

    /// The hints of `task` shown so far, in order.
    pub fn shown_hints(&self, exercise: &Exercise, task: &Task) -> Vec<Hint> {
        let shown = self.hints_shown(exercise, task).min(task.hints.len());
        (1..=shown).map(|n| hint(task, n)).collect()
    }
}

/// Hint `number` (from 1) of `task`.
fn hint(task: &Task, number: usize) -> Hint {
    Hint {
        task: task.id.clone(),
        number,
        of: task.hints.len(),
        text: task.hints[number - 1].clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of the test's own, removed when the test ends.
    struct Scratch(PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    impl std::ops::Deref for Scratch {
        type Target = Path;
        fn deref(&self) -> &Path {
            &self.0
        }
    }

    fn scratch(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("checker-progress-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }

    #[test]
    fn round_trips_and_a_missing_file_is_silent() {
        let dir = scratch("round");
        let (mut p, notice) = ProgressFile::load(&dir);
        assert_eq!(notice, None);
        p.current = Some("01_x".into());
        p.exercise("01_x").done.insert("a".into());
        p.save(&dir).unwrap();
        let (back, notice) = ProgressFile::load(&dir);
        assert_eq!((back, notice), (p, None));
        assert!(!dir.join("progress.json.tmp").exists());
    }

    #[test]
    fn corrupted_or_old_files_are_reported_and_replaced() {
        let dir = scratch("bad");
        std::fs::create_dir_all(&*dir).unwrap();
        std::fs::write(ProgressFile::path(&dir), "{ not json").unwrap();
        let (p, notice) = ProgressFile::load(&dir);
        assert!(p.exercises.is_empty());
        assert!(notice.unwrap().contains("corrupted"));
        std::fs::write(
            ProgressFile::path(&dir),
            r#"{"version": 0, "exercises": {}}"#,
        )
        .unwrap();
        let (_, notice) = ProgressFile::load(&dir);
        assert!(notice.unwrap().contains("another version"));
    }

    /// A two-exercise course in a scratch folder (kept until the second is dropped).
    fn course(name: &str) -> (Course, Scratch) {
        let catalog = crate::catalog::Catalog::parse(
            "[[exercise]]\nname = \"01_a\"\ntopic = \"a\"\ntitle = \"A\"\n\
             [[exercise.task]]\nid = \"x\"\ntitle = \"X\"\npoints = 3\n\
             hints = [\"first\", \"second\"]\n\
             [[exercise.task]]\nid = \"y\"\ntitle = \"Y\"\npoints = 2\n\
             hints = [\"y only\"]\n\
             [[exercise]]\nname = \"02_b\"\ntopic = \"b\"\ntitle = \"B\"\n\
             [[exercise.task]]\nid = \"z\"\ntitle = \"Z\"\npoints = 4\n",
        )
        .unwrap();
        let root = scratch(name);
        let course = Course {
            root: root.to_path_buf(),
            catalog,
        };
        (course, root)
    }

    #[test]
    fn the_current_exercise_is_the_chosen_one_else_the_first_unfinished() {
        let (course, _scratch) = course("current");
        let mut state = CourseState::load(&course);
        let [a, b] = [&course.catalog.exercises[0], &course.catalog.exercises[1]];
        assert_eq!(state.current().unwrap().name, "01_a");
        assert_eq!(state.previous(), None);
        assert_eq!(state.next().unwrap().name, "02_b");
        state.progress.exercise("01_a").done = ["x".into(), "y".into()].into();
        assert!(state.finished(a));
        assert_eq!(state.current().unwrap().name, "02_b");
        state.set_current(a);
        assert_eq!(state.current().unwrap().name, "01_a");
        state.set_current(b);
        assert_eq!(state.previous().unwrap().name, "01_a");
        assert_eq!(state.next(), None);
        // Saved once, read back the same.
        state.save().unwrap();
        let again = CourseState::load(&course);
        assert_eq!(again.progress(), state.progress());
        assert_eq!(again.notice(), None);
    }

    #[test]
    fn points_are_counted_in_one_place() {
        let (course, _scratch) = course("points");
        let mut state = CourseState::load(&course);
        let a = &course.catalog.exercises[0];
        assert_eq!(state.points(), (0, 9));
        state.progress.exercise("01_a").done = ["x".into()].into();
        assert_eq!(state.points_of(a), 3);
        assert_eq!(state.points(), (3, 9));
        assert_eq!(state.exercises_finished(), (0, 2));
    }

    #[test]
    fn hints_are_about_the_first_task_not_done_one_at_a_time() {
        let (course, _scratch) = course("hints");
        let mut state = CourseState::load(&course);
        let [a, b] = [&course.catalog.exercises[0], &course.catalog.exercises[1]];
        let [x, y] = [&a.tasks[0], &a.tasks[1]];
        let first = state.next_hint(a, None).unwrap();
        assert_eq!(
            (
                first.task.as_str(),
                first.number,
                first.of,
                first.text.as_str()
            ),
            ("x", 1, 2, "first")
        );
        assert_eq!(state.next_hint(a, None).unwrap().number, 2);
        // Past the last, the last again.
        assert_eq!(state.next_hint(a, None).unwrap().text, "second");
        assert_eq!(state.hints_shown(a, x), 2);
        assert_eq!(state.hints_shown(a, y), 0);
        // Once x is done, hints move on to y, and x's are still counted.
        state.progress.exercise("01_a").done = ["x".into()].into();
        let next = state.next_hint(a, None).unwrap();
        assert_eq!((next.task.as_str(), next.text.as_str()), ("y", "y only"));
        assert_eq!(state.shown_hints(a, x).len(), 2);
        // A task can be asked for by name, done or not.
        assert_eq!(state.all_hints(a, Some(x)).unwrap().len(), 2);
        assert_eq!(
            state.next_hint(b, None),
            Err(NoHint::NoneWritten("z".into()))
        );
        state.progress.exercise("01_a").done = ["x".into(), "y".into()].into();
        assert_eq!(state.next_hint(a, None), Err(NoHint::AllDone));
        // Saved and read back per task.
        state.save().unwrap();
        let again = CourseState::load(&course);
        assert_eq!(again.hints_shown(a, x), 2);
        assert_eq!(again.hints_shown(a, y), 1);
    }

    fn report(exercise: &Exercise, build: Build, passed: &[&str]) -> ExerciseReport {
        let tests = exercise
            .tasks
            .iter()
            .map(|t| {
                let ok = passed.contains(&t.id.as_str());
                crate::report::TestReport::new(
                    &t.id,
                    &format!("{}_test", t.id),
                    ok,
                    if ok { "passed" } else { "panicked" }.into(),
                    String::new(),
                    std::time::Duration::ZERO,
                )
            })
            .collect();
        ExerciseReport {
            exercise: exercise.clone(),
            source: "exercises/01_a".into(),
            build,
            tests,
            seed: 1,
            warnings: Vec::new(),
            notes: Vec::new(),
            done_before: Default::default(),
        }
    }

    #[test]
    fn a_compile_error_keeps_what_was_done_and_says_where_it_is() {
        let (course, _scratch) = course("broken");
        let mut state = CourseState::load(&course);
        let a = &course.catalog.exercises[0];
        state.record(&report(a, Build::Compiled, &["x"]));
        assert_eq!(state.points_of(a), 3);
        assert_eq!(state.broken(a), None);
        let errors = "error[E0425]: cannot find value `v` in this scope\n  \
                      --> src/register.rs:42:9\n   |\n42 |     v\n";
        state.record(&report(a, Build::Failed(errors.into()), &[]));
        assert_eq!(state.done_tasks(a), ["x".to_owned()].into());
        assert_eq!(state.broken(a), Some("src/register.rs:42"));
        let inside = format!(
            "error: x\n --> {}/exercises/01_a/src/lib.rs:3:1\n",
            course.root.display()
        );
        assert_eq!(
            first_error_place(&inside, &course.root),
            "exercises/01_a/src/lib.rs:3"
        );
        // Compiling again says afresh what is done.
        state.record(&report(a, Build::Compiled, &["y"]));
        assert_eq!(state.broken(a), None);
        assert_eq!(state.done_tasks(a), ["y".to_owned()].into());
        assert_eq!(
            first_error_place("error: linking with `cc` failed\nmore", &course.root),
            "error: linking with `cc` failed"
        );
    }
}
