//! The visible tests of each exercise (`exercises/NAME/tests/`, what a student runs first
//! with `cargo test -p PACKAGE`) pass on the reference solution, and fail, and end, on a
//! wrong implementation of the exercise's first task: the wrong fixtures of
//! `tests/fixtures/wrong/NAME/`, each with the failure message that should teach the
//! student what went wrong, and the fixture of `tests/fixtures/hangs/NAME/`, code that
//! never answers or never stops sending, which must end in a failure that says so rather
//! than in a `cargo test` that never ends.
//!
//! Every case is a package of one scratch course (`target/course-tests/visible/`): the
//! exercise's visible tests built against the solution's or a fixture's `src/`, under the
//! exercise's library name. One `cargo test --no-run` builds them all, in the build folder
//! the fixture courses share; the test binaries then run one by one, each under a
//! deadline that only catches a hang.

#[path = "support/course.rs"]
mod course;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use course::{shared_target, workspace};
use serde_json::Value;

/// A wrong implementation, and what the visible tests must say about it: the test that
/// fails, and a part of its message.
struct Wrong {
    fixture: &'static str,
    test: &'static str,
    says: &'static str,
}

const fn wrong(fixture: &'static str, test: &'static str, says: &'static str) -> Wrong {
    Wrong {
        fixture,
        test,
        says,
    }
}

/// The wrong fixtures each exercise's visible tests must catch, the mistakes its first
/// task is most about, and what they must say about its fixture in `hangs/`.
fn cases(exercise: &str) -> (Vec<Wrong>, Wrong) {
    match exercise {
        "01_linearizable" => (
            vec![
                wrong(
                    "cas_not_atomic",
                    "register_swaps_from_one_value_through_clones_one_wins",
                    "Exactly one swap may win (register.2), but these won",
                ),
                wrong(
                    "lock_per_handle",
                    "register_swaps_from_one_value_through_clones_one_wins",
                    "also across clones (register.8)",
                ),
                wrong(
                    "version_not_atomic",
                    "register_concurrent_writes_take_one_version_each",
                    "Each update makes the version exactly one larger (register.4)",
                ),
                wrong(
                    "private_instant_store",
                    "register_is_kept_in_its_store",
                    "register.6: the register was made on a store holding 10",
                ),
            ],
            wrong(
                "hangs",
                "register_one_client_sees_versions_count_up",
                "write(5) did not return within 1s of tokio time",
            ),
        ),
        "02_cap" => (
            vec![
                wrong(
                    "minority_serves_reads",
                    "cp_serves_with_a_majority_and_refuses_without",
                    "of 3 replicas n0 reaches 1, itself included",
                ),
                wrong(
                    "majority_rounded_up",
                    "cp_an_even_split_has_no_majority",
                    "a majority of the whole cluster is 3 (`4 / 2 + 1`)",
                ),
                wrong(
                    "apply_before_refuse",
                    "cp_a_refused_write_leaves_no_trace",
                    "cp.5: n0 refused the put of x=refused while cut off",
                ),
            ],
            wrong(
                "hangs",
                "cp_serves_with_a_majority_and_refuses_without",
                "instead the call ended as TimedOut",
            ),
        ),
        "03_causal" => (
            vec![
                wrong(
                    "derived_ord",
                    "clocks_compare_entry_by_entry",
                    "clocks.5: {n0: 1} compared with {n1: 5} must be Concurrent, but compare \
                     answered Before",
                ),
                wrong(
                    "lt_in_compare",
                    "clocks_compare_entry_by_entry",
                    "clocks.4: {n0: 1, n1: 2} compared with {n0: 2, n1: 2} must be Before",
                ),
                wrong(
                    "display_sorted_as_text",
                    "clocks_display_in_node_order",
                    "clocks.9: nodes in the order of their numbers",
                ),
            ],
            wrong(
                "hangs",
                "store_the_reply_comes_with_its_post",
                "n1 still answers post = None after 200ms of virtual time",
            ),
        ),
        "04_read_your_writes" => (
            vec![
                wrong(
                    "random_replica",
                    "ryw_a_client_reads_its_own_writes_at_once",
                    "ryw.3 and ryw.5: a read goes only to a node at the session's floor",
                ),
                wrong(
                    "floor_one_below",
                    "ryw_the_leader_serves_when_no_replica_can",
                    "ryw.4: in a cluster of 2 replica(s) none of which has the client's write",
                ),
                wrong(
                    "wrote_keeps_last",
                    "ryw_the_floor_never_goes_down",
                    "ryw.2: after wrote(5) then wrote(3) the floor is still at least 5",
                ),
            ],
            wrong(
                "hangs",
                "ryw_the_leader_serves_when_no_replica_can",
                "did not return within 1s of tokio time",
            ),
        ),
        "05_eventual" => (
            vec![
                wrong(
                    "merge_adds",
                    "gcounter_merges_keep_every_increment_once",
                    "gcounter.6: merging the same copy again changes nothing",
                ),
                wrong(
                    "merge_overwrites",
                    "gcounter_merges_keep_every_increment_once",
                    "gcounter.6: an older copy of n1",
                ),
                wrong(
                    "shared_counter",
                    "gcounter_counts_each_nodes_increments",
                    "each counted for the node that made it",
                ),
            ],
            wrong(
                "hangs",
                "gossip_replicas_agree_after_a_partition_heals",
                "the world stopped at its limit of 50000 events",
            ),
        ),
        "06_sequential" => (
            vec![
                wrong(
                    "arrival_order",
                    "sequential_an_early_write_waits_for_its_turn",
                    "sequential.7: writes are applied in number order",
                ),
                wrong(
                    "ack_before_apply",
                    "sequential_a_write_is_answered_once_its_replica_applied_it",
                    "sequential.9: a write is answered by the client's replica once",
                ),
                wrong(
                    "resubmit_numbered_twice",
                    "sequential_every_replica_applies_every_write_once",
                    "sequential.5: a Submit that arrives twice is numbered once",
                ),
            ],
            wrong(
                "hangs",
                "sequential_an_early_write_waits_for_its_turn",
                "sets off messages without end",
            ),
        ),
        "07_classification" => (
            vec![
                wrong(
                    "latency_over_exactness",
                    "choose_exact_data_needs_linearizability_whatever_else",
                    "choose.1: a bank transfer",
                ),
                wrong(
                    "waiting_buys_real_time",
                    "choose_one_order_for_everyone",
                    "choose.2: a shared ledger that can wait",
                ),
                wrong(
                    "own_writes_ignored",
                    "choose_the_weakest_level_that_serves",
                    "needs ReadYourWrites, but choose picked Eventual, too weak",
                ),
            ],
            wrong(
                "hangs",
                "histories_a_reply_seen_before_its_post_is_not_causal",
                "was still running after 20s of real time",
            ),
        ),
        other => panic!("no cases for {other}"),
    }
}

/// How long one test binary may run before it is taken to hang: the longest takes about
/// 20 s (the real-time deadline a visible test keeps for an endless loop), the others
/// well under a second.
const DEADLINE: Duration = Duration::from_secs(180);

/// The scratch course.
fn scratch() -> PathBuf {
    workspace().join("target/course-tests/visible")
}

/// The exercise's manifest, parsed.
fn manifest(exercise: &str) -> toml::Table {
    let path = workspace()
        .join("exercises")
        .join(exercise)
        .join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    text.parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The exercise's package name, as in `cargo test -p PACKAGE`.
fn package(exercise: &str) -> String {
    manifest(exercise)["package"]["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The name its tests `use` it by.
fn library(exercise: &str) -> String {
    let manifest = manifest(exercise);
    manifest
        .get("lib")
        .and_then(|lib| lib.get("name"))
        .and_then(|name| name.as_str())
        .map_or_else(|| package(exercise).replace('-', "_"), str::to_owned)
}

/// Writes `text` to `path` unless it holds it already, so that an unchanged file keeps
/// its time and cargo does not build it again on the next run.
fn write_if_changed(path: &Path, text: &[u8]) {
    if std::fs::read(path).is_ok_and(|old| old == text) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Copies the folder `rel` of the workspace to the same place in the scratch course,
/// file by file with [`write_if_changed`].
fn mirror(rel: &str) {
    fn walk(from: &Path, to: &Path) {
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let dest = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &dest);
            } else {
                write_if_changed(&dest, &std::fs::read(entry.path()).unwrap());
            }
        }
    }
    walk(&workspace().join(rel), &scratch().join(rel));
}

/// The scratch course's manifest: a workspace of the cases, whose dependencies are the
/// course's own (`given/`, `testkit/`, ...) at their place in this workspace, built with
/// the course's profiles.
fn root_manifest() -> String {
    let ws = workspace();
    let text = std::fs::read_to_string(ws.join("Cargo.toml")).unwrap();
    let course: toml::Table = text.parse().unwrap();
    let mut dependencies = course["workspace"]["dependencies"]
        .as_table()
        .unwrap()
        .clone();
    for (_, spec) in dependencies.iter_mut() {
        if let Some(path) = spec.get_mut("path") {
            let absolute = ws.join(path.as_str().unwrap());
            *path = toml::Value::String(absolute.to_str().unwrap().to_owned());
        }
    }
    let mut workspace = toml::Table::new();
    workspace.insert("resolver".into(), "3".into());
    workspace.insert("members".into(), vec![toml::Value::from("cases/*")].into());
    workspace.insert("package".into(), course["workspace"]["package"].clone());
    workspace.insert("dependencies".into(), dependencies.into());
    let mut root = toml::Table::new();
    root.insert("workspace".into(), workspace.into());
    // The course's profiles, so that the tests build and run as a student's
    // `cargo test -p PACKAGE` does (line tables only, an optimized test kit).
    if let Some(profile) = course.get("profile") {
        root.insert("profile".into(), profile.clone());
    }
    toml::to_string(&root).unwrap()
}

/// The manifest of the case `case` of `exercise`: the exercise's visible tests, built
/// against the library at `lib` (relative to the scratch course).
fn case_manifest(exercise: &str, case: &str, lib: &str) -> String {
    let exercise_manifest = manifest(exercise);
    let mut package = toml::Table::new();
    package.insert(
        "name".into(),
        format!("{}-{case}", self::package(exercise)).into(),
    );
    package.insert("version".into(), "0.1.0".into());
    package.insert("edition".into(), "2024".into());
    package.insert("publish".into(), false.into());
    package.insert("autotests".into(), false.into());
    package.insert("autobins".into(), false.into());
    package.insert("autoexamples".into(), false.into());
    package.insert("autobenches".into(), false.into());
    let mut lib_table = toml::Table::new();
    lib_table.insert("name".into(), library(exercise).into());
    lib_table.insert("path".into(), format!("../../{lib}/src/lib.rs").into());
    // The library's own unit tests are not what is checked here.
    lib_table.insert("test".into(), false.into());
    lib_table.insert("doctest".into(), false.into());
    let mut test = toml::Table::new();
    test.insert("name".into(), "visible".into());
    test.insert(
        "path".into(),
        format!("../../exercises/{exercise}/tests/visible.rs").into(),
    );
    let mut manifest = toml::Table::new();
    manifest.insert("package".into(), package.into());
    manifest.insert("lib".into(), lib_table.into());
    manifest.insert("test".into(), vec![toml::Value::from(test)].into());
    for section in ["dependencies", "dev-dependencies"] {
        if let Some(table) = exercise_manifest.get(section) {
            manifest.insert(section.into(), table.clone());
        }
    }
    toml::to_string(&manifest).unwrap()
}

/// Every case: (exercise, case name, folder of its `src/`, relative to the course).
fn all_cases() -> Vec<(&'static str, String, String)> {
    let mut all = Vec::new();
    for exercise in course::exercises() {
        all.push((
            exercise,
            "solution".to_owned(),
            format!("solutions/{exercise}"),
        ));
        let (wrongs, hang) = cases(exercise);
        for w in wrongs.iter().chain([&hang]) {
            let folder = if w.fixture == "hangs" {
                format!("checker/tests/fixtures/hangs/{exercise}")
            } else {
                format!("checker/tests/fixtures/wrong/{exercise}/{}", w.fixture)
            };
            all.push((exercise, w.fixture.to_owned(), folder));
        }
    }
    all
}

/// The test binary of each case, by its folder under `cases/`, built once for all tests.
fn binaries() -> &'static BTreeMap<String, PathBuf> {
    static BUILT: OnceLock<BTreeMap<String, PathBuf>> = OnceLock::new();
    BUILT.get_or_init(build)
}

/// Writes the scratch course and builds every case's test binary.
fn build() -> BTreeMap<String, PathBuf> {
    let root = scratch();
    write_if_changed(&root.join("Cargo.toml"), root_manifest().as_bytes());
    write_if_changed(
        &root.join("Cargo.lock"),
        &std::fs::read(workspace().join("Cargo.lock")).unwrap(),
    );
    let cases = all_cases();
    // Cases of an earlier run that are no longer listed would be built for nothing.
    if let Ok(entries) = std::fs::read_dir(root.join("cases")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !cases.iter().any(|(e, c, _)| format!("{e}--{c}") == name) {
                std::fs::remove_dir_all(entry.path()).unwrap();
            }
        }
    }
    for exercise in course::exercises() {
        // Fixtures take their unchanged files from the solution (and a few from the
        // skeleton) by relative `#[path]`, so both sit where they do in the course.
        mirror(&format!("solutions/{exercise}"));
        mirror(&format!("checker/skeletons/{exercise}"));
        mirror(&format!("exercises/{exercise}/tests"));
    }
    for (exercise, case, folder) in &cases {
        mirror(folder);
        write_if_changed(
            &root
                .join("cases")
                .join(format!("{exercise}--{case}/Cargo.toml")),
            case_manifest(exercise, case, folder).as_bytes(),
        );
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["test", "--workspace", "--no-run", "--message-format=json"])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", shared_target())
        // Each case is built once and then only when its files change: the incremental
        // caches of some forty small crates would take gigabytes and save nothing.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("cargo starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the cases of the scratch course did not build:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        compiler_messages(&stdout)
    );
    let mut binaries = BTreeMap::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if let (Some(exe), Some(manifest)) = (
            message["executable"].as_str(),
            message["manifest_path"].as_str(),
        ) {
            let case = Path::new(manifest).parent().unwrap().file_name().unwrap();
            binaries.insert(case.to_string_lossy().into_owned(), PathBuf::from(exe));
        }
    }
    binaries
}

/// The rendered compiler messages among cargo's JSON lines.
fn compiler_messages(stdout: &str) -> String {
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|m| m["message"]["rendered"].as_str().map(str::to_owned))
        .collect()
}

/// What a run of a test binary did.
struct Run {
    passed: bool,
    output: String,
}

/// Runs the visible tests of `case` of `exercise`, failing if they do not end within
/// [`DEADLINE`].
fn run(exercise: &str, case: &str) -> Run {
    let name = format!("{exercise}--{case}");
    let exe = binaries()
        .get(&name)
        .unwrap_or_else(|| panic!("no test binary was built for {name}"));
    let child = Command::new(exe)
        .current_dir(scratch())
        .env("RUST_BACKTRACE", "0")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the test binary starts");
    let pid = child.id();
    let (done, ended) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let output = match ended.recv_timeout(DEADLINE) {
        Ok(output) => output.expect("the test binary is waited for"),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("the visible tests of {exercise} on {case} did not end within {DEADLINE:?}");
        }
    };
    Run {
        passed: output.status.success(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// Asserts that the visible tests of `exercise` pass on the solution, catch each wrong
/// fixture with the message they are meant to give, and end on the one that hangs.
fn check(exercise: &str) {
    let solution = run(exercise, "solution");
    assert!(
        solution.passed,
        "the visible tests of {exercise} fail on the reference solution:\n{}",
        solution.output
    );
    let (wrongs, hang) = cases(exercise);
    for w in wrongs.iter().chain([&hang]) {
        let run = run(exercise, w.fixture);
        assert!(
            !run.passed,
            "the visible tests of {exercise} pass on {}:\n{}",
            w.fixture, run.output
        );
        assert!(
            run.output.contains(&format!("test {} ... FAILED", w.test)),
            "the visible test {} of {exercise} does not fail on {}:\n{}",
            w.test,
            w.fixture,
            run.output
        );
        assert!(
            run.output.contains(w.says),
            "the visible tests of {exercise} fail on {} without saying {:?}:\n{}",
            w.fixture,
            w.says,
            run.output
        );
    }
}

#[test]
fn visible_tests_of_01_linearizable_teach_and_end() {
    check("01_linearizable");
}

#[test]
fn visible_tests_of_02_cap_teach_and_end() {
    check("02_cap");
}

#[test]
fn visible_tests_of_03_causal_teach_and_end() {
    check("03_causal");
}

#[test]
fn visible_tests_of_04_read_your_writes_teach_and_end() {
    check("04_read_your_writes");
}

#[test]
fn visible_tests_of_05_eventual_teach_and_end() {
    check("05_eventual");
}

#[test]
fn visible_tests_of_06_sequential_teach_and_end() {
    check("06_sequential");
}

#[test]
fn visible_tests_of_07_classification_teach_and_end() {
    check("07_classification");
}

/// The root `cargo test` runs the solutions' copy of the visible tests: that is what
/// proves, on every run, that they pass on the reference. The student's copy and the
/// skeleton's must therefore be the very same files, and the README must say how to run
/// them.
#[test]
fn every_exercise_has_one_set_of_visible_tests_and_says_how_to_run_them() {
    let ws = workspace();
    let entries = std::fs::read_dir(ws.join("exercises")).unwrap();
    let mut exercises: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    exercises.sort();
    assert!(!exercises.is_empty());
    for exercise in &exercises {
        let tests = |root: &str| -> BTreeMap<String, Vec<u8>> {
            let dir = ws.join(root).join(exercise).join("tests");
            std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .flatten()
                .map(|f| {
                    let name = f.file_name().to_string_lossy().into_owned();
                    (name, std::fs::read(f.path()).unwrap())
                })
                .collect()
        };
        let student = tests("exercises");
        assert!(
            !student.is_empty(),
            "exercises/{exercise}/tests holds no visible test"
        );
        for copy in ["checker/skeletons", "solutions"] {
            assert!(
                tests(copy) == student,
                "{copy}/{exercise}/tests differs from exercises/{exercise}/tests: the three \
                 copies of the visible tests must be the same files"
            );
        }
        let readme =
            std::fs::read_to_string(ws.join("exercises").join(exercise).join("README.md")).unwrap();
        let command = format!("cargo test -p {}", package(exercise));
        assert!(
            readme.contains(&command),
            "exercises/{exercise}/README.md does not say how to run its visible tests \
             (`{command}`)"
        );
    }
}
