//! The course's own dependencies, compiled once and shared by every submission.
//!
//! Submissions never pick their dependencies: the grader builds one package of its own
//! whose dependencies are the course's (what the hidden suites use, and what each
//! exercise's skeleton declares), with the course's lock file and build profiles, by
//! cargo in the course's target folder, so that what the course already compiled is
//! reused. The compiled libraries are then gathered into one folder, bound read-only
//! into every sandbox, and handed to the compiler one by one (`--extern name=file`).
//!
//! Cargo itself never sees a submission: it would read the submission's manifest,
//! `.cargo/config.toml`, `rust-toolchain` file, build scripts and `[patch]` tables. The
//! compiler alone does not.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use toml::Table;

mod manifest;

use manifest::{deps_manifest, profile_flags};

use checker_core::digest::digest;
use checker_core::files::write_if_changed;
use checker_core::manifests::{absolute_paths, copy_lock, merge, resolve};

/// The course crates every hidden suite may use, by package name.
pub const SUITE_DEPENDENCIES: [&str; 4] =
    ["suite-harness", "testkit", "tokio", "pretty_assertions"];

/// The compiled dependencies, ready to hand to the compiler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deps {
    /// The folder holding every compiled library they need.
    pub dir: PathBuf,
    /// The file in `dir` of each direct dependency, by crate name (`suite_harness`).
    externs: BTreeMap<String, String>,
    /// The edition of the course's crates, for submissions and suites alike.
    pub edition: String,
    /// Compiler flags that match the course's `dev` profile.
    pub profile_flags: Vec<String>,
    /// A digest of the libraries: it changes whenever one of them is rebuilt.
    pub fingerprint: String,
}

impl Deps {
    /// The file name in [`Deps::dir`] of the direct dependency `krate`.
    pub fn extern_file(&self, krate: &str) -> Option<&str> {
        self.externs.get(krate).map(String::as_str)
    }
}

/// The crate name of a package name: `suite-harness` -> `suite_harness`.
pub fn crate_name(package: &str) -> String {
    package.replace('-', "_")
}

/// The package names an exercise's skeleton manifest declares as `[dependencies]`.
pub fn skeleton_dependencies(manifest: &Path) -> Result<Vec<String>> {
    let table = read_table(manifest)?;
    Ok(table
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .map(|deps| deps.keys().cloned().collect())
        .unwrap_or_default())
}

/// Builds the course's dependencies `packages` (plus the suites' own) and gathers them.
///
/// `skeletons` are the exercise skeleton manifests whose dependency entries (with their
/// features) are taken; the rest come from the course's `[workspace.dependencies]`.
pub fn prepare(
    course_root: &Path,
    target_dir: &Path,
    cargo: &OsStr,
    skeletons: &[PathBuf],
) -> Result<Deps> {
    let root_manifest = course_root.join("Cargo.toml");
    let root = read_table(&root_manifest)?;
    let workspace_deps = root
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table)
        .cloned()
        .unwrap_or_default();
    let mut dependencies = Table::new();
    for name in SUITE_DEPENDENCIES {
        let entry = workspace_deps.get(name).with_context(|| {
            format!(
                "{} declares no workspace dependency `{name}`, which hidden suites use",
                root_manifest.display()
            )
        })?;
        dependencies.insert(name.to_owned(), absolute_paths(entry.clone(), course_root));
    }
    for skeleton in skeletons {
        let table = read_table(skeleton)?;
        let declared = table.get("dependencies").and_then(toml::Value::as_table);
        for (name, entry) in declared.into_iter().flatten() {
            let base = skeleton.parent().unwrap_or(course_root);
            let resolved = resolve(name, entry, &workspace_deps, course_root, base)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("{}: dependency `{name}`", skeleton.display()))?;
            merge(&mut dependencies, name, resolved);
        }
    }
    let edition = root
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("edition"))
        .and_then(toml::Value::as_str)
        .unwrap_or("2021")
        .to_owned();

    let text = deps_manifest(&edition, &dependencies, root.get("profile"));
    // A package folder per manifest: two courses graded at once with one target folder
    // (or one course and a copy of it) never rewrite each other's.
    let key = digest([text.as_bytes()]);
    let package_dir = target_dir.join(format!("checker/grade/deps-package-{key}"));
    let manifest = package_dir.join("Cargo.toml");
    write_if_changed(&manifest, text.as_bytes()).map_err(anyhow::Error::msg)?;
    write_if_changed(
        &package_dir.join("lib.rs"),
        b"//! The grader's dependencies.\n",
    )
    .map_err(anyhow::Error::msg)?;
    copy_lock(course_root, &package_dir).map_err(anyhow::Error::msg)?;

    let artifacts = build(cargo, &manifest, target_dir)?;
    let direct = direct_dependencies(cargo, &manifest)?;
    // Names carry cargo's hash of each package's version, features and profile; sizes
    // and times tell a path dependency rebuilt from changed sources.
    let stamps: BTreeSet<String> = artifacts
        .values()
        .flatten()
        .map(|f| {
            let meta = std::fs::metadata(f).ok();
            let size = meta.as_ref().map_or(0, std::fs::Metadata::len);
            let time = meta
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {size} {time}", f.display())
        })
        .collect();
    let fingerprint = digest(stamps.iter().map(String::as_bytes));
    // One folder per set of libraries, never changed once made: runs grading at the
    // same time, or with other dependencies, never pull files from under each other.
    let dir = target_dir.join(format!("checker/grade/deps-{fingerprint}"));
    if !dir.is_dir() {
        gather(&artifacts, &dir)?;
    }
    let mut externs = BTreeMap::new();
    for (krate, package) in direct {
        let files = artifacts
            .get(&package)
            .with_context(|| format!("cargo built no library for `{krate}` ({package})"))?;
        let file = files
            .iter()
            .find(|f| f.extension().is_some_and(|e| e == "rlib" || e == "so"))
            .with_context(|| format!("cargo built no linkable library for `{krate}`"))?;
        externs.insert(krate, file_name(file)?);
    }
    Ok(Deps {
        dir,
        externs,
        edition,
        profile_flags: profile_flags(root.get("profile")),
        fingerprint,
    })
}

/// Reads a manifest as a TOML table; errors name the file.
fn read_table(path: &Path) -> Result<Table> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.parse::<Table>()
        .with_context(|| format!("{} is not valid TOML", path.display()))
}

/// Runs cargo on the package; returns each package's library files by package id.
fn build(
    cargo: &OsStr,
    manifest: &Path,
    target_dir: &Path,
) -> Result<HashMap<String, Vec<PathBuf>>> {
    let output = Command::new(cargo)
        .args([
            "build",
            "--message-format=json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(manifest)
        .env("CARGO_TARGET_DIR", target_dir)
        .output()
        .with_context(|| format!("cannot start {}", cargo.to_string_lossy()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let said: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains("error"))
            .take(5)
            .collect();
        bail!(
            "cargo could not build the course's dependencies for grading: {}",
            said.join(" / ")
        );
    }
    let mut artifacts: HashMap<String, Vec<PathBuf>> = HashMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                let kinds = message["target"]["kind"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let library = kinds
                    .iter()
                    .any(|k| matches!(k.as_str(), Some("lib" | "rlib" | "proc-macro")));
                let (Some(id), true) = (message["package_id"].as_str(), library) else {
                    continue;
                };
                let files = message["filenames"].as_array().cloned().unwrap_or_default();
                artifacts
                    .entry(id.to_owned())
                    .or_default()
                    .extend(files.iter().filter_map(Value::as_str).map(PathBuf::from));
            }
            Some("build-script-executed") => {
                let native = ["linked_libs", "linked_paths"]
                    .iter()
                    .any(|k| message[k].as_array().is_some_and(|a| !a.is_empty()));
                if native {
                    bail!(
                        "the course depends on {}, which links native libraries; the \
                         grader cannot sandbox those yet",
                        message["package_id"].as_str().unwrap_or("a package")
                    );
                }
            }
            _ => {}
        }
    }
    Ok(artifacts)
}

/// The package's direct dependencies: (crate name, package id), from `cargo metadata`.
fn direct_dependencies(cargo: &OsStr, manifest: &Path) -> Result<Vec<(String, String)>> {
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(manifest)
        .output()
        .with_context(|| format!("cannot start {}", cargo.to_string_lossy()))?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed on the grader's dependency package: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .next()
                .unwrap_or("")
        );
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)
        .context("cargo metadata printed something that is not JSON")?;
    let root = metadata["resolve"]["root"].as_str().unwrap_or_default();
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let node = nodes
        .iter()
        .find(|n| n["id"] == root)
        .context("cargo metadata shows no root package")?;
    Ok(node["deps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| {
            Some((
                d["name"].as_str()?.to_owned(),
                d["pkg"].as_str()?.to_owned(),
            ))
        })
        .collect())
}

/// Makes `dir` hold the library files, hard-linked where possible: filled under another
/// name, then renamed, so that it is never seen half full.
fn gather(artifacts: &HashMap<String, Vec<PathBuf>>, dir: &Path) -> Result<()> {
    let filling = dir.with_extension(format!("filling-{}", std::process::id()));
    if filling.exists() {
        std::fs::remove_dir_all(&filling)
            .with_context(|| format!("cannot empty {}", filling.display()))?;
    }
    std::fs::create_dir_all(&filling)
        .with_context(|| format!("cannot create {}", filling.display()))?;
    for file in artifacts.values().flatten() {
        let to = filling.join(file_name(file)?);
        if std::fs::hard_link(file, &to).is_err() {
            std::fs::copy(file, &to)
                .with_context(|| format!("cannot copy {} to {}", file.display(), to.display()))?;
        }
    }
    match std::fs::rename(&filling, dir) {
        Ok(()) => Ok(()),
        // Another run made the same folder first: it holds the same files.
        Err(_) if dir.is_dir() => {
            _ = std::fs::remove_dir_all(&filling);
            Ok(())
        }
        Err(error) => Err(error).with_context(|| format!("cannot create {}", dir.display())),
    }
}

/// The last component of `path`, as text.
fn file_name(path: &Path) -> Result<String> {
    path.file_name()
        .and_then(OsStr::to_str)
        .map(str::to_owned)
        .with_context(|| format!("{} has no usable file name", path.display()))
}
