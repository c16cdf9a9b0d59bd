//! `checker reset EXERCISE`: put the skeleton back, keeping the student's files.
//!
//! The pristine skeleton of each exercise lives in `checker/skeletons/NAME/`; the
//! student works on the copy in `exercises/NAME/`. Before anything is replaced the whole
//! folder is copied to `.checker/backups/NAME-<unix time>/` (build output excepted), and
//! the output names that folder. Nothing is deleted before the copy is complete.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use checker_core::Status;
use checker_core::course::{Course, Source};

/// Restores the skeleton of `name`.
pub fn run(course: &Course, name: &str) -> Result<Status> {
    let exercise = course.catalog.find(name)?;
    let skeleton = course.skeleton_dir(exercise);
    if !skeleton.join("Cargo.toml").is_file() {
        bail!(
            "exercise {}: its skeleton {} is missing; the course folder is incomplete",
            exercise.name,
            skeleton.display()
        );
    }
    let dir = course.exercise_dir(exercise, &Source::Student);
    if dir.exists() {
        let backup = backup_dir(&course.state_dir().join("backups"), &exercise.name)?;
        copy_tree(&dir, &backup)
            .with_context(|| format!("cannot back up {} to {}", dir.display(), backup.display()))?;
        std::fs::remove_dir_all(&dir).with_context(|| {
            format!(
                "cannot clear {} (your files are safe in {})",
                dir.display(),
                backup.display()
            )
        })?;
        println!("Your files are kept in {}", backup.display());
    }
    copy_tree(&skeleton, &dir)
        .with_context(|| format!("cannot copy the skeleton to {}", dir.display()))?;
    println!("{} is back to its skeleton.", exercise.name);
    Ok(Status::Passed)
}

/// A new, unused backup folder for `name`.
fn backup_dir(root: &Path, name: &str) -> Result<PathBuf> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    for n in 0.. {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let dir = root.join(format!("{name}-{secs}{suffix}"));
        if !dir.exists() {
            return Ok(dir);
        }
    }
    unreachable!("some backup name is free")
}

/// Copies `from` to `to` recursively, leaving out build output (`target/`).
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            if entry.file_name() != "target" {
                copy_tree(&path, &dest)?;
            }
        } else {
            std::fs::copy(&path, &dest)?;
        }
    }
    Ok(())
}
