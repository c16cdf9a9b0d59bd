//! Turning an entry's name, as raw bytes from the archive, into a path inside the
//! destination folder, or refusing it.
//!
//! A name is accepted only when every component is an ordinary name: the path is then
//! the destination joined with those components and cannot point anywhere else.
//! Rewriting a bad name instead (dropping a leading `/`, removing `..`) was rejected:
//! it can turn two entries into one path, or `a/../../b` into `a/b`, and no honest
//! archive needs it.

use super::tally::Skip;

/// Folders whose contents are never unpacked or copied: build output and tools'
/// state, which students often archive with their work.
pub(crate) const BUILD_FOLDERS: [&str; 4] = ["target", ".git", "node_modules", ".checker"];

/// The longest name accepted, in bytes; real course paths are under 200.
const MAX_NAME: usize = 1024;

/// The most components a path may have; the course's deepest file has six.
const MAX_DEPTH: usize = 32;

/// An entry's name, once checked.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum EntryPath {
    /// The destination itself (`./`, as `tar -C dir .` writes): nothing to create.
    Root,
    /// Ordinary components, none empty, `.` or `..`.
    Inside(Vec<String>),
}

impl EntryPath {
    /// Whether the entry lies in one of the [`BUILD_FOLDERS`]; a folder entry named
    /// like one counts, a file that is so named does not.
    pub(super) fn in_build_folder(&self, is_folder: bool) -> bool {
        let EntryPath::Inside(components) = self else {
            return false;
        };
        let parents = if is_folder {
            &components[..]
        } else {
            &components[..components.len() - 1]
        };
        parents.iter().any(|c| BUILD_FOLDERS.contains(&c.as_str()))
    }
}

/// Checks a raw entry name; the error says which kind of refusal to count.
pub(super) fn parse(raw: &[u8]) -> Result<EntryPath, Skip> {
    if raw.is_empty() || raw.len() > MAX_NAME {
        return Err(Skip::UnsafePath);
    }
    let name = std::str::from_utf8(raw).map_err(|_| Skip::NotUtf8)?;
    // NUL and newlines included: nothing honest needs them, and they would garble
    // every report that shows a path.
    if name.chars().any(char::is_control) {
        return Err(Skip::UnsafePath);
    }
    // A backslash separates components too: Windows tools write `a\b` in zips, and
    // read as one Unix name it could hide a `..\..` from the checks below.
    if name.starts_with(['/', '\\']) || has_drive_prefix(name) {
        return Err(Skip::UnsafePath);
    }
    let mut components = Vec::new();
    for component in name.split(['/', '\\']) {
        match component {
            // `a//b` and `./a` are harmless spellings of `a/b` and `a`.
            "" | "." => {}
            ".." => return Err(Skip::UnsafePath),
            ordinary => components.push(ordinary.to_owned()),
        }
    }
    if components.is_empty() {
        Ok(EntryPath::Root)
    } else if components.len() > MAX_DEPTH {
        Err(Skip::TooDeep)
    } else {
        Ok(EntryPath::Inside(components))
    }
}

/// Whether `name` starts like `C:`, a Windows drive.
fn has_drive_prefix(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(parts: &[&str]) -> Result<EntryPath, Skip> {
        Ok(EntryPath::Inside(
            parts.iter().map(|p| p.to_string()).collect(),
        ))
    }

    #[test]
    fn ordinary_names_become_components() {
        assert_eq!(parse(b"a/src/lib.rs"), inside(&["a", "src", "lib.rs"]));
        assert_eq!(parse(b"./a//b/"), inside(&["a", "b"]));
        assert_eq!(parse(b"a\\src\\lib.rs"), inside(&["a", "src", "lib.rs"]));
        assert_eq!(parse(b"./"), Ok(EntryPath::Root));
        assert_eq!(parse(b"caf\xc3\xa9.rs"), inside(&["café.rs"]));
    }

    #[test]
    fn names_that_could_leave_the_folder_are_refused() {
        for bad in [
            &b""[..],
            b"/abs.rs",
            b"../escape.rs",
            b"a/../../escape.rs",
            b"a/..",
            b"..\\escape.rs",
            b"\\\\server\\share\\x",
            b"C:\\x.rs",
            b"c:x.rs",
            b"a\0b",
            b"a\nb",
        ] {
            assert_eq!(parse(bad), Err(Skip::UnsafePath), "{bad:?}");
        }
        assert_eq!(parse(&[b'a'; MAX_NAME + 1]), Err(Skip::UnsafePath));
        assert_eq!(parse(b"a/\xff.rs"), Err(Skip::NotUtf8));
        assert_eq!(
            parse("a/".repeat(MAX_DEPTH + 1).as_bytes()),
            Err(Skip::TooDeep)
        );
    }

    #[test]
    fn build_folders_are_recognized_at_any_depth_but_not_as_file_names() {
        let in_build = |raw: &[u8], folder| parse(raw).unwrap().in_build_folder(folder);
        assert!(in_build(b"target/debug/x", false));
        assert!(in_build(b"alice/exercises/01/target/x", false));
        assert!(in_build(b"a/.git", true));
        assert!(in_build(b"node_modules/", true));
        assert!(!in_build(b"a/target", false));
        assert!(!in_build(b"a/targets/x", false));
        assert!(!in_build(b"./", true));
    }
}
