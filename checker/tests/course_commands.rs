//! The real `checker` binary on a small course (`tests/fixtures/course`, one exercise
//! with two tasks), copied to a scratch folder for each test so tests can change it.

#[path = "support/course.rs"]
mod course;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use course::{checker, copy, course, fixtures, stderr, stdout};
use serde_json::Value;

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// Task id -> done, from `check --format json`.
fn tasks(o: &Output) -> Vec<(String, bool)> {
    json(o)[0]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_owned(),
                t["done"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn set_add(root: &Path, body: &str) {
    let lib = root.join("exercises/01_sums/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    let text = text.replace(
        "    // TODO: return the sum.\n    todo!(\"add {a} and {b}\")",
        body,
    );
    std::fs::write(lib, text).unwrap();
}

#[test]
fn a_fresh_skeleton_compiles_and_shows_every_task_not_done() {
    let root = course("fresh");
    let out = checker(&root, &["check", "01_sums", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        tasks(&out),
        [("add".into(), false), ("total".into(), false)]
    );
    assert_eq!(json(&out)[0]["compiled"], true);
    assert_eq!(json(&out)[0]["score"], 0);

    let out = checker(&root, &["check", "01_sums"]);
    let text = stdout(&out);
    assert!(text.contains("todo  add"), "{text}");
    assert!(text.contains("x adds_small_numbers: panicked"), "{text}");
    assert!(text.contains("not yet implemented: add 2 and 3"), "{text}");
    assert!(
        text.contains("replay: checker check 01_sums --seed 1"),
        "{text}"
    );
}

#[test]
fn the_solution_passes_every_task_and_exits_0() {
    let root = course("solution");
    let out = checker(
        &root,
        &["check", "01_sums", "--solution", "--format", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(tasks(&out), [("add".into(), true), ("total".into(), true)]);
    assert_eq!(
        (
            json(&out)[0]["score"].as_u64(),
            json(&out)[0]["max_score"].as_u64()
        ),
        (Some(5), Some(5))
    );
}

#[test]
fn progress_is_recorded_per_task_and_listed() {
    let root = course("progress");
    set_add(&root, "    a + b");
    let out = checker(&root, &["check", "01_sums", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(tasks(&out), [("add".into(), true), ("total".into(), false)]);
    let list = checker(&root, &["list"]);
    let text = stdout(&list);
    assert!(text.contains("[x] add"), "{text}");
    assert!(text.contains("[ ] total"), "{text}");
    assert!(text.contains("2/5 points"), "{text}");
    let listed = checker(&root, &["list", "--format", "json"]);
    let catalog = json(&listed);
    assert_eq!(catalog[0]["name"], "01_sums");
    assert_eq!(catalog[0]["topic"], "warmup");
    assert_eq!(catalog[0]["tasks"][0]["done"], true);
    assert_eq!(catalog[0]["tasks"][1]["done"], false);
    assert_eq!(catalog[0]["tasks"][1]["points"], 3);
}

#[test]
fn a_folder_copy_is_checked_without_being_changed() {
    let root = course("folder");
    let copy_dir = root.join("elsewhere");
    copy(&root.join("solutions/01_sums"), &copy_dir);
    let before = snapshot(&copy_dir);
    let out = checker(
        &root,
        &[
            "check",
            "01_sums",
            "--path",
            copy_dir.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(snapshot(&copy_dir), before);
}

/// A copy anywhere works, also outside the course and with a manifest that only makes
/// sense inside its workspace (`edition.workspace = true`): the copy's manifest is never
/// read.
#[test]
fn a_copy_outside_the_course_is_checked_from_anywhere() {
    let root = course("outside");
    let outside = std::env::temp_dir().join(format!("checker-outside-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&outside);
    let copy_dir = outside.join("my-sums");
    copy(&root.join("solutions/01_sums"), &copy_dir);
    std::fs::write(
        copy_dir.join("Cargo.toml"),
        "[package]\nname = \"sums\"\nversion = \"0.1.0\"\nedition.workspace = true\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(&root)
        .args(["check", "1", "--path", "my-sums"])
        .current_dir(&outside)
        .env("CARGO_TARGET_DIR", course::shared_target())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&outside);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("5/5 points"), "{}", stdout(&out));
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(snapshot(&path));
        } else {
            files.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    files.sort();
    files
}

/// Checks a variant of the exercise from `tests/fixtures/variants`.
fn check_variant(test: &str, variant: &str) -> Output {
    let root = course(test);
    let dir = fixtures().join("variants").join(variant);
    checker(
        &root,
        &[
            "check",
            "01_sums",
            "--path",
            dir.to_str().unwrap(),
            "--timeout",
            "3",
        ],
    )
}

#[test]
fn an_exercise_that_does_not_compile_fails_with_the_compiler_errors() {
    let out = check_variant("broken", "sums-broken");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("does not compile"), "{text}");
    assert!(text.contains("mismatched types"), "{text}");
}

#[test]
fn a_wrong_answer_fails_its_task_with_expected_and_actual() {
    let out = check_variant("wrong", "sums-wrong");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("todo  add"), "{text}");
    assert!(text.contains("done  total"), "{text}");
    assert!(text.contains("add(2, 3)"), "{text}");
    // A failure names the rule of the README it checks.
    assert!(text.contains("it checks add.1 of the README"), "{text}");
}

#[test]
fn a_test_that_exits_0_and_prints_a_fake_report_has_failed() {
    let out = check_variant("exit", "sums-exit");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("todo  add"), "{text}");
    assert!(text.contains("exited"), "{text}");
}

#[test]
fn code_that_exits_before_main_fails_every_task() {
    let out = check_variant("ctor", "sums-ctor");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("could not list its tests"), "{text}");
    assert!(text.contains("0/5 points"), "{text}");
}

#[test]
fn a_test_that_hangs_is_killed_and_fails() {
    let out = check_variant("hang", "sums-hang");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("done  add"), "{text}");
    assert!(text.contains("todo  total"), "{text}");
    assert!(
        text.contains("timed out") || text.contains("time"),
        "{text}"
    );
}

#[test]
fn hints_come_one_level_at_a_time_for_the_task_not_done() {
    let root = course("hints");
    let first = stdout(&checker(&root, &["hint", "01_sums"]));
    assert!(
        first.contains("Hint 1 of 2 for task add") && first.contains("+ operator"),
        "{first}"
    );
    let second = stdout(&checker(&root, &["hint", "1"]));
    assert!(
        second.contains("Hint 2 of 2") && !second.contains("Hint 1"),
        "{second}"
    );
    let again = stdout(&checker(&root, &["hint", "warmup"]));
    assert!(again.contains("that was the last hint of add"), "{again}");
    let all = stdout(&checker(&root, &["hint", "01_sums", "--all"]));
    assert!(
        all.contains("Hint 1 of 2") && all.contains("Hint 2 of 2"),
        "{all}"
    );
    // Once add passes, the hints are about total; add's stay counted.
    set_add(&root, "    a + b");
    assert_eq!(checker(&root, &["check", "01_sums"]).status.code(), Some(1));
    let next = stdout(&checker(&root, &["hint"]));
    assert!(
        next.contains("Hint 1 of 1 for task total") && next.contains("Iterator::sum"),
        "{next}"
    );
    let asked = stdout(&checker(&root, &["hint", "--task", "add"]));
    assert!(asked.contains("Hint 2 of 2 for task add"), "{asked}");
    let wrong = checker(&root, &["hint", "--task", "sum"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("01_sums has no task \"sum\"; its tasks are add, total"),
        "{}",
        stderr(&wrong)
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&checker(&root, &["list", "--format", "json"]))).unwrap();
    let tasks = &json[0]["tasks"];
    assert_eq!(
        (
            &tasks[0]["hints"],
            &tasks[0]["hints_shown"],
            &tasks[1]["hints"]
        ),
        (
            &serde_json::json!(2),
            &serde_json::json!(2),
            &serde_json::json!(1)
        )
    );
}

#[test]
fn reset_restores_the_skeleton_and_keeps_a_backup() {
    let root = course("reset");
    set_add(&root, "    a + b // mine");
    std::fs::write(root.join("exercises/01_sums/notes.txt"), "my notes").unwrap();
    // Without a terminal to ask in, it changes nothing unless told --yes.
    let out = checker(&root, &["reset", "01_sums"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("confirm with `checker reset 01_sums --yes`"),
        "{}",
        stderr(&out)
    );
    assert!(root.join("exercises/01_sums/notes.txt").exists());
    let out = checker(&root, &["reset", "01_sums", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let backup = text
        .lines()
        .find_map(|l| l.strip_prefix("Your files are kept in "))
        .unwrap_or_else(|| panic!("no backup named: {text}"));
    // Named by the date and time in UTC: 01_sums-YYYYMMDD-HHMMSS.
    let name = Path::new(backup).file_name().unwrap().to_str().unwrap();
    let stamp = name.strip_prefix("01_sums-").unwrap();
    assert!(
        stamp.len() == 15
            && stamp.as_bytes()[8] == b'-'
            && stamp.chars().filter(char::is_ascii_digit).count() == 14,
        "{name}"
    );
    let kept = std::fs::read_to_string(Path::new(backup).join("src/lib.rs")).unwrap();
    assert!(kept.contains("a + b // mine"));
    assert_eq!(
        std::fs::read_to_string(Path::new(backup).join("notes.txt")).unwrap(),
        "my notes"
    );
    let restored = std::fs::read_to_string(root.join("exercises/01_sums/src/lib.rs")).unwrap();
    let skeleton =
        std::fs::read_to_string(root.join("checker/skeletons/01_sums/src/lib.rs")).unwrap();
    assert_eq!(restored, skeleton);
    assert!(!root.join("exercises/01_sums/notes.txt").exists());
    // Once it is the skeleton, there is nothing to back up.
    let out = checker(&root, &["reset", "01_sums", "--yes"]);
    assert!(
        stdout(&out).contains("01_sums is its skeleton already"),
        "{}",
        stdout(&out)
    );
}

/// In a terminal, a check says at once what it is busy with (cargo's count of crates,
/// then the tests), and clears that line before the report.
#[cfg(target_os = "linux")]
#[test]
fn a_check_in_a_terminal_shows_how_far_it_is() {
    let root = course("busy");
    // A change, so that cargo has something to compile.
    set_add(&root, "    a + b");
    let command = format!(
        "{} --course {} check 01_sums",
        env!("CARGO_BIN_EXE_checker"),
        root.display()
    );
    let out = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("CARGO_TARGET_DIR", course::shared_target())
        .env("NO_COLOR", "1")
        .output()
        .expect("script starts");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.starts_with("\r\x1b[2Kchecking 01_sums..."),
        "{shown:?}"
    );
    assert!(shown.contains("checking 01_sums: compiling, "), "{shown:?}");
    assert!(shown.contains("your 01_sums"), "{shown:?}");
    assert!(
        shown.contains("checking 01_sums: 3/3 tests run"),
        "{shown:?}"
    );
    assert!(
        shown.contains("\r\x1b[2K01_sums  Adding numbers  2/5 points"),
        "{shown:?}"
    );
    // Without a terminal, none of it.
    let out = checker(&root, &["check", "01_sums"]);
    assert!(!stderr(&out).contains("checking"), "{}", stderr(&out));
}

/// In a terminal, reset asks, and anything but yes leaves the files as they are.
#[cfg(target_os = "linux")]
#[test]
fn reset_asks_in_a_terminal() {
    use std::io::Write;
    use std::process::Stdio;
    let root = course("reset-asks");
    set_add(&root, "    a + b // mine");
    let lib = root.join("exercises/01_sums/src/lib.rs");
    let answer = |text: &str| {
        let command = format!(
            "{} --course {} reset 01_sums",
            env!("CARGO_BIN_EXE_checker"),
            root.display()
        );
        let mut child = Command::new("script")
            .args(["-qfec", &command, "/dev/null"])
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script starts");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let said = answer("n\n");
    assert!(said.contains("Reset 01_sums to its skeleton? "), "{said}");
    assert!(said.contains("Nothing changed."), "{said}");
    assert!(std::fs::read_to_string(&lib).unwrap().contains("// mine"));
    let said = answer("y\n");
    assert!(said.contains("01_sums is back to its skeleton."), "{said}");
    assert!(!std::fs::read_to_string(&lib).unwrap().contains("// mine"));
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let root = course("bad");
    let out = checker(&root, &["check", "01_sumz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean \"01_sums\"?"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stdout(&out).is_empty());

    let nowhere = root.join("exercises");
    let out = checker(&nowhere, &["list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a course root"),
        "{}",
        stderr(&out)
    );

    // The copy's own manifest is never read: broken, it changes nothing of a check.
    std::fs::write(
        root.join("exercises/01_sums/Cargo.toml"),
        "[package\nname = ",
    )
    .unwrap();
    let out = checker(&root, &["check", "01_sums"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("0/5 points"), "{}", stdout(&out));
    // The course's manifest of the exercise, broken, is the course's trouble.
    let skeleton = root.join("checker/skeletons/01_sums/Cargo.toml");
    std::fs::write(&skeleton, "[package\nname = ").unwrap();
    let out = checker(&root, &["check", "01_sums"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("skeletons/01_sums/Cargo.toml"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));

    std::fs::remove_dir_all(root.join("exercises/01_sums")).unwrap();
    let out = checker(&root, &["check", "01_sums"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("checker reset 01_sums"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn numbers_out_of_range_and_unknown_tests_say_what_there_is() {
    let root = course("names");
    for args in [
        &["check", "8"][..],
        &["reset", "9", "--yes"],
        &["hint", "3"],
    ] {
        let out = checker(&root, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let said = stderr(&out);
        assert!(
            said.contains("the course's exercises are numbered 1 to 1")
                && !said.contains("did you mean"),
            "{args:?}: {said}"
        );
    }
    let out = checker(&root, &["check", "01_sums", "--test", "adds_smal_numbers"]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(
        said.contains("did you mean `adds_small_numbers`?"),
        "{said}"
    );
    assert!(
        said.contains("its tests: adds_small_numbers, adds_negative_numbers, totals_a_slice"),
        "{said}"
    );
    assert_eq!(said.lines().count(), 1, "{said}");
}

#[test]
fn check_all_ends_with_the_course_total() {
    let root = course::two_exercises("total");
    set_add(&root, "    a + b");
    let out = checker(&root, &["check", "--all"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.trim_end()
            .ends_with("course total  2/9 points, 0 of 2 exercises complete"),
        "{text}"
    );
    let out = checker(&root, &["check", "--all", "--solution"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("course total  9/9 points, 2 of 2 exercises complete"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_corrupted_progress_file_is_reported_and_rebuilt() {
    let root = course("corrupt");
    std::fs::create_dir_all(root.join(".checker")).unwrap();
    std::fs::write(root.join(".checker/progress.json"), "{{{").unwrap();
    let out = checker(&root, &["list"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("corrupted"), "{}", stderr(&out));
    let out = checker(&root, &["hint", "01_sums"]);
    assert_eq!(out.status.code(), Some(0));
    let saved = std::fs::read_to_string(root.join(".checker/progress.json")).unwrap();
    assert!(serde_json::from_str::<Value>(&saved).is_ok(), "{saved}");
}

#[test]
fn without_a_terminal_the_watch_mode_prints_the_status_once() {
    let root = course("watch");
    let out = checker(&root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("0/5 points"), "{text}");
    assert!(text.contains("Current exercise: 01_sums"), "{text}");
}

#[test]
fn dev_verify_accepts_the_course_and_catches_a_skeleton_that_passes() {
    let root = course("verify");
    let out = checker(&root, &["dev", "verify"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("the course is consistent"));

    // A skeleton that already solves `add`, a rule of the README no test checks, and a
    // folder the catalog does not know.
    for dir in ["exercises", "checker/skeletons"] {
        let readme = root.join(dir).join("01_sums/README.md");
        let text = std::fs::read_to_string(&readme).unwrap();
        std::fs::write(
            &readme,
            format!("{text}- **total.2** An empty slice totals 0.\n"),
        )
        .unwrap();
        let lib = root.join(dir).join("01_sums/src/lib.rs");
        let text = std::fs::read_to_string(&lib).unwrap();
        std::fs::write(
            &lib,
            text.replace(
                "    // TODO: return the sum.\n    todo!(\"add {a} and {b}\")",
                "    a + b",
            ),
        )
        .unwrap();
    }
    std::fs::create_dir_all(root.join("solutions/02_extra")).unwrap();
    // A solution that holds what no honest one needs: every honest submission written
    // like it would be flagged.
    let solution = root.join("solutions/01_sums/src/lib.rs");
    let text = std::fs::read_to_string(&solution).unwrap();
    std::fs::write(
        &solution,
        format!("{text}\n/// Unused.\npub fn seed() -> Option<String> {{\n    std::env::var(\"S\").ok()\n}}\n"),
    )
    .unwrap();
    let out = checker(&root, &["dev", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("the skeleton passes task \"add\""), "{text}");
    assert!(text.contains("solutions/02_extra has no entry"), "{text}");
    assert!(
        text.contains("clause total.2 (README line 12) is named by no hidden test"),
        "{text}"
    );
    assert!(
        text.contains("the solution is flagged at src/lib.rs:")
            && text.contains("harness-environment"),
        "{text}"
    );
}

/// A student's edits are their work, not a problem of the course: `dev verify` (which
/// the README's `cargo test` runs) accepts them; `dev pristine`, for CI of the course's
/// repository, names the exercise that is no longer its skeleton.
#[test]
fn a_students_edits_pass_verify_and_only_pristine_names_them() {
    let root = course("pristine");
    let out = checker(&root, &["dev", "pristine"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    set_add(&root, "    a + b");
    std::fs::write(root.join("exercises/01_sums/notes.txt"), "mine").unwrap();
    let out = checker(&root, &["dev", "verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = checker(&root, &["dev", "pristine"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("problem: exercises/01_sums differs from checker/skeletons/01_sums"),
        "{}",
        stdout(&out)
    );
}

/// `CARGO_TARGET_DIR=target checker check` from the course folder: a relative build
/// folder means the same place whichever folder cargo later runs in.
#[test]
fn a_relative_build_folder_is_taken_from_where_the_checker_runs() {
    let root = course("relative-target");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["check", "01_sums"])
        .current_dir(&root)
        // The shared build folder, named from the course folder.
        .env("CARGO_TARGET_DIR", "../target")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("0/5 points"), "{}", stdout(&out));
}
