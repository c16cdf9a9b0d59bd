//! Saves in `exercises/`: the whole folder is watched, so that saving a file of any
//! exercise checks that exercise and makes it the current one, whichever was current.
//!
//! Only changes count. A file opened for reading is an event too (cargo and rustc open
//! every source of the workspace during a check), and counting it would check again
//! after every check, for ever; that is why this uses notify's watcher, which says what
//! kind each event is, rather than notify-debouncer-mini's, which does not (notify comes
//! re-exported by it). What is not the student's work is left out as well: build output
//! (`target/`), hidden files and folders (`.git/`, an editor's `.file.swp`), and editors'
//! backup and swap files (`file~`, `file.swp`). A burst of saves (an editor writes,
//! renames, touches) settles into one event.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use notify_debouncer_mini::notify::{self, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::events::Event;
use checker_core::course::{Course, EXERCISES};

/// Saves that come closer together than this are checked once.
const SETTLE: Duration = Duration::from_millis(300);

/// Watches the course's `exercises/` folder until dropped, sending the paths saved;
/// `Err` says why it cannot (the screen then says to press `r`).
pub fn watch(course: &Course, events: Sender<Event>) -> Result<RecommendedWatcher, String> {
    let dir = course.root.join(EXERCISES);
    // Paths come back under the folder as watched; a canonical one matches what
    // `Course::exercise_at` compares them with, also through a symbolic link.
    let dir = dir.canonicalize().unwrap_or(dir);
    let (changes, settle) = mpsc::channel::<PathBuf>();
    let root = dir.clone();
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        let Ok(event) = result else { return };
        if matches!(event.kind, EventKind::Access(_) | EventKind::Other) {
            return;
        }
        for path in event.paths {
            if !ignored(&root, &path) {
                let _ = changes.send(path);
            }
        }
    })
    .map_err(|e| e.to_string())?;
    watcher
        .watch(&dir, RecursiveMode::Recursive)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    std::thread::spawn(move || {
        while let Ok(first) = settle.recv() {
            let mut paths = vec![first];
            loop {
                match settle.recv_timeout(SETTLE) {
                    Ok(path) => paths.push(path),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            if events.send(Event::Saved(paths)).is_err() {
                return;
            }
        }
    });
    Ok(watcher)
}

/// Whether a save of `path` (under the watched folder `dir`) is not the student's work.
pub fn ignored(dir: &Path, path: &Path) -> bool {
    let Ok(inside) = path.strip_prefix(dir) else {
        return true;
    };
    let hidden_or_built = inside.components().any(|part| {
        let part = part.as_os_str().to_string_lossy();
        part == "target" || part.starts_with('.')
    });
    let name = inside
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let swap = [".swp", ".swo", ".swx"]
        .iter()
        .any(|end| name.ends_with(end));
    hidden_or_built || swap || name.ends_with('~')
}

#[cfg(test)]
mod tests {
    use super::ignored;
    use std::path::Path;

    #[test]
    fn build_output_hidden_files_and_editor_files_are_not_saves() {
        let dir = Path::new("/course/exercises");
        let saved = |p: &str| !ignored(dir, &dir.join(p));
        assert!(saved("01_sums/src/lib.rs"));
        assert!(saved("02_words/README.md"));
        assert!(!saved("01_sums/target/debug/x"));
        assert!(!saved("01_sums/src/.lib.rs.swp"));
        assert!(!saved("01_sums/src/lib.rs.swp"));
        assert!(!saved("01_sums/src/lib.rs~"));
        assert!(!saved(".git/index"));
        assert!(ignored(dir, Path::new("/elsewhere/lib.rs")));
    }
}
