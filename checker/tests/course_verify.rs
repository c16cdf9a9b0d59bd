//! The course itself passes `checker dev verify`: every skeleton compiles and fails its
//! hidden suite, every solution passes it, the catalog and the folders agree. This is
//! what makes the README's test command test the course, not only the tools.

use std::path::Path;
use std::process::Command;

#[test]
fn the_course_verifies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(root)
        .args(["dev", "verify"])
        .env("NO_COLOR", "1")
        .output()
        .expect("the checker starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("the course is consistent"), "{stdout}");
}
