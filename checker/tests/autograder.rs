//! The autograder scripts of `checker/autograder/`, run here as Gradescope and GitHub
//! Actions would run them, on sample submissions of the real course: the Gradescope
//! bundle is built, unpacked into a stand-in for `/autograder`, set up (without
//! installing packages or a toolchain, which this machine has) and run; the GitHub
//! Classroom script is run with stand-ins for the files GitHub Actions gives it.

#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use course::{copy, shared_target, workspace};
use grading::{said, sandbox_available, tool_available};
use serde_json::Value;

/// The exercises the sample assignment grades: two, to keep the test short.
const EXERCISES: &str = "02_cap 05_eventual";

/// A student's upload holding the reference solutions of the graded exercises, or the
/// skeleton of the second.
fn upload(dir: &Path, skeleton_second: bool) {
    _ = std::fs::remove_dir_all(dir);
    let ws = workspace();
    copy(&ws.join("solutions/02_cap"), &dir.join("exercises/02_cap"));
    let second = if skeleton_second {
        ws.join("checker/skeletons/05_eventual")
    } else {
        ws.join("solutions/05_eventual")
    };
    copy(&second, &dir.join("exercises/05_eventual"));
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()))
}

/// Runs a script with the checker under test and the shared build folder.
fn script(path: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(path);
    command
        .args(args)
        .env("CHECKER_BIN", env!("CARGO_BIN_EXE_checker"))
        .env("CARGO_TARGET_DIR", shared_target());
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

#[test]
fn the_gradescope_bundle_sets_up_and_grades_a_submission() {
    // The bundle is a zip; the instructor's machine needs zip to make it.
    if !tool_available("zip") || !tool_available("unzip") {
        return;
    }
    let sandboxed = sandbox_available();
    let root: PathBuf = workspace().join("target/autograder-test/gradescope");
    _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("source")).unwrap();
    let bundle = root.join("bundle.zip");
    let made = script(
        &workspace().join("checker/autograder/gradescope/make-bundle.sh"),
        &[bundle.to_str().unwrap()],
        &[],
    );
    assert!(made.status.success(), "{}", said(&made));
    let unzip = Command::new("unzip")
        .args(["-q", bundle.to_str().unwrap(), "-d"])
        .arg(root.join("source"))
        .output()
        .unwrap();
    assert!(unzip.status.success(), "{}", said(&unzip));
    let source = root.join("source");
    for top in [
        "setup.sh",
        "run_autograder",
        "Cargo.toml",
        "checker/catalog.toml",
    ] {
        assert!(source.join(top).is_file(), "the bundle lacks {top}");
    }
    assert!(
        !source.join("target").exists(),
        "the bundle holds build output"
    );

    let root_text = root.to_str().unwrap();
    let mut env = vec![
        ("AUTOGRADER_ROOT", root_text),
        ("CHECKER_SKIP_INSTALL", "1"),
        ("CHECKER_EXERCISES", EXERCISES),
    ];
    if !sandboxed {
        env.push(("CONSISTENCY_LAB_BWRAP", "/nonexistent/bwrap"));
    }
    let setup = script(&source.join("setup.sh"), &[], &env);
    assert!(setup.status.success(), "{}", said(&setup));
    for private in ["checker/suites", "solutions"] {
        let mode = std::fs::metadata(source.join(private))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "{private} is readable by others");
    }

    let results = root.join("results/results.json");
    upload(&root.join("submission"), false);
    let run = script(&source.join("run_autograder"), &[], &env);
    assert!(run.status.success(), "{}", said(&run));
    let graded = json(&results);
    assert_eq!(graded["score"], 56, "{graded}");
    let tests = graded["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 7, "{graded}");
    assert!(
        tests
            .iter()
            .all(|t| t["status"] == "passed" && t["visibility"] == "visible")
    );

    upload(&root.join("submission"), true);
    let run = script(&source.join("run_autograder"), &[], &env);
    assert!(run.status.success(), "{}", said(&run));
    let graded = json(&results);
    assert_eq!(graded["score"], 28, "{graded}");
    let failed: Vec<&str> = graded["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "failed")
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    assert!(
        failed.iter().all(|name| name.starts_with("05_eventual / ")),
        "{failed:?}"
    );
}

#[test]
fn the_github_classroom_script_reports_points_to_the_reporter() {
    let sandboxed = sandbox_available();
    let root = workspace().join("target/autograder-test/classroom");
    _ = std::fs::remove_dir_all(&root);
    upload(&root.join("repository"), true);
    std::fs::create_dir_all(root.join("github")).unwrap();
    let output = root.join("github/output");
    let summary = root.join("github/summary.md");
    let mut env = vec![
        ("GITHUB_OUTPUT", output.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ("EXERCISES", EXERCISES),
    ];
    if !sandboxed {
        env.push(("CHECKER_GRADE_ARGS", "--no-sandbox"));
    }
    let course = workspace();
    let run = script(
        &course.join("checker/autograder/github-classroom/grade.sh"),
        &[
            course.to_str().unwrap(),
            root.join("repository").to_str().unwrap(),
        ],
        &env,
    );
    assert!(run.status.success(), "{}", said(&run));

    let text = std::fs::read_to_string(&output).unwrap();
    let encoded = text
        .trim()
        .strip_prefix("result=")
        .expect("a result output");
    let decoded = Command::new("base64")
        .arg("-d")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(encoded.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let results: Value = serde_json::from_slice(&decoded.stdout).unwrap();
    assert_eq!(results["version"], 1);
    assert_eq!(results["status"], "fail");
    assert_eq!(results["max_score"], 56);
    let scores: u64 = results["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_u64().unwrap())
        .sum();
    assert_eq!(scores, 28);
    let table = std::fs::read_to_string(&summary).unwrap();
    assert!(
        table.contains("student") && table.contains("28/56"),
        "{table}"
    );

    // The workflow runs this script and hands its output to the reporter.
    let workflow =
        std::fs::read_to_string(course.join("checker/autograder/github-classroom/classroom.yml"))
            .unwrap();
    assert!(workflow.contains("github-classroom/grade.sh"), "{workflow}");
    assert!(
        workflow.contains("GRADE_RESULTS: ${{ steps.grade.outputs.result }}"),
        "{workflow}"
    );
    assert!(workflow.contains("runners: grade"), "{workflow}");
}
