//! Running the real `checker` binary on files in a private temporary directory.
//!
//! Each [`Scratch`] is a fresh directory named after the process and a counter, removed
//! when dropped; a temp-dir crate was not worth a dependency for these few lines.

// Each test file includes this module and uses a different part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A temporary directory holding fixture files.
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    /// A new, empty directory.
    pub fn new() -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("checker-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    /// Writes `text` to the file `name` and returns its path as a string.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// The path of `name` in the directory, whether or not it exists.
    pub fn path(&self, name: &str) -> String {
        self.dir.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a run of the binary did.
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `checker` with `args`, without a terminal and without `NO_COLOR`.
pub fn checker(args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    Run {
        code: status.code().expect("checker exits with a code"),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

/// A Jepsen log line with tab-separated fields.
pub fn jepsen(process: u32, kind: &str, f: &str, value: &str) -> String {
    format!("INFO  jepsen.util - {process}\t:{kind}\t:{f}\t{value}\n")
}
