//! Colour for terminal output.
//!
//! Colour is used only when the stream is a terminal and `NO_COLOR` is unset or empty
//! (the convention of no-color.org), so that pipes, files and CI logs get plain text.
//! Plain ANSI escapes are enough for the four styles used; a colour crate was rejected
//! as a dependency for a dozen lines.

use std::io::IsTerminal;

/// Whether to colour one output stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    colour: bool,
}

/// Whether the user asked for no colour.
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

impl Style {
    /// The style for standard output.
    pub fn stdout() -> Self {
        Style {
            colour: std::io::stdout().is_terminal() && !no_color(),
        }
    }

    /// The style for standard error.
    pub fn stderr() -> Self {
        Style {
            colour: std::io::stderr().is_terminal() && !no_color(),
        }
    }

    /// No colour at all, whatever the stream: for text written to files, and for tests.
    pub fn plain() -> Self {
        Style { colour: false }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Good news.
    pub fn green(self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Bad news.
    pub fn red(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// Neither: undecided.
    pub fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Less important detail.
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// `text` in bold.
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_only_when_asked() {
        assert_eq!(Style::plain().red("x"), "x");
        assert_eq!(Style { colour: true }.red("x"), "\x1b[1;31mx\x1b[0m");
    }
}
