//! Private suites: an instructor's own hidden tests, added with `--private-suite DIR`.
//!
//! ```text
//! DIR/private.toml           optional: tasks of their own, with points
//! DIR/01_linearizable/main.rs  a suite (suite_harness::suite!) for that exercise
//! ```
//!
//! A private test names a task like any hidden test: a task of the catalog (the task is
//! then done only if its hidden and its private tests all pass) or a task of
//! `private.toml`, which adds points:
//!
//! ```toml
//! [[exercise]]
//! name = "01_linearizable"
//!
//! [[exercise.task]]
//! id = "stress"
//! title = "Stays linearizable with a hundred clients"
//! points = 5
//! visibility = "after_published"   # visible, hidden, after_due_date, after_published
//! ```
//!
//! Private tasks default to `after_published` on Gradescope, and their tests' messages
//! never appear in what students see.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use super::record::Visibility;
use checker_core::catalog::Catalog;

/// The private suites of a run, by exercise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrivateSuites {
    /// Each exercise's private suite.
    pub suites: BTreeMap<String, PrivateSuite>,
}

/// One exercise's private suite.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrivateSuite {
    /// The folder holding its `main.rs`, if it has tests.
    pub dir: Option<PathBuf>,
    /// Its tasks of its own.
    pub tasks: Vec<PrivateTask>,
}

/// A task only private tests grade.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateTask {
    /// Its id, unique in its exercise (catalog tasks included).
    pub id: String,
    /// What it asks.
    pub title: String,
    /// What it is worth.
    pub points: u32,
    /// Who may see its result on Gradescope.
    #[serde(default = "after_published")]
    pub visibility: Visibility,
}

fn after_published() -> Visibility {
    Visibility::AfterPublished
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "exercise", default)]
    exercises: Vec<FileExercise>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileExercise {
    name: String,
    #[serde(rename = "task", default)]
    tasks: Vec<PrivateTask>,
}

impl PrivateSuites {
    /// Reads and checks the private suites in `dir` against the catalog.
    pub fn load(dir: &Path, catalog: &Catalog) -> Result<PrivateSuites> {
        if !dir.is_dir() {
            bail!("--private-suite {}: no such folder", dir.display());
        }
        let mut suites: BTreeMap<String, PrivateSuite> = BTreeMap::new();
        let toml_path = dir.join("private.toml");
        if toml_path.is_file() {
            let text = std::fs::read_to_string(&toml_path)
                .with_context(|| format!("cannot read {}", toml_path.display()))?;
            let file: File = toml::from_str(&text).map_err(|e| {
                let first = e.to_string().lines().next().unwrap_or_default().to_owned();
                anyhow::anyhow!("{}: {first}", toml_path.display())
            })?;
            for entry in file.exercises {
                let exercise = catalog
                    .exercises
                    .iter()
                    .find(|e| e.name == entry.name)
                    .with_context(|| {
                        format!(
                            "{}: no exercise {:?} in the catalog",
                            toml_path.display(),
                            entry.name
                        )
                    })?;
                let mut ids: HashSet<&str> = exercise.tasks.iter().map(|t| t.id.as_str()).collect();
                for task in &entry.tasks {
                    if !ids.insert(&task.id) {
                        bail!(
                            "{}: task {:?} of {} is already a task of the exercise",
                            toml_path.display(),
                            task.id,
                            entry.name
                        );
                    }
                    if task.points == 0 {
                        bail!(
                            "{}: task {:?} is worth 0 points",
                            toml_path.display(),
                            task.id
                        );
                    }
                }
                suites.entry(entry.name).or_default().tasks = entry.tasks;
            }
        }
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if !path.is_dir() || name.starts_with('.') {
                continue;
            }
            if !catalog.exercises.iter().any(|e| e.name == name) {
                bail!(
                    "{}: the folder names no exercise of the catalog (expected one of {})",
                    path.display(),
                    catalog
                        .exercises
                        .iter()
                        .map(|e| e.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if !path.join("main.rs").is_file() {
                bail!("{}: a private suite needs a main.rs", path.display());
            }
            suites.entry(name).or_default().dir = Some(path);
        }
        for (name, suite) in &suites {
            if suite.dir.is_none() && !suite.tasks.is_empty() {
                bail!(
                    "{}: exercise {name} has private tasks but no {name}/main.rs to test them",
                    toml_path.display()
                );
            }
        }
        Ok(PrivateSuites { suites })
    }

    /// The private suite of `exercise`, if any.
    pub fn of(&self, exercise: &str) -> Option<&PrivateSuite> {
        self.suites.get(exercise)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::parse(
            "[[exercise]]\nname = \"01_x\"\ntopic = \"x\"\ntitle = \"X\"\n\
             [[exercise.task]]\nid = \"a\"\ntitle = \"A\"\npoints = 2\n",
        )
        .unwrap()
    }

    fn dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("checker-private-{}-{name}", std::process::id()));
        _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn tasks_and_suites_are_read_and_checked() {
        let root = dir("ok");
        std::fs::create_dir(root.join("01_x")).unwrap();
        std::fs::write(root.join("01_x/main.rs"), "").unwrap();
        std::fs::write(
            root.join("private.toml"),
            "[[exercise]]\nname = \"01_x\"\n[[exercise.task]]\nid = \"b\"\ntitle = \"B\"\npoints = 3\n",
        )
        .unwrap();
        let suites = PrivateSuites::load(&root, &catalog()).unwrap();
        let suite = suites.of("01_x").unwrap();
        assert_eq!(suite.dir.as_deref(), Some(root.join("01_x").as_path()));
        assert_eq!(suite.tasks[0].points, 3);
        assert_eq!(suite.tasks[0].visibility, Visibility::AfterPublished);
        _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn mistakes_are_refused_with_the_file_named() {
        let root = dir("bad");
        std::fs::create_dir(root.join("02_nope")).unwrap();
        let error = PrivateSuites::load(&root, &catalog())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("02_nope") && error.contains("names no exercise"),
            "{error}"
        );
        std::fs::remove_dir(root.join("02_nope")).unwrap();
        std::fs::write(
            root.join("private.toml"),
            "[[exercise]]\nname = \"01_x\"\n[[exercise.task]]\nid = \"a\"\ntitle = \"A\"\npoints = 1\n",
        )
        .unwrap();
        let error = PrivateSuites::load(&root, &catalog())
            .unwrap_err()
            .to_string();
        assert!(error.contains("already a task"), "{error}");
        _ = std::fs::remove_dir_all(root);
    }
}
