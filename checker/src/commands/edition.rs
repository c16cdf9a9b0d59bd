//! `checker student-edition --out DIR`: the course as a graded class's students get it.
//!
//! A graded class needs a template repository, and a copy of the course would hand every
//! student the reference solutions. The student edition is the course without them: the
//! catalog, the hidden suites (students check locally with them), the pristine
//! skeletons as `exercises/`, the given crates, the test kit, the harness, the checker's
//! sources and the book. Left out: `solutions/`, the checker's own tests and their
//! fixtures (which hold solutions too), the autograders, the maintainers' scripts and
//! CI, build output and progress files. The root manifest loses its `solutions/*`
//! members.
//!
//! What students can read in it is everything in it: the suites and any answer a suite
//! spells out. Tests students must not see belong in private suites (`checker grade
//! --private-suite`), which the edition never holds.

use std::path::Path;

use anyhow::{Context, Result, bail};
use toml::{Table, Value};

use super::reset::copy_tree;
use checker_core::Status;
use checker_core::course::{self, Course};

/// Files of the course root copied as they are.
const FILES: [&str; 3] = ["Cargo.lock", "README.md", ".gitignore"];

/// Folders copied whole (build output left out): the checker's three crates, what
/// the exercises build on, the hidden suites and skeletons, the book.
const FOLDERS: [&str; 9] = [
    "testkit",
    "harness",
    "given",
    "docs/src",
    "checker/src",
    "checker/core",
    "checker/grader",
    course::SUITES,
    course::SKELETONS,
];

/// Single files below the root, copied as they are.
const NESTED_FILES: [&str; 4] = [
    "docs/book.toml",
    "checker/Cargo.toml",
    course::CATALOG,
    "exercises/README.md",
];

/// Writes the student edition of `course` into `out`, which must not exist or be empty.
pub fn run(course: &Course, out: &Path) -> Result<Status> {
    if out.exists()
        && std::fs::read_dir(out)
            .with_context(|| format!("{} is not a folder", out.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty: give a new folder, so that nothing in it is overwritten",
            out.display()
        );
    }
    let root = &course.root;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let copy = |relative: &str| -> Result<()> {
        let from = root.join(relative);
        let to = out.join(relative);
        if from.is_dir() {
            copy_tree(&from, &to)
        } else {
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(&from, &to).map(|_| ())
        }
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))
    };
    for file in FILES.iter().chain(&NESTED_FILES).chain(&FOLDERS) {
        if root.join(file).exists() {
            copy(file)?;
        }
    }
    // Students start from the pristine skeletons, whatever the instructor's copy holds.
    for exercise in &course.catalog.exercises {
        let skeleton = course.skeleton_dir(exercise);
        let to = out.join("exercises").join(&exercise.name);
        copy_tree(&skeleton, &to).with_context(|| {
            format!(
                "exercise {}: cannot copy its skeleton {}",
                exercise.name,
                skeleton.display()
            )
        })?;
    }
    let manifest = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    let edited = without_solutions(&text)
        .with_context(|| format!("{}: cannot drop the solutions", manifest.display()))?;
    std::fs::write(out.join("Cargo.toml"), edited)
        .with_context(|| format!("cannot write {}", out.join("Cargo.toml").display()))?;
    println!(
        "the student edition of the course is in {}: {} exercises, their hidden suites, \
         no solutions",
        out.display(),
        course.catalog.exercises.len()
    );
    println!("students can read everything in it, the hidden suites included");
    Ok(Status::Passed)
}

/// The root manifest without `solutions/*` among the workspace's members and default
/// members. Only those lines change, so the manifest keeps its comments and its order
/// (each list must sit on one line, as the course writes them).
fn without_solutions(text: &str) -> Result<String> {
    let mut out = String::from(
        "# The student edition of the course: the reference solutions are not part of it.\n",
    );
    for line in text.lines() {
        let key = line.split('=').next().unwrap_or_default().trim();
        if key == "members" || key == "default-members" {
            let table: Table = line
                .parse()
                .with_context(|| format!("`{key}` must be a list on one line"))?;
            let kept: Vec<String> = table[key]
                .as_array()
                .with_context(|| format!("`{key}` is not a list"))?
                .iter()
                .filter_map(Value::as_str)
                .filter(|member| !member.starts_with("solutions"))
                .map(|member| format!("{member:?}"))
                .collect();
            out.push_str(&format!("{key} = [{}]\n", kept.join(", ")));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    let edited: Table = out.parse().context("the edited manifest does not parse")?;
    let workspace = edited
        .get("workspace")
        .and_then(Value::as_table)
        .context("it has no [workspace] table")?;
    let members = workspace.get("members").and_then(Value::as_array);
    let solutions_left = members
        .into_iter()
        .flatten()
        .any(|m| m.as_str().is_some_and(|m| m.starts_with("solutions")));
    if members.is_none() || solutions_left {
        bail!("its [workspace] members are not one list on one line");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_loses_its_solutions_and_keeps_the_rest() {
        let text = "[workspace]\nmembers = [\"testkit\", \"exercises/*\", \"solutions/*\"]\n\
                    default-members = [\"testkit\", \"solutions/*\"]\n\
                    [workspace.dependencies]\ntokio = \"1\"\n[profile.dev]\nopt-level = 1\n";
        let written = without_solutions(text).unwrap();
        let edited: Table = written.parse().unwrap();
        let list = |key: &str| -> Vec<String> {
            edited["workspace"][key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(list("members"), ["testkit", "exercises/*"]);
        assert_eq!(list("default-members"), ["testkit"]);
        assert_eq!(
            edited["workspace"]["dependencies"]["tokio"].as_str(),
            Some("1")
        );
        assert_eq!(edited["profile"]["dev"]["opt-level"].as_integer(), Some(1));
        assert!(written.contains("[workspace.dependencies]\ntokio = \"1\"\n"));
        assert!(without_solutions("[package]\nname = \"x\"\n").is_err());
        assert!(without_solutions("[workspace]\nmembers = [\n  \"solutions/*\",\n]\n").is_err());
    }
}
