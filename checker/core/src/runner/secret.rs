//! Fresh random words from the operating system, and a private directory for sockets.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// `bytes` random bytes from the operating system's generator, as lowercase hex.
///
/// The kernel's generator rather than a seeded one: the secret must be unguessable to
/// the code under test, which could rerun any seeded generator.
pub(super) fn random_hex(bytes: usize) -> io::Result<String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| io::Error::other(e.to_string()))?;
    Ok(buffer.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// A fresh secret: 128 random bits.
pub(super) fn secret() -> io::Result<String> {
    random_hex(16)
}

/// A directory only this user can enter, removed with everything in it when dropped.
///
/// Sockets live in the system's temporary directory rather than the target directory,
/// whose paths can exceed the roughly 100 bytes a socket path may have. Its name is
/// random and independent of the secret: other processes can see socket paths.
#[derive(Debug)]
pub(super) struct PrivateDir {
    dir: tempfile::TempDir,
}

/// The private directories made and not dropped yet, for [`remove_all`].
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

impl PrivateDir {
    /// Creates a new directory with a random name, mode 0700.
    pub(super) fn new() -> io::Result<Self> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::Builder::new()
            .prefix("checker-")
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir()?;
        LIVE.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(dir.path().to_owned());
        Ok(PrivateDir { dir })
    }

    /// Where the directory is.
    pub(super) fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        // The directory itself goes with the `TempDir` inside.
        let path = self.dir.path();
        LIVE.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|p| p != path);
    }
}

/// Removes every private directory not dropped yet, with what is in it: for a program
/// that ends while a check runs (see [`super::remove_report_dirs`]).
pub(super) fn remove_all() {
    let live = std::mem::take(&mut *LIVE.lock().unwrap_or_else(PoisonError::into_inner));
    for path in live {
        _ = std::fs::remove_dir_all(path);
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn secrets_are_32_hex_digits_and_differ() {
        let a = secret().unwrap();
        let b = secret().unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn a_private_dir_is_only_ours_and_gone_after_drop() {
        let dir = PrivateDir::new().unwrap();
        let path = dir.path().to_owned();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        std::fs::write(path.join("file"), "x").unwrap();
        assert!(path.is_dir());
        drop(dir);
        assert!(!path.exists());
    }

    /// The directories in use are known, for a program that ends while checks run to
    /// remove them itself (the watch mode's test shows it does); a dropped one is not.
    /// (Calling `remove_all` here would remove those of the other tests running.)
    #[test]
    fn the_directories_in_use_are_known() {
        let (a, b) = (PrivateDir::new().unwrap(), PrivateDir::new().unwrap());
        let dropped = PrivateDir::new().unwrap();
        let dropped_path = dropped.path().to_owned();
        drop(dropped);
        let live = LIVE.lock().unwrap().clone();
        assert!(live.contains(&a.path().to_owned()) && live.contains(&b.path().to_owned()));
        assert!(!live.contains(&dropped_path));
    }
}
