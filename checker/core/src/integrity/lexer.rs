//! Just enough of Rust's lexical grammar to look for patterns in code without being
//! fooled by comments and literals: identifiers, lifetimes, string literals (their
//! text), and single punctuation characters, each with its line.
//!
//! A pattern written in a comment is not code, and `"&'a &'b ()"` in a string is not a
//! type: a plain text search would flag both. The rejected alternative, a full parser
//! (`syn`), would reject the many submissions that do not compile, which are exactly the
//! ones worth looking at, and would be one more dependency for a few patterns.

/// One token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// An identifier or keyword (`r#type` as `type`).
    Ident(String),
    /// A lifetime or label, without its quote (`'static` as `static`).
    Lifetime(String),
    /// A string literal's text (any kind: plain, raw, byte, C), escapes left as written.
    Str(String),
    /// One punctuation character (`&&` is two).
    Punct(char),
    /// A number or a character literal: nothing a pattern looks into.
    Literal,
}

/// A token and the line it starts on (from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Its line.
    pub line: u32,
}

/// The tokens of `source`. Never fails: what it cannot read (an unclosed string, say)
/// ends the input.
pub fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut lexer = Lexer {
        chars: &chars,
        at: 0,
        line: 1,
        out: Vec::new(),
    };
    lexer.run();
    lexer.out
}

struct Lexer<'a> {
    chars: &'a [char],
    at: usize,
    line: u32,
    out: Vec<Token>,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    /// Moves past one character, counting lines.
    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn push(&mut self, tok: Tok, line: u32) {
        self.out.push(Token { tok, line });
    }

    fn run(&mut self) {
        while let Some(c) = self.peek(0) {
            let line = self.line;
            match c {
                c if c.is_whitespace() => {
                    self.bump();
                }
                '/' if self.peek(1) == Some('/') => self.line_comment(),
                '/' if self.peek(1) == Some('*') => self.block_comment(),
                '"' => {
                    self.bump();
                    let text = self.quoted();
                    self.push(Tok::Str(text), line);
                }
                '\'' => self.quote(line),
                c if c.is_ascii_digit() => {
                    self.number();
                    self.push(Tok::Literal, line);
                }
                c if c == '_' || c.is_alphabetic() => self.word(line),
                c => {
                    self.bump();
                    self.push(Tok::Punct(c), line);
                }
            }
        }
    }

    fn line_comment(&mut self) {
        while let Some(c) = self.peek(0) {
            if c == '\n' {
                return;
            }
            self.bump();
        }
    }

    /// A block comment; they nest.
    fn block_comment(&mut self) {
        self.bump();
        self.bump();
        let mut depth = 1;
        while depth > 0 {
            match (self.peek(0), self.peek(1)) {
                (Some('/'), Some('*')) => {
                    self.bump();
                    self.bump();
                    depth += 1;
                }
                (Some('*'), Some('/')) => {
                    self.bump();
                    self.bump();
                    depth -= 1;
                }
                (Some(_), _) => {
                    self.bump();
                }
                (None, _) => return,
            }
        }
    }

    /// The rest of a `"..."` literal whose opening quote is behind: its text.
    fn quoted(&mut self) -> String {
        let mut text = String::new();
        while let Some(c) = self.bump() {
            match c {
                '"' => break,
                '\\' => {
                    text.push(c);
                    if let Some(escaped) = self.bump() {
                        text.push(escaped);
                    }
                }
                c => text.push(c),
            }
        }
        text
    }

    /// A raw string whose `r` is behind and `#`s are next: its text.
    fn raw(&mut self) -> String {
        let mut hashes = 0;
        while self.peek(0) == Some('#') {
            self.bump();
            hashes += 1;
        }
        if self.peek(0) != Some('"') {
            return String::new();
        }
        self.bump();
        let mut text = String::new();
        while let Some(c) = self.bump() {
            if c == '"' && (0..hashes).all(|i| self.peek(i) == Some('#')) {
                for _ in 0..hashes {
                    self.bump();
                }
                break;
            }
            text.push(c);
        }
        text
    }

    /// A `'`: a character literal (`'a'`, `'\n'`) or a lifetime (`'a`).
    fn quote(&mut self, line: u32) {
        self.bump();
        let is_char = matches!(
            (self.peek(0), self.peek(1)),
            (Some('\\'), _) | (Some(_), Some('\''))
        );
        if is_char {
            while let Some(c) = self.bump() {
                match c {
                    '\\' => {
                        self.bump();
                    }
                    '\'' => break,
                    _ => {}
                }
            }
            self.push(Tok::Literal, line);
            return;
        }
        let mut name = String::new();
        while let Some(c) = self.peek(0) {
            if c == '_' || c.is_alphanumeric() {
                name.push(c);
                self.bump();
            } else {
                break;
            }
        }
        self.push(Tok::Lifetime(name), line);
    }

    fn number(&mut self) {
        while let Some(c) = self.peek(0) {
            let fraction = c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit());
            if c == '_' || c.is_alphanumeric() || fraction {
                self.bump();
            } else {
                break;
            }
        }
    }

    /// An identifier, or the prefix of a literal (`r"..."`, `b"..."`, `br#"..."#`).
    fn word(&mut self, line: u32) {
        let mut word = String::new();
        while let Some(c) = self.peek(0) {
            if c == '_' || c.is_alphanumeric() {
                word.push(c);
                self.bump();
            } else {
                break;
            }
        }
        let next = self.peek(0);
        match (word.as_str(), next) {
            ("r" | "br" | "cr", Some('"' | '#')) if self.raw_follows() => {
                let text = self.raw();
                self.push(Tok::Str(text), line);
            }
            ("b" | "c", Some('"')) => {
                self.bump();
                let text = self.quoted();
                self.push(Tok::Str(text), line);
            }
            ("b", Some('\'')) => self.quote(line),
            ("r", Some('#')) => {
                // A raw identifier: `r#type`.
                self.bump();
                let start = self.out.len();
                self.word(line);
                if start == self.out.len() {
                    self.push(Tok::Punct('#'), line);
                }
            }
            _ => self.push(Tok::Ident(word), line),
        }
    }

    /// Whether the `#`s (if any) after a raw prefix lead to a `"`.
    fn raw_follows(&self) -> bool {
        let mut ahead = 0;
        while self.peek(ahead) == Some('#') {
            ahead += 1;
        }
        self.peek(ahead) == Some('"')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(source: &str) -> Vec<Tok> {
        tokens(source).into_iter().map(|t| t.tok).collect()
    }

    fn ident(s: &str) -> Tok {
        Tok::Ident(s.to_owned())
    }

    #[test]
    fn comments_are_skipped_and_nest() {
        assert_eq!(
            toks("a // &'a &'b ()\n/* x /* y */ z */ b"),
            [ident("a"), ident("b")]
        );
    }

    #[test]
    fn lifetimes_and_characters_are_told_apart() {
        assert_eq!(
            toks("&'a &'b () 'x' '\\'' b'q' 'static"),
            [
                Tok::Punct('&'),
                Tok::Lifetime("a".into()),
                Tok::Punct('&'),
                Tok::Lifetime("b".into()),
                Tok::Punct('('),
                Tok::Punct(')'),
                Tok::Literal,
                Tok::Literal,
                Tok::Literal,
                Tok::Lifetime("static".into()),
            ]
        );
    }

    #[test]
    fn strings_of_every_kind_keep_their_text_and_hide_their_contents() {
        assert_eq!(
            toks(r####"x("/proc/self" r#"a "quoted" b"# b"\"bytes" br##"raw"##) r#type"####),
            [
                ident("x"),
                Tok::Punct('('),
                Tok::Str("/proc/self".into()),
                Tok::Str("a \"quoted\" b".into()),
                Tok::Str("\\\"bytes".into()),
                Tok::Str("raw".into()),
                Tok::Punct(')'),
                ident("type"),
            ]
        );
    }

    #[test]
    fn lines_are_counted_through_comments_and_strings() {
        let found = tokens("a\n/* one\ntwo */\n\"x\ny\"\nb");
        let lines: Vec<u32> = found.iter().map(|t| t.line).collect();
        assert_eq!(lines, [1, 4, 6]);
    }

    #[test]
    fn numbers_are_one_literal_and_ranges_stay_apart() {
        assert_eq!(
            toks("1_000u64 2.5 0..3"),
            [
                Tok::Literal,
                Tok::Literal,
                Tok::Literal,
                Tok::Punct('.'),
                Tok::Punct('.'),
                Tok::Literal,
            ]
        );
    }
}
