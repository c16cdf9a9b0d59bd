//! The destination of an unpacking: creating folders and files inside it under the
//! limits, and counting what is skipped.
//!
//! Both readers hand every entry here, so the rules live in one place: names are
//! checked ([`entry_path`]), only files and folders are created, always with modes
//! 0644 and 0755, and sizes are counted on the bytes actually read.
//!
//! The destination was empty when unpacking began and nothing else writes to it, so
//! the set of folders created so far says all there is to know about what exists:
//! a path that exists without being in it is a file this unpacking wrote. Asking the
//! file system instead (`symlink_metadata` on each parent) would cost a call per
//! component of every entry and answer nothing more.

use std::collections::HashSet;
use std::fs::{self, OpenOptions, Permissions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::entry_path::{self, EntryPath};
use super::tally::{Skip, Tally, size_text};
use super::{ArchiveError, Limits, Unpacked};

/// What an entry is, as its archive describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum EntryKind {
    /// A regular file, whose content follows.
    File,
    /// A folder.
    Folder,
    /// Anything else, never created.
    Skipped(Skip),
}

/// Writes the entries of one archive into one folder.
pub(super) struct Sink<'a> {
    /// The archive's file name, for errors.
    archive: &'a str,
    root: &'a Path,
    limits: &'a Limits,
    /// Folders created, relative to `root`.
    folders: HashSet<PathBuf>,
    files: usize,
    bytes: u64,
    skipped: Tally,
    buffer: Vec<u8>,
}

impl<'a> Sink<'a> {
    /// A sink writing into `root`, which exists and is empty.
    pub(super) fn new(archive: &'a str, root: &'a Path, limits: &'a Limits) -> Self {
        Sink {
            archive,
            root,
            limits,
            folders: HashSet::new(),
            files: 0,
            bytes: 0,
            skipped: Tally::default(),
            buffer: vec![0; 64 * 1024],
        }
    }

    /// Decides what to do with one entry. A folder is created now; for a file that is
    /// to be written, its parents are created and its path returned, and the caller
    /// passes its content to [`Sink::write`].
    pub(super) fn admit(
        &mut self,
        raw_name: &[u8],
        kind: EntryKind,
    ) -> Result<Option<PathBuf>, ArchiveError> {
        let components = match entry_path::parse(raw_name) {
            Ok(EntryPath::Root) => return Ok(None),
            Ok(path) if path.in_build_folder(kind == EntryKind::Folder) => {
                return Ok(self.skip(Skip::BuildFolder));
            }
            Ok(EntryPath::Inside(components)) => components,
            Err(why) => return Ok(self.skip(why)),
        };
        let relative: PathBuf = components.iter().collect();
        match kind {
            EntryKind::Skipped(why) => Ok(self.skip(why)),
            EntryKind::Folder => {
                if !self.make_folders(&relative)? {
                    self.skipped.add(Skip::Clash);
                }
                Ok(None)
            }
            EntryKind::File => {
                let parent = relative.parent().unwrap_or(Path::new(""));
                if !self.make_folders(parent)? || self.folders.contains(&relative) {
                    return Ok(self.skip(Skip::Clash));
                }
                Ok(Some(relative))
            }
        }
    }

    /// Writes one file admitted by [`Sink::admit`], reading at most one byte past the
    /// limits from `content`.
    pub(super) fn write(
        &mut self,
        relative: &Path,
        content: &mut dyn Read,
    ) -> Result<(), ArchiveError> {
        self.check_room(relative)?;
        let path = self.root.join(relative);
        let mut file = match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .open(&path)
        {
            Ok(file) => file,
            // A file of the same name was written before: the archive repeats a name.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                self.skipped.add(Skip::Clash);
                return Ok(());
            }
            Err(e) => return Err(self.io("create", &path, e)),
        };
        self.files += 1;
        // The process umask may have taken bits off the mode asked for.
        file.set_permissions(Permissions::from_mode(0o644))
            .map_err(|e| self.io("set the mode of", &path, e))?;

        let per_file = self.limits.max_file_bytes;
        let cap = per_file.min(self.limits.max_total_bytes.saturating_sub(self.bytes));
        let mut limited = content.take(cap.saturating_add(1));
        let mut copied: u64 = 0;
        loop {
            let n = match limited.read(&mut self.buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(ArchiveError::Corrupt {
                        archive: self.archive.to_owned(),
                        reason: format!("reading {}: {e}", relative.display()),
                    });
                }
            };
            copied += n as u64;
            if copied > cap {
                let what = if copied > per_file {
                    format!(
                        "{} is larger than {}",
                        relative.display(),
                        size_text(per_file)
                    )
                } else {
                    format!(
                        "its files hold more than {}",
                        size_text(self.limits.max_total_bytes)
                    )
                };
                return Err(self.too_large(what));
            }
            file.write_all(&self.buffer[..n])
                .map_err(|e| self.io("write", &path, e))?;
        }
        self.bytes += copied;
        Ok(())
    }

    /// What was written and skipped.
    pub(super) fn finish(self) -> Unpacked {
        Unpacked {
            files: self.files,
            folders: self.folders.len(),
            bytes: self.bytes,
            skipped: self.skipped.lines(),
        }
    }

    /// Counts a skipped entry; `None` so that callers can return it as "nothing to write".
    fn skip(&mut self, why: Skip) -> Option<PathBuf> {
        self.skipped.add(why);
        None
    }

    /// Creates `relative` and its parents as needed; `false` when a file is in the way.
    fn make_folders(&mut self, relative: &Path) -> Result<bool, ArchiveError> {
        let mut prefix = PathBuf::new();
        for component in relative.components() {
            prefix.push(component);
            if self.folders.contains(&prefix) {
                continue;
            }
            self.check_room(&prefix)?;
            let path = self.root.join(&prefix);
            match fs::create_dir(&path) {
                Ok(()) => {}
                // Not a folder this sink made, so a file it wrote.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
                Err(e) => return Err(self.io("create the folder", &path, e)),
            }
            fs::set_permissions(&path, Permissions::from_mode(0o755))
                .map_err(|e| self.io("set the mode of", &path, e))?;
            self.folders.insert(prefix.clone());
        }
        Ok(true)
    }

    /// Whether one more file or folder, `relative`, may be created.
    fn check_room(&self, relative: &Path) -> Result<(), ArchiveError> {
        if self.files + self.folders.len() < self.limits.max_files {
            return Ok(());
        }
        Err(self.too_large(format!(
            "it holds more than {} files and folders (at {})",
            self.limits.max_files,
            relative.display()
        )))
    }

    fn too_large(&self, what: String) -> ArchiveError {
        ArchiveError::TooLarge {
            archive: self.archive.to_owned(),
            what,
        }
    }

    fn io(&self, action: &str, path: &Path, error: io::Error) -> ArchiveError {
        ArchiveError::Io {
            archive: self.archive.to_owned(),
            action: format!("{action} {}", path.display()),
            error,
        }
    }
}
