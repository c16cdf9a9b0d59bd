//! `checker grade --roster FILE`: Canvas and Moodle grade imports beside grades.csv,
//! with the columns those systems document, read back with the csv crate; a submission
//! the roster does not list is warned about and left out of them, a roster row without
//! a submission is listed, and a bad roster stops the run before anything is graded.
//!
//! Needs the `grade` feature (the root `cargo test` turns it on).

#![cfg(feature = "grade")]

#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use checker_grader::lms::{CANVAS_COLUMNS, CANVAS_POINTS_ROW, MOODLE_COLUMNS, ROSTER_COLUMNS};
use grading::{HONEST, grade, said, sandbox_available, submission};

/// What Canvas's gradebook import reads before the assignments, as its guide names
/// them; written out here, apart from the grader's list, so that a change to either is
/// caught.
const CANVAS_DOCUMENTED: [&str; 5] = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"];
/// The identifier columns of Moodle's plain-text grade export, which its import maps
/// users by.
const MOODLE_DOCUMENTED: [&str; 2] = ["Email address", "ID number"];

fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// `checker grade` of the submissions in `subs` into `out`, with the roster at `roster`.
fn grade_with_roster(root: &Path, subs: &Path, out: &Path, roster: &Path) -> Output {
    let args = ["--roster", roster.to_str().unwrap()];
    grade(root, subs, out, &args, sandbox_available())
}

/// The score of each submission in grades.csv.
fn scores(out: &Path) -> BTreeMap<String, String> {
    rows(&out.join("grades.csv"))
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), r[3].clone()))
        .collect()
}

#[test]
fn the_imports_have_the_documented_columns_and_the_grades_of_the_rostered() {
    assert_eq!(CANVAS_COLUMNS, CANVAS_DOCUMENTED);
    assert_eq!(MOODLE_COLUMNS, MOODLE_DOCUMENTED);
    let root = course::course("grade_lms");
    let work = root.join("run");
    let subs = work.join("submissions");
    submission(&subs, "alice", HONEST);
    submission(
        &subs,
        "bob",
        "pub fn add(a: i64, b: i64) -> i64 { a + b }\npub fn total(_: &[i64]) -> i64 { 0 }\n",
    );
    submission(&subs, "zed", HONEST);
    let roster = work.join("roster.csv");
    std::fs::write(
        &roster,
        "submission,name,canvas_id,sis_user_id,sis_login_id,section,email,idnumber\n\
         alice,\"Doe, Alice \"\"Al\"\"\",101,S1,alice.doe,Lab 1,alice@example.edu,A-1\n\
         bob,Bob Roe,102,S2,bob.roe,Lab 2,bob@example.edu,B-2\n\
         frank,Frank Poe,103,S3,frank.poe,Lab 1,frank@example.edu,F-3\n",
    )
    .unwrap();
    let out = work.join("out");
    let run = grade_with_roster(&root, &subs, &out, &roster);
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    let stderr = String::from_utf8_lossy(&run.stderr);
    let warning: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:") && l.contains("zed"))
        .collect();
    assert_eq!(warning.len(), 1, "{}", said(&run));
    assert!(
        warning[0].starts_with("warning: submission zed is not in the roster")
            && warning[0].contains("grades.csv"),
        "{}",
        warning[0]
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("lists frank, which has no graded submission")),
        "{}",
        said(&run)
    );
    let graded = scores(&out);
    assert_eq!(graded.keys().collect::<Vec<_>>(), ["alice", "bob", "zed"]);

    let canvas = rows(&out.join("canvas.csv"));
    let mut header: Vec<&str> = CANVAS_DOCUMENTED.to_vec();
    header.push("01_sums");
    assert_eq!(canvas[0], header);
    assert_eq!(canvas[1], [CANVAS_POINTS_ROW, "", "", "", "", "5"]);
    assert_eq!(canvas.len(), 4, "{canvas:?}");
    assert_eq!(
        canvas[2],
        [
            "Doe, Alice \"Al\"",
            "101",
            "S1",
            "alice.doe",
            "Lab 1",
            &graded["alice"]
        ]
    );
    assert_eq!(
        canvas[3],
        ["Bob Roe", "102", "S2", "bob.roe", "Lab 2", &graded["bob"]]
    );
    assert_eq!(
        (graded["alice"].as_str(), graded["bob"].as_str()),
        ("5", "2")
    );

    let moodle = rows(&out.join("moodle.csv"));
    let mut header: Vec<&str> = MOODLE_DOCUMENTED.to_vec();
    header.push("01_sums");
    assert_eq!(moodle[0], header);
    assert_eq!(
        moodle[1..],
        [
            vec!["alice@example.edu", "A-1", "5"],
            vec!["bob@example.edu", "B-2", "2"]
        ]
    );
}

#[test]
fn a_bad_roster_stops_the_run_before_grading_and_names_the_file() {
    let root = course::course("grade_lms_bad");
    let work = root.join("run");
    let subs = work.join("submissions");
    submission(&subs, "alice", HONEST);
    for (text, says) in [
        ("name,email\nAlice,a@x\n", "no `submission` column"),
        ("submission,mail\nalice,a@x\n", "unknown column `mail`"),
        (
            "submission\nalice\nalice\n",
            "submission alice is listed twice",
        ),
    ] {
        let roster = work.join("roster.csv");
        std::fs::write(&roster, text).unwrap();
        let out = work.join("out");
        _ = std::fs::remove_dir_all(&out);
        let run = grade_with_roster(&root, &subs, &out, &roster);
        assert_eq!(run.status.code(), Some(2), "{}", said(&run));
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stderr.contains(&roster.display().to_string()) && stderr.contains(says),
            "{}",
            said(&run)
        );
        assert!(!out.join("submissions/alice/grade.json").exists());
    }
    let missing = work.join("nowhere.csv");
    let run = grade_with_roster(&root, &subs, &work.join("out"), &missing);
    assert_eq!(run.status.code(), Some(2), "{}", said(&run));
}

#[test]
fn the_guide_lists_the_roster_columns_the_grader_reads() {
    let guide =
        std::fs::read_to_string(course::workspace().join("docs/src/instructors.md")).unwrap();
    for column in ROSTER_COLUMNS {
        assert!(
            guide.contains(&format!("`{column}`")),
            "the guide does not name `{column}`"
        );
    }
}
