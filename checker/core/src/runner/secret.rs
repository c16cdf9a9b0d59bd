//! Fresh random words from the operating system, and a private directory for sockets.

use std::fs::{DirBuilder, File};
use std::io::{self, Read};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// `bytes` random bytes from `/dev/urandom`, as lowercase hex.
///
/// The kernel's generator rather than a seeded one: the secret must be unguessable to
/// the code under test, which could rerun any seeded generator.
pub(super) fn random_hex(bytes: usize) -> io::Result<String> {
    let mut buffer = vec![0u8; bytes];
    File::open("/dev/urandom")?.read_exact(&mut buffer)?;
    Ok(buffer.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// A fresh secret: 128 random bits.
pub(super) fn secret() -> io::Result<String> {
    random_hex(16)
}

/// A directory only this user can enter, removed with everything in it when dropped.
///
/// Sockets live in the system's temporary directory rather than the target directory,
/// whose paths can exceed the roughly 100 bytes a socket path may have.
#[derive(Debug)]
pub(super) struct PrivateDir {
    path: PathBuf,
}

impl PrivateDir {
    /// Creates a new directory with a random name.
    pub(super) fn new() -> io::Result<Self> {
        // A name independent of the secret: other processes can see socket paths.
        let path = std::env::temp_dir().join(format!("checker-{}", random_hex(8)?));
        DirBuilder::new().mode(0o700).create(&path)?;
        Ok(PrivateDir { path })
    }

    /// Where the directory is.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
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
    fn a_private_dir_is_gone_after_drop() {
        let dir = PrivateDir::new().unwrap();
        let path = dir.path().to_owned();
        std::fs::write(path.join("file"), "x").unwrap();
        assert!(path.is_dir());
        drop(dir);
        assert!(!path.exists());
    }
}
