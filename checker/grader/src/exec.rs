//! Running one sandboxed step that is not a test (a compile): its output collected up to
//! a bound, its whole process group killed when its time is up.
//!
//! Tests go through the runner, whose results come over the harness's protocol; a
//! compile's result is the compiler's exit status and its diagnostics on standard error.

use std::io::{self, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use checker_core::group::ProcessGroup;

/// How much of each stream is kept: a compiler that prints more is drowning in errors,
/// and the first ones are what matters.
const KEPT: u64 = 4 * 1024 * 1024;

/// What one step did.
#[derive(Debug)]
pub struct Ran {
    /// How it ended; `None` when it was killed for taking too long.
    pub status: Option<ExitStatus>,
    /// Its standard error (where the compiler writes its diagnostics), up to a few
    /// megabytes.
    pub stderr: String,
}

impl Ran {
    /// Whether it exited with success.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// How it ended, in words: `exit code 1`, `killed by signal 9`, `stopped after 300 s`.
    pub fn ending(&self, timeout: Duration) -> String {
        match self.status {
            None => format!("stopped after {} s", timeout.as_secs()),
            Some(status) => match (status.code(), status.signal()) {
                (Some(code), _) => format!("exit code {code}"),
                (None, Some(signal)) => format!("killed by signal {signal}"),
                (None, None) => "ended".to_owned(),
            },
        }
    }
}

/// Runs `command` with no input and its output dropped, for at most `timeout`.
pub fn run(mut command: Command, timeout: Duration) -> io::Result<Ran> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = ProcessGroup::prepare(&mut command).spawn()?;
    let group = ProcessGroup::led_by(&child)?;
    let stderr = child.stderr.take().map(reader);
    let (done, finished) = mpsc::channel();
    let waiter = thread::spawn(move || {
        let status = child.wait();
        _ = done.send(());
        status
    });
    let timed_out = finished.recv_timeout(timeout).is_err();
    // Whatever the step left behind goes with it; a sandbox's namespace goes with
    // bubblewrap.
    group.kill();
    let status = waiter
        .join()
        .map_err(|_| io::Error::other("lost track of a compile"))??;
    let stderr = stderr
        .and_then(|h| h.join().ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    Ok(Ran {
        status: (!timed_out).then_some(status),
        stderr,
    })
}

/// Reads a stream to its end in a thread, keeping its first [`KEPT`] bytes and
/// discarding the rest, so the writer never blocks on a full pipe.
fn reader(stream: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut stream = stream;
        _ = (&mut stream).take(KEPT).read_to_end(&mut kept);
        _ = io::copy(&mut stream, &mut io::sink());
        kept
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_and_status_are_kept() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; exit 3"]);
        let ran = run(command, Duration::from_secs(10)).unwrap();
        assert_eq!(ran.stderr, "err\n");
        assert_eq!(ran.status.and_then(|s| s.code()), Some(3));
        assert!(!ran.success());
        assert_eq!(ran.ending(Duration::from_secs(10)), "exit code 3");
    }

    #[test]
    fn a_step_out_of_time_is_stopped_with_its_children() {
        let mut command = Command::new("sh");
        command.args(["-c", "sleep 30 & sleep 30; echo never >&2"]);
        let started = std::time::Instant::now();
        let ran = run(command, Duration::from_millis(200)).unwrap();
        assert!(ran.status.is_none());
        // Both sleeps are gone: nothing holds the output open for 30 s.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(ran.ending(Duration::from_secs(1)), "stopped after 1 s");
        assert!(ran.stderr.is_empty());
    }
}
