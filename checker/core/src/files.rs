//! Writing files: atomically, and only when their bytes change.

use std::io;
use std::path::{Path, PathBuf};

/// Writes `bytes` unless the file already holds them, so that cargo sees no change;
/// creates the folders above it.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

/// Writes `bytes` to `path` through a temporary file and a rename, so that a reader (or
/// a run interrupted halfway) never sees half a file; creates the folders above it. The
/// error names the file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let named = |error: io::Error, file: &Path| {
        io::Error::new(
            error.kind(),
            format!("cannot write {}: {error}", file.display()),
        )
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| named(e, parent))?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, bytes).map_err(|e| named(e, &temporary))?;
    std::fs::rename(&temporary, path).map_err(|e| {
        // Best effort: the rename's error is the one worth reporting.
        _ = std::fs::remove_file(&temporary);
        named(e, path)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_written_whole_and_only_when_they_change() {
        let dir = std::env::temp_dir().join(format!("checker-files-{}", std::process::id()));
        _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("a/b.txt");
        write_atomically(&path, b"one").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert!(!dir.join("a/b.txt.tmp").exists());
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        write_if_changed(&path, b"one").unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            modified
        );
        write_if_changed(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        std::fs::create_dir_all(dir.join("blocked")).unwrap();
        let error = write_atomically(&dir.join("blocked"), b"x").unwrap_err();
        assert!(error.to_string().contains("blocked"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
