//! Writing files: atomically, and only when their bytes change.

use std::io::{self, Write};
use std::path::Path;

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

/// Writes `bytes` to `path` through a temporary file beside it and a rename, so that a
/// reader (or a run interrupted halfway) never sees half a file; creates the folders
/// above it. The temporary file has a name of its own (tempfile's), so two writers of
/// one file never share it; it is removed if anything fails. The error names the file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let named = |error: io::Error, file: &Path| {
        io::Error::new(
            error.kind(),
            format!("cannot write {}: {error}", file.display()),
        )
    };
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| named(e, parent))?;
    let mut temporary = tempfile::Builder::new()
        .prefix(".write-")
        .tempfile_in(parent)
        .map_err(|e| named(e, parent))?;
    temporary.write_all(bytes).map_err(|e| named(e, path))?;
    temporary
        .persist(path)
        .map(|_| ())
        .map_err(|e| named(e.error, path))
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
        let left: Vec<_> = std::fs::read_dir(dir.join("a")).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
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
