//! Digests that must not change between runs or Rust versions: FNV-1a over 64 bits.
//!
//! They name runner packages and dependency folders, decide shards and tell whether a
//! grade recorded earlier still holds. Nobody gains by forging one, so a cryptographic
//! hash would only be one more dependency; std's hasher may change between versions.

/// A short, stable digest of paths: runners for different folders of one exercise (a
/// student's, the reference solution) get different names, so that they neither share
/// nor overwrite a binary; each folder's history pages get a folder of their own.
pub fn of_paths(parts: &[&std::path::Path]) -> String {
    digest(parts.iter().map(|p| p.as_os_str().as_encoded_bytes()))
}

/// The digest of `parts`, each ended by a NUL so that `("a", "b")` and `("ab", "")`
/// differ: 16 hex digits.
pub fn digest<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hash = Fnv1a::new();
    for part in parts {
        hash.write(part);
        hash.write(&[0]);
    }
    hash.hex()
}

/// FNV-1a over 64 bits: digests that must not change between runs or Rust versions
/// (std's hasher may), where nobody gains by forging one (a cryptographic hash would
/// be one more dependency).
#[derive(Clone, Copy, Debug)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self::new()
    }
}

impl Fnv1a {
    /// The digest of nothing.
    pub fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    /// Adds `bytes`.
    pub fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The value so far.
    pub fn value(&self) -> u64 {
        self.0
    }

    /// The value so far, as 16 hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn fingerprints_tell_folders_apart_and_do_not_change() {
        let a = of_paths(&[Path::new("/a"), Path::new("/s")]);
        assert_eq!(a, of_paths(&[Path::new("/a"), Path::new("/s")]));
        assert_ne!(a, of_paths(&[Path::new("/b"), Path::new("/s")]));
        // The separator keeps ("/a", "b") and ("/ab", "") apart.
        assert_ne!(
            of_paths(&[Path::new("/a"), Path::new("b")]),
            of_paths(&[Path::new("/ab"), Path::new("")])
        );
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // The FNV-1a test vectors: "" and "a".
        assert_eq!(Fnv1a::new().hex(), "cbf29ce484222325");
        let mut a = Fnv1a::new();
        a.write(b"a");
        assert_eq!(a.hex(), "af63dc4c8601ec8c");
    }
}
