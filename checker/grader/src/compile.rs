//! Compiling a submitted exercise, then its hidden suite against it, with the compiler
//! alone and inside the sandbox.
//!
//! Two steps, so that the hidden suite is never in reach while submitted code compiles:
//! `include_str!("/any/path")` or `#[path]` can read any file the compiler can, at
//! compile time. The first step sees the submission's `src/`, the course's compiled
//! dependencies and the toolchain, and writes the exercise as a library; the second sees
//! that library and the suite, and writes the test binary. The suite's step compiles no
//! submitted source: macros in submitted code were expanded in the first. A suite with a
//! bridge has a third step, made once per run before any submission: its library, which
//! sees the course's crates only; the second step then compiles the bridge against it.
//!
//! Submitted code is compiled with `unsafe` forbidden from the command line, which a
//! `#![allow]` in the source cannot undo: no `unsafe` block, no `#[no_mangle]` or
//! `#[link_section]` (a constructor that runs before `main`), no `extern` functions.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::confine::Limits;
use super::deps::Deps;
use super::exec;
use super::sandbox::{Profile, Sandbox};
use checker_core::runner::{BRIDGE, SUITE_LIBRARY, bridge_of};

/// How long one compile may take.
const COMPILE_TIMEOUT: Duration = Duration::from_secs(300);

/// How many compile errors are shown; the first ones matter.
const SHOWN_ERRORS: usize = 5;

/// The file of a suite's library: its `main.rs` compiled as the crate `SUITE_LIBRARY`.
fn suite_rlib() -> String {
    format!("lib{SUITE_LIBRARY}.rlib")
}

/// The Rust toolchain the course's dependencies were built with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toolchain {
    /// Its sysroot (holding `bin/rustc` and `lib/`).
    pub sysroot: PathBuf,
}

impl Toolchain {
    /// The toolchain `rustc` means in the course folder (as rustup resolves it there,
    /// the one cargo used), or `RUSTC` when set.
    pub fn find(course_root: &Path) -> Result<Toolchain> {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let output = Command::new(&rustc)
            .args(["--print", "sysroot"])
            .current_dir(course_root)
            .output()
            .with_context(|| format!("cannot start {}", rustc.to_string_lossy()))?;
        if !output.status.success() {
            bail!(
                "{} --print sysroot failed: {}",
                rustc.to_string_lossy(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if !sysroot.join("bin/rustc").is_file() {
            bail!(
                "the Rust toolchain at {} has no bin/rustc",
                sysroot.display()
            );
        }
        Ok(Toolchain { sysroot })
    }
}

/// What a compile step came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Compiled {
    /// The library or binary, on the host.
    Built(PathBuf),
    /// The submitted code does not compile (or the suite does not compile against it):
    /// the errors, for the student.
    Rejected(String),
}

/// Everything a compile step needs that does not change between submissions.
#[derive(Clone, Debug)]
pub struct Compiler {
    /// The toolchain.
    pub toolchain: Toolchain,
    /// The compiled dependencies.
    pub deps: Deps,
}

impl Compiler {
    /// Compiles the exercise whose sources are in `work/src` as the library `krate`
    /// (with `dependencies`, crate names) into `out`.
    pub fn library(
        &self,
        sandbox: &Sandbox,
        krate: &str,
        work: &Path,
        dependencies: &[String],
        out: &Path,
    ) -> Result<Compiled> {
        let mut step = sandbox.step(Profile::Compile);
        let sysroot = step.toolchain(&self.toolchain.sysroot);
        let deps = step.read_only(&self.deps.dir, "/deps");
        let src = step.read_only(&work.join("src"), "/work/src");
        let out_inside = step.writable(out, "/out");
        let cwd = src.parent().unwrap_or(Path::new("/"));
        step.chdir(cwd);
        let mut args = self.common(&sysroot, &deps);
        args.extend([
            format!("--crate-name={krate}"),
            "--crate-type=lib".to_owned(),
            "--emit=metadata,link".to_owned(),
            "--forbid=unsafe_code".to_owned(),
            format!("--out-dir={}", out_inside.display()),
            "src/lib.rs".to_owned(),
        ]);
        for dependency in dependencies {
            args.push(self.extern_arg(dependency, &deps)?);
        }
        sandbox.hand_over(out)?;
        let command = sandbox.command(&step, &Limits::compile(), &sysroot.join("bin/rustc"), &args);
        let ran = exec::run(command, COMPILE_TIMEOUT)?;
        let library = out.join(format!("lib{krate}.rlib"));
        if ran.success() && library.is_file() {
            return Ok(Compiled::Built(library));
        }
        Ok(Compiled::Rejected(diagnostics(&ran, None).unwrap_or_else(
            || {
                format!(
                    "the compiler did not finish ({}): your code may make it run out of time or \
                 memory",
                    ran.ending(COMPILE_TIMEOUT)
                )
            },
        )))
    }

    /// Compiles the library of a suite with a bridge (its `main.rs`, as the crate
    /// `suite`) into `out/libsuite.rlib`: with the course's crates and what the exercise
    /// is built with (`dependencies`), never with submitted code, so that one build
    /// serves every submission.
    pub fn suite_library(
        &self,
        sandbox: &Sandbox,
        dependencies: &[String],
        suite_dir: &Path,
        out: &Path,
    ) -> Result<Compiled> {
        let mut step = sandbox.step(Profile::Link);
        step.trusted();
        let sysroot = step.toolchain(&self.toolchain.sysroot);
        let deps = step.read_only(&self.deps.dir, "/deps");
        let suite = step.read_only(suite_dir, "/suite");
        let out_inside = step.writable(out, "/out");
        step.chdir(&suite);
        sandbox.hand_over(out)?;
        let mut args = self.common(&sysroot, &deps);
        args.extend([
            format!("--crate-name={SUITE_LIBRARY}"),
            "--crate-type=lib".to_owned(),
            "--emit=link".to_owned(),
            "-Awarnings".to_owned(),
            format!("--out-dir={}", out_inside.display()),
            suite.join("main.rs").display().to_string(),
        ]);
        args.extend(self.suite_externs(dependencies, &deps)?);
        let command = sandbox.command(&step, &Limits::compile(), &sysroot.join("bin/rustc"), &args);
        let ran = exec::run(command, COMPILE_TIMEOUT)?;
        let library = out.join(suite_rlib());
        if ran.success() && library.is_file() {
            return Ok(Compiled::Built(library));
        }
        Ok(Compiled::Rejected(suite_rejected(
            &ran,
            &suite,
            "its library alone ran out of time or memory",
        )))
    }

    /// Compiles `suite` against the library `krate` at `library`, into `out/suite`. The
    /// suite may use the crates the exercise is built with (`dependencies`, such as its
    /// given crate) besides its own. A suite with a bridge is its library (the one
    /// compiled for every submission, or one compiled here) and its `bridge.rs`, compiled
    /// as the binary against both (see `docs/src/authors.md`).
    pub fn suite(
        &self,
        sandbox: &Sandbox,
        krate: &str,
        library: &Path,
        dependencies: &[String],
        suite: &SuiteSource,
        out: &Path,
    ) -> Result<Compiled> {
        let suite_library = match (suite.bridged(), &suite.library) {
            (false, _) => None,
            (true, Some(built)) => Some(built.clone()),
            (true, None) => match self.suite_library(sandbox, dependencies, &suite.dir, out)? {
                Compiled::Built(built) => Some(built),
                rejected @ Compiled::Rejected(_) => return Ok(rejected),
            },
        };
        let mut step = sandbox.step(Profile::Link);
        step.trusted();
        let sysroot = step.toolchain(&self.toolchain.sysroot);
        let deps = step.read_only(&self.deps.dir, "/deps");
        let student = step.read_only(library, &format!("/student/lib{krate}.rlib"));
        let suite_inside = step.read_only(&suite.dir, "/suite");
        let out_inside = step.writable(out, "/out");
        step.chdir(&suite_inside);
        let mut externs = self.suite_externs(dependencies, &deps)?;
        if let Some(built) = &suite_library {
            let inside = step.read_only(built, &format!("/suite-library/{}", suite_rlib()));
            externs.push(format!("--extern={SUITE_LIBRARY}={}", inside.display()));
        }
        externs.push(format!("--extern={krate}={}", student.display()));
        sandbox.hand_over(out)?;
        let (name, root) = if suite_library.is_some() {
            (BRIDGE, format!("{BRIDGE}.rs"))
        } else {
            ("suite", "main.rs".to_owned())
        };
        let mut args = self.common(&sysroot, &deps);
        args.extend([
            format!("--crate-name={name}"),
            "--crate-type=bin".to_owned(),
            "--emit=link".to_owned(),
            // The suite is the course's code: its warnings are nobody's business here.
            "-Awarnings".to_owned(),
            format!("-o{}", out_inside.join("suite").display()),
            suite_inside.join(root).display().to_string(),
        ]);
        args.extend(externs);
        let command = sandbox.command(&step, &Limits::compile(), &sysroot.join("bin/rustc"), &args);
        let ran = exec::run(command, COMPILE_TIMEOUT)?;
        let binary = out.join("suite");
        if ran.success() && binary.is_file() {
            execute_only(&binary)?;
            return Ok(Compiled::Built(binary));
        }
        Ok(Compiled::Rejected(suite_rejected(
            &ran,
            &suite_inside,
            "your code may make it run out of time or memory",
        )))
    }

    /// `--extern` arguments for what a suite is built with: the course's suite crates and
    /// the exercise's `dependencies`.
    fn suite_externs(&self, dependencies: &[String], deps: &Path) -> Result<Vec<String>> {
        let mut names: Vec<String> = super::deps::SUITE_DEPENDENCIES
            .iter()
            .map(|d| super::deps::crate_name(d))
            .collect();
        for dependency in dependencies {
            if !names.contains(dependency) {
                names.push(dependency.clone());
            }
        }
        names
            .iter()
            .map(|name| self.extern_arg(name, deps))
            .collect()
    }

    /// The flags of every compile.
    fn common(&self, sysroot: &Path, deps: &Path) -> Vec<String> {
        let mut args = vec![
            format!("--sysroot={}", sysroot.display()),
            format!("--edition={}", self.deps.edition),
            "--error-format=json".to_owned(),
            format!("-Ldependency={}", deps.display()),
        ];
        args.extend(self.deps.profile_flags.iter().cloned());
        args
    }

    /// `--extern name=/deps/file` for a course dependency.
    fn extern_arg(&self, krate: &str, deps: &Path) -> Result<String> {
        let file = self
            .deps
            .extern_file(krate)
            .with_context(|| format!("the grader has no compiled `{krate}`"))?;
        Ok(format!("--extern={krate}={}", deps.join(file).display()))
    }
}

/// Why a compile of suite code (mounted at `suite` in its step) came to nothing: its
/// errors, the suite's lines hidden, or that the compiler did not finish, which `why`
/// explains (submitted code, or the suite alone for a suite's library).
fn suite_rejected(ran: &exec::Ran, suite: &Path, why: &str) -> String {
    diagnostics(ran, Some(suite)).unwrap_or_else(|| {
        format!(
            "the compiler did not finish the hidden suite ({}): {why}",
            ran.ending(COMPILE_TIMEOUT)
        )
    })
}

/// A hidden suite to compile against submissions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuiteSource {
    /// The folder of its `main.rs` (and of its `bridge.rs`, when it has one).
    pub dir: PathBuf,
    /// Its library, when it has a bridge and the library was compiled once for every
    /// submission ([`Compiler::suite_library`]).
    pub library: Option<PathBuf>,
}

impl SuiteSource {
    /// A suite in `dir`, its library (if it has one) not compiled yet.
    pub fn new(dir: &Path) -> Self {
        SuiteSource {
            dir: dir.to_owned(),
            library: None,
        }
    }

    /// Whether it has a bridge: its `main.rs` is then a library the bridge calls.
    pub fn bridged(&self) -> bool {
        bridge_of(&self.dir.join("main.rs")).is_some()
    }
}

/// Makes a suite binary executable but unreadable by the tests that run it: its strings
/// (the suite's messages, expected values) must not come back through submitted code
/// that reads the file and panics with what it found. As root the file becomes root's;
/// otherwise nobody has read permission, its owner included, and the owner cannot
/// change that inside the sandbox, where the file is mounted read-only.
fn execute_only(binary: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if nix::unistd::geteuid().is_root() {
        std::os::unix::fs::chown(binary, Some(0), Some(0))
            .with_context(|| format!("cannot make {} root's", binary.display()))?;
    }
    std::fs::set_permissions(binary, std::fs::Permissions::from_mode(0o111))
        .with_context(|| format!("cannot make {} execute-only", binary.display()))
}

/// The compiler's errors, for people: the first few, whole for submitted code; for code
/// of the hidden suite (under `suite`) only what went wrong and where, never its lines.
/// `None` when the compiler said no error (it was killed, say).
fn diagnostics(ran: &exec::Ran, suite: Option<&Path>) -> Option<String> {
    let mut errors = Vec::new();
    for line in ran.stderr.lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let level = message["level"].as_str().unwrap_or_default();
        let text = message["message"].as_str().unwrap_or_default();
        if !level.starts_with("error") || text.starts_with("aborting due to") {
            continue;
        }
        errors.push(match suite {
            Some(suite) if in_suite(&message, suite) => hidden(&message),
            _ => message["rendered"]
                .as_str()
                .unwrap_or(text)
                .trim_end()
                .to_owned(),
        });
    }
    if errors.is_empty() {
        return None;
    }
    let more = errors.len().saturating_sub(SHOWN_ERRORS);
    errors.truncate(SHOWN_ERRORS);
    let mut text = errors.join("\n\n");
    if more > 0 {
        text.push_str(&format!("\n\n(and {more} more errors)"));
    }
    Some(text)
}

/// Whether a diagnostic's main place is in the hidden suite.
fn in_suite(message: &Value, suite: &Path) -> bool {
    message["spans"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|span| {
            span["is_primary"].as_bool() == Some(true)
                && span["file_name"]
                    .as_str()
                    .is_some_and(|f| Path::new(f).starts_with(suite))
        })
}

/// An error in the hidden suite's code, told without its source: the message, its
/// code, the file and line, and the notes.
fn hidden(message: &Value) -> String {
    let code = message["code"]["code"]
        .as_str()
        .map(|c| format!("[{c}]"))
        .unwrap_or_default();
    let place = message["spans"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["is_primary"].as_bool() == Some(true))
        .map(|s| {
            let file = Path::new(s["file_name"].as_str().unwrap_or_default())
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            format!("in the hidden suite ({file}, line {})", s["line_start"])
        })
        .unwrap_or_else(|| "in the hidden suite".to_owned());
    let mut text = format!(
        "error{code}: {}\n  {place}: the suite uses your exercise's public API as the \
         skeleton declares it; check the names, arguments and types of what you changed",
        message["message"].as_str().unwrap_or_default()
    );
    for child in message["children"].as_array().into_iter().flatten() {
        if let Some(note) = child["message"].as_str().filter(|n| !n.is_empty()) {
            text.push_str(&format!(
                "\n  = {}: {note}",
                child["level"].as_str().unwrap_or("note")
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ran(stderr: &str) -> exec::Ran {
        exec::Ran {
            status: None,
            stderr: stderr.to_owned(),
        }
    }

    fn error(file: &str, rendered: &str) -> String {
        serde_json::json!({
            "$message_type": "diagnostic",
            "message": "mismatched types",
            "code": {"code": "E0308"},
            "level": "error",
            "spans": [{"file_name": file, "line_start": 12, "is_primary": true}],
            "children": [{"message": "expected `u64`, found `i32`", "level": "note"}],
            "rendered": rendered,
        })
        .to_string()
    }

    #[test]
    fn errors_in_submitted_code_are_shown_whole() {
        let stderr = format!(
            "{}\n{}\n",
            error(
                "src/lib.rs",
                "error[E0308]: mismatched types\n --> src/lib.rs:12:5\n   | let x: u64 = -1;"
            ),
            serde_json::json!({"level": "error", "message": "aborting due to 1 previous error", "rendered": "error: aborting"})
        );
        let text = diagnostics(&ran(&stderr), Some(Path::new("/suite"))).unwrap();
        assert_eq!(
            text,
            "error[E0308]: mismatched types\n --> src/lib.rs:12:5\n   | let x: u64 = -1;"
        );
    }

    #[test]
    fn errors_in_the_hidden_suite_never_show_its_source() {
        let secret = "assert_eq!(register.read(), SECRET_EXPECTATION)";
        let stderr = error(
            "/suite/register.rs",
            &format!("error[E0308]: mismatched types\n{secret}"),
        );
        let text = diagnostics(&ran(&stderr), Some(Path::new("/suite"))).unwrap();
        assert!(!text.contains("SECRET_EXPECTATION"), "{text}");
        assert!(text.starts_with("error[E0308]: mismatched types"), "{text}");
        assert!(
            text.contains("in the hidden suite (register.rs, line 12)"),
            "{text}"
        );
        assert!(
            text.contains("= note: expected `u64`, found `i32`"),
            "{text}"
        );
    }

    #[test]
    fn many_errors_are_cut_to_the_first_few_and_none_is_none() {
        let one = error("src/lib.rs", "error: one");
        let stderr = vec![one; 8].join("\n");
        let text = diagnostics(&ran(&stderr), None).unwrap();
        assert_eq!(text.matches("error: one").count(), SHOWN_ERRORS);
        assert!(text.ends_with("(and 3 more errors)"), "{text}");
        assert_eq!(diagnostics(&ran("not json\n"), None), None);
    }
}
