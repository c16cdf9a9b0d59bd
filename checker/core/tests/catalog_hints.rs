//! The hints of the course's own catalog, read as a student meets them: `checker hint`
//! shows the next hint of the first task not done, so each task needs hints of its own,
//! short enough to read beside the task list, and naming only what the student has in
//! front of them (the exercise's README, its skeleton, its given crate, the simulated
//! world, the standard library and tokio).
//!
//! Whether a hint is right, or gives away another task, is for a reader to judge; these
//! tests catch what a reader misses after an edit elsewhere: a hint copied to a second
//! task, a task left without hints, a name that a rename of the skeleton left behind, a
//! clause number that a rewrite of the README moved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use checker_core::catalog::{Catalog, Exercise};

/// The root of the course: this crate is `checker/core/`.
fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn catalog() -> Catalog {
    Catalog::load(&course().join("checker/catalog.toml")).expect("the course's catalog loads")
}

/// The longest hint: seven lines of an 80-column terminal, so that a hint shown on the
/// watch screen leaves the tasks and their failures in view.
const LONGEST: usize = 7 * 80;

#[test]
fn every_task_has_two_or_three_hints_of_its_own() {
    let catalog = catalog();
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    let mut wrong = Vec::new();
    for ex in &catalog.exercises {
        for task in &ex.tasks {
            let place = format!("{} task {}", ex.name, task.id);
            if !(2..=3).contains(&task.hints.len()) {
                wrong.push(format!(
                    "{place} has {} hints; it needs 2 or 3: the idea, the approach, and for a \
                     hard task almost the answer",
                    task.hints.len()
                ));
            }
            for (i, hint) in task.hints.iter().enumerate() {
                let here = format!("{place}, hint {}", i + 1);
                if hint.trim().is_empty() {
                    wrong.push(format!("{here} is empty"));
                }
                if hint.chars().count() > LONGEST {
                    wrong.push(format!(
                        "{here} is {} characters long, more than {LONGEST}",
                        hint.chars().count()
                    ));
                }
                if let Some(first) = seen.insert(hint, here.clone()) {
                    wrong.push(format!("{here} repeats {first}: a hint is about one task"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Names of the standard library and tokio that hints may use although no file of the
/// exercise spells them.
const STD_NAMES: &[&str] = &[
    "Arc",
    "BTreeMap",
    "BTreeSet",
    "Instant",
    "Mutex",
    "Ordering",
    "Relaxed",
    "as_nanos",
    "fetch_add",
    "timeout_at",
    "try_from",
    "wait_for",
];

/// Everything the student of `ex` reads: the pristine README, skeleton and visible tests
/// (`checker/skeletons/NAME/`, which the student's copy starts as), the given crate, and
/// the simulated world's node API.
fn what_the_student_reads(ex: &Exercise) -> String {
    let root = course();
    let mut text = String::new();
    let mut folders = vec![
        root.join("checker/skeletons").join(&ex.name),
        root.join("given").join(&ex.name).join("src"),
    ];
    if root.join("testkit/src/sim").is_dir() {
        folders.push(root.join("testkit/src/sim"));
        text.push_str(
            &std::fs::read_to_string(root.join("testkit/src/sim.rs")).unwrap_or_default(),
        );
    }
    while let Some(dir) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "md") {
                text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    text
}

/// The words of `hint` that read as code: with an underscore (`compare_and_swap`,
/// `STALE_AFTER`), in camel case (`ReplyTo`), or called (`total()`). Prose never has
/// them, so each must be a name the student can look up. Clause numbers (`lww_map.2`)
/// are the README's words, not code.
fn code_words(hint: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = hint.char_indices().collect();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut words = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_word(chars[i].1) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_word(chars[i].1) {
            i += 1;
        }
        let from = chars[start].0;
        let to = chars.get(i).map_or(hint.len(), |&(at, _)| at);
        let word = &hint[from..to];
        let called = chars.get(i).is_some_and(|&(_, c)| c == '(');
        // All capitals without an underscore are abbreviations (CP, README), not names.
        let camel = word.chars().any(|c| c.is_ascii_lowercase())
            && word.chars().skip(1).any(|c| c.is_ascii_uppercase());
        let code = word.contains('_') && word.len() > 1 || camel || called;
        // `lww_map.2` names a clause of the README, not code.
        let clause = chars.get(i).is_some_and(|&(_, c)| c == '.')
            && chars.get(i + 1).is_some_and(|&(_, c)| c.is_ascii_digit());
        if code && !clause && !word.starts_with(|c: char| c.is_ascii_digit()) {
            words.push(word);
        }
    }
    words
}

#[test]
fn hints_name_only_what_the_student_can_read() {
    let catalog = catalog();
    let mut wrong = Vec::new();
    for ex in &catalog.exercises {
        let readable = what_the_student_reads(ex);
        for task in &ex.tasks {
            for (i, hint) in task.hints.iter().enumerate() {
                for word in code_words(hint) {
                    if !STD_NAMES.contains(&word) && !readable.contains(word) {
                        wrong.push(format!(
                            "{} task {}, hint {}: `{word}` is in no file the student reads \
                             (README, skeleton, given crate, testkit::sim)",
                            ex.name,
                            task.id,
                            i + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The clauses of the README (`register.4`, named by a task id and a number) that `hint`
/// cites.
fn cited_clauses(hint: &str, tasks: &[&str]) -> Vec<String> {
    let mut cited = Vec::new();
    for task in tasks {
        let prefix = format!("{task}.");
        for (at, _) in hint.match_indices(&prefix) {
            let whole_word = !hint[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            let number: String = hint[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if whole_word && !number.is_empty() {
                cited.push(format!("{task}.{number}"));
            }
        }
    }
    cited
}

#[test]
fn hints_cite_clauses_the_readme_states() {
    let catalog = catalog();
    let mut wrong = Vec::new();
    for ex in &catalog.exercises {
        let readme = course()
            .join("checker/skeletons")
            .join(&ex.name)
            .join("README.md");
        let readme = std::fs::read_to_string(&readme).unwrap_or_default();
        let ids: Vec<&str> = ex.tasks.iter().map(|t| t.id.as_str()).collect();
        for task in &ex.tasks {
            for (i, hint) in task.hints.iter().enumerate() {
                for clause in cited_clauses(hint, &ids) {
                    if !readme.contains(&format!("**{clause}**")) {
                        wrong.push(format!(
                            "{} task {}, hint {} cites {clause}, which the exercise's README \
                             does not state",
                            ex.name,
                            task.id,
                            i + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn first_hints_are_ideas_without_code() {
    let catalog = catalog();
    let mut wrong = Vec::new();
    for ex in &catalog.exercises {
        for task in &ex.tasks {
            let Some(first) = task.hints.first() else {
                continue;
            };
            let words = code_words(first);
            if !words.is_empty() {
                wrong.push(format!(
                    "{} task {}, hint 1 names {}: the first hint gives the idea and where to \
                     read, the names come in the next",
                    ex.name,
                    task.id,
                    words.join(", ")
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn code_words_are_names_not_prose() {
    assert_eq!(
        code_words(
            "Ask: does compare_and_swap(seen, owner) give a ReplyTo? See the README, CP, n10."
        ),
        ["compare_and_swap", "ReplyTo"]
    );
    assert_eq!(
        code_words("the total() of {n0: 1} past STALE_AFTER (lww_map.2)"),
        ["total", "STALE_AFTER"]
    );
}

#[test]
fn cited_clauses_are_task_ids_with_a_number() {
    assert_eq!(
        cited_clauses(
            "Reread cp.1 to cp.11 and ap.3; map.2 and the cp. rules are not clauses.",
            &["cp", "ap", "lww_map"]
        ),
        ["cp.1", "cp.11", "ap.3"]
    );
}
