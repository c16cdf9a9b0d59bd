//! Fresh random words from the operating system, and a private directory for sockets.

use std::io;
use std::path::Path;

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

impl PrivateDir {
    /// Creates a new directory with a random name, mode 0700.
    pub(super) fn new() -> io::Result<Self> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::Builder::new()
            .prefix("checker-")
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir()?;
        Ok(PrivateDir { dir })
    }

    /// Where the directory is.
    pub(super) fn path(&self) -> &Path {
        self.dir.path()
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
}
