//! Unpacking a submitted `.zip`, `.tar.gz` or `.tgz` safely into an empty folder.
//!
//! Archives come from students, and some are hostile: names with `..` or a leading
//! `/`, symbolic links to `/etc/shadow` or to the hidden suites, devices, zip bombs,
//! whole `target/` folders. So:
//!
//! - only regular files and folders are created, with modes 0644 and 0755; links,
//!   devices and pipes are counted and skipped, and no owner or time is restored;
//! - every name is checked, and one that could lead outside the folder is refused
//!   rather than rewritten;
//! - anything under `target/`, `.git/`, `node_modules/` or `.checker/` is skipped and
//!   does not count toward the limits;
//! - sizes are counted on the bytes actually decompressed, never the sizes an archive
//!   declares, and reading stops one byte past a limit.
//!
//! The zip and tar crates' own `extract`/`unpack` were rejected: both create links
//! and trust the archive about modes and sizes.
//!
//! | module | what it holds |
//! | --- | --- |
//! | `entry_path` | checking an entry's raw name, and the build folders skipped |
//! | `sink` | creating files and folders under the limits |
//! | `from_zip` | reading a zip's entries |
//! | `from_tar` | reading a gzip-compressed tar's entries |
//! | `tally` | counting what was skipped, and the words for it |

mod entry_path;
#[cfg(test)]
pub(crate) mod fixtures;
mod from_tar;
mod from_zip;
mod sink;
pub(crate) mod tally;

use std::fmt;
use std::fs::{self, File, Permissions};
use std::io::{self, Read, Seek};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

pub(crate) use entry_path::BUILD_FOLDERS;
use tally::size_text;

/// How many times the total size allowed an archive may be, as a file and, for a
/// tar, as a decompressed stream: what is skipped (a `target/` folder) must still be
/// read past, and this bounds the time that takes.
const STREAM_FACTOR: u64 = 16;

/// The least an archive may be, as a file or a stream, however small the limits:
/// headers and a zip's directory are not content, and a tiny archive costs no time.
const STREAM_FLOOR: u64 = 1 << 20;

/// The archive formats the grader reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveKind {
    /// `.zip`, deflated or stored.
    Zip,
    /// `.tar.gz` or `.tgz`.
    TarGz,
}

impl fmt::Display for ArchiveKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ArchiveKind::Zip => "zip",
            ArchiveKind::TarGz => "tar.gz",
        })
    }
}

/// The kind of archive a file is, from its name; `None` for any other file.
pub fn kind(path: &Path) -> Option<ArchiveKind> {
    let name = path.file_name()?.to_str()?;
    split_name(name).map(|(_, kind)| kind)
}

/// A file name without its archive suffix, and the kind the suffix names:
/// `alice.tar.gz` -> (`alice`, tar.gz). The suffix may be in any case (`ALICE.ZIP`).
pub fn split_name(name: &str) -> Option<(&str, ArchiveKind)> {
    const SUFFIXES: [(&str, ArchiveKind); 3] = [
        (".tar.gz", ArchiveKind::TarGz),
        (".tgz", ArchiveKind::TarGz),
        (".zip", ArchiveKind::Zip),
    ];
    SUFFIXES.iter().find_map(|(suffix, kind)| {
        let stem = name.len().checked_sub(suffix.len())?;
        let tail = name.get(stem..)?;
        tail.eq_ignore_ascii_case(suffix)
            .then(|| (&name[..stem], *kind))
    })
}

/// How much one archive may unpack to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The bytes of all files together.
    pub max_total_bytes: u64,
    /// The files and folders created, together.
    pub max_files: usize,
    /// The bytes of any one file.
    pub max_file_bytes: u64,
}

impl Default for Limits {
    /// 64 MiB in all, 5,000 files and folders, 8 MiB a file: a course copy with every
    /// exercise is under 1 MiB and 200 files.
    fn default() -> Self {
        Limits {
            max_total_bytes: 64 << 20,
            max_files: 5_000,
            max_file_bytes: 8 << 20,
        }
    }
}

/// What an unpacking created and left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unpacked {
    /// Regular files written.
    pub files: usize,
    /// Folders created, including those only implied by the files' paths.
    pub folders: usize,
    /// Bytes written.
    pub bytes: u64,
    /// What was skipped, one line per kind: "3 symbolic links skipped".
    pub skipped: Vec<String>,
}

/// Why an archive could not be unpacked. Each names the archive by its file name.
#[derive(Debug)]
pub enum ArchiveError {
    /// The name ends in none of `.zip`, `.tar.gz`, `.tgz`.
    UnknownKind {
        /// The archive's file name.
        archive: String,
    },
    /// The first bytes are not those of the kind the name says.
    WrongContent {
        /// The archive's file name.
        archive: String,
        /// The kind its name says.
        kind: ArchiveKind,
    },
    /// The archive is damaged: truncated, a bad header, a failed checksum.
    Corrupt {
        /// The archive's file name.
        archive: String,
        /// What is wrong, in a few words.
        reason: String,
    },
    /// The archive uses what the grader does not read: a password, a compression
    /// method other than deflate.
    Unsupported {
        /// The archive's file name.
        archive: String,
        /// What it uses, as a phrase after the archive's name ("has files protected by
        /// a password").
        reason: String,
    },
    /// A limit was exceeded; the submission is refused.
    TooLarge {
        /// The archive's file name.
        archive: String,
        /// Which limit, and where ("exercises/x/src/big.rs is larger than 8 MiB").
        what: String,
    },
    /// The grader could not read the archive's file or write the destination: the
    /// grader's trouble, not the submission's.
    Io {
        /// The archive's file name.
        archive: String,
        /// What failed, as a phrase after "cannot" ("create the folder /x/y").
        action: String,
        /// The error.
        error: io::Error,
    },
}

impl ArchiveError {
    /// Whether the grader, not the submission, is to blame: grading it again may work.
    pub fn is_tool_error(&self) -> bool {
        matches!(self, ArchiveError::Io { .. })
    }
}

impl fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SUBMIT: &str = "submit a .zip, .tar.gz or .tgz";
        match self {
            ArchiveError::UnknownKind { archive } => {
                write!(f, "{archive} is not an archive the grader reads: {SUBMIT}")
            }
            ArchiveError::WrongContent { archive, kind } => {
                let (noun, header) = match kind {
                    ArchiveKind::Zip => ("a zip archive", "a zip header"),
                    ArchiveKind::TarGz => ("a gzip-compressed tar archive", "a gzip header"),
                };
                write!(
                    f,
                    "{archive} is not {noun} (its first bytes are not {header}): {SUBMIT}"
                )
            }
            ArchiveError::Corrupt { archive, reason } => write!(
                f,
                "{archive} is damaged ({reason}): create the archive again and resubmit it"
            ),
            ArchiveError::Unsupported { archive, reason } => write!(
                f,
                "{archive} {reason}: create it again without a password and with ordinary \
                 (deflate) compression, and resubmit it"
            ),
            ArchiveError::TooLarge { archive, what } => write!(
                f,
                "{archive} is too large to grade ({what}): submit only the course's files, \
                 without build output (target/) or large files"
            ),
            ArchiveError::Io {
                archive,
                action,
                error,
            } => write!(
                f,
                "could not unpack {archive}: cannot {action}: {error} (a problem of the \
                 grader, not of the submission)"
            ),
        }
    }
}

impl std::error::Error for ArchiveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ArchiveError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Unpacks `archive` into the folder `into`, which must be empty or not exist, and is
/// created. On an error, `into` may hold part of the archive; the caller removes it.
pub fn unpack(archive: &Path, into: &Path, limits: &Limits) -> Result<Unpacked, ArchiveError> {
    let name = archive.file_name().map_or_else(
        || archive.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let io = |action: String| {
        let archive = name.clone();
        move |error| ArchiveError::Io {
            archive,
            action,
            error,
        }
    };
    let kind = kind(archive).ok_or_else(|| ArchiveError::UnknownKind {
        archive: name.clone(),
    })?;
    let mut file = File::open(archive).map_err(io(format!("open {}", archive.display())))?;
    let length = file
        .metadata()
        .map_err(io(format!("read {}", archive.display())))?
        .len();
    let stream_cap = limits
        .max_total_bytes
        .saturating_mul(STREAM_FACTOR)
        .max(STREAM_FLOOR);
    if length > stream_cap {
        return Err(ArchiveError::TooLarge {
            archive: name,
            what: format!(
                "the archive itself is larger than {}",
                size_text(stream_cap)
            ),
        });
    }
    let mut head = Vec::with_capacity(4);
    (&mut file)
        .take(4)
        .read_to_end(&mut head)
        .and_then(|_| file.rewind())
        .map_err(io(format!("read {}", archive.display())))?;
    let expected: &[&[u8]] = match kind {
        // A local file header, or the end record of an archive with no entries.
        ArchiveKind::Zip => &[b"PK\x03\x04", b"PK\x05\x06"],
        ArchiveKind::TarGz => &[b"\x1f\x8b"],
    };
    if !expected.iter().any(|magic| head.starts_with(magic)) {
        return Err(ArchiveError::WrongContent {
            archive: name,
            kind,
        });
    }
    prepare(into).map_err(io(format!("create the empty folder {}", into.display())))?;
    let mut sink = sink::Sink::new(&name, into, limits);
    match kind {
        ArchiveKind::Zip => from_zip::unpack(&name, file, &mut sink)?,
        ArchiveKind::TarGz => from_tar::unpack(&name, file, stream_cap, &mut sink)?,
    }
    Ok(sink.finish())
}

/// Creates `into` with mode 0755, or checks that it is an empty folder (not a link).
fn prepare(into: &Path) -> io::Result<()> {
    match fs::symlink_metadata(into) {
        Ok(meta) if meta.is_dir() => {
            if fs::read_dir(into)?.next().is_some() {
                return Err(io::Error::new(
                    io::ErrorKind::DirectoryNotEmpty,
                    "it is not empty",
                ));
            }
            Ok(())
        }
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "it exists and is not a folder",
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(into)?;
            fs::set_permissions(into, Permissions::from_mode(0o755))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests;
