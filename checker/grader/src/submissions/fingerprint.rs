//! Digests of a submission, so that a later run can tell whether it changed and keep
//! its grade instead of grading it again.
//!
//! FNV-1a over 64 bits ([`Fnv1a`]), as the runner fingerprints its packages: stable
//! across runs and Rust versions, since a digest kept in `grade.json` must not change.
//!
//! A folder's digest covers every regular file's path and content, in path order,
//! and nothing else: links are not followed, and folders named like build output
//! (`target/`, `.git/`, ...) are left out, as copying and unpacking leave them out.

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::archive::BUILD_FOLDERS;
use checker_core::digest::Fnv1a;

/// Adds everything `reader` gives to `hash`.
fn read_into(hash: &mut Fnv1a, mut reader: impl Read) -> io::Result<()> {
    let mut buffer = vec![0; 64 * 1024];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => hash.write(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The digest of the regular files under `dir`: their paths relative to `dir` and
/// their contents, in byte order of the paths.
pub fn fingerprint_files(dir: &Path) -> io::Result<String> {
    if !fs::symlink_metadata(dir)?.is_dir() {
        let what = format!("{} is not a folder", dir.display());
        return Err(io::Error::new(io::ErrorKind::InvalidInput, what));
    }
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort_by(|a, b| a.as_os_str().as_bytes().cmp(b.as_os_str().as_bytes()));
    let mut hash = Fnv1a::new();
    for relative in files {
        let file = File::open(dir.join(&relative))?;
        let length = file.metadata()?.len();
        // The path ends with a NUL, which no path holds, and the length comes before
        // the content, so no two listings give the same bytes.
        hash.write(relative.as_os_str().as_bytes());
        hash.write(&[0]);
        hash.write(&length.to_le_bytes());
        read_into(&mut hash, file.take(length))?;
    }
    Ok(hash.hex())
}

/// The digest of one file's bytes, such as an archive's.
pub fn fingerprint_file(path: &Path) -> io::Result<String> {
    let mut hash = Fnv1a::new();
    read_into(&mut hash, File::open(path)?)?;
    Ok(hash.hex())
}

/// Adds the regular files under `dir` to `files`, relative to `dir`: links are never
/// followed (walkdir's default), and build folders are skipped.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    let walk = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| {
            !(e.file_type().is_dir() && BUILD_FOLDERS.iter().any(|skip| e.file_name() == *skip))
        });
    for entry in walk {
        let entry = entry.map_err(io::Error::other)?;
        // The entry's own type: a link is neither a file nor a folder here.
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).map_err(io::Error::other)?;
            files.push(relative.to_owned());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::fixtures::Scratch;

    #[test]
    fn a_folder_digest_changes_with_one_byte_and_only_then() {
        let scratch = Scratch::new();
        scratch.file("alice/exercises/01_a/src/lib.rs", b"pub fn f() {}\n");
        scratch.file("alice/exercises/01_a/src/a.rs", b"// a\n");
        scratch.file("alice/README.md", b"# course\n");
        let alice = scratch.join("alice");
        let first = fingerprint_files(&alice).unwrap();
        assert_eq!(first.len(), 16);
        assert_eq!(fingerprint_files(&alice).unwrap(), first);

        // Links and build output do not count.
        std::os::unix::fs::symlink("/etc/passwd", alice.join("passwd")).unwrap();
        scratch.file("alice/target/debug/x", b"build output");
        scratch.file("alice/exercises/01_a/.git/HEAD", b"ref");
        assert_eq!(fingerprint_files(&alice).unwrap(), first);

        scratch.file("alice/exercises/01_a/src/a.rs", b"// b\n");
        let changed = fingerprint_files(&alice).unwrap();
        assert_ne!(changed, first);
        scratch.file("alice/exercises/01_a/src/a.rs", b"// a\n");
        assert_eq!(fingerprint_files(&alice).unwrap(), first);

        // The same bytes under another name are another submission.
        fs::rename(
            alice.join("exercises/01_a/src/a.rs"),
            alice.join("exercises/01_a/src/b.rs"),
        )
        .unwrap();
        assert_ne!(fingerprint_files(&alice).unwrap(), first);
        assert!(fingerprint_files(&alice.join("passwd")).is_err());
    }

    #[test]
    fn a_file_digest_changes_with_one_byte() {
        let scratch = Scratch::new();
        let path = scratch.file("alice.zip", b"PK\x03\x04 some bytes");
        let first = fingerprint_file(&path).unwrap();
        assert_eq!(fingerprint_file(&path).unwrap(), first);
        fs::write(&path, b"PK\x03\x04 some byteS").unwrap();
        assert_ne!(fingerprint_file(&path).unwrap(), first);
        // Nothing read leaves FNV-1a's starting value.
        assert_eq!(
            fingerprint_file(&scratch.file("empty", b"")).unwrap(),
            "cbf29ce484222325"
        );
    }
}
