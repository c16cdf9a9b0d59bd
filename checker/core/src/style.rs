//! Colour for terminal output.
//!
//! Whether to colour a stream is anstream's decision (the crate clap uses too): only on
//! a terminal, never when `NO_COLOR` is set, always when `CLICOLOR_FORCE` is, so that
//! pipes, files and CI logs get plain text and people's settings are kept. The styles
//! are anstyle's, rendered as plain ANSI escapes around the text.

use anstream::ColorChoice;
use anstyle::{AnsiColor, Effects, Style as Look};

/// Whether to colour one output stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    colour: bool,
}

impl Style {
    /// The style for standard output.
    pub fn stdout() -> Self {
        Style {
            colour: anstream::AutoStream::choice(&std::io::stdout()) != ColorChoice::Never,
        }
    }

    /// The style for standard error.
    pub fn stderr() -> Self {
        Style {
            colour: anstream::AutoStream::choice(&std::io::stderr()) != ColorChoice::Never,
        }
    }

    /// No colour at all, whatever the stream: for text written to files, and for tests.
    pub fn plain() -> Self {
        Style { colour: false }
    }

    fn paint(self, look: Look, text: &str) -> String {
        if self.colour {
            format!("{}{text}{}", look.render(), look.render_reset())
        } else {
            text.to_owned()
        }
    }

    /// Good news.
    pub fn green(self, text: &str) -> String {
        self.paint(AnsiColor::Green.on_default(), text)
    }

    /// Bad news.
    pub fn red(self, text: &str) -> String {
        self.paint(AnsiColor::Red.on_default().effects(Effects::BOLD), text)
    }

    /// Neither: undecided.
    pub fn yellow(self, text: &str) -> String {
        self.paint(AnsiColor::Yellow.on_default(), text)
    }

    /// Less important detail.
    pub fn dim(self, text: &str) -> String {
        self.paint(Look::new().effects(Effects::DIMMED), text)
    }

    /// `text` in bold.
    pub fn bold(self, text: &str) -> String {
        self.paint(Look::new().effects(Effects::BOLD), text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_only_when_asked() {
        assert_eq!(Style::plain().red("x"), "x");
        let red = Style { colour: true }.red("x");
        assert!(red.starts_with('\x1b') && red.contains("31") && red.ends_with("\x1b[0m"));
        assert!(red.contains('x'), "{red:?}");
    }
}
