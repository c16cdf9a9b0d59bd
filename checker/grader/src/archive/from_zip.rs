//! Reading a `.zip` into a [`Sink`].
//!
//! Each entry is first looked at without decompressing it (`by_index_raw`): its name
//! and its Unix mode decide whether it is written at all, so an entry under `target/`
//! or a symbolic link costs nothing, and a password or a compression method the grader
//! does not read only matters for entries it would write. The zip crate's own
//! `extract` was rejected: it creates symbolic links, restores modes and trusts
//! declared sizes.

use std::fs::File;
use std::io::BufReader;

use zip::ZipArchive;
use zip::result::ZipError;

use super::ArchiveError;
use super::sink::{EntryKind, Sink};
use super::tally::Skip;

/// The file-type bits of a Unix mode, and the types among them.
const S_IFMT: u32 = 0o170_000;
const S_IFSOCK: u32 = 0o140_000;
const S_IFLNK: u32 = 0o120_000;
const S_IFREG: u32 = 0o100_000;
const S_IFBLK: u32 = 0o060_000;
const S_IFDIR: u32 = 0o040_000;
const S_IFCHR: u32 = 0o020_000;
const S_IFIFO: u32 = 0o010_000;

/// Unpacks every entry of the zip `file` into `sink`.
pub(super) fn unpack(archive: &str, file: File, sink: &mut Sink<'_>) -> Result<(), ArchiveError> {
    let fail = |error| failure(archive, error);
    let mut zip = ZipArchive::new(BufReader::new(file)).map_err(fail)?;
    for index in 0..zip.len() {
        let (name, kind) = {
            let entry = zip.by_index_raw(index).map_err(fail)?;
            // The raw bytes, not `name()`: without the UTF-8 flag the crate decodes
            // names as CP437, which turns a name in any other encoding into a valid
            // but different one.
            let name = entry.name_raw().to_vec();
            let kind = entry_kind(entry.unix_mode(), name.ends_with(b"/"));
            (name, kind)
        };
        if let Some(path) = sink.admit(&name, kind)? {
            let mut entry = zip.by_index(index).map_err(fail)?;
            sink.write(&path, &mut entry)?;
        }
    }
    Ok(())
}

/// What an entry is, from its Unix mode (when the archive has one) and whether its
/// name ends with `/`, which is all that a zip made on Windows says.
fn entry_kind(mode: Option<u32>, slash: bool) -> EntryKind {
    match mode.map_or(0, |mode| mode & S_IFMT) {
        S_IFLNK => EntryKind::Skipped(Skip::Symlink),
        S_IFCHR | S_IFBLK => EntryKind::Skipped(Skip::Device),
        S_IFIFO => EntryKind::Skipped(Skip::Fifo),
        S_IFSOCK => EntryKind::Skipped(Skip::Special),
        S_IFDIR => EntryKind::Folder,
        0 | S_IFREG if slash => EntryKind::Folder,
        0 | S_IFREG => EntryKind::File,
        _ => EntryKind::Skipped(Skip::Special),
    }
}

/// The zip crate's error as the student's problem with the archive.
fn failure(archive: &str, error: ZipError) -> ArchiveError {
    let archive = archive.to_owned();
    match error {
        ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED) | ZipError::InvalidPassword => {
            ArchiveError::Unsupported {
                archive,
                reason: "has files protected by a password".to_owned(),
            }
        }
        ZipError::UnsupportedArchive(detail) => ArchiveError::Unsupported {
            archive,
            reason: format!("uses a zip feature the grader does not read ({detail})"),
        },
        other => ArchiveError::Corrupt {
            archive,
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_slashes_say_what_an_entry_is() {
        assert_eq!(entry_kind(None, false), EntryKind::File);
        assert_eq!(entry_kind(None, true), EntryKind::Folder);
        assert_eq!(entry_kind(Some(S_IFREG | 0o755), false), EntryKind::File);
        assert_eq!(entry_kind(Some(S_IFDIR | 0o700), false), EntryKind::Folder);
        assert_eq!(
            entry_kind(Some(S_IFLNK | 0o777), false),
            EntryKind::Skipped(Skip::Symlink)
        );
        assert_eq!(
            entry_kind(Some(S_IFLNK | 0o777), true),
            EntryKind::Skipped(Skip::Symlink)
        );
        assert_eq!(
            entry_kind(Some(S_IFCHR | 0o644), false),
            EntryKind::Skipped(Skip::Device)
        );
        assert_eq!(
            entry_kind(Some(S_IFIFO | 0o644), false),
            EntryKind::Skipped(Skip::Fifo)
        );
    }
}
