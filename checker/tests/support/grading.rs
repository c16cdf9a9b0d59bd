//! What the grading tests share: whether the sandbox can run here, writing submissions
//! of the fixture course, running `checker grade` and reading its records.

// Each test file includes this module and uses a different part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::course::{checker_with, stderr, stdout};

/// Set (as `.ci/run` does) to make a missing sandbox a failure rather than a note.
pub const REQUIRE_VAR: &str = "CONSISTENCY_LAB_REQUIRE_SANDBOX";

/// Whether bubblewrap can make a sandbox here. Without it the grading tests run with
/// `--no-sandbox` and leave out what only a sandbox can prevent, saying so; when
/// [`REQUIRE_VAR`] is set, they fail instead.
pub fn sandbox_available() -> bool {
    let works = Command::new("bwrap")
        .args([
            "--ro-bind",
            "/",
            "/",
            "--unshare-pid",
            "--unshare-net",
            "--",
            "true",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        assert!(
            std::env::var_os(REQUIRE_VAR).is_none(),
            "{REQUIRE_VAR} is set but bubblewrap cannot run here: install it \
             (apt-get install bubblewrap)"
        );
        eprintln!(
            "NOTE: bubblewrap is not available: grading runs with --no-sandbox and the \
             checks that need the sandbox are left out"
        );
    }
    works
}

/// Whether the grader can give each job a control group here (as root, with cgroup v1's
/// memory and pids controllers, or at the root of cgroup v2), as the checker decides.
pub fn cgroups_available() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n");
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let v2 = Path::new("/sys/fs/cgroup/cgroup.controllers").is_file();
    let v1 = Path::new("/sys/fs/cgroup/memory/cgroup.procs").is_file()
        && Path::new("/sys/fs/cgroup/pids/cgroup.procs").is_file();
    root && if v2 {
        own.lines().any(|l| l == "0::/")
    } else {
        v1
    }
}

/// Whether the program `name` is on the `PATH`; when it is not, says so (and fails
/// instead when [`REQUIRE_VAR`] is set, as in CI, which installs it).
pub fn tool_available(name: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).any(|dir| dir.join(name).is_file());
    if !found {
        assert!(
            std::env::var_os(REQUIRE_VAR).is_none(),
            "{REQUIRE_VAR} is set but `{name}` is not installed"
        );
        eprintln!("NOTE: `{name}` is not installed: this test is left out");
    }
    found
}

/// Writes a submission `name` of the fixture course, whose `exercises/01_sums/src/lib.rs`
/// is `lib`; returns its folder.
pub fn submission(submissions: &Path, name: &str, lib: &str) -> PathBuf {
    let dir = submissions.join(name);
    let src = dir.join("exercises/01_sums/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    dir
}

/// A correct solution of the fixture exercise.
pub const HONEST: &str = "//! Adding numbers.\n\n\
    /// The sum.\npub fn add(a: i64, b: i64) -> i64 {\n    a + b\n}\n\n\
    /// The total.\npub fn total(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n";

/// Runs `checker grade SUBMISSIONS --out OUT ARGS` on the course at `root`, with
/// `--no-sandbox` added when `sandboxed` is false.
pub fn grade(
    root: &Path,
    submissions: &Path,
    out: &Path,
    args: &[&str],
    sandboxed: bool,
) -> Output {
    let mut all = vec![
        "grade",
        submissions.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    if !sandboxed {
        all.push("--no-sandbox");
    }
    checker_with(root, &all, &[])
}

/// The run's output, for assertion messages.
pub fn said(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    )
}

/// The record of submission `id` in the gradebook `out`.
pub fn record(out: &Path, id: &str) -> Value {
    let path = out.join("submissions").join(id).join("grade.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The first exercise of a record.
pub fn first_exercise(record: &Value) -> &Value {
    &record["exercises"][0]
}

/// (status, score, max_score) of a submission's first exercise.
pub fn outcome(out: &Path, id: &str) -> (String, u64, u64) {
    let record = record(out, id);
    let e = first_exercise(&record);
    (
        e["status"].as_str().unwrap().to_owned(),
        e["score"].as_u64().unwrap(),
        e["max_score"].as_u64().unwrap(),
    )
}

/// The verdicts of a submission's tests, by test name.
pub fn verdicts(out: &Path, id: &str) -> Vec<(String, String)> {
    let record = record(out, id);
    first_exercise(&record)["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["tests"].as_array().unwrap().iter())
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["verdict"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}
