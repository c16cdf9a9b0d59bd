//! `checker grade` on the course itself: a class of two, the reference solutions and the
//! untouched skeletons, graded in the sandbox with the course's own hidden suites. The
//! solutions earn every point of every exercise, the skeletons none, and both compile.

#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

use course::{copy, workspace};
use grading::{record, said, sandbox_available};
use std::process::Command;

#[test]
fn the_solutions_earn_every_point_and_the_skeletons_none() {
    let sandboxed = sandbox_available();
    let ws = workspace();
    let scratch = ws.join("target/course-tests/grade-course");
    _ = std::fs::remove_dir_all(&scratch);
    let subs = scratch.join("submissions");
    copy(
        &ws.join("checker/skeletons"),
        &subs.join("skeletons/exercises"),
    );
    for entry in std::fs::read_dir(ws.join("solutions")).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            copy(
                &entry.path(),
                &subs.join("solutions/exercises").join(entry.file_name()),
            );
        }
    }
    let out = scratch.join("gradebook");
    let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .arg("--course")
        .arg(&ws)
        .arg("grade")
        .arg(&subs)
        .arg("--out")
        .arg(&out)
        .env("NO_COLOR", "1");
    if !sandboxed {
        command.arg("--no-sandbox");
    }
    let run = command.output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));

    let catalog = std::fs::read_to_string(ws.join("checker/catalog.toml")).unwrap();
    let exercises = catalog.lines().filter(|l| *l == "[[exercise]]").count();
    for (id, all) in [("solutions", true), ("skeletons", false)] {
        let record = record(&out, id);
        let graded = record["exercises"].as_array().unwrap();
        assert_eq!(graded.len(), exercises, "{id}");
        for exercise in graded {
            let name = exercise["exercise"].as_str().unwrap();
            assert_eq!(
                exercise["status"], "graded",
                "{id} {name}: {}",
                exercise["message"]
            );
            let max = exercise["max_score"].as_u64().unwrap();
            let expected = if all { max } else { 0 };
            assert_eq!(exercise["score"].as_u64(), Some(expected), "{id} {name}");
            for task in exercise["tasks"].as_array().unwrap() {
                assert!(!task["tests"].as_array().unwrap().is_empty(), "{id} {name}");
                assert_eq!(
                    task["done"].as_bool(),
                    Some(all),
                    "{id} {name} {}",
                    task["id"]
                );
            }
        }
    }
}
