//! Similarity on a corpus: for every exercise of the course, the reference solution and
//! the two correct implementations in other styles (`fixtures/wrong/*/correct_*`,
//! written independently of it), against copies of the solution: exact, with every
//! identifier renamed, reformatted (comments added and removed, re-indented, braces
//! moved, lines joined) and both. Every copy must be found, at the default threshold,
//! with regions; no pair of independent solutions may be. The false-positive rate on
//! the honest pairs, and the scores seen, are printed (`--nocapture`) and stated in
//! docs/src/instructors.md.
//!
//! Needs the `grade` feature (the root `cargo test` turns it on).

#![cfg(feature = "grade")]

use std::path::{Path, PathBuf};

use checker_grader::similarity::sources::read_rs_files;
use checker_grader::similarity::{self, DEFAULT_THRESHOLD, Document, SourceFile};

/// Words a renaming leaves alone: Rust's keywords, and what a copier cannot rename
/// without breaking the code (paths into std and the course's crates are renamed too,
/// which only makes the test harder).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while",
];

fn files(dir: &Path) -> Vec<SourceFile> {
    read_rs_files(dir).unwrap_or_else(|| panic!("{} is readable", dir.display()))
}

fn doc(owner: &str, files: Vec<SourceFile>) -> Document {
    Document {
        owner: owner.into(),
        files,
    }
}

/// `text` with every identifier that is not a keyword renamed (`count` -> `count_q7`,
/// consistently), as a student hiding a copy by search-and-replace would.
fn renamed(text: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            if KEYWORDS.contains(&word.as_str()) || word.starts_with(|c: char| c.is_ascii_digit()) {
                out.push_str(word);
            } else {
                // Another word entirely, not a suffix: reversed and tagged.
                let reversed: String = word.chars().rev().collect();
                out.push_str(&format!("q{reversed}"));
            }
            word.clear();
        }
    };
    for c in text.chars() {
        if c == '_' || c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `text` reformatted as a student hiding a copy might: doc comments dropped, comments
/// of their own added, tabs for indentation, opening braces on a line of their own,
/// short statements joined, trailing commas removed, blank lines added.
fn reformatted(text: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    let lines: Vec<&str> = text.lines().collect();
    for (at, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        if body.starts_with("///") || body.starts_with("//!") {
            continue;
        }
        n += 1;
        let depth = (line.len() - body.len()) / 4;
        let indent = "\t".repeat(depth);
        // A trailing comma: the next line closes the list.
        let closes = lines
            .get(at + 1)
            .is_some_and(|next| next.trim_start().starts_with([')', ']', '}']));
        let body = match body.strip_suffix(',') {
            Some(head) if closes => head,
            _ => body,
        };
        if let Some(head) = body.strip_suffix('{').filter(|h| !h.trim().is_empty()) {
            out.push_str(&format!("{indent}{}\n{indent}{{\n", head.trim_end()));
        } else if body.ends_with(';') && n % 2 == 0 {
            // Joined with the next line.
            out.push_str(&format!("{indent}{body} "));
            continue;
        } else {
            out.push_str(&format!("{indent}{body}"));
            out.push('\n');
        }
        if n % 3 == 0 {
            out.push_str(&format!("{indent}// step {n}: see above\n\n"));
        }
        if n % 7 == 0 {
            out.push_str("/* checked */\n");
        }
    }
    out
}

fn transform(files: &[SourceFile], f: fn(&str) -> String) -> Vec<SourceFile> {
    files
        .iter()
        .map(|file| SourceFile {
            path: file.path.clone(),
            text: f(&file.text),
        })
        .collect()
}

#[test]
fn copies_are_found_and_independent_solutions_are_not() {
    let root = course::workspace();
    let mut honest_pairs = 0;
    let mut false_positives = Vec::new();
    let mut honest_scores = Vec::new();
    let mut copy_scores = Vec::new();
    for exercise in course::exercises() {
        let skeleton = files(&root.join("checker/skeletons").join(exercise).join("src"));
        let solution = files(&root.join("solutions").join(exercise).join("src"));
        let mut honest = vec![doc("solution", solution.clone())];
        let wrong = root.join("checker/tests/fixtures/wrong").join(exercise);
        let mut correct: Vec<PathBuf> = std::fs::read_dir(&wrong)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("correct_")
            })
            .collect();
        correct.sort();
        assert!(
            correct.len() >= 2,
            "{exercise}: two correct implementations"
        );
        for dir in &correct {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            honest.push(doc(&name, files(&dir.join("src"))));
        }
        let copies = vec![
            doc("copy", solution.clone()),
            doc("renamed", transform(&solution, renamed)),
            doc("reformatted", transform(&solution, reformatted)),
            doc(
                "renamed-reformatted",
                transform(&transform(&solution, renamed), reformatted),
            ),
        ];
        let all: Vec<Document> = honest.iter().chain(&copies).cloned().collect();
        // Scores of every pair, threshold 0, to see the margins.
        let (pairs, _) = similarity::compare(exercise, &skeleton, &all, &[], 0.0);
        let score = |a: &str, b: &str| {
            pairs
                .iter()
                .find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
                .map_or(0.0, |p| p.score)
        };
        let (listed, _) = similarity::compare(exercise, &skeleton, &all, &[], DEFAULT_THRESHOLD);
        let is_listed = |a: &str, b: &str| {
            listed
                .iter()
                .any(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
        };
        for c in &copies {
            let s = score("solution", &c.owner);
            copy_scores.push((exercise, c.owner.clone(), s));
            assert!(
                is_listed("solution", &c.owner),
                "{exercise}: the {} copy is not found (score {s:.2})",
                c.owner
            );
            let pair = listed
                .iter()
                .find(|p| p.a == "solution" && p.b == c.owner)
                .unwrap();
            assert!(
                !pair.regions.is_empty(),
                "{exercise} {}: no region",
                c.owner
            );
        }
        for (i, a) in honest.iter().enumerate() {
            for b in &honest[i + 1..] {
                honest_pairs += 1;
                let s = score(&a.owner, &b.owner);
                honest_scores.push((exercise, format!("{} / {}", a.owner, b.owner), s));
                if is_listed(&a.owner, &b.owner) {
                    false_positives
                        .push(format!("{exercise}: {} and {} ({s:.2})", a.owner, b.owner));
                }
            }
        }
    }
    let highest_honest = honest_scores.iter().map(|s| s.2).fold(0.0, f64::max);
    let lowest_copy = copy_scores.iter().map(|s| s.2).fold(1.0, f64::min);
    println!(
        "honest pairs: {honest_pairs}, listed at {DEFAULT_THRESHOLD}: {} ({:.0}%); highest \
         honest score {highest_honest:.2}; lowest copy score {lowest_copy:.2}",
        false_positives.len(),
        100.0 * false_positives.len() as f64 / honest_pairs as f64
    );
    for (exercise, pair, s) in honest_scores.iter().chain(
        copy_scores
            .iter()
            .map(|(e, c, s)| (*e, format!("solution / {c}"), *s))
            .collect::<Vec<_>>()
            .iter(),
    ) {
        println!("  {exercise} {pair}: {s:.2}");
    }
    assert_eq!(honest_pairs, 21);
    assert!(false_positives.is_empty(), "{false_positives:#?}");
}

#[test]
fn a_copy_of_part_of_a_file_is_found_with_that_part_as_its_region() {
    let root = course::workspace();
    let exercise = "05_eventual";
    let skeleton = files(&root.join("checker/skeletons").join(exercise).join("src"));
    let solution = files(&root.join("solutions").join(exercise).join("src"));
    // Alice wrote her own counter and map but took the solution's replica, renamed.
    let own = files(
        &root
            .join("checker/tests/fixtures/wrong")
            .join(exercise)
            .join("correct_push_pull/src"),
    );
    let mut alice = own.clone();
    for file in &mut alice {
        if file.path == "replica.rs" {
            let theirs = solution.iter().find(|f| f.path == "replica.rs").unwrap();
            file.text = renamed(&theirs.text);
        }
    }
    let docs = [doc("alice", alice), doc("solution", solution)];
    let (listed, _) = similarity::compare(exercise, &skeleton, &docs, &[], 0.0);
    let pair = &listed[0];
    assert!(pair.shared >= similarity::MIN_SHARED, "{pair:?}");
    // The copied file is where the shared code is (the skeleton's lines in it are
    // nobody's, so they split it into a few regions); the rest, if any, is the few
    // lines honest counters and maps share with the solution's.
    let lines = |file: &str| -> u32 {
        pair.regions
            .iter()
            .filter(|r| r.file_a == file && r.file_b == file)
            .map(|r| r.lines_a.1 - r.lines_a.0 + 1)
            .sum()
    };
    let elsewhere: u32 = ["gcounter.rs", "lww.rs"].iter().map(|f| lines(f)).sum();
    assert!(
        lines("replica.rs") >= 60 && lines("replica.rs") > 2 * elsewhere,
        "replica.rs {} lines, the others {elsewhere}: {:#?}",
        lines("replica.rs"),
        pair.regions
    );
    // Listed: the file copied scores as a copy, however much of the rest is one's own.
    assert!(pair.score >= DEFAULT_THRESHOLD, "{}", pair.score);
}

#[path = "support/browser.rs"]
mod browser;
#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

/// An honest solution of the fixture exercise with more to it than the two functions,
/// and a message that is markup (to check the report escapes what it shows).
const ALICE: &str = r#"//! Adding numbers.

/// The sum.
pub fn add(a: i64, b: i64) -> i64 {
    a.checked_add(b).unwrap_or_else(|| panic!("{a} + {b} overflows"))
}

/// The total.
pub fn total(xs: &[i64]) -> i64 {
    let mut sum = 0i64;
    for (i, x) in xs.iter().enumerate() {
        if i % 2 == 0 {
            sum = add(sum, *x);
        } else {
            sum = sum.wrapping_add(*x);
        }
    }
    sum
}

/// What the log says.
pub fn banner(n: usize) -> String {
    let mut out = String::from("</pre><script>document.title = 'pwned'</script>");
    for k in 0..n {
        out.push_str(&format!("[{k}]"));
        if k > 3 {
            break;
        }
    }
    out
}
"#;

/// Another student's own solution, in another style.
const CAROL: &str = r#"//! Sums, with iterators.

/// Adds two numbers.
pub fn add(a: i64, b: i64) -> i64 {
    [a, b].into_iter().sum()
}

/// Adds a slice, folding from zero.
pub fn total(xs: &[i64]) -> i64 {
    xs.iter().copied().fold(0, |acc, x| acc + x)
}

/// The running totals of a slice.
pub fn running(xs: &[i64]) -> Vec<i64> {
    xs.iter()
        .scan(0, |state, &x| {
            *state += x;
            Some(*state)
        })
        .collect()
}
"#;

/// `dir` packed as `into` (a .tar.gz), its files under `name/`.
fn tar_gz(dir: &Path, name: &str, into: &Path) {
    let file = std::fs::File::create(into).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    tar.append_dir_all(name, dir).unwrap();
    tar.into_inner().unwrap().finish().unwrap();
}

#[test]
fn grade_writes_similarity_of_copies_and_known_files_and_the_section_escapes_them() {
    let root = course::course("grade_similarity_run");
    let work = root.join("run");
    let subs = work.join("submissions");
    grading::submission(&subs, "alice", ALICE);
    grading::submission(&subs, "bob", &transform_text(ALICE));
    grading::submission(&subs, "carol", CAROL);
    // Erin's copy of Alice's comes as an archive.
    let erin = grading::submission(&work.join("packed"), "erin", ALICE);
    tar_gz(&erin, "erin", &subs.join("erin.tar.gz"));
    let known = work.join("known/01_sums");
    std::fs::create_dir_all(&known).unwrap();
    std::fs::write(known.join("published.rs"), CAROL).unwrap();
    let out = work.join("out");
    let sandboxed = grading::sandbox_available();
    let known_arg = work.join("known");
    let run = grading::grade(
        &root,
        &subs,
        &out,
        &["--known", known_arg.to_str().unwrap()],
        sandboxed,
    );
    assert_eq!(run.status.code(), Some(0), "{}", grading::said(&run));
    let text = std::fs::read_to_string(out.join("similarity.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["exercise", "a", "b", "score", "shared", "regions"]
    );
    let mut pairs: Vec<(String, String, f64)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].to_owned(), r[2].to_owned(), r[3].parse().unwrap())
        })
        .collect();
    pairs.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    let names: Vec<(&str, &str)> = pairs.iter().map(|p| (p.0.as_str(), p.1.as_str())).collect();
    assert_eq!(
        names,
        [
            ("alice", "bob"),
            ("alice", "erin"),
            ("bob", "erin"),
            ("carol", "known:01_sums/published.rs"),
        ],
        "{text}"
    );
    assert!(pairs.iter().all(|p| p.2 >= DEFAULT_THRESHOLD), "{text}");
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("similarity: 4 of"),
        "{}",
        grading::said(&run)
    );

    // The section, in a minimal page: the markup in Alice's code is text.
    let json = std::fs::read_to_string(out.join("similarity.json")).unwrap();
    let found: similarity::Similarity = serde_json::from_str(&json).unwrap();
    let section = similarity::section_html(&found);
    assert!(section.contains("&lt;/pre&gt;&lt;script&gt;"), "{section}");
    assert!(!section.contains("<script"), "{section}");
    // The class report holds the same section, under its own heading and contents line.
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains(&format!(
            "<section id=\"similarity\"><h2>Similarity</h2>\n{section}</section>"
        )),
        "the class report lacks the similarity section"
    );
    assert!(report.contains("<a href=\"#similarity\">Similarity</a>"));
    assert_eq!(report.matches("<tr id=\"similarity-").count(), 4);
    let page = work.join("page.html");
    std::fs::write(
        &page,
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>class</title></head>\
             <body>{section}</body></html>"
        ),
    )
    .unwrap();
    if !grading::tool_available("chromium") {
        return;
    }
    let dom = browser::chromium(
        &work,
        &format!("file://{}", page.display()),
        &["--dump-dom"],
        (1000, 700),
    );
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    assert!(dom.contains("<title>class</title>"), "a script ran: {dom}");
    assert!(!dom.contains("<script"), "{dom}");
    assert_eq!(dom.matches("<tr id=\"similarity-").count(), 4, "{dom}");
    assert!(
        dom.contains("&lt;/pre&gt;&lt;script&gt;document.title = 'pwned'&lt;/script&gt;"),
        "{dom}"
    );
}

/// Renamed and reformatted, as [`renamed`] and [`reformatted`] do.
fn transform_text(text: &str) -> String {
    // Renaming would rename `add`, which the suite calls; reformatting alone keeps it
    // compiling, and renaming is covered by the corpus above.
    reformatted(text)
}
