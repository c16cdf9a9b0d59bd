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

const EXERCISES: [&str; 7] = [
    "01_linearizable",
    "02_cap",
    "03_causal",
    "04_read_your_writes",
    "05_eventual",
    "06_sequential",
    "07_classification",
];

/// Words a renaming leaves alone: Rust's keywords, and what a copier cannot rename
/// without breaking the code (paths into std and the course's crates are renamed too,
/// which only makes the test harder).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

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
    let root = workspace();
    let mut honest_pairs = 0;
    let mut false_positives = Vec::new();
    let mut honest_scores = Vec::new();
    let mut copy_scores = Vec::new();
    for exercise in EXERCISES {
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
    let root = workspace();
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
