//! `checker student-edition`: the course as a graded class's students get it. It holds no
//! solution, starts every exercise from its skeleton, and works: the checker runs on it.

#[path = "support/course.rs"]
mod course;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use course::{shared_target, stderr, stdout, workspace};

/// Every file under `dir`, relative to it.
fn files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.insert(path.strip_prefix(dir).unwrap().to_owned());
            }
        }
    }
    found
}

fn checker(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(args)
        .env("CARGO_TARGET_DIR", shared_target())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn the_student_edition_has_no_solution_starts_from_the_skeletons_and_works() {
    let root = workspace();
    let edition = root.join("target/course-tests/student-edition");
    _ = std::fs::remove_dir_all(&edition);
    let course = root.to_str().unwrap();
    let out = checker(&[
        "--course",
        course,
        "student-edition",
        "--out",
        edition.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("the hidden suites included"),
        "{}",
        stdout(&out)
    );

    let written = files(&edition);
    // No solution, nor anything that holds one (the checker's own fixtures).
    for file in &written {
        let text = file.to_string_lossy();
        assert!(
            !text.starts_with("solutions") && !text.starts_with("checker/tests"),
            "{text}"
        );
    }
    // What students need is there: the catalog, the suites, the given crates, the book.
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "checker/catalog.toml",
        "checker/suites/01_linearizable/main.rs",
        "given/04_read_your_writes/Cargo.toml",
        "testkit/src/lib.rs",
        "harness/src/lib.rs",
        "docs/book.toml",
        "docs/src/SUMMARY.md",
    ] {
        assert!(written.contains(Path::new(needed)), "{needed} is missing");
    }
    // Every exercise is its pristine skeleton, whatever the course's own copy holds.
    for entry in std::fs::read_dir(root.join("checker/skeletons")).unwrap() {
        let skeleton = entry.unwrap().path();
        if !skeleton.is_dir() {
            continue;
        }
        let name = skeleton.file_name().unwrap();
        let copy = edition.join("exercises").join(name);
        assert_eq!(files(&copy), files(&skeleton), "{}", copy.display());
        for file in files(&skeleton) {
            assert_eq!(
                std::fs::read(copy.join(&file)).unwrap(),
                std::fs::read(skeleton.join(&file)).unwrap(),
                "{}",
                file.display()
            );
        }
    }

    // The workspace holds no solution crate, and the checker runs on it.
    let metadata = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(&edition)
        .output()
        .unwrap();
    assert!(metadata.status.success(), "{}", stderr(&metadata));
    let packages: serde_json::Value = serde_json::from_slice(&metadata.stdout).unwrap();
    let names: Vec<&str> = packages["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"checker"), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with("-solution")), "{names:?}");
    let edition_root = edition.to_str().unwrap();
    let out = checker(&[
        "--course",
        edition_root,
        "check",
        "07_classification",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    assert_eq!(report[0]["compiled"], true, "{report:#}");
    assert_eq!(
        report[0]["score"], 0,
        "a skeleton earns nothing: {report:#}"
    );

    // A folder that is not empty is refused, and left as it was.
    let before = files(&edition);
    let out = checker(&["--course", course, "student-edition", "--out", edition_root]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert!(said.contains("is not empty"), "{said}");
    assert_eq!(files(&edition), before);
}
