//! `checker`: the command-line tool of consistency-lab. Everything it does is in the
//! `checker` library (see [`checker::run`]); `main` only reads the command line, and
//! ends quietly when whatever reads its output stops reading.

use std::panic;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = checker::cli::Cli::parse();
    // `checker list --format json | head -1`: once `head` has its line, the pipe closes
    // and the next print fails. Standard Rust turns that into a panic with a backtrace;
    // a command-line tool ends quietly instead, as one killed by SIGPIPE would. (The
    // signal itself is ignored by Rust programs, and restoring it takes `unsafe`.)
    let report = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !closed_pipe(info.payload()) {
            report(info);
        }
    }));
    match panic::catch_unwind(|| checker::run(cli)) {
        Ok(code) => code,
        Err(payload) if closed_pipe(payload.as_ref()) => ExitCode::SUCCESS,
        Err(payload) => panic::resume_unwind(payload),
    }
}

/// Whether a panic is `println!` failing because the reader of standard output is gone.
fn closed_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    message.starts_with("failed printing to std") && message.contains("Broken pipe")
}
