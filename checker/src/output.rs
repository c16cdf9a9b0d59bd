//! What a check prints: [`human`] text for people and [`json`] lines for programs.
//!
//! Results go to standard output, one file at a time as each check ends. Errors go to
//! standard error, one line each, through [`error`]; a run that fails on its input prints
//! no results at all (see [`crate::history::check`]).

pub mod human;
pub mod json;

use std::time::Duration;

use testkit::check::Verdict;
use testkit::history::History;
use testkit::model::ModelKind;

use crate::cli::OutputFormat;
use crate::history::consistency::Consistency;
use checker_core::style::Style;

/// One checked file, as the printers see it.
#[derive(Clone, Copy, Debug)]
pub struct Checked<'a> {
    /// The file, as named on the command line.
    pub file: &'a str,
    /// The model checked against; `None` for an empty history read without one, or a
    /// check that needs none.
    pub model: Option<ModelKind>,
    /// The consistency model checked.
    pub consistency: Consistency,
    /// What the file holds.
    pub history: &'a History,
    /// Whether its times are line numbers (the log formats), which evidence mentions.
    pub times_are_lines: bool,
    /// The answer.
    pub verdict: &'a Verdict,
    /// How long the check took.
    pub elapsed: Duration,
}

/// Prints results in the format asked for.
#[derive(Clone, Copy, Debug)]
pub enum Printer {
    /// For people; `width` aligns the verdicts after file names.
    Human {
        /// The widest file name of the run.
        width: usize,
        /// Colour or not.
        style: Style,
    },
    /// One JSON object per line.
    Json,
}

impl Printer {
    /// A printer for `format`, aligning human output for these file names.
    pub fn new<'a>(format: OutputFormat, files: impl IntoIterator<Item = &'a str>) -> Self {
        match format {
            OutputFormat::Human => Printer::Human {
                width: files
                    .into_iter()
                    .map(|f| f.chars().count())
                    .max()
                    .unwrap_or(0),
                style: Style::stdout(),
            },
            OutputFormat::Json => Printer::Json,
        }
    }

    /// Prints the result for one file.
    pub fn print(&self, checked: &Checked<'_>) {
        let text = match *self {
            Printer::Human { width, style } => human::render(checked, width, style),
            Printer::Json => json::render(checked),
        };
        println!("{text}");
    }
}

/// Prints one error line on standard error: `error: MESSAGE`.
pub fn error(message: &str) {
    eprintln!("{} {message}", Style::stderr().red("error:"));
}

/// The duration in milliseconds, rounded to microseconds for reading.
pub fn millis(elapsed: Duration) -> f64 {
    (elapsed.as_secs_f64() * 1e6).round() / 1e3
}
