//! `checker grade` as an instructor runs it on the fixture course: the gradebook files,
//! resuming, archives, shards and their merge, private suites, and the refusals.

#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

use std::io::Write;
use std::path::{Path, PathBuf};

use course::{checker_with, stderr};
use grading::{HONEST, grade, outcome, record, said, sandbox_available, submission};
use serde_json::Value;

/// Right for small numbers only.
const SMALL_ONLY: &str = "pub fn add(a: i64, b: i64) -> i64 { if a.abs() > 1000 { 0 } else { a + b } }\n\
    pub fn total(xs: &[i64]) -> i64 { xs.iter().sum() }\n";

/// `add` is wrong; `total` is right.
const WRONG_ADD: &str = "pub fn add(a: i64, b: i64) -> i64 { a * b }\n\
    pub fn total(xs: &[i64]) -> i64 { xs.iter().sum() }\n";

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_gradebook_holds_every_format_and_a_second_run_grades_only_what_changed() {
    let sandboxed = sandbox_available();
    let root = course::course("grade-run-resume");
    let subs = root.join("scratch/submissions");
    let out = root.join("scratch/gradebook");
    submission(&subs, "alice", HONEST);
    submission(&subs, "bob", WRONG_ADD);

    let run = grade(&root, &subs, &out, &[], sandboxed);
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    assert_eq!(outcome(&out, "alice"), ("graded".into(), 5, 5));
    assert_eq!(outcome(&out, "bob"), ("graded".into(), 3, 5));

    let csv = std::fs::read_to_string(out.join("grades.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..5],
        ["submission", "exercise", "status", "score", "max_score"]
    );
    assert_eq!(header.last(), Some(&"flags"));
    // Honest code carries no integrity flag: the last cell is empty.
    assert_eq!(lines.next().unwrap(), "alice,01_sums,graded,5,5,3,3,");
    assert_eq!(lines.next().unwrap(), "bob,01_sums,graded,3,5,1,3,");
    let book = json(&out.join("grades.json"));
    assert_eq!(book["submissions"][1]["score"], 3);
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    assert!(junit.contains("failures=\"2\""), "{junit}");
    let gradescope = json(&out.join("submissions/bob/gradescope/results.json"));
    assert_eq!(gradescope["score"], 3);
    assert_eq!(gradescope["tests"][0]["status"], "failed");
    assert_eq!(gradescope["tests"][1]["status"], "passed");
    let exercism = json(&out.join("submissions/bob/exercism/01_sums/results.json"));
    assert_eq!(exercism["version"], 3);
    assert_eq!(exercism["status"], "fail");
    assert_eq!(exercism["tests"][0]["task_id"], 1);
    assert_eq!(exercism["tests"][2]["task_id"], 2);
    let table = course::stdout(&run);
    assert!(table.contains("alice") && table.contains("5/5"), "{table}");

    // Nothing changed: nothing is graded again.
    let before = record(&out, "alice");
    let again = grade(&root, &subs, &out, &[], sandboxed);
    assert_eq!(again.status.code(), Some(0), "{}", said(&again));
    assert!(
        stderr(&again).contains("2 submission(s) graded by an earlier run"),
        "{}",
        said(&again)
    );
    assert_eq!(record(&out, "alice"), before);

    // Bob fixes his code, and a run was interrupted before Alice's record was written.
    submission(&subs, "bob", HONEST);
    std::fs::remove_file(out.join("submissions/alice/grade.json")).unwrap();
    let third = grade(&root, &subs, &out, &[], sandboxed);
    assert_eq!(third.status.code(), Some(0), "{}", said(&third));
    assert!(
        !stderr(&third).contains("graded by an earlier run"),
        "{}",
        said(&third)
    );
    assert_eq!(outcome(&out, "bob"), ("graded".into(), 5, 5));
    assert_eq!(outcome(&out, "alice"), ("graded".into(), 5, 5));
}

#[test]
fn archives_are_graded_like_folders_and_a_broken_one_is_refused() {
    let sandboxed = sandbox_available();
    let root = course::course("grade-run-archives");
    let scratch = root.join("scratch");
    let subs = scratch.join("submissions");
    std::fs::create_dir_all(&subs).unwrap();
    let lib = HONEST;

    // A zip with a wrapping folder, as a download of a repository gives.
    let file = std::fs::File::create(subs.join("carol.zip")).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("carol-main/exercises/01_sums/src/lib.rs", options)
        .unwrap();
    zip.write_all(lib.as_bytes()).unwrap();
    zip.start_file("carol-main/target/debug/huge.bin", options)
        .unwrap();
    zip.write_all(&[0u8; 4096]).unwrap();
    zip.finish().unwrap();

    // A tar.gz of the exercises folder alone.
    let file = std::fs::File::create(subs.join("dave.tar.gz")).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    let mut header = tar::Header::new_gnu();
    header.set_size(lib.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "01_sums/src/lib.rs", lib.as_bytes())
        .unwrap();
    tar.into_inner().unwrap().finish().unwrap();

    std::fs::write(subs.join("erin.zip"), "this is not a zip archive").unwrap();

    let out = scratch.join("gradebook");
    let run = grade(&root, &subs, &out, &[], sandboxed);
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    assert_eq!(outcome(&out, "carol"), ("graded".into(), 5, 5));
    assert_eq!(outcome(&out, "dave"), ("graded".into(), 5, 5));
    let (status, score, _) = outcome(&out, "erin");
    assert_eq!((status.as_str(), score), ("rejected", 0));
    let message = record(&out, "erin")["exercises"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("erin.zip"), "{message}");
    assert_eq!(record(&out, "erin")["origin"], "erin.zip");
}

#[test]
fn shards_split_the_class_and_merge_into_the_same_gradebook() {
    let sandboxed = sandbox_available();
    let root = course::course("grade-run-shards");
    let subs = root.join("scratch/submissions");
    let names = ["ana", "ben", "cy", "dee", "eli", "flo"];
    for (i, name) in names.iter().enumerate() {
        submission(&subs, name, if i % 2 == 0 { HONEST } else { WRONG_ADD });
    }
    let whole = root.join("scratch/whole");
    let run = grade(&root, &subs, &whole, &[], sandboxed);
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));

    let mut parts = Vec::new();
    let mut graded = 0;
    for k in 1..=2 {
        let part = root.join(format!("scratch/part{k}"));
        let run = grade(
            &root,
            &subs,
            &part,
            &["--shard", &format!("{k}/2")],
            sandboxed,
        );
        assert_eq!(run.status.code(), Some(0), "{}", said(&run));
        graded += std::fs::read_dir(part.join("submissions")).unwrap().count();
        parts.push(part);
    }
    assert_eq!(graded, names.len(), "every submission in exactly one shard");

    let merged = root.join("scratch/merged");
    let args = [
        "gradebook",
        "--out",
        merged.to_str().unwrap(),
        parts[0].to_str().unwrap(),
        parts[1].to_str().unwrap(),
    ];
    let run = checker_with(&root, &args, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    let rows = |dir: &Path| -> Vec<String> {
        let csv = std::fs::read_to_string(dir.join("grades.csv")).unwrap();
        // Durations differ between runs; the columns compared do not hold them.
        csv.lines().map(str::to_owned).collect()
    };
    assert_eq!(rows(&merged), rows(&whole));
    assert_eq!(rows(&whole).len(), names.len() + 1);
}

/// A private suite for `01_sums` in the course at `root` (its `main.rs`, and its
/// `bridge.rs` when it has one), adding the task `many` worth 4 points; its folder.
fn private_suite(root: &Path, main: &str, bridge: Option<&str>) -> PathBuf {
    let private = root.join("scratch/private");
    std::fs::create_dir_all(private.join("01_sums")).unwrap();
    std::fs::write(private.join("01_sums/main.rs"), main).unwrap();
    if let Some(bridge) = bridge {
        std::fs::write(private.join("01_sums/bridge.rs"), bridge).unwrap();
    }
    std::fs::write(
        private.join("private.toml"),
        "[[exercise]]\nname = \"01_sums\"\n\n[[exercise.task]]\nid = \"many\"\n\
         title = \"total adds up a hundred numbers\"\npoints = 4\n",
    )
    .unwrap();
    private
}

#[test]
fn a_private_suite_adds_tests_to_a_catalog_task_and_a_task_of_its_own() {
    let sandboxed = sandbox_available();
    let root = course::course("grade-run-private");
    let private = private_suite(
        &root,
        "fn adds_large_numbers() { assert_eq!(sums::add(5000, 1), 5001, \"SECRET-PRIVATE-DETAIL\"); }\n\
         fn totals_many() { assert_eq!(sums::total(&[1; 100]), 100); }\n\
         suite_harness::suite! { \"add\" => [adds_large_numbers], \"many\" => [totals_many] }\n",
        None,
    );
    let subs = root.join("scratch/submissions");
    submission(&subs, "honest", HONEST);
    submission(&subs, "small", SMALL_ONLY);
    let out = root.join("scratch/gradebook");
    let args = ["--private-suite", private.to_str().unwrap()];
    let run = grade(&root, &subs, &out, &args, sandboxed);
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    assert_eq!(outcome(&out, "honest"), ("graded".into(), 9, 9));
    // The private test of `add` fails: the task is lost, though the hidden ones pass.
    assert_eq!(outcome(&out, "small"), ("graded".into(), 7, 9));

    let small = record(&out, "small");
    let add = &small["exercises"][0]["tasks"][0];
    assert_eq!(add["done"], false);
    let private_test = add["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["private"] == true)
        .unwrap();
    assert_eq!(private_test["name"], "private/adds_large_numbers");
    assert!(
        private_test["message"]
            .as_str()
            .unwrap()
            .contains("SECRET-PRIVATE-DETAIL")
    );
    let many = &small["exercises"][0]["tasks"][2];
    assert_eq!(
        (many["id"].as_str(), many["private"].as_bool()),
        (Some("many"), Some(true))
    );

    // What students see never holds a private test's message.
    for file in ["gradescope/results.json", "exercism/01_sums/results.json"] {
        let text = std::fs::read_to_string(out.join("submissions/small").join(file)).unwrap();
        assert!(!text.contains("SECRET-PRIVATE-DETAIL"), "{file}: {text}");
    }
    let gradescope = json(&out.join("submissions/small/gradescope/results.json"));
    assert_eq!(gradescope["tests"][2]["visibility"], "after_published");
}

/// A private suite with a bridge, for the fixture course: its library never sees the
/// exercise; the bridge hands it `sums`.
const PRIVATE_BRIDGED_MAIN: &str = "pub trait Sums: Sync { fn add(&self, a: i64, b: i64) -> i64; \
     fn total(&self, values: &[i64]) -> i64; }\n\
     static EXERCISE: suite_harness::Exercise<dyn Sums> = suite_harness::Exercise::new();\n\
     pub fn main(exercise: &'static dyn Sums) -> ! { EXERCISE.hand(exercise); run() }\n\
     fn adds_large_numbers() { assert_eq!(EXERCISE.get().add(5000, 1), 5001, \"add(5000, 1)\"); }\n\
     fn totals_many() { assert_eq!(EXERCISE.get().total(&[1; 100]), 100); }\n\
     suite_harness::suite! { fn run; \"add\" => [adds_large_numbers], \"many\" => [totals_many] }\n";

const PRIVATE_BRIDGED_BRIDGE: &str = "struct Submission;\n\
     impl suite::Sums for Submission { fn add(&self, a: i64, b: i64) -> i64 { sums::add(a, b) } \
     fn total(&self, values: &[i64]) -> i64 { sums::total(values) } }\n\
     fn main() { suite::main(&Submission) }\n";

#[test]
fn suites_with_a_bridge_are_graded_their_library_built_once_and_a_broken_one_stops_the_run() {
    let sandboxed = sandbox_available();
    let root = course::course("grade-run-bridged");
    // The hidden suite: a library and its bridge (the runner's fixture).
    let hidden = root.join("checker/suites/01_sums");
    std::fs::remove_dir_all(&hidden).unwrap();
    course::copy(&course::fixtures().join("suites/sums-bridged"), &hidden);
    // A private suite with a bridge too, whose library is built with each submission.
    let private = private_suite(&root, PRIVATE_BRIDGED_MAIN, Some(PRIVATE_BRIDGED_BRIDGE));
    let subs = root.join("scratch/submissions");
    submission(&subs, "honest", HONEST);
    submission(&subs, "small", SMALL_ONLY);
    submission(&subs, "wrong-add", WRONG_ADD);
    let out = root.join("scratch/gradebook");
    let args = ["--private-suite", private.to_str().unwrap()];
    let run = grade(&root, &subs, &out, &args, sandboxed);
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    let told = stderr(&run);
    assert_eq!(
        told.matches("compiling the hidden suite of 01_sums (once, for every submission)")
            .count(),
        1,
        "{told}"
    );
    assert_eq!(outcome(&out, "honest"), ("graded".into(), 9, 9));
    // Only the private test of `add` fails.
    assert_eq!(outcome(&out, "small"), ("graded".into(), 7, 9));
    // The hidden test of `add` fails through the bridge; `total` and `many` pass.
    assert_eq!(outcome(&out, "wrong-add"), ("graded".into(), 7, 9));
    let wrong = record(&out, "wrong-add");
    let add = &wrong["exercises"][0]["tasks"][0];
    let failed: Vec<&str> = add["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["passed"] == false)
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        failed,
        ["adds_later", "private/adds_large_numbers"],
        "{add}"
    );

    // A hidden suite whose library does not compile is the course's mistake: the run
    // stops before any submission, in one line naming the exercise.
    std::fs::write(
        hidden.join("main.rs"),
        "pub fn main(_: &'static dyn Sync) -> ! { let n: u32 = \"no\"; loop {} }\n",
    )
    .unwrap();
    let again = root.join("scratch/gradebook-broken");
    let run = grade(&root, &subs, &again, &[], sandboxed);
    assert_eq!(run.status.code(), Some(2), "{}", said(&run));
    let told = stderr(&run);
    let line = told
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| panic!("{told}"));
    assert!(
        line.contains("exercise 01_sums: its hidden suite") && line.contains("does not compile"),
        "{line}"
    );
    assert!(!again.join("submissions/honest/grade.json").exists());
}

#[test]
fn without_bubblewrap_grading_is_refused_unless_asked_and_nothing_is_graded() {
    let root = course::course("grade-run-refuse");
    let subs = root.join("scratch/submissions");
    submission(&subs, "honest", HONEST);
    let out = root.join("scratch/gradebook");
    let args = [
        "grade",
        subs.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let run = checker_with(
        &root,
        &args,
        &[("CONSISTENCY_LAB_BWRAP", "/nonexistent/bwrap")],
    );
    assert_eq!(run.status.code(), Some(2), "{}", said(&run));
    let text = stderr(&run);
    assert!(text.contains("bubblewrap is not installed"), "{text}");
    assert!(text.contains("--no-sandbox"), "{text}");
    assert!(text.contains("can read any file"), "{text}");
    assert_eq!(text.trim().lines().count(), 1, "{text}");
    assert!(!out.join("submissions").exists());

    let mut unsandboxed = args.to_vec();
    unsandboxed.push("--no-sandbox");
    let run = checker_with(
        &root,
        &unsandboxed,
        &[("CONSISTENCY_LAB_BWRAP", "/nonexistent/bwrap")],
    );
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    assert!(
        stderr(&run).contains("warning: --no-sandbox"),
        "{}",
        said(&run)
    );
    assert_eq!(outcome(&out, "honest"), ("graded".into(), 5, 5));
}

#[test]
fn bad_input_gets_one_line_naming_it_and_changes_nothing() {
    let root = course::course("grade-run-bad-input");
    let subs = root.join("scratch/submissions");
    submission(&subs, "honest", HONEST);
    let busy = root.join("scratch/busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "keep me").unwrap();
    let cases: [(Vec<String>, &str); 4] = [
        (
            vec![
                subs.display().to_string(),
                "--out".into(),
                busy.display().to_string(),
            ],
            "not a gradebook",
        ),
        (
            vec![
                "/nonexistent/subs".into(),
                "--out".into(),
                root.join("scratch/o1").display().to_string(),
            ],
            "no such folder",
        ),
        (
            vec![
                subs.display().to_string(),
                "--out".into(),
                root.join("scratch/o2").display().to_string(),
                "--exercise".into(),
                "99_nothing".into(),
            ],
            "99_nothing",
        ),
        (
            vec![
                subs.display().to_string(),
                "--out".into(),
                subs.join("out").display().to_string(),
            ],
            "inside the submissions",
        ),
    ];
    for (args, needle) in cases {
        let mut all = vec!["grade".to_owned()];
        all.extend(args);
        all.push("--no-sandbox".into());
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let run = checker_with(&root, &all, &[]);
        assert_eq!(run.status.code(), Some(2), "{}", said(&run));
        let text = stderr(&run);
        let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("error")).collect();
        assert_eq!(errors.len(), 1, "{text}");
        assert!(errors[0].contains(needle), "{needle}: {text}");
    }
    assert_eq!(
        std::fs::read_to_string(busy.join("notes.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);
    assert!(!subs.join("out").exists());
}
