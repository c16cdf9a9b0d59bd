//! Where the course is on disk, and where each part of an exercise lives.
//!
//! A course root is a folder holding `checker/catalog.toml`. Below it:
//!
//! ```text
//! exercises/NAME/          what the student edits (a crate; only its src/ is graded)
//! given/NAME/              what the exercise gives, owned by the course (a crate)
//! solutions/NAME/          the reference solution (a crate with the same API)
//! checker/suites/NAME/     the hidden suite: main.rs and any modules it uses
//! checker/skeletons/NAME/  the pristine skeleton; its Cargo.toml is the exercise's
//! .checker/progress.json   the student's progress (see `state`)
//! .checker/backups/        copies kept by `checker reset`
//! target/                  the build output, shared by every exercise and suite
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::catalog::{Catalog, Exercise};

/// The catalog, relative to the course root.
pub const CATALOG: &str = "checker/catalog.toml";
/// The students' copies of the exercises, relative to the course root.
pub const EXERCISES: &str = "exercises";
/// The reference solutions, relative to the course root.
pub const SOLUTIONS: &str = "solutions";
/// The pristine skeletons, relative to the course root.
pub const SKELETONS: &str = "checker/skeletons";
/// The hidden suites, relative to the course root.
pub const SUITES: &str = "checker/suites";

/// The environment variable that names the course root, overriding the search.
pub const ROOT_VAR: &str = "CONSISTENCY_LAB_ROOT";

/// An opened course.
#[derive(Clone, Debug)]
pub struct Course {
    /// The course root.
    pub root: PathBuf,
    /// Its catalog.
    pub catalog: Catalog,
}

/// Which copy of an exercise to grade.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The student's, under `exercises/`.
    Student,
    /// The reference, under `solutions/`.
    Solution,
    /// Any folder holding a copy of the exercise.
    Folder(PathBuf),
}

impl Course {
    /// Opens the course at `root`, or the one around the current folder: the nearest
    /// ancestor holding `checker/catalog.toml`, or the folder in `CONSISTENCY_LAB_ROOT`.
    pub fn open(root: Option<&Path>) -> Result<Course> {
        let root = match root {
            Some(r) => r.to_path_buf(),
            None => match std::env::var_os(ROOT_VAR) {
                Some(r) => PathBuf::from(r),
                None => {
                    find_root(&std::env::current_dir().context("cannot read the current folder")?)?
                }
            },
        };
        let catalog_path = root.join(CATALOG);
        if !catalog_path.is_file() {
            bail!(
                "{} is not a course root: it has no {CATALOG} (run the checker inside the course, or pass --course DIR)",
                root.display()
            );
        }
        let catalog = Catalog::load(&catalog_path)?;
        Ok(Course { root, catalog })
    }

    /// The catalog file.
    pub fn catalog_path(&self) -> PathBuf {
        self.root.join(CATALOG)
    }

    /// The folder of `exercise` in `source`.
    pub fn exercise_dir(&self, exercise: &Exercise, source: &Source) -> PathBuf {
        match source {
            Source::Student => self.root.join(EXERCISES).join(&exercise.name),
            Source::Solution => self.root.join(SOLUTIONS).join(&exercise.name),
            Source::Folder(dir) => dir.clone(),
        }
    }

    /// The folder of `exercise`'s pristine skeleton.
    pub fn skeleton_dir(&self, exercise: &Exercise) -> PathBuf {
        self.root.join(SKELETONS).join(&exercise.name)
    }

    /// The folder of `exercise`'s hidden suite.
    pub fn suite_dir(&self, exercise: &Exercise) -> PathBuf {
        self.root.join(SUITES).join(&exercise.name)
    }

    /// The hidden suite's entry point.
    pub fn suite_main(&self, exercise: &Exercise) -> PathBuf {
        self.suite_dir(exercise).join("main.rs")
    }

    /// The course's manifest of `exercise`: its skeleton's `Cargo.toml`, which says what
    /// the exercise crate is built with, whichever copy is checked.
    pub fn skeleton_manifest(&self, exercise: &Exercise) -> PathBuf {
        self.skeleton_dir(exercise).join("Cargo.toml")
    }

    /// The shared build folder, as a full path: cargo runs from other folders (a
    /// runner's), where a relative `CARGO_TARGET_DIR` would name another place.
    pub fn target_dir(&self) -> PathBuf {
        match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => {
                std::path::absolute(PathBuf::from(dir)).unwrap_or_else(|_| self.root.join("target"))
            }
            None => self.root.join("target"),
        }
    }

    /// The checker's own folder of state and backups.
    pub fn state_dir(&self) -> PathBuf {
        self.root.join(".checker")
    }

    /// The exercise folder, checked to hold the crate's sources: a folder deleted or
    /// renamed is an error that says where it should be and how to get it back.
    pub fn existing_dir(&self, exercise: &Exercise, source: &Source) -> Result<PathBuf> {
        let dir = self.exercise_dir(exercise, source);
        if !dir.join("src/lib.rs").is_file() {
            let how = match source {
                Source::Student => {
                    format!("; `checker reset {}` restores the skeleton", exercise.name)
                }
                _ => String::new(),
            };
            bail!(
                "exercise {}: {} has no src/lib.rs (was the folder moved or deleted?){how}",
                exercise.name,
                dir.display()
            );
        }
        Ok(dir)
    }
}

impl Course {
    /// The exercise whose student's copy holds `path` (a file or folder anywhere inside
    /// `exercises/NAME/`), if any: what a command run from there, or a file saved there,
    /// is about.
    pub fn exercise_at(&self, path: &Path) -> Option<&Exercise> {
        let path = std::path::absolute(path).ok()?;
        let path = path.canonicalize().unwrap_or(path);
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        let inside = path.strip_prefix(root.join(EXERCISES)).ok()?;
        let name = inside.components().next()?.as_os_str().to_str()?;
        self.catalog.exercises.iter().find(|e| e.name == name)
    }
}

fn find_root(start: &Path) -> Result<PathBuf> {
    for dir in start.ancestors() {
        if dir.join(CATALOG).is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(
        "cannot find the course: no folder from {} upwards holds checker/catalog.toml (run the checker inside the course, or set {ROOT_VAR})",
        start.display()
    )
}
