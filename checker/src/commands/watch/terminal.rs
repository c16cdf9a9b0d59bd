//! The terminal while the watch mode runs: raw mode (single keys, no echo), the
//! alternate screen (the student's shell comes back as it was) and a hidden cursor. All
//! three are restored on quit and on an error (the guard's drop) and on a panic (a
//! hook), so that no way out leaves the terminal unusable.
//!
//! Each frame is drawn row by row in place, each row ending in a clear to its end,
//! rather than by clearing the whole screen first, which flickers.

use std::io::{Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use crossterm::style::Print;
use crossterm::terminal::{BeginSynchronizedUpdate, Clear, ClearType, EndSynchronizedUpdate};
use crossterm::{cursor, execute, queue, terminal};

use super::screen::{Line, Look};
use super::wrap::columns;
use checker_core::style::Style;

/// Whether the terminal is in the watch mode's state, for the panic hook.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The terminal in the watch mode's state until dropped.
pub struct Terminal {
    out: Stdout,
    style: Style,
    /// Whether the screen must be cleared before the next frame.
    stale: bool,
}

impl Terminal {
    /// Enters raw mode and the alternate screen.
    pub fn enter() -> Result<Terminal> {
        restore_on_panic();
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut out = std::io::stdout();
        if let Err(e) = execute!(out, terminal::EnterAlternateScreen, cursor::Hide) {
            restore();
            return Err(e.into());
        }
        Ok(Terminal {
            out,
            style: Style::stdout(),
            stale: true,
        })
    }

    /// The terminal's size in columns and rows; 80x24 when it cannot tell (a
    /// pseudo-terminal that nobody sized says 0x0).
    pub fn size() -> (usize, usize) {
        match terminal::size() {
            Ok((columns, rows)) if columns > 0 && rows > 0 => (columns.into(), rows.into()),
            _ => (80, 24),
        }
    }

    /// Has the next frame clear the screen first: after a resize, the terminal may have
    /// moved what it showed.
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Draws `rows`, one per row of a `width`-column screen, as one synchronized update:
    /// a terminal that knows the mode (DEC 2026) shows the frame whole, never half drawn
    /// over the last one; others ignore the two sequences around it.
    pub fn draw(&mut self, rows: &[Line], width: usize) -> Result<()> {
        queue!(self.out, BeginSynchronizedUpdate)?;
        if std::mem::take(&mut self.stale) {
            queue!(self.out, Clear(ClearType::All))?;
        }
        for (y, row) in rows.iter().enumerate() {
            queue!(self.out, cursor::MoveTo(0, y as u16))?;
            for (look, text) in &row.spans {
                let painted = self.paint(*look, text);
                queue!(self.out, Print(painted))?;
            }
            // A row that fills the width needs no clearing, and clearing there would
            // erase its last character on some terminals.
            if columns(&row.text()) < width {
                queue!(self.out, Clear(ClearType::UntilNewLine))?;
            }
        }
        queue!(self.out, EndSynchronizedUpdate)?;
        self.out.flush()?;
        Ok(())
    }

    fn paint(&self, look: Look, text: &str) -> String {
        match look {
            Look::Plain => text.to_owned(),
            Look::Strong => self.style.bold(text),
            Look::Good => self.style.green(text),
            Look::Bad => self.style.red(text),
            Look::Warn => self.style.yellow(text),
            Look::Faint => self.style.dim(text),
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves the alternate screen and raw mode, once.
fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(
            std::io::stdout(),
            cursor::Show,
            terminal::LeaveAlternateScreen
        );
        let _ = terminal::disable_raw_mode();
    }
}

/// A panic of the main thread restores the terminal before its message is printed, so
/// that the message is readable and the shell usable. (A panic of the checks' thread is
/// caught there and shown on the screen instead.)
fn restore_on_panic() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some("main") {
                restore();
            }
            previous(info);
        }));
    });
}
