//! Copying one exercise's `src/` out of a submission into a scratch folder, where it
//! is compiled against the course's own manifest.
//!
//! Only `src/` is taken: a submission's `Cargo.toml` could add dependencies or a build
//! script, and its `tests/` are not graded. Only regular files and folders are copied,
//! with modes 0644 and 0755; links are never followed, not even to a folder, because
//! a link is the simplest way to read the hidden suites or another student's work.
//! Folders named like build output (`target/`, `.git/`, ...) are left out, as
//! unpacking leaves them out of archives, so a folder and an archive of the same work
//! are graded alike.

use std::fmt;
use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use super::layout::{is_file, is_folder};
use crate::archive::BUILD_FOLDERS;
use crate::archive::tally::{Skip, Tally, size_text};

/// How much one exercise's sources may hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyLimits {
    /// The bytes of all files together.
    pub max_total_bytes: u64,
    /// The files and folders, together.
    pub max_files: usize,
    /// How deep folders may nest below `src/`.
    pub max_depth: usize,
}

impl Default for CopyLimits {
    /// 4 MiB, 500 files and folders, 16 levels: an exercise's solution is a few files
    /// of a few KiB.
    fn default() -> Self {
        CopyLimits {
            max_total_bytes: 4 << 20,
            max_files: 500,
            max_depth: 16,
        }
    }
}

/// What was copied and left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    /// Regular files copied.
    pub files: usize,
    /// Bytes copied.
    pub bytes: u64,
    /// What was skipped, one line per kind: "1 symbolic link skipped".
    pub skipped: Vec<String>,
}

/// Why an exercise's sources were not copied. Each holds the exercise folder as given.
#[derive(Debug)]
pub enum CopyError {
    /// There is no `src/lib.rs` that is a regular file in real folders.
    NoLib {
        /// The exercise folder.
        exercise: PathBuf,
    },
    /// A limit was exceeded; the exercise is refused.
    TooLarge {
        /// The exercise folder.
        exercise: PathBuf,
        /// Which limit ("more than 500 files and folders").
        what: String,
    },
    /// A file could not be read or written.
    Io {
        /// The exercise folder.
        exercise: PathBuf,
        /// What failed, as a phrase after "cannot" ("read src/lib.rs").
        action: String,
        /// The error.
        error: io::Error,
    },
}

impl CopyError {
    /// Whether the grader, not the submission, is to blame: grading it again may work.
    pub fn is_tool_error(&self) -> bool {
        matches!(self, CopyError::Io { .. })
    }
}

impl fmt::Display for CopyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CopyError::NoLib { exercise } => {
                let shown = shown(exercise);
                write!(
                    f,
                    "{shown} has no src/lib.rs (links do not count): put the exercise's code \
                     in {shown}/src/, as the course has it, and submit again"
                )
            }
            CopyError::TooLarge { exercise, what } => write!(
                f,
                "{}/src is too large to grade ({what}): keep only the exercise's source \
                 files in it and submit again",
                shown(exercise)
            ),
            CopyError::Io {
                exercise,
                action,
                error,
            } => write!(
                f,
                "could not copy the sources of {}: cannot {action}: {error}",
                shown(exercise)
            ),
        }
    }
}

impl std::error::Error for CopyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CopyError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The exercise folder as the student knows it: from its `exercises` folder down
/// (`exercises/01_linearizable`), else by its own name. Where the grader unpacked the
/// submission means nothing to the student.
fn shown(exercise: &Path) -> String {
    let parts: Vec<Component<'_>> = exercise.components().collect();
    let from = parts
        .iter()
        .rposition(|part| part.as_os_str() == "exercises")
        .or(parts.len().checked_sub(1))
        .unwrap_or(0);
    let shown: PathBuf = parts[from..].iter().collect();
    shown.display().to_string()
}

/// Copies `exercise_dir/src/**` into `into/src/**`; `into` is created if needed and
/// must not hold a `src` already.
pub fn copy_sources(
    exercise_dir: &Path,
    into: &Path,
    limits: &CopyLimits,
) -> Result<Copied, CopyError> {
    let src = exercise_dir.join("src");
    if !(is_folder(exercise_dir) && is_folder(&src) && is_file(&src.join("lib.rs"))) {
        return Err(CopyError::NoLib {
            exercise: exercise_dir.to_owned(),
        });
    }
    let mut copier = Copier {
        exercise: exercise_dir,
        limits,
        entries: 0,
        files: 0,
        bytes: 0,
        skipped: Tally::default(),
        buffer: vec![0; 64 * 1024],
    };
    let to = into.join("src");
    fs::create_dir_all(into)
        .and_then(|()| fs::create_dir(&to))
        .and_then(|()| fs::set_permissions(&to, Permissions::from_mode(0o755)))
        .map_err(|e| copier.io(format!("create {}", to.display()), e))?;
    copier.folder(&src, &to, Path::new("src"), 0)?;
    Ok(Copied {
        files: copier.files,
        bytes: copier.bytes,
        skipped: copier.skipped.lines(),
    })
}

/// One copy in progress.
struct Copier<'a> {
    exercise: &'a Path,
    limits: &'a CopyLimits,
    /// Files and folders created below `src`.
    entries: usize,
    files: usize,
    bytes: u64,
    skipped: Tally,
    buffer: Vec<u8>,
}

impl Copier<'_> {
    /// Copies the contents of `from` into the existing `to`; `shown` is `from` relative
    /// to the exercise, for messages; `depth` counts folders below `src`.
    fn folder(
        &mut self,
        from: &Path,
        to: &Path,
        shown: &Path,
        depth: usize,
    ) -> Result<(), CopyError> {
        let read = |e| self.io(format!("read {}", shown.display()), e);
        let mut entries = fs::read_dir(from)
            .and_then(|entries| entries.collect::<io::Result<Vec<_>>>())
            .map_err(read)?;
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                self.skipped.add(Skip::NotUtf8);
                continue;
            };
            if name.chars().any(char::is_control) {
                self.skipped.add(Skip::UnsafePath);
                continue;
            }
            let (from, to, shown) = (entry.path(), to.join(name), shown.join(name));
            // The entry's own type and metadata: links are reported as links.
            let meta = entry
                .metadata()
                .map_err(|e| self.io(format!("read {}", shown.display()), e))?;
            let kind = meta.file_type();
            if kind.is_dir() {
                if BUILD_FOLDERS.contains(&name) {
                    self.skipped.add(Skip::BuildFolder);
                    continue;
                }
                if depth + 1 > self.limits.max_depth {
                    let what = format!("folders nested more than {} deep", self.limits.max_depth);
                    return Err(self.too_large(what));
                }
                self.count(&shown)?;
                fs::create_dir(&to)
                    .and_then(|()| fs::set_permissions(&to, Permissions::from_mode(0o755)))
                    .map_err(|e| self.io(format!("create {}", to.display()), e))?;
                self.folder(&from, &to, &shown, depth + 1)?;
            } else if kind.is_file() {
                self.count(&shown)?;
                self.file(&from, &meta, &to, &shown)?;
            } else if kind.is_symlink() {
                self.skipped.add(Skip::Symlink);
            } else if kind.is_block_device() || kind.is_char_device() {
                self.skipped.add(Skip::Device);
            } else if kind.is_fifo() {
                self.skipped.add(Skip::Fifo);
            } else {
                self.skipped.add(Skip::Special);
            }
        }
        Ok(())
    }

    /// Copies one regular file, `meta` being what listing its folder said of it.
    fn file(
        &mut self,
        from: &Path,
        meta: &fs::Metadata,
        to: &Path,
        shown: &Path,
    ) -> Result<(), CopyError> {
        let read = |e| self.io(format!("read {}", shown.display()), e);
        let mut source = File::open(from).map_err(read)?;
        // Opening follows links; a file swapped for one since it was listed is caught
        // here, because the opened file is then another.
        let opened = source.metadata().map_err(read)?;
        if (opened.dev(), opened.ino()) != (meta.dev(), meta.ino()) {
            let changed = io::Error::other("it changed while it was being copied");
            return Err(self.io(format!("read {}", shown.display()), changed));
        }
        let write = |e| self.io(format!("write {}", to.display()), e);
        let mut target = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(to)
            .map_err(write)?;
        target
            .set_permissions(Permissions::from_mode(0o644))
            .map_err(write)?;
        let cap = self.limits.max_total_bytes.saturating_sub(self.bytes);
        let mut limited = (&mut source).take(cap.saturating_add(1));
        loop {
            let n = match limited.read(&mut self.buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io(format!("read {}", shown.display()), e)),
            };
            self.bytes += n as u64;
            if self.bytes > self.limits.max_total_bytes {
                let what = format!(
                    "more than {} of files",
                    size_text(self.limits.max_total_bytes)
                );
                return Err(self.too_large(what));
            }
            target
                .write_all(&self.buffer[..n])
                .map_err(|e| self.io(format!("write {}", to.display()), e))?;
        }
        self.files += 1;
        Ok(())
    }

    /// Counts one more file or folder, `shown`, against the limit.
    fn count(&mut self, shown: &Path) -> Result<(), CopyError> {
        if self.entries >= self.limits.max_files {
            let what = format!(
                "more than {} files and folders, at {}",
                self.limits.max_files,
                shown.display()
            );
            return Err(self.too_large(what));
        }
        self.entries += 1;
        Ok(())
    }

    fn too_large(&self, what: String) -> CopyError {
        CopyError::TooLarge {
            exercise: self.exercise.to_owned(),
            what,
        }
    }

    fn io(&self, action: String, error: io::Error) -> CopyError {
        CopyError::Io {
            exercise: self.exercise.to_owned(),
            action,
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;
    use crate::archive::fixtures::{Scratch, tree};

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
    }

    /// An exercise folder `exercises/01_a` holding `src/lib.rs` and `files`.
    fn exercise(scratch: &Scratch, files: &[&str]) -> PathBuf {
        scratch.file("alice/exercises/01_a/src/lib.rs", b"pub mod a;\n");
        for file in files {
            scratch.file(&format!("alice/exercises/01_a/{file}"), b"// x\n");
        }
        scratch.join("alice/exercises/01_a")
    }

    #[test]
    fn sources_are_copied_with_fixed_modes_and_nothing_else() {
        let scratch = Scratch::new();
        let dir = exercise(
            &scratch,
            &["src/a.rs", "src/a/b.rs", "Cargo.toml", "tests/t.rs"],
        );
        fs::set_permissions(dir.join("src/a.rs"), Permissions::from_mode(0o4700)).unwrap();
        fs::set_permissions(dir.join("src/a"), Permissions::from_mode(0o700)).unwrap();
        scratch.file("alice/exercises/01_a/src/target/debug/x", b"build output");
        let into = scratch.join("scratch/01_a");
        let copied = copy_sources(&dir, &into, &CopyLimits::default()).unwrap();
        assert_eq!(
            tree(&into),
            ["src/", "src/a.rs", "src/a/", "src/a/b.rs", "src/lib.rs"]
        );
        assert_eq!((copied.files, copied.bytes), (3, 11 + 5 + 5));
        assert_eq!(
            copied.skipped,
            ["1 entry under target/, .git/, node_modules/ or .checker/ skipped"]
        );
        assert_eq!(mode(&into.join("src/a.rs")), 0o644);
        assert_eq!(mode(&into.join("src/a")), 0o755);
        assert_eq!(mode(&into.join("src")), 0o755);
    }

    #[test]
    fn links_to_files_and_folders_are_skipped_never_followed() {
        let scratch = Scratch::new();
        let dir = exercise(&scratch, &[]);
        scratch.file("bob/secret.rs", b"bob's work");
        symlink("/etc/passwd", dir.join("src/passwd.rs")).unwrap();
        symlink(scratch.join("bob"), dir.join("src/bob")).unwrap();
        let into = scratch.join("out");
        let copied = copy_sources(&dir, &into, &CopyLimits::default()).unwrap();
        assert_eq!(tree(&into), ["src/", "src/lib.rs"]);
        assert_eq!(copied.skipped, ["2 symbolic links skipped"]);
        assert_eq!(copied.files, 1);
    }

    #[test]
    fn without_a_real_lib_rs_there_is_nothing_to_grade() {
        let scratch = Scratch::new();
        let empty = scratch.folder("alice/exercises/01_a/src");
        let dir = empty.parent().unwrap();
        let error = copy_sources(dir, &scratch.join("a"), &CopyLimits::default()).unwrap_err();
        assert!(matches!(error, CopyError::NoLib { .. }), "{error}");
        assert_eq!(
            error.to_string(),
            "exercises/01_a has no src/lib.rs (links do not count): put the exercise's \
             code in exercises/01_a/src/, as the course has it, and submit again"
        );
        assert!(!error.is_tool_error());

        scratch.file("bob/lib.rs", b"bob's work");
        symlink(scratch.join("bob/lib.rs"), empty.join("lib.rs")).unwrap();
        let error = copy_sources(dir, &scratch.join("b"), &CopyLimits::default()).unwrap_err();
        assert!(matches!(error, CopyError::NoLib { .. }), "{error}");

        // A linked src/ is no src/ at all.
        scratch.file("carol/src/lib.rs", b"carol's work");
        let dave = scratch.folder("dave");
        symlink(scratch.join("carol/src"), dave.join("src")).unwrap();
        let error = copy_sources(&dave, &scratch.join("c"), &CopyLimits::default()).unwrap_err();
        assert!(matches!(error, CopyError::NoLib { .. }), "{error}");
        assert!(!scratch.join("c").exists());
    }

    #[test]
    fn too_many_files_too_many_bytes_or_too_deep_is_refused() {
        let scratch = Scratch::new();
        let dir = exercise(&scratch, &["src/a.rs", "src/b.rs", "src/c.rs"]);
        let limits = CopyLimits {
            max_files: 3,
            ..CopyLimits::default()
        };
        let error = copy_sources(&dir, &scratch.join("a"), &limits).unwrap_err();
        assert!(
            matches!(&error, CopyError::TooLarge { what, .. }
                if what == "more than 3 files and folders, at src/lib.rs"),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .starts_with("exercises/01_a/src is too large to grade (")
        );

        let limits = CopyLimits {
            max_total_bytes: 20,
            ..CopyLimits::default()
        };
        let error = copy_sources(&dir, &scratch.join("b"), &limits).unwrap_err();
        assert!(
            matches!(&error, CopyError::TooLarge { what, .. } if what == "more than 20 bytes of files"),
            "{error}"
        );
        let limits = CopyLimits {
            max_total_bytes: 26,
            ..CopyLimits::default()
        };
        assert_eq!(
            copy_sources(&dir, &scratch.join("c"), &limits)
                .unwrap()
                .bytes,
            26
        );

        scratch.file("alice/exercises/01_a/src/a/b/c/d.rs", b"");
        let limits = CopyLimits {
            max_depth: 2,
            ..CopyLimits::default()
        };
        let error = copy_sources(&dir, &scratch.join("d"), &limits).unwrap_err();
        assert!(
            matches!(&error, CopyError::TooLarge { what, .. } if what.contains("more than 2 deep")),
            "{error}"
        );
    }

    #[test]
    fn the_exercise_is_shown_from_its_exercises_folder() {
        assert_eq!(
            shown(Path::new("/tmp/x/alice/exercises/01_a")),
            "exercises/01_a"
        );
        assert_eq!(shown(Path::new("/tmp/x/01_a")), "01_a");
    }
}
