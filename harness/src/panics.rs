//! Turning a panic into the message and location the parent shows.
//!
//! The payload caught by `catch_unwind` carries the message but not where the panic
//! happened; only the panic hook sees the location. So the hook notes each panic with
//! its thread, and the harness pairs the caught payload with the last note of its own
//! thread. Panics of other threads are noted too, but only for their text: they fail the
//! test only if the test thread panics in turn (for example on `join().unwrap()`).

use std::any::Any;
use std::panic;
use std::sync::{Mutex, PoisonError};
use std::thread::{self, ThreadId};

/// How many notes are kept: a test that panics and catches in a loop must not grow the
/// list without end.
const KEPT: usize = 64;

/// One panic seen by the hook.
struct Note {
    thread: ThreadId,
    message: Option<String>,
    location: String,
}

static NOTES: Mutex<Vec<Note>> = Mutex::new(Vec::new());

/// Puts the noting hook in front of the current one, which still prints the panic, so
/// the captured output shows it as a plain test run would.
pub(crate) fn install_hook() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let note = Note {
            thread: thread::current().id(),
            message: payload_text(info.payload()),
            location: info.location().map(ToString::to_string).unwrap_or_default(),
        };
        // A hook must not panic: a poisoned list is still a list.
        let mut notes = NOTES.lock().unwrap_or_else(PoisonError::into_inner);
        if notes.len() == KEPT {
            notes.remove(0);
        }
        notes.push(note);
        drop(notes);
        previous(info);
    }));
}

/// A failed test as the harness reports it.
pub(crate) struct Failure {
    /// The panic message.
    pub(crate) message: String,
    /// `file:line:column`, when the hook saw the panic.
    pub(crate) location: Option<String>,
}

/// The failure for a payload caught on the current thread.
pub(crate) fn failure(payload: &(dyn Any + Send)) -> Failure {
    let me = thread::current().id();
    let notes = NOTES.lock().unwrap_or_else(PoisonError::into_inner);
    let note = notes.iter().rev().find(|note| note.thread == me);
    let message = payload_text(payload)
        .or_else(|| note.and_then(|note| note.message.clone()))
        .unwrap_or_else(|| "the test panicked with a value that is not text".to_owned());
    Failure {
        message,
        location: note
            .map(|note| note.location.clone())
            .filter(|location| !location.is_empty()),
    }
}

/// The text of a panic payload: `panic!` with a literal gives `&str`, with a format
/// gives `String`; any other type (from `panic_any`) has no text.
fn payload_text(payload: &(dyn Any + Send)) -> Option<String> {
    if let Some(text) = payload.downcast_ref::<&str>() {
        Some((*text).to_owned())
    } else {
        payload.downcast_ref::<String>().cloned()
    }
}
