//! The files similarity reads: a submission's own sources of each exercise, kept in the
//! gradebook so that `checker gradebook` can compare the shards' submissions with each
//! other; the skeletons; the instructor's known files.
//!
//! ```text
//! OUT/submissions/ID/sources.json   {"EXERCISE": [{"path": "lib.rs", "text": "..."}]}
//! ```
//!
//! Nothing here is trusted: links are never followed, only regular `.rs` files are
//! read, and an exercise past the grader's copy limits is left out of the comparison
//! (it was refused a grade for the same reason).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use super::Document;
use crate::archive;
use crate::submissions::{self, CopyLimits, Submission, SubmissionKind};
use checker_core::files::write_atomically;

/// One source file: its path under the folder it was read from, and its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Relative to the exercise's `src/` (or to `--known`), with `/` between parts.
    pub path: String,
    /// Its text (invalid UTF-8 replaced).
    pub text: String,
}

/// A submission's sources: its files of each exercise, by exercise name.
pub type Sources = BTreeMap<String, Vec<SourceFile>>;

/// The `.rs` files under `dir`, sorted by path; `None` past the copy limits or when
/// `dir` is not a real folder.
pub fn read_rs_files(dir: &Path) -> Option<Vec<SourceFile>> {
    let limits = CopyLimits::default();
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return None;
    }
    let mut files = Vec::new();
    let mut bytes = 0u64;
    let mut entries = 0usize;
    for entry in WalkDir::new(dir)
        .follow_links(false)
        .max_depth(limits.max_depth)
        .sort_by_file_name()
    {
        let entry = entry.ok()?;
        entries += 1;
        if entries > limits.max_files {
            return None;
        }
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let data = std::fs::read(path).ok()?;
        bytes += data.len() as u64;
        if bytes > limits.max_total_bytes {
            return None;
        }
        let relative = path.strip_prefix(dir).ok()?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        files.push(SourceFile {
            path: parts.join("/"),
            text: String::from_utf8_lossy(&data).into_owned(),
        });
    }
    Some(files)
}

/// The sources of `submission`'s exercises named in `exercises`; an archive is
/// unpacked under `scratch` (removed after). A submission that cannot be read has none.
pub fn collect(submission: &Submission, exercises: &[&str], scratch: &Path) -> Sources {
    let root = match submission.kind {
        SubmissionKind::Folder => submission.origin.clone(),
        SubmissionKind::Archive(_) => {
            _ = std::fs::remove_dir_all(scratch);
            let unpacked =
                archive::unpack(&submission.origin, scratch, &archive::Limits::default());
            if unpacked.is_err() {
                _ = std::fs::remove_dir_all(scratch);
                return Sources::new();
            }
            scratch.to_owned()
        }
    };
    let mut sources = Sources::new();
    if let Some(dir) = submissions::locate(&root, exercises).exercises_dir {
        for name in exercises {
            if let Some(files) = read_rs_files(&dir.join(name).join("src")) {
                sources.insert((*name).to_owned(), files);
            }
        }
    }
    if matches!(submission.kind, SubmissionKind::Archive(_)) {
        _ = std::fs::remove_dir_all(scratch);
    }
    sources
}

/// Where a submission's sources are kept in the gradebook `out`.
pub fn path(out: &Path, id: &str) -> PathBuf {
    out.join("submissions").join(id).join("sources.json")
}

/// Keeps `sources` of submission `id` in the gradebook `out`.
pub fn save(out: &Path, id: &str, sources: &Sources) -> Result<()> {
    let text = serde_json::to_string(sources)?;
    Ok(write_atomically(&path(out, id), text.as_bytes())?)
}

/// The sources kept for submission `id`; none when there is no file (a gradebook an
/// older checker wrote).
pub fn load(out: &Path, id: &str) -> Result<Sources> {
    let path = path(out, id);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Sources::new());
    };
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a submission's sources; delete it and grade again",
            path.display()
        )
    })
}

/// The documents of every exercise, from the sources of each submission, by exercise.
pub fn documents(all: &[(String, Sources)]) -> BTreeMap<String, Vec<Document>> {
    let mut by_exercise: BTreeMap<String, Vec<Document>> = BTreeMap::new();
    for (id, sources) in all {
        for (exercise, files) in sources {
            by_exercise
                .entry(exercise.clone())
                .or_default()
                .push(Document {
                    owner: id.clone(),
                    files: files.clone(),
                });
        }
    }
    by_exercise
}

/// The known files under `dir`, each a document of its own named `known:PATH`: those in
/// a folder named after an exercise (`DIR/05_eventual/...`) are compared with that
/// exercise only, the rest (key `""`) with every exercise.
pub fn known(dir: &Path, exercises: &[&str]) -> Result<BTreeMap<String, Vec<Document>>> {
    if !dir.is_dir() {
        anyhow::bail!(
            "--known {}: no such folder; give a folder of .rs files (published solutions, say)",
            dir.display()
        );
    }
    let files = read_rs_files(dir).with_context(|| {
        format!(
            "--known {}: cannot read it, or it holds more than 500 files or 4 MiB",
            dir.display()
        )
    })?;
    let mut by_exercise: BTreeMap<String, Vec<Document>> = BTreeMap::new();
    for file in files {
        let first = file.path.split('/').next().unwrap_or("");
        let key = if exercises.contains(&first) && file.path.contains('/') {
            first.to_owned()
        } else {
            String::new()
        };
        by_exercise.entry(key).or_default().push(Document {
            owner: format!("known:{}", file.path),
            files: vec![file],
        });
    }
    Ok(by_exercise)
}
