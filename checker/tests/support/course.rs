//! The fixture course (`tests/fixtures/course`, one exercise with two tasks), copied to
//! a scratch folder for each test so that tests can change it, and the real `checker`
//! binary run on it.

// Each test file includes this module and uses a different part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// The course's exercises, as its catalog lists them: a test that goes through every
/// exercise covers a new one by itself.
pub fn exercises() -> Vec<&'static str> {
    let path = workspace().join("checker/catalog.toml");
    let catalog = checker_core::catalog::Catalog::load(&path).unwrap();
    let names = catalog.exercises.into_iter().map(|e| &*e.name.leak());
    names.collect()
}

/// The checker's fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The build folder every fixture course shares, so that dependencies compile once.
pub fn shared_target() -> PathBuf {
    workspace().join("target/course-tests/target")
}

/// A fresh copy of the fixture course named after `test`, with a root manifest that
/// points at this workspace's test kit and harness, and this workspace's lock file.
pub fn course(test: &str) -> PathBuf {
    let root = workspace().join("target/course-tests").join(test);
    let _ = std::fs::remove_dir_all(&root);
    copy(&fixtures().join("course"), &root);
    let ws = workspace();
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [\"exercises/*\", \"solutions/*\"]\n\n\
         [workspace.package]\nedition = \"2024\"\n\n\
         [workspace.dependencies]\n\
         suite-harness = {{ path = {:?} }}\n\
         testkit = {{ path = {:?} }}\n\
         tokio = {{ version = \"1.48\", features = [\"macros\", \"rt\", \"rt-multi-thread\", \"sync\", \"time\", \"test-util\"] }}\n\
         pretty_assertions = \"1.4\"\n",
        ws.join("harness"),
        ws.join("testkit")
    );
    std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(ws.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    root
}

/// A fresh copy of the fixture course with a second exercise (`02_words`, one task worth
/// 4 points): for what needs more than one exercise, such as moving between them.
pub fn two_exercises(test: &str) -> PathBuf {
    let root = course(test);
    let second = fixtures().join("second-exercise");
    for part in ["exercises", "solutions", "checker"] {
        copy(&second.join(part), &root.join(part));
    }
    let entry = std::fs::read_to_string(second.join("catalog.toml")).unwrap();
    let catalog = root.join("checker/catalog.toml");
    let text = std::fs::read_to_string(&catalog).unwrap();
    std::fs::write(&catalog, text + &entry).unwrap();
    root
}

/// Copies a folder tree.
pub fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Runs the checker on the course at `root`, with the shared build folder.
pub fn checker(root: &Path, args: &[&str]) -> Output {
    checker_with(root, args, &[])
}

/// Runs the checker on the course at `root` with extra environment variables.
pub fn checker_with(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
    command
        .arg("--course")
        .arg(root)
        .args(args)
        .env("CARGO_TARGET_DIR", shared_target())
        .env("NO_COLOR", "1");
    for (name, value) in env {
        command.env(name, value);
    }
    let out = command.output().expect("the checker starts");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("is built with the grade feature"),
        "this test grades, and the checker was built without grading: run it with \
         `cargo test -p checker --features grade` (the root `cargo test` turns grading on)"
    );
    out
}

/// Standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
