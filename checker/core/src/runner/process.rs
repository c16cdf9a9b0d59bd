//! Starting one suite process and watching it until it ends or its time is up.
//!
//! The process gets a process group of its own, so that everything it starts can be
//! killed at once: when its time is up, and also after it ended, in case it left
//! children behind. Four threads watch it, each blocking on one thing (the exit, the
//! report socket, the output, and the caller waiting on the timeout), which std's
//! blocking calls allow without an event loop; the rejected alternative, polling every
//! few milliseconds, would add latency to every test and still need the same cleanup.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::group::ProcessGroup;
use suite_harness::protocol::{Invitation, SEED_VAR};

use super::RunOptions;
use super::capture::{Captured, KEPT, Tail};
use super::launch::Launch;
use super::secret::{self, PrivateDir};

/// The most the report socket may carry; a real report is a few lines.
const REPORT_LIMIT: u64 = 16 * 1024 * 1024;

/// How long to wait, after the process group is gone, for the watchers to drain what it
/// wrote. Only a process that escaped the group (with `setsid`) can hold them longer.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// How a process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum End {
    /// It exited with this code.
    Exited(i32),
    /// A signal killed it (not ours).
    Signaled(i32),
    /// Its time was up and its process group was killed.
    TimedOut(Duration),
}

/// Everything seen of one process.
#[derive(Debug)]
pub(super) struct Session {
    /// The secret it was given.
    pub(super) secret: String,
    /// The lines received on the report socket, in order.
    pub(super) lines: Vec<String>,
    /// Whether the report socket carried more than [`REPORT_LIMIT`] bytes.
    pub(super) flooded: bool,
    /// Whether the process wrote more output than the run allowed, and was stopped.
    pub(super) output_flooded: bool,
    /// How it ended.
    pub(super) end: End,
    /// Its output.
    pub(super) output: Captured,
    /// From start to end.
    pub(super) duration: Duration,
}

/// What the watcher threads tell the caller.
enum Event {
    Exited(io::Result<ExitStatus>),
    Connected,
    Line(String),
    Flooded,
    ReportClosed,
    OutputClosed,
    OutputFlooded,
}

/// Runs `binary` with `args` as `options` say: started by their launcher, with an
/// invitation on standard input and the seed in the environment, for at most their
/// timeout.
pub(super) fn run(binary: &Path, args: &[&str], options: &RunOptions) -> io::Result<Session> {
    let timeout = options.timeout;
    let secret = secret::secret()?;
    let dir = PrivateDir::new()?;
    let socket = dir.path().join("report.sock");
    let listener = UnixListener::bind(&socket)?;
    let (output_reader, output_writer) = UnixStream::pair()?;

    // The harness reports where a test panicked; a backtrace would only bury the
    // message, and symbolizing one costs a tenth of a second per failing test.
    let mut env = vec![("RUST_BACKTRACE", "0".to_owned())];
    if let Some(seed) = options.seed {
        env.push((SEED_VAR, seed.to_string()));
    }
    let launch = Launch {
        binary,
        args,
        env: &env,
        socket_dir: dir.path(),
    };
    let mut command = options.launcher.command(&launch)?;
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::from(OwnedFd::from(output_writer.try_clone()?)))
        .stderr(Stdio::from(OwnedFd::from(output_writer)));
    ProcessGroup::prepare(&mut command);
    if options.seed.is_none() {
        command.env_remove(SEED_VAR);
    }
    let started = Instant::now();
    let mut child = command.spawn()?;
    // The command holds the parent's copies of the output's write end; until they are
    // closed, the output would never reach its end.
    drop(command);
    let group = ProcessGroup::led_by(&child)?;

    let invitation = Invitation {
        secret: secret.clone(),
        socket: socket.clone(),
    };
    if let Some(mut stdin) = child.stdin.take() {
        // The invitation fits in a pipe's buffer, so this does not block; it fails only
        // if the process is already gone, which the exit will show.
        _ = stdin.write_all(invitation.encode().as_bytes());
    }

    let (events, inbox) = mpsc::channel();
    let output = Arc::new(Mutex::new(Tail::new(KEPT)));
    watch_output(
        output_reader,
        Arc::clone(&output),
        options.output_limit,
        events.clone(),
    );
    watch_reports(listener, events.clone());
    let waiter = events.clone();
    thread::spawn(move || _ = waiter.send(Event::Exited(child.wait())));
    drop(events);

    let mut seen = Seen::default();
    let deadline = started + timeout;
    let mut killed_at = None;
    let status = loop {
        let event = match killed_at {
            Some(_) => inbox.recv().map_err(|_| RecvTimeoutError::Disconnected),
            None => inbox.recv_timeout(deadline.saturating_duration_since(Instant::now())),
        };
        match event {
            Ok(Event::Exited(status)) => break status?,
            Ok(Event::OutputFlooded) if killed_at.is_none() => {
                // Too much output: stopped like a test out of time, but told apart.
                seen.output_flooded = true;
                group.kill();
                killed_at = Some(Instant::now());
            }
            Ok(other) => seen.note(other),
            Err(RecvTimeoutError::Timeout) => {
                group.kill();
                killed_at = Some(Instant::now());
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(io::Error::other("lost track of the test process"));
            }
        }
    };
    let duration = killed_at.unwrap_or_else(Instant::now) - started;
    // Whatever the process left running goes with it.
    group.kill();
    if !seen.connected {
        // Wakes the thread still waiting for a connection that will never come.
        _ = UnixStream::connect(&socket);
    }
    seen.drain(&inbox);

    let wrapped_signal = |code: i32| {
        (options.launcher.signals_as_exit_codes() && (129..=192).contains(&code))
            .then_some(code - 128)
    };
    let end = match (killed_at, status.code(), status.signal()) {
        (Some(_), _, _) => End::TimedOut(timeout),
        (None, Some(code), _) if wrapped_signal(code).is_some() => {
            End::Signaled(wrapped_signal(code).unwrap_or(code))
        }
        (None, Some(code), _) => End::Exited(code),
        (None, None, Some(signal)) => End::Signaled(signal),
        (None, None, None) => return Err(io::Error::other("an exit status with no meaning")),
    };
    Ok(Session {
        secret,
        lines: seen.lines,
        flooded: seen.flooded,
        output_flooded: seen.output_flooded,
        end,
        // Whatever arrived, even if a process that escaped the group still writes.
        output: output
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .snapshot(),
        duration,
    })
}

/// What the watchers reported so far.
#[derive(Default)]
struct Seen {
    connected: bool,
    lines: Vec<String>,
    flooded: bool,
    output_flooded: bool,
    report_closed: bool,
    output_closed: bool,
}

impl Seen {
    fn note(&mut self, event: Event) {
        match event {
            Event::Connected => self.connected = true,
            Event::Line(line) => self.lines.push(line),
            Event::Flooded => self.flooded = true,
            Event::ReportClosed => self.report_closed = true,
            Event::OutputClosed => self.output_closed = true,
            Event::OutputFlooded | Event::Exited(_) => {}
        }
    }

    /// Takes the watchers' last events, waiting at most [`DRAIN_GRACE`].
    fn drain(&mut self, inbox: &Receiver<Event>) {
        let until = Instant::now() + DRAIN_GRACE;
        while !(self.report_closed && self.output_closed) {
            match inbox.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Ok(event) => self.note(event),
                Err(_) => break,
            }
        }
    }
}

/// Reads the output into `tail` until every writer has closed it; says once when more
/// than `limit` bytes arrived, and keeps reading so that writers never block.
fn watch_output(
    mut reader: UnixStream,
    tail: Arc<Mutex<Tail>>,
    limit: Option<u64>,
    events: Sender<Event>,
) {
    thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        let mut total: u64 = 0;
        let mut told = false;
        while let Ok(n @ 1..) = reader.read(&mut chunk) {
            tail.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(&chunk[..n]);
            total += n as u64;
            if !told && limit.is_some_and(|limit| total > limit) {
                told = true;
                _ = events.send(Event::OutputFlooded);
            }
        }
        _ = events.send(Event::OutputClosed);
    });
}

/// Accepts the first connection only, and passes on its lines.
///
/// Later connections are never accepted: the harness connects before any test code
/// runs, so a second one can only be an impostor, and it learns nothing.
fn watch_reports(listener: UnixListener, events: Sender<Event>) {
    thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            _ = events.send(Event::Connected);
            let mut reader = BufReader::new(stream).take(REPORT_LIMIT);
            let mut line = Vec::new();
            loop {
                line.clear();
                match reader.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    // The harness writes whole lines, so a piece without its newline
                    // is either a flood cut at the limit or a write cut by death.
                    Ok(_) if line.last() != Some(&b'\n') => break,
                    Ok(_) => {
                        let text = String::from_utf8_lossy(&line);
                        let text = text.strip_suffix('\n').unwrap_or(&text);
                        _ = events.send(Event::Line(text.to_owned()));
                    }
                }
            }
            if reader.limit() == 0 {
                _ = events.send(Event::Flooded);
            }
        }
        _ = events.send(Event::ReportClosed);
    });
}
