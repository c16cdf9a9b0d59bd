//! Finding the folder that holds a submission's exercises.
//!
//! Students submit the course in many shapes: the whole copy (`exercises/NAME/...`),
//! only the `exercises/` folder (`NAME/...`), either of them inside a folder of its
//! own (`alice/`, `consistency-lab-main/`), and zips made on macOS add a
//! `__MACOSX/` beside it. So the search looks for `exercises/` or for an exercise
//! folder, and otherwise goes down into the one folder there is, a few times.
//! Searching the whole tree for `exercises/` was rejected: a submission with a second
//! copy somewhere inside would be graded on whichever was found first.
//!
//! Only real folders and files count: every step uses `symlink_metadata`, so a link
//! named `exercises` pointing at another student's work is not a folder here.

use std::fs;
use std::path::{Path, PathBuf};

/// How many single wrapping folders are gone through, at most.
const MAX_WRAPPERS: usize = 3;

/// Where a submission keeps its exercises.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Located {
    /// The folder holding the exercise folders, if one was found.
    pub exercises_dir: Option<PathBuf>,
    /// The exercises, among those asked for and in their order, whose folder holds a
    /// `src/lib.rs` that is a regular file.
    pub found: Vec<String>,
}

/// Finds the folder in `root` that holds the exercises named in `exercises`: the
/// folder `exercises` if there is one; else `root` itself if it holds an exercise
/// folder; else the same search inside the one folder `root` holds (not counting
/// hidden entries, files and `__MACOSX`), at most `MAX_WRAPPERS` levels down.
pub fn locate(root: &Path, exercises: &[&str]) -> Located {
    let exercises_dir = if is_folder(root) {
        search(root, exercises, 0)
    } else {
        None
    };
    let found = match &exercises_dir {
        Some(dir) => exercises
            .iter()
            .filter(|name| has_lib(&dir.join(name)))
            .map(|name| name.to_string())
            .collect(),
        None => Vec::new(),
    };
    Located {
        exercises_dir,
        found,
    }
}

/// The search in `dir`, itself a real folder, `depth` wrappers down.
fn search(dir: &Path, exercises: &[&str], depth: usize) -> Option<PathBuf> {
    let named = dir.join("exercises");
    if is_folder(&named) {
        return Some(named);
    }
    if exercises.iter().any(|name| is_folder(&dir.join(name))) {
        return Some(dir.to_owned());
    }
    if depth == MAX_WRAPPERS {
        return None;
    }
    search(&only_folder(dir)?, exercises, depth + 1)
}

/// The one real folder in `dir` that is neither hidden nor `__MACOSX`, if there is
/// exactly one.
fn only_folder(dir: &Path) -> Option<PathBuf> {
    let mut folders = fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.as_encoded_bytes();
            !name.starts_with(b".")
            && name != b"__MACOSX"
            // The entry's own type: a link to a folder is not a folder.
            && entry.file_type().is_ok_and(|kind| kind.is_dir())
        });
    let only = folders.next()?;
    folders.next().is_none().then(|| only.path())
}

/// Whether `exercise/src/lib.rs` is a regular file reached through real folders only.
fn has_lib(exercise: &Path) -> bool {
    let src = exercise.join("src");
    is_folder(exercise) && is_folder(&src) && is_file(&src.join("lib.rs"))
}

/// Whether `path` is a folder and not a link to one. Its parents are trusted: the
/// callers check each of them the same way first.
pub(super) fn is_folder(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| meta.is_dir())
}

/// Whether `path` is a regular file and not a link to one.
pub(super) fn is_file(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| meta.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::fixtures::{Item, Scratch, course, write_tgz, write_zip};
    use crate::archive::{Limits, unpack};

    const EXERCISES: [&str; 3] = ["01_a", "02_b", "03_c"];

    /// Unpacks `items` as an archive called `name` and locates the exercises in it.
    fn located(scratch: &Scratch, name: &str, items: &[Item]) -> (PathBuf, Located) {
        let archive = scratch.join(name);
        if name.ends_with(".zip") {
            write_zip(&archive, items);
        } else {
            write_tgz(&archive, items);
        }
        let root = scratch.join(&format!("{name}.out"));
        unpack(&archive, &root, &Limits::default()).unwrap();
        let found = locate(&root, &EXERCISES);
        (root, found)
    }

    #[test]
    fn a_course_copy_and_an_exercises_folder_are_located() {
        let scratch = Scratch::new();
        let (root, found) = located(&scratch, "copy.zip", &course("", &["01_a", "03_c"]));
        assert_eq!(found.exercises_dir, Some(root.join("exercises")));
        assert_eq!(found.found, ["01_a", "03_c"]);

        let only: Vec<Item> = ["01_a", "02_b"]
            .iter()
            .map(|name| Item::file(format!("{name}/src/lib.rs"), "x"))
            .chain([
                Item::file("02_b/Cargo.toml", "x"),
                Item::file("README.md", "x"),
            ])
            .collect();
        let (root, found) = located(&scratch, "only.tgz", &only);
        assert_eq!(found.exercises_dir, Some(root.clone()));
        assert_eq!(found.found, ["01_a", "02_b"]);
    }

    #[test]
    fn wrapping_folders_are_gone_through_ignoring_macos_leftovers() {
        let scratch = Scratch::new();
        let mut items = course("consistency-lab-main/alice/", &["02_b"]);
        items.push(Item::file("__MACOSX/consistency-lab-main/._x", "x"));
        items.push(Item::file(".hidden/x", "x"));
        items.push(Item::file("stray.txt", "x"));
        let (root, found) = located(&scratch, "wrapped.zip", &items);
        assert_eq!(
            found.exercises_dir,
            Some(root.join("consistency-lab-main/alice/exercises"))
        );
        assert_eq!(found.found, ["02_b"]);

        // Two folders side by side: neither is chosen.
        let mut items = course("alice/", &["02_b"]);
        items.extend(course("bob/", &["02_b"]));
        let (_, found) = located(&scratch, "two.tgz", &items);
        assert_eq!(found, Located::default());

        // Four wrappers are one too many.
        let (_, found) = located(&scratch, "deep.tgz", &course("a/b/c/d/", &["01_a"]));
        assert_eq!(found.exercises_dir, None);
        let (_, found) = located(&scratch, "three.tgz", &course("a/b/c/", &["01_a"]));
        assert_eq!(found.found, ["01_a"]);
    }

    #[test]
    fn links_are_never_followed() {
        let scratch = Scratch::new();
        let other = scratch.folder("bob");
        scratch.file("bob/exercises/01_a/src/lib.rs", b"bob's work");
        let alice = scratch.folder("alice");
        std::os::unix::fs::symlink(other.join("exercises"), alice.join("exercises")).unwrap();
        assert_eq!(locate(&alice, &EXERCISES), Located::default());

        // A link as the only folder is not gone into, and a linked lib.rs is not found.
        let carol = scratch.folder("carol");
        std::os::unix::fs::symlink(&other, carol.join("wrapper")).unwrap();
        assert_eq!(locate(&carol, &EXERCISES), Located::default());
        let dave = scratch.folder("dave/exercises/01_a/src");
        std::os::unix::fs::symlink(other.join("exercises/01_a/src/lib.rs"), dave.join("lib.rs"))
            .unwrap();
        let found = locate(&scratch.join("dave"), &EXERCISES);
        assert_eq!(found.exercises_dir, Some(scratch.join("dave/exercises")));
        assert!(found.found.is_empty());
    }
}
