//! `report.html` and the instructors' history pages, as `checker grade` writes them for a
//! small class of the fixture course: its counts against the gradebook's, its links, the
//! pages of failed history checks, a submission that prints markup and fake reports, the
//! page in headless Chromium, and the shard merge writing the same page.
//!
//! The fixture suite is replaced, in this test's copy only, by one whose `total` test
//! attaches a check report (built here with the test kit) when it fails, as the course's
//! history checks do.
//!
//! With `CHECKER_WRITE_FIGURES=1` set, the browser test also copies its screenshot to
//! `docs/src/figures/class-report.png`, the picture in the instructors' guide.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use browser::rows;
use course::checker_with;
use grading::{HONEST, grade, said, sandbox_available, submission, tool_available};
use serde_json::Value;
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::history::json::from_json_str;
use testkit::report::CheckReport;

/// w(1), w(2), then a read of 1: not linearizable.
const HISTORY: &str = r#"{"format": "consistency-lab-history", "version": 1, "model": "register",
  "ops": [
    {"client": 0, "f": "write", "value": 1, "call": 0, "return": 10, "outcome": "ok"},
    {"client": 1, "f": "write", "value": 2, "call": 20, "return": 30, "outcome": "ok"},
    {"client": 2, "f": "read", "value": 1, "call": 40, "return": 50, "outcome": "ok"}
  ]}"#;

/// The check report the suite attaches, as one line of JSON.
fn check_report() -> CheckReport {
    let (history, model) = from_json_str(HISTORY).unwrap();
    let verdict = Linearizable::new(model.unwrap()).check(&history).unwrap();
    CheckReport::new(
        "three clients, seed 1",
        "linearizability",
        &history,
        model,
        &verdict,
    )
}

/// The fixture suite, its `total` test attaching `report` before it fails.
fn suite(report: &str) -> String {
    format!(
        r####"//! The fixture exercise; a failed total attaches the history it "checked".

fn adds_small_numbers() {{
    assert_eq!(sums::add(2, 3), 5, "add(2, 3)");
}}

fn adds_negative_numbers() {{
    assert_eq!(sums::add(-2, -3), -5, "add(-2, -3)");
}}

fn totals_a_slice() {{
    let got = sums::total(&[1, 2, 3, 4]);
    if got != 10 {{
        suite_harness::attach("check-report", r###"{report}"###);
        panic!("seed 1: the total of [1, 2, 3, 4] was {{got}}, not 10: the history is not linearizable");
    }}
}}

suite_harness::suite! {{
    "add" => [adds_small_numbers [1], adds_negative_numbers [1]],
    "total" => [totals_a_slice [1]],
}}
"####
    )
}

/// `total` is wrong, `add` right: a failed history check.
const WRONG_TOTAL: &str = "pub fn add(a: i64, b: i64) -> i64 { a + b }\n\
    pub fn total(xs: &[i64]) -> i64 { xs.iter().sum::<i64>() + 1 }\n";

/// `add` is wrong, `total` right.
const WRONG_ADD: &str = "pub fn add(a: i64, b: i64) -> i64 { a * b }\n\
    pub fn total(xs: &[i64]) -> i64 { xs.iter().sum() }\n";

/// Does not compile.
const BROKEN: &str = "pub fn add(a: i64, b: i64) -> i64 { a + }\n";

/// Right, but reads the environment: flagged.
const FLAGGED: &str = "pub fn add(a: i64, b: i64) -> i64 { a + b }\n\
    pub fn total(xs: &[i64]) -> i64 { let _ = std::env::var(\"HOME\"); xs.iter().sum() }\n";

/// `add` never returns.
const ENDLESS: &str = "pub fn add(_: i64, _: i64) -> i64 { loop { std::hint::spin_loop() } }\n\
    pub fn total(xs: &[i64]) -> i64 { xs.iter().sum() }\n";

/// Prints markup, script and lines shaped like the harness's reports, and panics with
/// markup: none of it may reach the report as markup, and no page may come of it.
fn hostile(report: &str) -> String {
    let fake = report
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('{', "{{")
        .replace('}', "}}");
    format!(
        "pub fn add(_: i64, _: i64) -> i64 {{\n\
         \x20   println!(\"<script>alert('out')</script>\");\n\
         \x20   eprintln!(\"<img src=x onerror=alert('err')>\");\n\
         \x20   println!(\"attach totals_a_slice check-report {fake}\");\n\
         \x20   panic!(\"</pre><script>alert('panic')</script><a href=javascript:alert(1)>x</a>\")\n\
         }}\n\
         pub fn total(xs: &[i64]) -> i64 {{\n\
         \x20   println!(\"check-report {fake}\");\n\
         \x20   xs.iter().sum()\n\
         }}\n"
    )
}

/// The class: (id, lib.rs).
fn class(report: &str) -> Vec<(&'static str, String)> {
    vec![
        ("honest", HONEST.to_owned()),
        ("wrong-total", WRONG_TOTAL.to_owned()),
        ("wrong-add", WRONG_ADD.to_owned()),
        ("broken", BROKEN.to_owned()),
        ("flagged", FLAGGED.to_owned()),
        ("endless", ENDLESS.to_owned()),
        ("hostile", hostile(report)),
    ]
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every value of attribute `name` in `page`.
fn values<'a>(page: &'a str, name: &str) -> Vec<&'a str> {
    let start = format!(" {name}=\"");
    page.match_indices(&start)
        .map(|(at, _)| {
            let rest = &page[at + start.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// A link target read back: `&amp;` and percent escapes undone.
fn decoded(href: &str) -> String {
    let href = href.replace("&amp;", "&");
    let bytes = href.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&href[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The number shown in the cell of class `class` of the row with id `row`.
fn count_in(page: &str, row: &str, class: &str) -> usize {
    let start = page
        .find(&format!("id=\"{row}\""))
        .unwrap_or_else(|| panic!("no row {row}"));
    let row = &page[start..];
    let row = &row[..row.find("</tr>").unwrap()];
    let cell = &row[row.find(&format!("class=\"num {class}\"")).unwrap()..];
    let cell = &cell[..cell.find("</td>").unwrap()];
    let inner = &cell[..cell.rfind("</").unwrap()];
    inner[inner.rfind('>').unwrap() + 1..].parse().unwrap()
}

/// Submission ids whose record says `keep` of exercise 01_sums.
fn ids_where(book: &Value, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    book["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| keep(&s["exercises"][0]))
        .map(|s| s["submission"].as_str().unwrap().to_owned())
        .collect()
}

/// The ids the group a count links to lists.
fn group_of(page: &str, row: &str, class: &str) -> Vec<String> {
    let start = page.find(&format!("id=\"{row}\"")).unwrap();
    let row = &page[start..];
    let row = &row[..row.find("</tr>").unwrap()];
    let cell = &row[row.find(&format!("class=\"num {class}\"")).unwrap()..];
    let Some(at) = cell.find("href=\"#") else {
        return Vec::new();
    };
    let group = &cell[at + 7..];
    let group = &group[..group.find('"').unwrap()];
    let list = &page[page.find(&format!("id=\"{group}\"")).unwrap()..];
    let list = &list[list.find("<p>").unwrap() + 3..list.find("</p></div>").unwrap()];
    let mut ids: Vec<String> = list
        .split("</a>")
        .filter_map(|a| a.rfind('>').map(|at| a[at + 1..].to_owned()))
        .filter(|s| !s.is_empty())
        .collect();
    ids.sort();
    ids
}

/// Grades the class in the course at `root` into `out` with `args`.
fn graded(root: &Path, subs: &Path, out: &Path, args: &[&str], sandboxed: bool) {
    let mut all = vec!["--timeout", "3"];
    all.extend_from_slice(args);
    let run = grade(root, subs, out, &all, sandboxed);
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
}

/// The course with the attaching suite and the class written; (root, submissions).
fn setup(name: &str) -> (PathBuf, PathBuf) {
    let root = course::course(name);
    let json = check_report().to_json();
    std::fs::write(root.join("checker/suites/01_sums/main.rs"), suite(&json)).unwrap();
    let subs = root.join("scratch/submissions");
    for (id, lib) in class(&json) {
        submission(&subs, id, &lib);
    }
    (root, subs)
}

#[test]
fn the_report_counts_what_the_gradebook_holds_links_what_it_names_and_draws_failed_histories() {
    let sandboxed = sandbox_available();
    let (root, subs) = setup("grade-report");
    let out = root.join("scratch/gradebook");
    graded(&root, &subs, &out, &[], sandboxed);
    let page = read(&out.join("report.html"));
    let book: Value = serde_json::from_str(&read(&out.join("grades.json"))).unwrap();
    let task_done = |id: &'static str| {
        move |e: &Value| {
            e["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["id"] == id && t["done"] == true)
        }
    };
    let graded_not =
        |id: &'static str| move |e: &Value| e["status"] == "graded" && !task_done(id)(e);
    for task in ["add", "total"] {
        let row = format!("t-01_sums-{task}");
        let earned = ids_where(&book, task_done(task));
        let missed = ids_where(&book, graded_not(task));
        assert_eq!(count_in(&page, &row, "earned"), earned.len(), "{task}");
        assert_eq!(count_in(&page, &row, "missed"), missed.len(), "{task}");
        let mut earned = earned;
        earned.sort();
        assert_eq!(group_of(&page, &row, "earned"), earned, "{task}");
    }
    // What the class did, as built: total is wrong only in wrong-total; broken does not
    // compile.
    assert_eq!(
        ids_where(&book, task_done("total")).len(),
        5,
        "honest, flagged, wrong-add, endless, hostile"
    );
    assert_eq!(count_in(&page, "t-01_sums-add", "earned"), 3);
    let broken = ids_where(&book, |e| e["status"] == "does-not-compile");
    assert_eq!(broken, ["broken"]);
    let row = |id: &str| {
        let start = page.find(&format!("<tr id=\"n-{id}\">")).unwrap();
        page[start..start + page[start..].find("</tr>").unwrap()].to_owned()
    };
    assert!(
        row("01_sums").contains("title=\"01_sums does not compile\">1</a>"),
        "{}",
        row("01_sums")
    );
    assert!(
        row("01_sums").contains("title=\"a test of 01_sums timed out\">1</a>"),
        "{}",
        row("01_sums")
    );
    // The flagged submission is listed first, with what was found.
    let flagged = &page[page.find("<section id=\"flagged\">").unwrap()
        ..page.find("<section id=\"scores\">").unwrap()];
    assert!(
        flagged.contains(">flagged</a>") && flagged.contains("harness-environment"),
        "{flagged}"
    );
    // The score distribution covers every submission once.
    let scores = &page[page.find("<section id=\"scores\">").unwrap()
        ..page.find("<section id=\"tasks\">").unwrap()];
    let counted: usize = scores
        .match_indices("<a class=\"n\"")
        .map(|(at, _)| {
            let link = &scores[at..];
            link[link.find('>').unwrap() + 1..link.find("</a>").unwrap()]
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(counted, 7, "{scores}");

    // Every link lands: fragments on an anchor, files on a file of the gradebook.
    let ids = values(&page, "id");
    let mut files = 0;
    for target in values(&page, "href") {
        match target.strip_prefix('#') {
            Some(anchor) => assert!(ids.contains(&anchor), "#{anchor}"),
            None => {
                let path = out.join(decoded(target));
                assert!(path.is_file(), "{target}: {}", path.display());
                files += 1;
            }
        }
    }
    // grade.json and junit.xml of each of seven, and the history page, twice (its row
    // and the example of its failure).
    assert_eq!(files, 7 * 2 + 2, "{page}");

    // The page of the failed history check: the one `checker check` draws.
    let drawn = out.join("pages/wrong-total/01_sums-totals_a_slice.html");
    let scratch = root.join("scratch/expected.html");
    checker_core::pages::write(&check_report(), &scratch).unwrap();
    assert_eq!(
        read(&drawn),
        read(&scratch).replace(
            "expected.history.json",
            "01_sums-totals_a_slice.history.json"
        )
    );
    let history: Value =
        serde_json::from_str(&read(&drawn.with_extension("history.json"))).unwrap();
    let mut kept = check_report().history;
    kept["consistency"] = check_report().check.into();
    assert_eq!(history, kept);
    assert!(page.contains("href=\"pages/wrong-total/01_sums-totals_a_slice.html\""));
    // Only that one: the hostile submission printed a report, which is not one.
    let pages: Vec<_> = std::fs::read_dir(out.join("pages"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(pages, ["wrong-total"]);

    // What the hostile submission printed or panicked with is text, never markup.
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the page's own script"
    );
    for raw in [
        "<img",
        "</pre><script",
        "<a href=javascript",
        "alert('out')",
        "alert(&apos;out",
        "alert(&apos;err",
    ] {
        assert!(!page.contains(raw), "{raw}");
    }
    assert!(
        page.contains("&lt;/pre&gt;&lt;script&gt;alert(&apos;panic&apos;)&lt;/script&gt;"),
        "the panic, escaped"
    );

    browse(&root.join("scratch"), &out.join("report.html"));
}

/// The report in headless Chromium: the DOM after the script ran, and a screenshot.
fn browse(dir: &Path, report: &Path) {
    if !tool_available("chromium") {
        return;
    }
    let url = format!("file://{}", report.display());
    let dom = chromium(dir, &url, &["--dump-dom"], 900);
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    // The script put its filter box before the table of submissions.
    assert!(
        dom.contains("<input id=\"filter\" type=\"search\""),
        "{dom}"
    );
    for section in [
        "flagged",
        "scores",
        "tasks",
        "failures",
        "not-run",
        "submissions",
        "groups",
    ] {
        assert!(
            dom.contains(&format!("<section id=\"{section}\">")),
            "{section}"
        );
    }
    assert_eq!(dom.matches("<img").count(), 0);
    let shot = dir.join("report.png");
    let taken = chromium(
        dir,
        &url,
        &[&format!("--screenshot={}", shot.display())],
        1500,
    );
    assert!(shot.is_file(), "{}", String::from_utf8_lossy(&taken.stderr));
    // The score bars and the flagged table's edge, drawn in their colours.
    assert!(
        !rows(&shot, [0x5c, 0x6b, 0xc0], 20).is_empty(),
        "no score bar"
    );
    assert!(
        rows(&shot, [0xc6, 0x28, 0x28], 1).len() > 10,
        "no flagged edge"
    );
    if std::env::var_os("CHECKER_WRITE_FIGURES").is_some() {
        let figure = course::workspace().join("docs/src/figures/class-report.png");
        std::fs::copy(&shot, figure).unwrap();
    }
}

/// Chromium on `url` in a window 1100 pixels wide and `height` tall.
fn chromium(dir: &Path, url: &str, args: &[&str], height: u32) -> std::process::Output {
    browser::chromium(dir, url, args, (1100, height))
}

/// Every file under `dir`, relative, with its text.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                found.insert(name, read(&path));
            }
        }
    }
    found
}

#[test]
fn the_merge_of_shards_writes_the_same_report_and_pages_as_one_run() {
    let sandboxed = sandbox_available();
    let (root, subs) = setup("grade-report-shards");
    // Not the endless one: its timeout costs time and adds nothing to the merge.
    std::fs::remove_dir_all(subs.join("endless")).unwrap();
    let whole = root.join("scratch/whole");
    graded(&root, &subs, &whole, &[], sandboxed);
    let mut shards = Vec::new();
    for k in 1..=2 {
        let dir = root.join(format!("scratch/shard-{k}"));
        graded(
            &root,
            &subs,
            &dir,
            &["--shard", &format!("{k}/2")],
            sandboxed,
        );
        shards.push(dir);
    }
    let merged = root.join("scratch/merged");
    let mut args = vec!["gradebook", "--out", merged.to_str().unwrap()];
    args.extend(shards.iter().map(|d| d.to_str().unwrap()));
    let run = checker_with(&root, &args, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    // The page was drawn by the shard that graded the submission, and again by the merge.
    let drew: Vec<bool> = shards
        .iter()
        .map(|d| d.join("pages/wrong-total").is_dir())
        .collect();
    assert_eq!(drew.iter().filter(|&&d| d).count(), 1, "{drew:?}");
    let pick = |dir: &Path| -> BTreeMap<String, String> {
        tree(dir)
            .into_iter()
            .filter(|(name, _)| name == "report.html" || name.starts_with("pages/"))
            .collect()
    };
    let one = pick(&whole);
    assert!(one.contains_key("pages/wrong-total/01_sums-totals_a_slice.html"));
    pretty_assertions::assert_eq!(pick(&merged), one);
}

/// The course itself, exercise 01_linearizable: the reference solution, the skeleton,
/// and the solution with one mistake that a quorum history check catches. The course's
/// own suite attaches the check report; the gradebook draws its page, and only its.
#[test]
fn a_course_suite_s_failed_history_check_gets_its_page_in_the_gradebook() {
    let sandboxed = sandbox_available();
    let ws = course::workspace();
    let scratch = ws.join("target/course-tests/grade-report-course");
    _ = std::fs::remove_dir_all(&scratch);
    let subs = scratch.join("submissions");
    let exercise = "exercises/01_linearizable";
    course::copy(
        &ws.join("solutions/01_linearizable"),
        &subs.join("solution").join(exercise),
    );
    course::copy(
        &ws.join("checker/skeletons/01_linearizable"),
        &subs.join("skeleton").join(exercise),
    );
    // The solution with the fixture's quorum module (the fixture's lib.rs reaches the
    // solution's other modules by path, which a submission cannot).
    let wrong = subs.join("no-write-back").join(exercise);
    course::copy(&ws.join("solutions/01_linearizable"), &wrong);
    std::fs::copy(
        ws.join(
            "checker/tests/fixtures/wrong/01_linearizable/read_without_write_back/src/quorum.rs",
        ),
        wrong.join("src/quorum.rs"),
    )
    .unwrap();
    let out = scratch.join("gradebook");
    let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .arg("--course")
        .arg(&ws)
        .args(["grade", "--exercise", "01_linearizable"])
        .arg(&subs)
        .arg("--out")
        .arg(&out)
        .env("NO_COLOR", "1");
    if !sandboxed {
        command.arg("--no-sandbox");
    }
    let run = command.output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", said(&run));
    let page = read(&out.join("report.html"));
    let drawn = out.join("pages/no-write-back/01_linearizable-quorum.reads_write_back.html");
    let history = read(&drawn);
    // The page `checker check` draws: a verdict, the history drawn, its whole beside it.
    assert!(history.contains("linearizability violated"), "{history}");
    assert!(history.contains("<svg"), "{history}");
    assert!(drawn.with_extension("history.json").is_file());
    let pages: Vec<_> = std::fs::read_dir(out.join("pages"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(pages, ["no-write-back"]);
    assert!(
        page.contains("href=\"pages/no-write-back/01_linearizable-quorum.reads_write_back.html\""),
        "{page}"
    );
    // The quorum task: earned by the solution alone, missed by the other two.
    assert_eq!(count_in(&page, "t-01_linearizable-quorum", "earned"), 1);
    assert_eq!(count_in(&page, "t-01_linearizable-quorum", "missed"), 2);
    assert_eq!(
        group_of(&page, "t-01_linearizable-quorum", "missed"),
        ["no-write-back", "skeleton"]
    );
}
