//! One sandboxed step: what it sees and where it starts.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::Profile;

/// One bind mount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Bind {
    pub(super) host: PathBuf,
    pub(super) inside: PathBuf,
    pub(super) writable: bool,
}

/// What one sandboxed program sees: the folders bound in, its environment, where it
/// starts. Paths handed out are where the program finds things (the same as on the
/// host without a sandbox).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub(super) confined: bool,
    pub(super) trusted: bool,
    pub(super) profile: Profile,
    pub(super) binds: Vec<Bind>,
    pub(super) env: Vec<(String, OsString)>,
    pub(super) chdir: Option<PathBuf>,
    pub(super) library_path: Option<PathBuf>,
}

impl Step {
    /// Binds `host` read-only at `inside`; returns the path to use.
    pub fn read_only(&mut self, host: &Path, inside: &str) -> PathBuf {
        self.bind(host, inside, false)
    }

    /// Binds `host` writable at `inside`; returns the path to use.
    pub fn writable(&mut self, host: &Path, inside: &str) -> PathBuf {
        self.bind(host, inside, true)
    }

    fn bind(&mut self, host: &Path, inside: &str, writable: bool) -> PathBuf {
        if !self.confined {
            return host.to_owned();
        }
        self.binds.push(Bind {
            host: host.to_owned(),
            inside: PathBuf::from(inside),
            writable,
        });
        PathBuf::from(inside)
    }

    /// Binds a Rust sysroot read-only and lets its programs find their libraries
    /// (without `/proc`, `$ORIGIN` in their library paths cannot be resolved). Returns
    /// the sysroot to use.
    pub fn toolchain(&mut self, sysroot: &Path) -> PathBuf {
        let inside = self.read_only(sysroot, "/toolchain");
        if self.confined {
            self.library_path = Some(inside.join("lib"));
        }
        inside
    }

    /// Marks the step as running no submitted code while it reads what submitted code
    /// must not (a suite's sources).
    pub fn trusted(&mut self) {
        self.trusted = true;
    }

    /// Sets an environment variable.
    pub fn env(&mut self, name: &str, value: impl Into<OsString>) {
        self.env.push((name.to_owned(), value.into()));
    }

    /// Where the program starts.
    pub fn chdir(&mut self, dir: &Path) {
        self.chdir = Some(dir.to_owned());
    }
}
