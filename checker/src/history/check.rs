//! `checker history check`: read history files and check each against a consistency
//! model (linearizability unless `--consistency` names another).
//!
//! The run has two phases. First every file is read and parsed, and its model chosen;
//! if any of that fails, the errors are printed (one line each, naming the file and
//! line) and the run ends with exit code 2 before any verdict is printed. Only then is
//! each history checked and its result printed. The rejected alternative, reading and
//! checking file by file, would print verdicts for some files of a run whose input is
//! broken, and a script reading the output could take them for the whole answer.

use std::path::{Path, PathBuf};
use std::time::Instant;

use testkit::check::Verdict;
use testkit::formats::{self, Format};
use testkit::history::History;
use testkit::model::ModelKind;
use testkit::report::CheckReport;

use crate::cli::CheckArgs;
use crate::history::consistency::Consistency;
use crate::output::{self, Checked, Printer};
use checker_core::Status;
use checker_core::pages;

/// A file read and parsed, ready to check.
#[derive(Debug)]
pub struct Loaded {
    /// The file, as named on the command line.
    pub file: String,
    /// What it holds.
    pub history: History,
    /// The model to check against; `None` only for an empty history (see
    /// [`choose_model`]) or for a check that needs none.
    pub model: Option<ModelKind>,
    /// Whether its times are line numbers.
    pub times_are_lines: bool,
    /// The consistency model to check: `--consistency`, else the one the file names,
    /// else linearizability.
    pub consistency: Consistency,
}

/// Runs the command: reads every file, then checks each.
pub fn run(args: &CheckArgs) -> Status {
    let forced = args.model.map(ModelKind::from);
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for path in &args.files {
        match load(path, forced, args.consistency) {
            Ok(l) => loaded.push(l),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        errors.iter().for_each(|e| output::error(&e.to_string()));
        return Status::ToolError;
    }

    let printer = Printer::new(args.format, loaded.iter().map(|l| l.file.as_str()));
    let mut status = Status::Passed;
    for l in &loaded {
        let consistency = l.consistency;
        let start = Instant::now();
        let verdict = consistency.check(l.model, args.budget, &l.history);
        let elapsed = start.elapsed();
        match verdict {
            Ok(verdict) => {
                if let Some(path) = &args.html {
                    let page = page_path(path, &l.file, loaded.len());
                    if let Err(e) = draw(l, consistency, &verdict, &page) {
                        output::error(&format!("{e:#}"));
                        status = Status::ToolError;
                    }
                }
                printer.print(&Checked {
                    file: &l.file,
                    model: l.model,
                    consistency,
                    history: &l.history,
                    times_are_lines: l.times_are_lines,
                    verdict: &verdict,
                    elapsed,
                });
                if !verdict.holds() {
                    status = status.max(Status::Failed);
                }
            }
            // The history holds something the check cannot judge (a cas checked as a
            // plain register, a value written twice for a causal check): a problem with
            // the input, not a verdict.
            Err(e) => {
                output::error(&format!("{}: {e}", l.file));
                status = Status::ToolError;
            }
        }
    }
    status
}

/// Where the page of `file` goes: `path` itself for the only file of a run, else
/// `path/NAME.html`.
fn page_path(path: &Path, file: &str, files: usize) -> PathBuf {
    if files == 1 {
        return path.to_owned();
    }
    let stem = Path::new(file)
        .file_stem()
        .map_or_else(|| "history".into(), |s| s.to_string_lossy().into_owned());
    path.join(format!("{stem}.html"))
}

/// Writes the page of one checked history.
fn draw(
    loaded: &Loaded,
    consistency: Consistency,
    verdict: &Verdict,
    page: &Path,
) -> anyhow::Result<()> {
    let report = CheckReport::new(
        loaded.file.clone(),
        consistency.name(),
        &loaded.history,
        loaded.model,
        verdict,
    );
    let report = match loaded.times_are_lines {
        true => report.times_in(testkit::history::TimeUnit::Lines),
        false => report,
    };
    pages::write(&report, page)?;
    eprintln!("{}: drawn in {}", loaded.file, page.display());
    Ok(())
}

/// Why a history file could not be checked; each says so in one line naming the file
/// (and the line, when one is at fault).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The file cannot be read.
    #[error("{file}: cannot read it: {why}")]
    Unreadable {
        /// The file.
        file: String,
        /// What the system said.
        why: String,
    },
    /// The file does not parse.
    #[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Malformed {
        /// The file.
        file: String,
        /// The line at fault, when one is.
        line: Option<usize>,
        /// What was expected.
        message: String,
    },
    /// No model was given and the file names none.
    #[error("{file}: {}", NoModel)]
    NoModel {
        /// The file.
        file: String,
    },
    /// The file names a consistency model this checker does not know.
    #[error(
        "{file}: the file names the consistency model {named:?}, which this checker does not \
         check; pass --consistency {}",
        consistency_names()
    )]
    UnknownConsistency {
        /// The file.
        file: String,
        /// What it names.
        named: String,
    },
}

/// The names `--consistency` takes: `linearizable|sequential|...`.
fn consistency_names() -> String {
    use clap::ValueEnum;
    let names: Vec<_> = Consistency::value_variants()
        .iter()
        .map(|c| c.flag())
        .collect();
    names.join("|")
}

/// No model given, and the history needs one.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "no model given and the file does not name one; pass --model {}",
    model_names()
)]
pub struct NoModel;

/// The names of the models, as `--model` takes them: `register|cas-register|kv`.
fn model_names() -> String {
    let names: Vec<_> = ModelKind::ALL.iter().map(|m| m.name()).collect();
    names.join("|")
}

/// Reads and parses one file, to be checked for `consistency` when given, else for the
/// model the file names, else for linearizability; a non-empty history needs a data
/// model only for the checks that search.
pub fn load(
    path: &Path,
    forced: Option<ModelKind>,
    consistency: Option<Consistency>,
) -> Result<Loaded, LoadError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError::Unreadable {
        file: file.clone(),
        why: e.to_string(),
    })?;
    let (history, implied, named) =
        formats::parse_named(&text).map_err(|e| LoadError::Malformed {
            file: file.clone(),
            line: e.line,
            message: e.message,
        })?;
    let consistency = match consistency {
        Some(c) => c,
        None => match named {
            None => Consistency::Linearizable,
            Some(named) => {
                Consistency::named(&named).ok_or_else(|| LoadError::UnknownConsistency {
                    file: file.clone(),
                    named,
                })?
            }
        },
    };
    let model = match consistency.needs_model() {
        true => choose_model(forced, implied, &history)
            .map_err(|NoModel| LoadError::NoModel { file: file.clone() })?,
        false => forced.or(implied),
    };
    let times_are_lines = matches!(formats::detect(&text), Some(Format::Jepsen | Format::EdnKv));
    Ok(Loaded {
        file,
        history,
        model,
        times_are_lines,
        consistency,
    })
}

/// The model to check against: the one asked for, else the one the file implies. A
/// history that is empty needs none (it holds under all); any other needs one.
pub fn choose_model(
    forced: Option<ModelKind>,
    implied: Option<ModelKind>,
    history: &History,
) -> Result<Option<ModelKind>, NoModel> {
    match forced.or(implied) {
        Some(model) => Ok(Some(model)),
        None if history.is_empty() => Ok(None),
        None => Err(NoModel),
    }
}

#[cfg(test)]
mod tests {
    use testkit::history::Operation as Op;

    use super::*;

    #[test]
    fn the_flag_wins_over_the_file() {
        let h = History::from_ops([Op::write(0, 1, 0, 1)]).unwrap();
        let got = choose_model(Some(ModelKind::Register), Some(ModelKind::Kv), &h);
        assert_eq!(got, Ok(Some(ModelKind::Register)));
        assert_eq!(
            choose_model(None, Some(ModelKind::Kv), &h),
            Ok(Some(ModelKind::Kv))
        );
    }

    #[test]
    fn a_history_without_a_model_is_refused_unless_empty() {
        let h = History::from_ops([Op::write(0, 1, 0, 1)]).unwrap();
        let err = choose_model(None, None, &h).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no model given and the file does not name one; pass --model register|cas-register|kv"
        );
        assert_eq!(choose_model(None, None, &History::new()), Ok(None));
    }
}
