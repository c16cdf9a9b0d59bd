//! The submissions folder: which of its children are submissions, where each keeps its
//! exercises, and copying an exercise's sources out of it.
//!
//! Every child of the folder is one submission: a copy of the course, or only its
//! `exercises/` folder, as a folder or as a `.zip`, `.tar.gz` or `.tgz`, possibly
//! wrapped in folders of its own (`alice/exercises/...`). Nothing in a submission is
//! trusted, so no symbolic link is ever followed, from the folder's own children down
//! to the files of `src/`: a link can point at another student's work, at the hidden
//! suites or at `/etc/shadow`.
//!
//! | module | what it holds |
//! | --- | --- |
//! | `layout` | finding the folder that holds a submission's exercises |
//! | `copy` | copying one exercise's `src/` into a scratch folder, under limits |
//! | `fingerprint` | digests that tell whether a submission changed since the last run |

mod copy;
mod fingerprint;
mod layout;

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{self, FileType};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::Context;

pub use copy::{Copied, CopyError, CopyLimits, copy_sources};
pub use fingerprint::{fingerprint_file, fingerprint_files};
pub use layout::{Located, locate};

use super::archive::{self, ArchiveKind};

/// The submissions found in a submissions folder, and what was not one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// The submissions, by file name in byte order.
    pub submissions: Vec<Submission>,
    /// One line for each child that is not a submission, and why.
    pub skipped: Vec<String>,
}

/// One submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    /// Its id, unique in the listing and safe as a folder name: the file name, without
    /// `.zip`, `.tar.gz` or `.tgz` unless another submission already has that id.
    pub id: String,
    /// Its path.
    pub origin: PathBuf,
    /// A folder or an archive.
    pub kind: SubmissionKind,
    /// Remarks for the instructor, such as why the id keeps the archive's suffix.
    pub notes: Vec<String>,
}

/// What form a submission came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubmissionKind {
    /// A folder, read in place.
    Folder,
    /// An archive, to unpack first.
    Archive(ArchiveKind),
}

/// Lists the submissions in `dir`, sorted by file name. Only a folder that cannot be
/// read is an error; a child that is not a submission is skipped and said so.
pub fn list(dir: &Path) -> anyhow::Result<Listing> {
    let cannot = || format!("cannot read the submissions folder {}", dir.display());
    let mut children: Vec<(OsString, FileType)> = Vec::new();
    for entry in fs::read_dir(dir).with_context(cannot)? {
        let entry = entry.with_context(cannot)?;
        // The entry's own type: a symbolic link is reported as one, never followed.
        let file_type = entry.file_type().with_context(cannot)?;
        children.push((entry.file_name(), file_type));
    }
    children.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));

    let mut listing = Listing::default();
    for (name, file_type) in children {
        match submission(dir, &name, file_type) {
            Ok(found) => listing.submissions.push(found),
            Err(reason) => listing.skipped.push(reason),
        }
    }
    settle_ids(&mut listing.submissions);
    Ok(listing)
}

/// The child `name` of `dir` as a submission (its id still the bare stem), or the line
/// saying why it is not one.
fn submission(dir: &Path, name: &OsString, file_type: FileType) -> Result<Submission, String> {
    let Some(name) = name.to_str() else {
        let shown = name.to_string_lossy();
        return Err(format!("{shown:?}: the name is not UTF-8, skipped"));
    };
    if name.starts_with('.') {
        return Err(format!("{name}: hidden, skipped"));
    }
    if !safe_name(name) {
        return Err(format!("{name:?}: not a safe folder name, skipped"));
    }
    if file_type.is_symlink() {
        return Err(format!(
            "{name}: a symbolic link, skipped (links are never followed)"
        ));
    }
    let (id, kind) = if file_type.is_dir() {
        (name, SubmissionKind::Folder)
    } else if !file_type.is_file() {
        return Err(format!("{name}: not a regular file or folder, skipped"));
    } else {
        match archive::split_name(name).filter(|(stem, _)| safe_name(stem)) {
            Some((stem, kind)) => (stem, SubmissionKind::Archive(kind)),
            None => {
                return Err(format!(
                    "{name}: neither a folder nor a .zip, .tar.gz or .tgz archive, skipped"
                ));
            }
        }
    };
    Ok(Submission {
        id: id.to_owned(),
        origin: dir.join(name),
        kind,
        notes: Vec::new(),
    })
}

/// Whether `name` can be a folder of its own: not empty, `.` or `..`, and without
/// `/` or control characters.
fn safe_name(name: &str) -> bool {
    !matches!(name, "" | "." | "..") && !name.contains('/') && !name.chars().any(char::is_control)
}

/// Gives every archive whose id another submission shares its full file name as id,
/// until ids are unique. Full file names are unique in a folder, and a folder's id is
/// its full name, so this ends; repeating is needed because a renamed `alice.zip` may
/// now clash with the stem of `alice.zip.tgz`.
fn settle_ids(submissions: &mut [Submission]) {
    loop {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for found in submissions.iter() {
            *counts.entry(found.id.clone()).or_default() += 1;
        }
        let mut renamed = false;
        for found in submissions.iter_mut() {
            let full = file_name(&found.origin);
            if counts[&found.id] > 1 && found.id != full {
                found.notes.push(format!(
                    "{full}: graded as {full}, since another submission is also called {}",
                    found.id
                ));
                found.id = full;
                renamed = true;
            }
        }
        if !renamed {
            return;
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStringExt;

    use super::*;
    use crate::archive::fixtures::Scratch;

    fn ids(listing: &Listing) -> Vec<&str> {
        listing.submissions.iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn folders_and_archives_are_listed_in_byte_order_and_the_rest_skipped() {
        let scratch = Scratch::new();
        scratch.folder("bob/exercises");
        scratch.file("Zed.ZIP", b"PK\x05\x06");
        scratch.file("alice.tar.gz", b"");
        scratch.file("carol.tgz", b"");
        scratch.file(".DS_Store", b"");
        scratch.folder(".hidden");
        scratch.file("notes.txt", b"");
        scratch.file("dave.rar", b"");
        std::os::unix::fs::symlink(scratch.join("bob"), scratch.join("eve")).unwrap();
        std::os::unix::fs::symlink("/etc/shadow", scratch.join("mallory.zip")).unwrap();
        let bad = OsString::from_vec(b"bad\xff".to_vec());
        fs::create_dir(scratch.path().join(&bad)).unwrap();
        fs::create_dir(scratch.join("new\nline")).unwrap();

        let listing = list(scratch.path()).unwrap();
        assert_eq!(ids(&listing), ["Zed", "alice", "bob", "carol"]);
        let kinds: Vec<_> = listing.submissions.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                SubmissionKind::Archive(ArchiveKind::Zip),
                SubmissionKind::Archive(ArchiveKind::TarGz),
                SubmissionKind::Folder,
                SubmissionKind::Archive(ArchiveKind::TarGz),
            ]
        );
        assert_eq!(listing.submissions[1].origin, scratch.join("alice.tar.gz"));
        assert_eq!(
            listing.skipped,
            [
                ".DS_Store: hidden, skipped",
                ".hidden: hidden, skipped",
                "\"bad\u{FFFD}\": the name is not UTF-8, skipped",
                "dave.rar: neither a folder nor a .zip, .tar.gz or .tgz archive, skipped",
                "eve: a symbolic link, skipped (links are never followed)",
                "mallory.zip: a symbolic link, skipped (links are never followed)",
                "\"new\\nline\": not a safe folder name, skipped",
                "notes.txt: neither a folder nor a .zip, .tar.gz or .tgz archive, skipped",
            ]
        );
    }

    #[test]
    fn an_archive_sharing_an_id_keeps_its_full_name() {
        let scratch = Scratch::new();
        scratch.folder("alice");
        scratch.file("alice.zip", b"");
        scratch.file("alice.zip.tgz", b"");
        scratch.file("bob.zip", b"");
        let listing = list(scratch.path()).unwrap();
        assert_eq!(
            ids(&listing),
            ["alice", "alice.zip", "alice.zip.tgz", "bob"]
        );
        assert!(listing.submissions[0].notes.is_empty());
        assert_eq!(
            listing.submissions[1].notes,
            ["alice.zip: graded as alice.zip, since another submission is also called alice"]
        );
        assert_eq!(listing.submissions[2].notes.len(), 1);
        assert!(listing.submissions[3].notes.is_empty());
    }

    #[test]
    fn an_unreadable_folder_is_an_error_naming_it() {
        let scratch = Scratch::new();
        let missing = scratch.join("nowhere");
        let error = list(&missing).unwrap_err();
        assert!(
            error.to_string().contains(&*missing.to_string_lossy()),
            "{error}"
        );
    }
}
