//! The runner package: manifests written in a scratch directory that tie a suite to an
//! exercise's sources, so that neither of them is changed.
//!
//! Two packages are written. The exercise package takes only the sources of the
//! exercise folder (`src/lib.rs` and what it declares): its manifest is the course's, made
//! from the exercise's manifest in the course (its skeleton's), so a copy's own
//! `Cargo.toml` never decides what is built. A build script, a dependency the course does
//! not give, a `[patch]` or a renamed library in a student's manifest are never seen,
//! exactly as when `checker grade` compiles a submission with the compiler alone.
//!
//! The runner manifest has an empty `[workspace]` table, so cargo never attaches it to a
//! workspace around the scratch directory; one `[[bin]]` whose source is the suite's
//! `main.rs`, by absolute path; and dependencies on the exercise package, on what the
//! exercise is built with (its given crate, say), and on the course's crates, as the
//! course's own manifest declares them. The course's `[profile]` settings come along, so
//! suites run as fast as the course's tests.
//!
//! A suite whose folder holds a `bridge.rs` is built in two parts (see
//! `docs/src/authors.md`, "A suite with a bridge"): its `main.rs` becomes the library
//! `suite` of a third package, which does not depend on the exercise at all, and the
//! runner's binary is the `bridge.rs`, the few lines that hand the exercise's types to
//! the suite's library behind its traits. An edit of the exercise then rebuilds the
//! exercise and those few lines, never the suite.
//!
//! The suite and the exercise are built without debug information, the suite's binary
//! stripped of the line tables it links in. An optimised runner ([`Optimised::Yes`], what
//! `checker check` and the watch mode ask for on a student's copy) builds them at
//! `opt-level = 1` in the dev profile: its first build takes longer, every check after an
//! edit runs the tests several times faster. One that is not ([`Optimised::No`]:
//! grading, `--solution`, `--path`) is built once, at the course's level, without an
//! incremental cache, which only its rebuilds would read.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::error::BuildError;
use crate::manifests::{absolute_paths, merge, resolve};

/// The course crates a suite may use, by their names in `[workspace.dependencies]`.
const COURSE_DEPENDENCIES: [&str; 4] = ["suite-harness", "testkit", "tokio", "pretty_assertions"];

/// The name of a suite's bridge beside its `main.rs` (`bridge.rs`), and of the binary's
/// crate it becomes.
pub const BRIDGE: &str = "bridge";

/// The crate a suite with a bridge makes of its `main.rs`: the library its bridge calls.
pub const SUITE_LIBRARY: &str = "suite";

/// The bridge of the suite whose `main.rs` is `suite_main`, if it has one: the file that
/// makes the suite a library and itself the binary (see [`BRIDGE`]).
pub fn bridge_of(suite_main: &Path) -> Option<PathBuf> {
    Some(suite_main.with_file_name(format!("{BRIDGE}.rs"))).filter(|bridge| bridge.is_file())
}

/// The optimisation level of an optimised runner's suite and exercise.
const OPTIMISED_LEVEL: i64 = 1;

/// Whether a runner builds the suite and the exercise optimised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimised {
    /// At `opt-level = 1`: for checks repeated after each edit, where incremental
    /// compilation keeps rebuilds short and the tests then run several times faster.
    Yes,
    /// As the course's dev profile says: for builds made once (grading, the fixtures of
    /// `checker dev verify`), where the longer first build would not pay for itself.
    No,
}

/// What the runner manifest takes from the course's root manifest.
#[derive(Debug)]
pub(super) struct CourseManifest {
    /// The course's root folder.
    root: PathBuf,
    /// The course's `[workspace.dependencies]`, as written.
    workspace: Table,
    /// The course crates, their paths made absolute.
    dependencies: Table,
    /// The course's `[profile]` table, if any.
    profiles: Option<Value>,
    /// The edition of the course's crates.
    edition: String,
}

/// Reads the course's root `Cargo.toml`.
pub(super) fn read_course(root: &Path) -> Result<CourseManifest, BuildError> {
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
    Ok(CourseManifest {
        root: root.to_owned(),
        workspace: declared.cloned().unwrap_or_default(),
        dependencies,
        profiles: manifest.get("profile").cloned(),
        edition,
    })
}

/// What the course declares an exercise crate to be.
#[derive(Debug)]
pub(super) struct Declared {
    /// What it is built with, resolved against the course's workspace, paths absolute.
    dependencies: Table,
}

/// Reads the course's manifest of an exercise (its skeleton's `Cargo.toml`). Every
/// failure is the course's: the exercise's own manifest is never read.
pub(super) fn read_declared(course: &CourseManifest, path: &Path) -> Result<Declared, BuildError> {
    let broken = |reason: String| BuildError::Course {
        reason: format!("{}: {reason}", path.display()),
    };
    let manifest = read_manifest(path).map_err(broken)?;
    // The name is not used (each runner names its own exercise package), but a manifest
    // without one is no manifest of an exercise.
    manifest
        .get("package")
        .and_then(|package| package.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| broken("it has no [package] table with a name".to_owned()))?;
    let base = path.parent().unwrap_or(Path::new("/"));
    let mut dependencies = Table::new();
    for (name, entry) in manifest
        .get("dependencies")
        .and_then(Value::as_table)
        .into_iter()
        .flatten()
    {
        let resolved = resolve(name, entry, &course.workspace, &course.root, base)
            .map_err(|why| broken(format!("dependency `{name}`: {why}")))?;
        merge(&mut dependencies, name, resolved);
    }
    Ok(Declared { dependencies })
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
pub(super) struct RunnerPackage<'a> {
    /// The runner package's name, also its binary's name.
    pub(super) name: &'a str,
    /// The suite's `main.rs`, absolute.
    pub(super) suite_main: &'a Path,
    /// The name suites use for the exercise crate.
    pub(super) exercise_key: &'a str,
    /// What the course declares the exercise crate to be.
    pub(super) declared: &'a Declared,
    /// The folder of the exercise package (written by [`exercise_manifest`]), absolute.
    pub(super) exercise_package_dir: &'a Path,
    /// The folder of the suite's library package (written by [`suite_library_manifest`]),
    /// when the suite has a bridge.
    pub(super) suite_package_dir: Option<&'a Path>,
    /// Whether the suite and the exercise are built optimised.
    pub(super) optimised: Optimised,
}

/// The name of the suite's library package in the runner called `runner` (one of its
/// own, as for [`exercise_package`]).
pub(super) fn suite_package(runner: &str) -> String {
    format!("{runner}-{SUITE_LIBRARY}")
}

/// The exercise package's name in the runner called `runner`: one of its own. Cargo
/// hashes a workspace member by its path inside the workspace, the same `exercise/` in
/// every runner, so two runners' exercise packages of one name would share build
/// output and rebuild each other's every time.
pub(super) fn exercise_package(runner: &str) -> String {
    format!("{runner}-exercise")
}

/// The text of the exercise package's `Cargo.toml`: the course's dependencies of the
/// exercise, the library `exercise_key` at `lib` (the copy's `src/lib.rs`), no build
/// script, no other targets; the package is called `package`.
pub(super) fn exercise_manifest(
    course: &CourseManifest,
    declared: &Declared,
    package_name: &str,
    exercise_key: &str,
    lib: &Path,
) -> String {
    let mut package = package_table(course, package_name);
    // Only the library: whatever else the copy's folder holds is not built.
    package.insert("build".into(), false.into());
    for auto in ["autobins", "autoexamples", "autotests", "autobenches"] {
        package.insert(auto.into(), false.into());
    }
    let mut library = Table::new();
    library.insert("name".into(), exercise_key.into());
    library.insert("path".into(), path_text(lib));
    let mut text = String::from(
        "# Written by the checker: the exercise as the course declares it, with the sources\n\
         # of the copy being checked. Rewritten on every build.\n",
    );
    text += &section("package", package.into());
    // No `[workspace]`: the package sits in the runner's folder, whose workspace it joins.
    text += "\n";
    text += &section("lib", library.into());
    text += "\n";
    text += &section("dependencies", declared.dependencies.clone().into());
    text
}

/// A TOML table holding only `key`, as text: one table per section, in the order
/// people expect to read them (a single table would come out sorted by name).
fn section(key: &str, value: Value) -> String {
    let mut table = Table::new();
    table.insert(key.into(), value);
    table.to_string()
}

/// A path as a TOML string.
fn path_text(path: &Path) -> Value {
    Value::String(path.to_string_lossy().into_owned())
}

/// A `[package]` table of a package the checker writes.
fn package_table(course: &CourseManifest, name: &str) -> Table {
    let mut package = Table::new();
    package.insert("name".into(), name.into());
    package.insert("version".into(), "0.0.0".into());
    package.insert("edition".into(), course.edition.as_str().into());
    package.insert("publish".into(), false.into());
    package
}

/// What a suite is built with: the course's crates and what the exercise is built with
/// (its given crate), not the exercise itself.
fn course_dependencies(course: &CourseManifest, runner: &RunnerPackage<'_>) -> Table {
    let mut dependencies = course.dependencies.clone();
    for (name, entry) in &runner.declared.dependencies {
        merge(&mut dependencies, name, entry.clone());
    }
    dependencies
}

/// A dependency on the package `package` in `dir`.
fn package_dependency(dir: &Path, package: String) -> Value {
    let mut dependency = Table::new();
    dependency.insert("path".into(), path_text(dir));
    dependency.insert("package".into(), package.into());
    dependency.into()
}

/// The text of the suite's library package's `Cargo.toml`, for a suite with a bridge:
/// its `main.rs` as the library `suite`, with the course's dependencies and none on the
/// exercise.
pub(super) fn suite_library_manifest(
    course: &CourseManifest,
    runner: &RunnerPackage<'_>,
) -> String {
    let mut library = Table::new();
    library.insert("name".into(), SUITE_LIBRARY.into());
    library.insert("path".into(), path_text(runner.suite_main));
    let mut text = String::from(
        "# Written by the checker: a hidden suite that its bridge hands the exercise to.\n\
         # Rewritten on every build.\n",
    );
    text += &section(
        "package",
        package_table(course, &suite_package(runner.name)).into(),
    );
    text += "\n";
    text += &section("lib", library.into());
    text += "\n";
    text += &section("dependencies", course_dependencies(course, runner).into());
    text
}

/// The text of the runner package's `Cargo.toml`.
pub(super) fn runner_manifest(course: &CourseManifest, runner: &RunnerPackage<'_>) -> String {
    let mut dependencies = course_dependencies(course, runner);
    dependencies.insert(
        runner.exercise_key.into(),
        package_dependency(runner.exercise_package_dir, exercise_package(runner.name)),
    );
    let mut bin = Table::new();
    bin.insert("name".into(), runner.name.into());
    match runner.suite_package_dir {
        None => bin.insert("path".into(), path_text(runner.suite_main)),
        Some(dir) => {
            dependencies.insert(
                SUITE_LIBRARY.into(),
                package_dependency(dir, suite_package(runner.name)),
            );
            let bridge = runner.suite_main.with_file_name(format!("{BRIDGE}.rs"));
            bin.insert("path".into(), path_text(&bridge))
        }
    };

    let mut text = String::from(
        "# Written by the checker to build a hidden suite; rewritten on every build.\n",
    );
    text += &section("package", package_table(course, runner.name).into());
    text += "\n# Not part of any workspace around the target directory.\n[workspace]\n\n";
    text += &section("bin", Value::Array(vec![bin.into()]));
    text += "\n";
    text += &section("dependencies", dependencies.into());
    if let Some(profiles) = profiles(course, runner) {
        text += "\n";
        text += &section("profile", profiles);
    }
    text
}

/// The course's `[profile]` table, with settings of the runner's own packages (the
/// suite, its library and the exercise): without debug information and the binary
/// stripped of the line tables it links in; at [`OPTIMISED_LEVEL`] when the runner is
/// optimised; without the incremental cache it would never read again when it is not,
/// as such a build is made once (over the course's fixtures the cache and the debug
/// information came to some 10 GB).
fn profiles(course: &CourseManifest, runner: &RunnerPackage<'_>) -> Option<Value> {
    let mut profiles = match course.profiles.clone() {
        Some(Value::Table(table)) => table,
        _ => Table::new(),
    };
    let dev = table_entry(&mut profiles, "dev");
    let packages = table_entry(dev, "package");
    let mut own = vec![runner.name.to_owned(), exercise_package(runner.name)];
    if runner.suite_package_dir.is_some() {
        own.push(suite_package(runner.name));
    }
    for package in own {
        let settings = table_entry(packages, &package);
        // Tests run without backtraces, and a panic's place comes from the panic itself:
        // debug information would only make every link longer and every build larger.
        settings.insert("debug".into(), false.into());
        if package == runner.name {
            // The binary, without the line tables of everything it links in (three
            // quarters of its size; the link after an edit about 30 ms shorter).
            settings.insert("strip".into(), "debuginfo".into());
        }
        match runner.optimised {
            Optimised::Yes => {
                settings.insert("opt-level".into(), OPTIMISED_LEVEL.into());
            }
            Optimised::No => {
                settings.insert("incremental".into(), false.into());
            }
        }
    }
    Some(profiles.into())
}

/// The table under `key` in `table`, made (or made a table) if it is not one.
fn table_entry<'t>(table: &'t mut Table, key: &str) -> &'t mut Table {
    let entry = table
        .entry(key)
        .or_insert_with(|| Value::Table(Table::new()));
    if !entry.is_table() {
        *entry = Value::Table(Table::new());
    }
    entry.as_table_mut().expect("made a table above")
}

/// Whether `name` can name an exercise: it becomes a crate name and a folder name.
pub(super) fn valid_exercise_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && !COURSE_DEPENDENCIES
            .iter()
            .chain(&[BRIDGE, SUITE_LIBRARY])
            .any(|taken| taken.replace('-', "_") == name.replace('-', "_"))
}

/// The scratch directory of a runner package under the target directory.
pub(super) fn runner_dir(target_dir: &Path, name: &str) -> PathBuf {
    target_dir.join("checker").join("runners").join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> CourseManifest {
        let mut dependencies = Table::new();
        let mut testkit = Table::new();
        testkit.insert("path".into(), "/course/testkit".into());
        dependencies.insert("testkit".into(), testkit.into());
        dependencies.insert("tokio".into(), "1.48".into());
        let workspace: Table = "kv-given = { path = \"given/kv\" }\ntokio = \"1.48\""
            .parse()
            .unwrap();
        CourseManifest {
            root: PathBuf::from("/course"),
            workspace,
            dependencies,
            profiles: None,
            edition: "2024".into(),
        }
    }

    /// Writes `text` as a manifest in a fresh scratch folder named `name`.
    fn scratch_manifest(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "checker-manifest-test-{name}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("Cargo.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn the_course_declares_the_exercise_crate_and_its_dependencies() {
        let path = scratch_manifest(
            "declared",
            "[package]\nname = \"kv-store\"\n\n[dependencies]\n\
             kv-given.workspace = true\ntokio = { workspace = true, features = [\"net\"] }\n\
             local = { path = \"../local\" }\n",
        );
        let declared = read_declared(&course(), &path).unwrap();
        let deps = &declared.dependencies;
        assert_eq!(deps["kv-given"]["path"].as_str(), Some("/course/given/kv"));
        assert_eq!(deps["tokio"]["version"].as_str(), Some("1.48"));
        assert_eq!(deps["tokio"]["features"][0].as_str(), Some("net"));
        let local = path.parent().unwrap().join("../local");
        assert_eq!(deps["local"]["path"].as_str(), local.to_str());

        let text = exercise_manifest(
            &course(),
            &declared,
            &exercise_package("kv-suite-0123"),
            "kv",
            Path::new("/home/student/kv/src/lib.rs"),
        );
        let table: Table = text.parse().unwrap();
        assert_eq!(
            table["package"]["name"].as_str(),
            Some("kv-suite-0123-exercise")
        );
        assert_eq!(table["package"]["build"].as_bool(), Some(false));
        assert_eq!(table["package"]["autotests"].as_bool(), Some(false));
        assert_eq!(table["lib"]["name"].as_str(), Some("kv"));
        assert_eq!(
            table["lib"]["path"].as_str(),
            Some("/home/student/kv/src/lib.rs")
        );
        assert_eq!(
            table["dependencies"]["kv-given"]["path"].as_str(),
            Some("/course/given/kv")
        );
        assert!(table.get("workspace").is_none(), "{text}");
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_broken_course_manifest_is_the_courses_error_naming_the_file() {
        for (name, text, says) in [
            ("syntax", "[package\n", "Cargo.toml: "),
            (
                "nameless",
                "[dependencies]\n",
                "no [package] table with a name",
            ),
            (
                "undeclared",
                "[package]\nname = \"kv\"\n[dependencies]\nnope.workspace = true\n",
                "dependency `nope`: `workspace = true`, but the course declares no such",
            ),
        ] {
            let path = scratch_manifest(name, text);
            let error = read_declared(&course(), &path).unwrap_err();
            assert!(matches!(error, BuildError::Course { .. }), "{error}");
            assert!(error.to_string().contains(says), "{name}: {error}");
            std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
        }
    }

    #[test]
    fn the_runner_manifest_is_its_own_workspace_and_names_the_exercise() {
        let declared = Declared {
            dependencies: "kv-given = { path = \"/course/given/kv\" }"
                .parse()
                .unwrap(),
        };
        let text = runner_manifest(&course(), &kv_runner(&declared, None, Optimised::No));
        assert!(text.contains("build.\n[package]\n"), "{text}");
        let table: Table = text.parse().unwrap();
        assert_eq!(table["package"]["name"].as_str(), Some("kv-suite-0123"));
        assert_eq!(table["workspace"], Value::Table(Table::new()));
        assert_eq!(
            table["bin"][0]["path"].as_str(),
            Some("/course/suites/kv/main.rs")
        );
        let exercise = &table["dependencies"]["kv"];
        assert_eq!(exercise["package"].as_str(), Some("kv-suite-0123-exercise"));
        assert_eq!(
            exercise["path"].as_str(),
            Some("/target/runners/kv-suite-0123/exercise")
        );
        // The suite may use what the exercise is built with.
        assert_eq!(
            table["dependencies"]["kv-given"]["path"].as_str(),
            Some("/course/given/kv")
        );
        assert_eq!(
            table["dependencies"]["testkit"]["path"].as_str(),
            Some("/course/testkit")
        );
        assert_eq!(table["dependencies"]["tokio"].as_str(), Some("1.48"));
    }

    /// A runner of `kv-suite-0123` over `declared`, with or without a bridge.
    fn kv_runner<'a>(
        declared: &'a Declared,
        suite_library: Option<&'a Path>,
        optimised: Optimised,
    ) -> RunnerPackage<'a> {
        RunnerPackage {
            name: "kv-suite-0123",
            suite_main: Path::new("/course/suites/kv/main.rs"),
            exercise_key: "kv",
            declared,
            exercise_package_dir: Path::new("/target/runners/kv-suite-0123/exercise"),
            suite_package_dir: suite_library,
            optimised,
        }
    }

    #[test]
    fn the_runners_own_packages_are_raised_when_optimised_and_kept_without_a_cache_when_not() {
        let declared = Declared {
            dependencies: Table::new(),
        };
        let mut course = course();
        course.profiles = Some(
            "[dev]\ndebug = \"line-tables-only\"\n[dev.package.tokio]\nopt-level = 2\n"
                .parse::<Table>()
                .unwrap()
                .into(),
        );
        let table: Table = runner_manifest(&course, &kv_runner(&declared, None, Optimised::Yes))
            .parse()
            .unwrap();
        let dev = &table["profile"]["dev"];
        assert_eq!(dev["debug"].as_str(), Some("line-tables-only"));
        assert_eq!(dev["package"]["tokio"]["opt-level"].as_integer(), Some(2));
        for package in ["kv-suite-0123", "kv-suite-0123-exercise"] {
            assert_eq!(
                dev["package"][package]["opt-level"].as_integer(),
                Some(1),
                "{package}"
            );
            assert_eq!(dev["package"][package]["debug"].as_bool(), Some(false));
            let stripped = dev["package"][package].get("strip").and_then(Value::as_str);
            let binary = package == "kv-suite-0123";
            assert_eq!(stripped, binary.then_some("debuginfo"), "{package}");
        }
        // No suite library without a bridge: cargo warns of an override nothing matches.
        assert!(dev["package"].get("kv-suite-0123-suite").is_none());
        let dir = Path::new("/target/runners/kv-suite-0123/suite");
        let table: Table =
            runner_manifest(&course, &kv_runner(&declared, Some(dir), Optimised::Yes))
                .parse()
                .unwrap();
        let raised = &table["profile"]["dev"]["package"]["kv-suite-0123-suite"];
        assert_eq!(raised["opt-level"].as_integer(), Some(1));

        // Not optimised: the course's profiles as they are, and the runner's own packages
        // (built once) without an incremental cache, at the course's level.
        let table: Table =
            runner_manifest(&course, &kv_runner(&declared, Some(dir), Optimised::No))
                .parse()
                .unwrap();
        let dev = &table["profile"]["dev"];
        assert_eq!(dev["debug"].as_str(), Some("line-tables-only"));
        assert_eq!(dev["package"]["tokio"]["opt-level"].as_integer(), Some(2));
        for package in [
            "kv-suite-0123",
            "kv-suite-0123-exercise",
            "kv-suite-0123-suite",
        ] {
            let settings = dev["package"][package].as_table().unwrap();
            assert_eq!(settings["incremental"].as_bool(), Some(false), "{package}");
            assert_eq!(settings["debug"].as_bool(), Some(false), "{package}");
            assert!(!settings.contains_key("opt-level"), "{package}");
            let stripped = settings.get("strip").and_then(Value::as_str);
            let binary = package == "kv-suite-0123";
            assert_eq!(stripped, binary.then_some("debuginfo"), "{package}");
        }
        course.profiles = None;
        let table: Table = runner_manifest(&course, &kv_runner(&declared, None, Optimised::No))
            .parse()
            .unwrap();
        let settings = &table["profile"]["dev"]["package"]["kv-suite-0123"];
        assert_eq!(settings["incremental"].as_bool(), Some(false));
        let table: Table = runner_manifest(&course, &kv_runner(&declared, None, Optimised::Yes))
            .parse()
            .unwrap();
        assert_eq!(
            table["profile"]["dev"]["package"]["kv-suite-0123"]["opt-level"].as_integer(),
            Some(1)
        );
    }

    #[test]
    fn with_a_bridge_the_suite_is_a_library_without_the_exercise_and_the_bridge_the_binary() {
        let declared = Declared {
            dependencies: "kv-given = { path = \"/course/given/kv\" }"
                .parse()
                .unwrap(),
        };
        let dir = Path::new("/target/runners/kv-suite-0123/suite");
        let runner = kv_runner(&declared, Some(dir), Optimised::Yes);
        let library: Table = suite_library_manifest(&course(), &runner).parse().unwrap();
        assert_eq!(
            library["package"]["name"].as_str(),
            Some("kv-suite-0123-suite")
        );
        assert_eq!(library["lib"]["name"].as_str(), Some("suite"));
        assert_eq!(
            library["lib"]["path"].as_str(),
            Some("/course/suites/kv/main.rs")
        );
        // What the exercise is built with, but never the exercise: an edit of it cannot
        // rebuild the suite.
        assert_eq!(
            library["dependencies"]["kv-given"]["path"].as_str(),
            Some("/course/given/kv")
        );
        assert!(library["dependencies"].get("testkit").is_some());
        assert!(library["dependencies"].get("kv").is_none());

        let binary: Table = runner_manifest(&course(), &runner).parse().unwrap();
        assert_eq!(
            binary["bin"][0]["path"].as_str(),
            Some("/course/suites/kv/bridge.rs")
        );
        assert_eq!(
            binary["dependencies"]["suite"]["path"].as_str(),
            dir.to_str()
        );
        assert_eq!(
            binary["dependencies"]["suite"]["package"].as_str(),
            Some("kv-suite-0123-suite")
        );
        assert_eq!(
            binary["dependencies"]["kv"]["package"].as_str(),
            Some("kv-suite-0123-exercise")
        );
        // Without a bridge, the binary is the suite's main.rs and there is no library.
        let binary: Table = runner_manifest(&course(), &kv_runner(&declared, None, Optimised::Yes))
            .parse()
            .unwrap();
        assert!(binary["dependencies"].get("suite").is_none());
        assert_eq!(
            binary["bin"][0]["path"].as_str(),
            Some("/course/suites/kv/main.rs")
        );
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
    fn merging_unites_features() {
        let mut deps = Table::new();
        merge(&mut deps, "tokio", "1.4".into());
        let with: Value = "x = { version = \"1.4\", features = [\"time\"] }"
            .parse::<Table>()
            .unwrap()["x"]
            .clone();
        merge(&mut deps, "tokio", with.clone());
        merge(&mut deps, "tokio", with);
        assert_eq!(deps["tokio"]["version"].as_str(), Some("1.4"));
        assert_eq!(deps["tokio"]["features"].as_array().unwrap().len(), 1);
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
            "bridge",
            "suite",
        ] {
            assert!(!valid_exercise_name(bad), "{bad}");
        }
    }
}
