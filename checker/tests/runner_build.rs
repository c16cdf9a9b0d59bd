//! Building suites against exercise folders: a correct one, a wrong one, one that does
//! not compile, broken manifests; and that the folders are left as they were.

#[path = "fixtures/support.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::Path;

use support::{
    BuildError, Optimised, Outcome, RunOptions, build, exercise, manifest, runner, suite,
};

/// Every file under `dir`, relative to it.
fn files(dir: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.insert(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    found
}

#[test]
fn a_correct_exercise_passes_every_test_of_its_suite() {
    let before = files(&exercise("sums"));
    let results = build("sums", "sums", "sums")
        .run_all(&RunOptions::default())
        .unwrap();
    let seen: Vec<(&str, &str, &Outcome)> = results
        .iter()
        .map(|r| (r.task.as_str(), r.name.as_str(), &r.outcome))
        .collect();
    assert_eq!(
        seen,
        [
            ("add", "adds_small_numbers", &Outcome::Passed),
            ("add", "adds_negative_numbers", &Outcome::Passed),
            ("total", "totals_a_list", &Outcome::Passed),
            (
                "total",
                "totals_after_an_hour_of_virtual_time",
                &Outcome::Passed
            ),
        ]
    );
    // Cargo wrote its lock file and build output elsewhere.
    assert_eq!(files(&exercise("sums")), before);
}

/// A suite with a `bridge.rs` is a library its bridge hands the exercise being checked
/// (a wrong `add` fails through the bridge), optimised or not; and the runner keeps each
/// test's duration for the order of the next run.
#[test]
fn a_bridge_hands_the_exercise_being_checked_to_the_suites_library() {
    for optimised in [Optimised::No, Optimised::Yes] {
        let run = |folder: &str| {
            runner()
                .optimised(optimised)
                .build(
                    "sums",
                    &exercise(folder),
                    &manifest("sums"),
                    &suite("sums-bridged"),
                )
                .unwrap()
                .run_all(&RunOptions::default())
                .unwrap()
        };
        let outcomes = |folder: &str| -> Vec<(String, bool)> {
            run(folder)
                .into_iter()
                .map(|r| (r.name, r.outcome == Outcome::Passed))
                .collect()
        };
        let expected =
            |add: bool| vec![("adds_later".to_owned(), add), ("totals".to_owned(), true)];
        assert_eq!(outcomes("sums"), expected(true), "{optimised:?}");
        assert_eq!(outcomes("sums-wrong"), expected(false), "{optimised:?}");
    }
    let runners = support::target_dir().join("checker/runners");
    let kept: Vec<String> = std::fs::read_dir(&runners)
        .unwrap()
        .filter_map(|entry| std::fs::read_to_string(entry.unwrap().path().join("durations")).ok())
        .filter(|text| text.contains(" adds_later\n"))
        .collect();
    assert!(
        !kept.is_empty(),
        "no durations kept under {}",
        runners.display()
    );
    for text in kept {
        let names: Vec<&str> = text
            .lines()
            .map(|line| {
                let (millis, name) = line.split_once(' ').unwrap();
                assert!(millis.parse::<u64>().is_ok(), "{line}");
                name
            })
            .collect();
        assert_eq!(names, ["adds_later", "totals"]);
    }
}

#[test]
fn a_wrong_exercise_fails_with_the_suites_own_message() {
    let results = build("sums", "sums-wrong", "sums")
        .run_all(&RunOptions::default())
        .unwrap();
    let outcome = |name: &str| {
        let result = results.iter().find(|r| r.name == name).unwrap();
        result.outcome.clone()
    };
    let Outcome::Panicked { message, location } = outcome("adds_small_numbers") else {
        panic!("{}", outcome("adds_small_numbers"));
    };
    assert!(
        message.starts_with("assertion `left == right` failed: add(2, 3) should be 5"),
        "{message}"
    );
    assert!(message.contains("left: -1"), "{message}");
    assert!(location.unwrap().contains("suites/sums/main.rs:"));
    assert!(!outcome("adds_negative_numbers").passed());
    assert_eq!(outcome("totals_a_list"), Outcome::Passed);
}

#[test]
fn the_same_suite_gets_one_binary_per_exercise_folder_and_is_not_relinked() {
    let right = build("sums", "sums", "sums");
    let wrong = build("sums", "sums-wrong", "sums");
    assert_ne!(right.binary(), wrong.binary());
    let modified = |path: &Path| std::fs::metadata(path).unwrap().modified().unwrap();
    let first = modified(right.binary());
    let again = build("sums", "sums", "sums");
    assert_eq!(again.binary(), right.binary());
    assert_eq!(
        modified(again.binary()),
        first,
        "nothing changed, so nothing was rebuilt"
    );
}

/// A build made once (grading, `--solution`, `--path`) keeps no incremental cache of the
/// runner's own packages: over the course's fixtures those came to gigabytes that
/// nothing read again. A build for a student's repeated checks keeps it. Neither keeps
/// line tables in its binary (which a build of the course's dev profile has).
#[test]
fn a_build_made_once_keeps_no_cache_one_for_repeated_checks_does_and_neither_line_tables() {
    // A copy of `sums` of this test's own, so that its runner is this test's alone.
    let copy = support::target_dir().join("scratch/sums-built-once");
    std::fs::create_dir_all(copy.join("src")).unwrap();
    for file in ["Cargo.toml", "src/lib.rs"] {
        std::fs::copy(exercise("sums").join(file), copy.join(file)).unwrap();
    }
    let built = |optimised: Optimised| {
        runner()
            .optimised(optimised)
            .build("sums", &copy, &manifest("sums"), &suite("sums"))
            .unwrap_or_else(|error| panic!("{error}"))
    };
    let incremental = support::target_dir().join("debug/incremental");
    let caches = |binary: &Path| -> Vec<std::path::PathBuf> {
        let crate_name = binary
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .replace('-', "_");
        std::fs::read_dir(&incremental)
            .into_iter()
            .flatten()
            .map(|entry| entry.unwrap().path())
            .filter(|path| {
                let name = path.file_name().unwrap().to_str().unwrap();
                name.strip_prefix(&crate_name)
                    .is_some_and(|rest| rest.starts_with('-'))
            })
            .collect()
    };
    // Clear what an earlier run of this test left, then build again after an edit.
    let once = built(Optimised::No);
    for cache in caches(once.binary()) {
        std::fs::remove_dir_all(cache).unwrap();
    }
    std::fs::File::options()
        .append(true)
        .open(copy.join("src/lib.rs"))
        .unwrap()
        .set_modified(std::time::SystemTime::now())
        .unwrap();
    let has_line_tables = |binary: &Path| {
        let sections = elf_sections(&std::fs::read(binary).unwrap());
        assert!(sections.contains(".text"), "sections read: {sections:?}");
        sections.contains(".debug_line")
    };
    let once = built(Optimised::No);
    assert_eq!(once.run_all(&RunOptions::default()).unwrap().len(), 4);
    assert_eq!(caches(once.binary()), Vec::<std::path::PathBuf>::new());
    if cfg!(target_os = "linux") {
        assert!(!has_line_tables(once.binary()), "built once: stripped");
    }
    let repeated = built(Optimised::Yes);
    assert_eq!(repeated.binary(), once.binary());
    assert!(
        !caches(repeated.binary()).is_empty(),
        "an optimised build keeps its cache under {}",
        incremental.display()
    );
    if cfg!(target_os = "linux") {
        assert!(
            !has_line_tables(repeated.binary()),
            "for checks: stripped too"
        );
    }
}

/// The names of the sections of a 64-bit little-endian ELF file.
fn elf_sections(elf: &[u8]) -> BTreeSet<String> {
    assert_eq!(
        &elf[..6],
        b"\x7fELF\x02\x01",
        "a 64-bit little-endian ELF file"
    );
    let int = |at: usize, width: usize| {
        let mut bytes = [0u8; 8];
        bytes[..width].copy_from_slice(&elf[at..at + width]);
        u64::from_le_bytes(bytes) as usize
    };
    let (table, entry, count) = (int(0x28, 8), int(0x3a, 2), int(0x3c, 2));
    let header = |index: usize| table + index * entry;
    let names = int(header(int(0x3e, 2)) + 0x18, 8);
    (0..count)
        .map(|index| {
            let start = names + int(header(index), 4);
            let end = start + elf[start..].iter().position(|&b| b == 0).unwrap();
            String::from_utf8_lossy(&elf[start..end]).into_owned()
        })
        .collect()
}

#[test]
fn an_exercise_that_does_not_compile_is_a_student_result() {
    let before = files(&exercise("sums-broken"));
    let error = runner()
        .build(
            "sums",
            &exercise("sums-broken"),
            &manifest("sums"),
            &suite("sums"),
        )
        .unwrap_err();
    let BuildError::DoesNotCompile { errors, more } = &error else {
        panic!("{error}");
    };
    assert_eq!(*more, 0);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("error[E0308]: mismatched types"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("sums-broken/src/lib.rs:5:5"),
        "{}",
        errors[0]
    );
    assert!(error.is_student_result());
    assert!(
        error
            .to_string()
            .starts_with("the exercise does not compile:\n\nerror[E0308]")
    );
    assert_eq!(files(&exercise("sums-broken")), before);
}

#[test]
fn the_folders_own_manifest_is_never_read_and_its_build_script_never_runs() {
    let scratch = support::target_dir().join("scratch-own-manifest");
    _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("src")).unwrap();
    std::fs::copy(
        exercise("sums").join("src/lib.rs"),
        scratch.join("src/lib.rs"),
    )
    .unwrap();
    let marker = scratch.join("build-script-ran");
    // A manifest that would run a build script, pull in a crate the course does not
    // give, and rename the library: none of it may count.
    std::fs::write(
        scratch.join("Cargo.toml"),
        "[package]\nname = \"sums\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         build = \"build.rs\"\n[lib]\nname = \"other\"\n[dependencies]\n\
         not-a-course-crate = { path = \"/nowhere\" }\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        scratch.join("build.rs"),
        format!(
            "fn main() {{ std::fs::write({:?}, \"ran\").unwrap(); }}\n",
            marker.display()
        ),
    )
    .unwrap();
    let results = runner()
        .build("sums", &scratch, &manifest("sums"), &suite("sums"))
        .unwrap_or_else(|error| panic!("{error}"))
        .run_all(&RunOptions::default())
        .unwrap();
    assert!(results.iter().all(|r| r.outcome == Outcome::Passed));
    assert!(!marker.exists(), "the copy's build script ran");
    std::fs::remove_dir_all(&scratch).unwrap();
}

#[test]
fn missing_sources_broken_course_manifests_and_bad_names_are_clear_errors() {
    let scratch = support::target_dir().join("scratch-broken-manifest");
    _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let runner = runner();

    // A folder without src/lib.rs is no exercise.
    let error = runner
        .build("sums", &scratch, &manifest("sums"), &suite("sums"))
        .unwrap_err();
    assert!(matches!(error, BuildError::NotFound { .. }), "{error}");
    assert!(error.to_string().contains("src/lib.rs"), "{error}");
    assert!(!error.is_student_result());

    // The course's own manifest broken is the course's trouble, naming the file.
    let course_manifest = scratch.join("Cargo.toml");
    let build = |text: &str| {
        std::fs::write(&course_manifest, text).unwrap();
        runner
            .build("sums", &exercise("sums"), &course_manifest, &suite("sums"))
            .unwrap_err()
    };
    let error = build("[package\nname = \"sums\"\n");
    assert!(matches!(error, BuildError::Course { .. }), "{error}");
    assert!(!error.is_student_result());
    assert!(error.to_string().contains("Cargo.toml: "), "{error}");
    let error = build("[dependencies]\n");
    assert!(
        error
            .to_string()
            .ends_with("it has no [package] table with a name"),
        "{error}"
    );

    let error = runner
        .build(
            "sums",
            &scratch.join("missing"),
            &manifest("sums"),
            &suite("sums"),
        )
        .unwrap_err();
    assert!(matches!(error, BuildError::NotFound { .. }), "{error}");
    assert!(!error.is_student_result());

    for name in ["testkit", "Sums", "tokio", "", "sums/.."] {
        let error = runner
            .build(name, &exercise("sums"), &manifest("sums"), &suite("sums"))
            .unwrap_err();
        assert!(
            matches!(error, BuildError::BadExerciseName { .. }),
            "{name}: {error}"
        );
    }
    std::fs::remove_dir_all(&scratch).unwrap();
}
