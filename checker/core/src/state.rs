//! The student's progress: `.checker/progress.json` at the course root.
//!
//! It remembers which tasks passed at the last check of each exercise, how many hints
//! were shown, and the exercise being worked on. It is a cache of results, never the only
//! copy of anything a student wrote: a missing, corrupted or old file is reported in one
//! line and rebuilt empty (the next check fills it again), never a crash.
//!
//! Writes go to a temporary file that is then renamed over the old one, so an
//! interrupted write leaves the previous state, not half a file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// The version of the file's layout.
const VERSION: u32 = 1;

/// Progress through the course.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    version: u32,
    /// The exercise the student is on.
    #[serde(default)]
    pub current: Option<String>,
    /// Per exercise, by name.
    #[serde(default)]
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

/// Progress on one exercise.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseProgress {
    /// Ids of the tasks that passed at the last check.
    #[serde(default)]
    pub done: BTreeSet<String>,
    /// How many hints have been shown.
    #[serde(default)]
    pub hints_shown: usize,
    /// Whether the exercise was ever checked.
    #[serde(default)]
    pub checked: bool,
}

impl Progress {
    /// The progress file in `state_dir`.
    pub fn path(state_dir: &Path) -> PathBuf {
        state_dir.join("progress.json")
    }

    /// Loads the progress, with a one-line notice when the file was missing, unreadable,
    /// corrupted or of another version and an empty progress is used instead.
    pub fn load(state_dir: &Path) -> (Progress, Option<String>) {
        let path = Self::path(state_dir);
        let fresh = Progress {
            version: VERSION,
            ..Progress::default()
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
        match serde_json::from_str::<Progress>(&text) {
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
        std::fs::create_dir_all(state_dir)
            .with_context(|| format!("cannot create {}", state_dir.display()))?;
        let path = Self::path(state_dir);
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self).expect("progress serialises");
        std::fs::write(&tmp, text + "\n")
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))
    }

    /// The progress on `exercise`, created when missing.
    pub fn exercise(&mut self, exercise: &str) -> &mut ExerciseProgress {
        self.exercises.entry(exercise.to_owned()).or_default()
    }

    /// Whether every one of `tasks` passed at the last check of `exercise`.
    pub fn all_done<'a>(&self, exercise: &str, mut tasks: impl Iterator<Item = &'a str>) -> bool {
        let done = self.exercises.get(exercise).map(|e| &e.done);
        tasks.all(|t| done.is_some_and(|d| d.contains(t)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("checker-state-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn round_trips_and_a_missing_file_is_silent() {
        let dir = scratch("round");
        let (mut p, notice) = Progress::load(&dir);
        assert_eq!(notice, None);
        p.current = Some("01_x".into());
        p.exercise("01_x").done.insert("a".into());
        p.save(&dir).unwrap();
        let (back, notice) = Progress::load(&dir);
        assert_eq!((back, notice), (p, None));
        assert!(!dir.join("progress.json.tmp").exists());
    }

    #[test]
    fn corrupted_or_old_files_are_reported_and_replaced() {
        let dir = scratch("bad");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Progress::path(&dir), "{ not json").unwrap();
        let (p, notice) = Progress::load(&dir);
        assert!(p.exercises.is_empty());
        assert!(notice.unwrap().contains("corrupted"));
        std::fs::write(Progress::path(&dir), r#"{"version": 0, "exercises": {}}"#).unwrap();
        let (_, notice) = Progress::load(&dir);
        assert!(notice.unwrap().contains("another version"));
    }
}
