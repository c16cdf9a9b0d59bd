//! `checker reset [EXERCISE] [--yes]`: put the skeleton back, keeping the student's files.
//!
//! The pristine skeleton of each exercise lives in `checker/skeletons/NAME/`; the
//! student works on the copy in `exercises/NAME/`. Before anything is replaced the whole
//! folder is copied to `.checker/backups/NAME-YYYYMMDD-HHMMSS/` (the time in UTC; build
//! output excepted), and the output names that folder. Nothing is deleted before the copy
//! is complete.
//!
//! It asks first: in a terminal it waits for a `y`; without one (a script, CI) it does
//! nothing unless `--yes` says so.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use checker_core::Status;
use checker_core::course::{Course, Source};
use checker_core::progress::CourseState;

/// What `checker reset` was asked.
#[derive(Clone, Debug, Default)]
pub struct ResetRequest {
    /// The exercise; by default the one whose folder the command runs in, else the
    /// current one.
    pub exercise: Option<String>,
    /// Do it without asking.
    pub yes: bool,
}

/// Restores the skeleton of the exercise asked for, once confirmed.
pub fn run(course: &Course, req: &ResetRequest) -> Result<Status> {
    let mut state = CourseState::load(course);
    let exercise = super::chosen(course, &state, req.exercise.as_deref())?;
    let skeleton = course.skeleton_dir(exercise);
    if !skeleton.join("Cargo.toml").is_file() {
        bail!(
            "exercise {}: its skeleton {} is missing; the course folder is incomplete",
            exercise.name,
            skeleton.display()
        );
    }
    let dir = course.exercise_dir(exercise, &Source::Student);
    if dir.exists() && super::dev::same_tree(&dir, &skeleton) {
        println!("{} is its skeleton already: nothing to do.", exercise.name);
        return Ok(Status::Passed);
    }
    if !req.yes && !confirmed(&exercise.name)? {
        println!("Nothing changed.");
        return Ok(Status::Passed);
    }
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
    // The skeleton passes nothing: what the last check recorded no longer holds.
    state.forget_results(exercise);
    state.save()?;
    println!("{} is back to its skeleton.", exercise.name);
    Ok(Status::Passed)
}

/// Asks in a terminal whether to reset `name`; without a terminal, says how to confirm
/// and refuses.
fn confirmed(name: &str) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "checker reset {name} replaces exercises/{name} with its skeleton (your files are \
             kept in .checker/backups/): confirm with `checker reset {name} --yes`"
        );
    }
    print!(
        "Reset {name} to its skeleton? Your files are copied to .checker/backups/ first. [y/N] "
    );
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES"))
}

/// A new, unused backup folder for `name`, named after the time in UTC.
fn backup_dir(root: &Path, name: &str) -> Result<PathBuf> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let stamp = utc_stamp(secs);
    for n in 0.. {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let dir = root.join(format!("{name}-{stamp}{suffix}"));
        if !dir.exists() {
            return Ok(dir);
        }
    }
    unreachable!("some backup name is free")
}

/// `secs` after the Unix epoch as `YYYYMMDD-HHMMSS` in UTC: sorts by time, and has no
/// character a file system refuses.
fn utc_stamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Days to a civil date (the proleptic Gregorian calendar), counted from 0000-03-01 so
    // that a leap day ends its year.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
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

#[cfg(test)]
mod tests {
    use super::utc_stamp;

    #[test]
    fn backup_names_carry_the_utc_date_and_time() {
        assert_eq!(utc_stamp(0), "19700101-000000");
        // 2024-02-29 23:59:59, a leap day.
        assert_eq!(utc_stamp(1_709_251_199), "20240229-235959");
        assert_eq!(utc_stamp(1_709_251_200), "20240301-000000");
        // 2026-12-05 10:38:12.
        assert_eq!(utc_stamp(1_796_467_092), "20261205-103812");
    }
}
