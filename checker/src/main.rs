//! `checker`: the command-line tool of consistency-lab. Everything it does is in the
//! `checker` library (see [`checker::run`]); `main` only reads the command line.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    checker::run(checker::cli::Cli::parse())
}
