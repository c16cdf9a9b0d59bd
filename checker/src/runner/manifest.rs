//! The runner package: a manifest written in a scratch directory that ties a suite to
//! an exercise crate, so that neither of them is changed.
//!
//! The manifest has an empty `[workspace]` table, so cargo never attaches it to a
//! workspace around the scratch directory; one `[[bin]]` whose source is the suite's
//! `main.rs`, by absolute path; and dependencies on the exercise crate by path and on
//! the course's crates as the course's own manifest declares them. The course's
//! `[profile]` settings come along, so suites run as fast as the course's tests.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::build::BuildError;

/// The course crates a suite may use, by their names in `[workspace.dependencies]`.
const COURSE_DEPENDENCIES: [&str; 4] = ["suite-harness", "testkit", "tokio", "pretty_assertions"];

/// What the runner manifest takes from the course's root manifest.
#[derive(Debug)]
pub(super) struct Course {
    /// The course crates, their paths made absolute.
    dependencies: Table,
    /// The course's `[profile]` table, if any.
    profiles: Option<Value>,
    /// The edition of the course's crates.
    edition: String,
}

/// Reads the course's root `Cargo.toml`.
pub(super) fn read_course(root: &Path) -> Result<Course, BuildError> {
    let path = root.join("Cargo.toml");
    let manifest = read_manifest(&path).map_err(|reason| BuildError::Course {
        reason: format!("{}: {reason}", path.display()),
    })?;
    let declared = manifest
        .get("workspace")
        .and_then(|workspace| workspace.get("dependencies"))
        .and_then(Value::as_table);
    let mut dependencies = Table::new();
    for name in COURSE_DEPENDENCIES {
        let Some(entry) = declared.and_then(|declared| declared.get(name)) else {
            return Err(BuildError::Course {
                reason: format!(
                    "{} declares no workspace dependency `{name}`",
                    path.display()
                ),
            });
        };
        dependencies.insert(name.to_owned(), absolute_paths(entry.clone(), root));
    }
    let edition = manifest
        .get("workspace")
        .and_then(|workspace| workspace.get("package"))
        .and_then(|package| package.get("edition"))
        .and_then(Value::as_str)
        .unwrap_or("2024")
        .to_owned();
    Ok(Course {
        dependencies,
        profiles: manifest.get("profile").cloned(),
        edition,
    })
}

/// A dependency entry whose `path`, if any, is resolved against `root`.
fn absolute_paths(entry: Value, root: &Path) -> Value {
    match entry {
        Value::Table(mut table) => {
            if let Some(Value::String(path)) = table.get("path") {
                let absolute = root.join(path).to_string_lossy().into_owned();
                table.insert("path".to_owned(), Value::String(absolute));
            }
            Value::Table(table)
        }
        other => other,
    }
}

/// The package name in the exercise's `Cargo.toml`.
pub(super) fn exercise_package(dir: &Path) -> Result<String, BuildError> {
    let path = dir.join("Cargo.toml");
    if !path.is_file() {
        return Err(BuildError::NotFound {
            what: "an exercise crate (a folder with a Cargo.toml)",
            path: dir.to_owned(),
        });
    }
    let broken = |reason: String| BuildError::BrokenManifest {
        path: path.clone(),
        reason,
    };
    let manifest = read_manifest(&path).map_err(broken)?;
    manifest
        .get("package")
        .and_then(|package| package.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| broken("it has no [package] table with a name".to_owned()))
}

/// Reads and parses a manifest; the error is one line.
fn read_manifest(path: &Path) -> Result<Table, String> {
    let text = std::fs::read_to_string(path).map_err(|error| error.to_string())?;
    text.parse::<Table>().map_err(|error| {
        // toml's message draws the place over several lines; the first says what.
        let message = error.to_string();
        message.lines().next().unwrap_or_default().trim().to_owned()
    })
}

/// Everything that goes into one runner manifest.
pub(super) struct Runner<'a> {
    /// The runner package's name, also its binary's name.
    pub(super) name: &'a str,
    /// The suite's `main.rs`, absolute.
    pub(super) suite_main: &'a Path,
    /// The name suites use for the exercise crate.
    pub(super) exercise_key: &'a str,
    /// The exercise's package name.
    pub(super) exercise_package: &'a str,
    /// The exercise's folder, absolute.
    pub(super) exercise_dir: &'a Path,
}

/// The text of the runner package's `Cargo.toml`.
pub(super) fn runner_manifest(course: &Course, runner: &Runner<'_>) -> String {
    let path_text = |path: &Path| Value::String(path.to_string_lossy().into_owned());
    let mut package = Table::new();
    package.insert("name".into(), runner.name.into());
    package.insert("version".into(), "0.0.0".into());
    package.insert("edition".into(), course.edition.as_str().into());
    package.insert("publish".into(), false.into());

    let mut bin = Table::new();
    bin.insert("name".into(), runner.name.into());
    bin.insert("path".into(), path_text(runner.suite_main));

    let mut exercise = Table::new();
    exercise.insert("path".into(), path_text(runner.exercise_dir));
    exercise.insert("package".into(), runner.exercise_package.into());
    let mut dependencies = course.dependencies.clone();
    dependencies.insert(runner.exercise_key.into(), exercise.into());

    // One table per section, in the order people expect to read them; a single table
    // would come out sorted by name, with `[package]` in the middle.
    let section = |key: &str, value: Value| {
        let mut table = Table::new();
        table.insert(key.into(), value);
        table.to_string()
    };
    let mut text = String::from(
        "# Written by the checker to build a hidden suite; rewritten on every build.\n",
    );
    text += &section("package", package.into());
    text += "\n# Not part of any workspace around the target directory.\n[workspace]\n\n";
    text += &section("bin", Value::Array(vec![bin.into()]));
    text += "\n";
    text += &section("dependencies", dependencies.into());
    if let Some(profiles) = &course.profiles {
        text += "\n";
        text += &section("profile", profiles.clone());
    }
    text
}

/// The name suites use for an exercise's crate: the exercise name without its leading
/// number, with `-` as `_` (`01_linearizable` -> `linearizable`), because crate names
/// cannot start with a digit and a course numbers its exercises.
pub(crate) fn crate_key(exercise: &str) -> String {
    exercise
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches(['_', '-'])
        .replace('-', "_")
}

/// Whether `name` can name an exercise: it becomes a crate name and a folder name.
pub(super) fn valid_exercise_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && !COURSE_DEPENDENCIES
            .iter()
            .any(|taken| taken.replace('-', "_") == name.replace('-', "_"))
}

/// A short, stable fingerprint of the exercise folder and suite a runner is for, so
/// that runners for different folders of one exercise (a student's, the reference
/// solution) neither share nor overwrite a binary.
pub(crate) fn fingerprint(parts: &[&Path]) -> String {
    digest(parts.iter().map(|p| p.as_os_str().as_encoded_bytes()))
}

/// The digest of `parts`, each ended by a NUL so that `("a", "b")` and `("ab", "")`
/// differ: 16 hex digits.
pub(crate) fn digest<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hash = Fnv1a::new();
    for part in parts {
        hash.write(part);
        hash.write(&[0]);
    }
    hash.hex()
}

/// FNV-1a over 64 bits: digests that must not change between runs or Rust versions
/// (std's hasher may), where nobody gains by forging one (a cryptographic hash would
/// be one more dependency).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fnv1a(u64);

impl Fnv1a {
    /// The digest of nothing.
    pub(crate) fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    /// Adds `bytes`.
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The value so far.
    pub(crate) fn value(&self) -> u64 {
        self.0
    }

    /// The value so far, as 16 hex digits.
    pub(crate) fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// The scratch directory of a runner package under the target directory.
pub(super) fn runner_dir(target_dir: &Path, name: &str) -> PathBuf {
    target_dir.join("checker").join("runners").join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        let mut dependencies = Table::new();
        let mut testkit = Table::new();
        testkit.insert("path".into(), "/course/testkit".into());
        dependencies.insert("testkit".into(), testkit.into());
        dependencies.insert("tokio".into(), "1.48".into());
        Course {
            dependencies,
            profiles: None,
            edition: "2024".into(),
        }
    }

    #[test]
    fn the_runner_manifest_is_its_own_workspace_and_names_the_exercise() {
        let runner = Runner {
            name: "kv-suite-0123",
            suite_main: Path::new("/course/suites/kv/main.rs"),
            exercise_key: "kv",
            exercise_package: "kv-store-solution",
            exercise_dir: Path::new("/home/student/kv"),
        };
        let text = runner_manifest(&course(), &runner);
        assert!(text.contains("build.\n[package]\n"), "{text}");
        let table: Table = text.parse().unwrap();
        assert_eq!(table["package"]["name"].as_str(), Some("kv-suite-0123"));
        assert_eq!(table["workspace"], Value::Table(Table::new()));
        assert_eq!(
            table["bin"][0]["path"].as_str(),
            Some("/course/suites/kv/main.rs")
        );
        let exercise = &table["dependencies"]["kv"];
        assert_eq!(exercise["package"].as_str(), Some("kv-store-solution"));
        assert_eq!(exercise["path"].as_str(), Some("/home/student/kv"));
        assert_eq!(
            table["dependencies"]["testkit"]["path"].as_str(),
            Some("/course/testkit")
        );
        assert_eq!(table["dependencies"]["tokio"].as_str(), Some("1.48"));
    }

    #[test]
    fn relative_course_paths_become_absolute_and_versions_stay() {
        let entry: Table = "path = \"testkit\"\nfeatures = [\"x\"]".parse().unwrap();
        let resolved = absolute_paths(entry.into(), Path::new("/course"));
        assert_eq!(resolved["path"].as_str(), Some("/course/testkit"));
        assert_eq!(resolved["features"][0].as_str(), Some("x"));
        let version = absolute_paths("1.4".into(), Path::new("/course"));
        assert_eq!(version.as_str(), Some("1.4"));
    }

    #[test]
    fn exercise_names_are_crate_names_not_taken_by_the_course() {
        for good in ["kv", "kv-store", "causal_2"] {
            assert!(valid_exercise_name(good), "{good}");
        }
        for bad in [
            "",
            "2kv",
            "Kv",
            "kv store",
            "../kv",
            "testkit",
            "suite_harness",
            "tokio",
        ] {
            assert!(!valid_exercise_name(bad), "{bad}");
        }
    }

    #[test]
    fn fingerprints_tell_folders_apart_and_do_not_change() {
        let a = fingerprint(&[Path::new("/a"), Path::new("/s")]);
        assert_eq!(a, fingerprint(&[Path::new("/a"), Path::new("/s")]));
        assert_ne!(a, fingerprint(&[Path::new("/b"), Path::new("/s")]));
        // The separator keeps ("/a", "b") and ("/ab", "") apart.
        assert_ne!(
            fingerprint(&[Path::new("/a"), Path::new("b")]),
            fingerprint(&[Path::new("/ab"), Path::new("")])
        );
        assert_eq!(a.len(), 16);
    }
}
