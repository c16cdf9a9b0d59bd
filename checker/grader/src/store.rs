//! The gradebook folder: a marker that says a folder is one, a record per submission,
//! and writes that never leave half a file.
//!
//! ```text
//! OUT/.gradebook                      the marker
//! OUT/submissions/ID/grade.json       the record of submission ID (see `record`)
//! OUT/.work/ID/                       scratch space while ID is graded; removed after
//! ```
//!
//! A folder that holds other files is never used: grading must not clobber anything.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use checker_core::files::write_atomically;

use super::record::SubmissionGrade;

/// The marker file, and what it says.
const MARKER: &str = ".gradebook";
const MARKER_TEXT: &str = "A gradebook written by `checker grade` (consistency-lab).\n";

/// Opens (creating it if need be) the gradebook folder `out`, checked not to overlap
/// `submissions`; clears scratch space an interrupted run left. Returns its absolute
/// path.
pub fn open(out: &Path, submissions: Option<&Path>) -> Result<PathBuf> {
    let overlap = |out: &Path| -> Result<()> {
        let Some(submissions) = submissions else {
            return Ok(());
        };
        if out.starts_with(submissions) {
            bail!(
                "--out {} is inside the submissions folder; put the gradebook elsewhere",
                out.display()
            );
        }
        if submissions.starts_with(out) {
            bail!(
                "the submissions folder {} is inside --out; put the gradebook elsewhere",
                submissions.display()
            );
        }
        Ok(())
    };
    // Checked before the folder is made, so that a refused one is not left behind.
    overlap(&std::path::absolute(out).unwrap_or_else(|_| out.to_owned()))?;
    if out.exists() {
        if !out.is_dir() {
            bail!("--out {}: it is a file, not a folder", out.display());
        }
        let mut entries = std::fs::read_dir(out)
            .with_context(|| format!("--out {}: cannot read it", out.display()))?;
        if !out.join(MARKER).is_file() && entries.next().is_some() {
            bail!(
                "--out {}: the folder holds files that are not a gradebook; choose a new or \
                 empty folder (nothing was changed)",
                out.display()
            );
        }
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let out = out
        .canonicalize()
        .with_context(|| format!("cannot open {}", out.display()))?;
    overlap(&out)?;
    write_atomically(&out.join(MARKER), MARKER_TEXT.as_bytes())?;
    let work = out.join(".work");
    if work.exists() {
        std::fs::remove_dir_all(&work)
            .with_context(|| format!("cannot clear {}", work.display()))?;
    }
    Ok(out)
}

/// Where the record of submission `id` is kept.
pub fn record_path(out: &Path, id: &str) -> PathBuf {
    out.join("submissions").join(id).join("grade.json")
}

/// The record of submission `id`, if there is a readable one.
pub fn load(out: &Path, id: &str) -> Option<SubmissionGrade> {
    let text = std::fs::read_to_string(record_path(out, id)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Every record in the gradebook `out`, by submission id.
pub fn load_all(out: &Path) -> Result<Vec<SubmissionGrade>> {
    if !out.join(MARKER).is_file() {
        bail!(
            "{} is not a gradebook written by `checker grade`",
            out.display()
        );
    }
    let dir = out.join("submissions");
    let mut records = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(records);
    };
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let path = entry.path().join("grade.json");
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let record: SubmissionGrade = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a grade record", path.display()))?;
        records.push(record);
    }
    records.sort_by(|a, b| a.submission.cmp(&b.submission));
    Ok(records)
}

/// Keeps `record` in the gradebook.
pub fn save(out: &Path, record: &SubmissionGrade) -> Result<()> {
    let path = record_path(out, &record.submission);
    let text = serde_json::to_string_pretty(record)?;
    Ok(write_atomically(&path, text.as_bytes())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("checker-store-{}-{name}", std::process::id()));
        _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_folder_with_other_files_is_never_used() {
        let dir = scratch("other");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("thesis.tex"), "precious").unwrap();
        let error = open(&dir, None).unwrap_err().to_string();
        assert!(error.contains("not a gradebook"), "{error}");
        assert_eq!(
            std::fs::read_to_string(dir.join("thesis.tex")).unwrap(),
            "precious"
        );
        assert!(!dir.join(MARKER).exists());
        _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_gradebook_reopens_and_loses_only_its_scratch_space() {
        let dir = scratch("reopen");
        let out = open(&dir, None).unwrap();
        let record = SubmissionGrade {
            format: 1,
            submission: "alice".into(),
            origin: "alice.zip".into(),
            fingerprint: "f".into(),
            seconds: 1.0,
            tool_error: None,
            notes: Vec::new(),
            flags: Vec::new(),
            exercises: Vec::new(),
        };
        save(&out, &record).unwrap();
        std::fs::create_dir_all(out.join(".work/alice")).unwrap();
        let again = open(&dir, None).unwrap();
        assert_eq!(load(&again, "alice"), Some(record.clone()));
        assert_eq!(load_all(&again).unwrap(), [record]);
        assert!(!again.join(".work").exists());
        assert_eq!(load(&again, "bob"), None);
        _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_gradebook_and_the_submissions_stay_apart() {
        let dir = scratch("apart");
        let submissions = dir.join("subs");
        std::fs::create_dir_all(&submissions).unwrap();
        let submissions = submissions.canonicalize().unwrap();
        let inside = open(&submissions.join("out"), Some(&submissions)).unwrap_err();
        assert!(
            inside.to_string().contains("inside the submissions"),
            "{inside}"
        );
        let around = open(&dir, Some(&submissions)).unwrap_err();
        assert!(around.to_string().contains("inside --out"), "{around}");
        _ = std::fs::remove_dir_all(dir);
    }
}
