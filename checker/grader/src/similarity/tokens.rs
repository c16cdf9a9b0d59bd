//! Rust source as a stream of normalised tokens, each with the line it starts on.
//!
//! What a copier changes cheaply is dropped or folded: comments and whitespace vanish,
//! every identifier becomes one symbol (renaming a variable, a function or a type
//! changes nothing), every literal becomes one symbol per kind (a changed constant or
//! message changes nothing). What costs real work to change stays: keywords,
//! punctuation, and so the shape of the code. Full parsing was rejected: a submission
//! that does not compile must still be compared, and the lexical level is what
//! rewording hides behind.

/// A normalised token: its kind, and the line (from 1) where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is, normalised: see [`IDENT`] and the other kinds.
    pub kind: u32,
    /// The line it starts on.
    pub line: u32,
}

/// Any identifier that is not a keyword.
pub const IDENT: u32 = 0x1_0000;
/// Any number.
pub const NUMBER: u32 = 0x1_0001;
/// Any string, byte string or raw string.
pub const STRING: u32 = 0x1_0002;
/// Any character or byte literal.
pub const CHAR: u32 = 0x1_0003;
/// Any lifetime or loop label.
pub const LIFETIME: u32 = 0x1_0004;
/// The keywords are kept, each its own kind from here on.
const KEYWORD: u32 = 0x2_0000;

/// Rust's keywords (strict and reserved ones in use), and `true`/`false`, which are
/// the shape of a condition rather than a value one renames.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while",
];

/// The tokens of `text`, comments and whitespace left out.
pub fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len() / 3);
    let mut i = 0;
    let mut line = 1u32;
    // Advances over chars[from..to], counting the line breaks passed.
    let lines_in = |from: usize, to: usize| chars[from..to].iter().filter(|&&c| c == '\n').count();
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let start_line = line;
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i = block_comment_end(&chars, i);
        } else if c == '"' {
            i = quoted_end(&chars, i + 1, '"');
            out.push(Token {
                kind: STRING,
                line: start_line,
            });
        } else if (c == 'b' || c == 'c') && next == Some('"') {
            i = quoted_end(&chars, i + 2, '"');
            out.push(Token {
                kind: STRING,
                line: start_line,
            });
        } else if let Some(end) = raw_string_end(&chars, i) {
            i = end;
            out.push(Token {
                kind: STRING,
                line: start_line,
            });
        } else if c == 'b' && next == Some('\'') {
            i = quoted_end(&chars, i + 2, '\'');
            out.push(Token {
                kind: CHAR,
                line: start_line,
            });
        } else if c == '\'' {
            // A character literal closes within a few characters ('a', '\n', '\u{1F600}');
            // a lifetime or label ('a, 'outer) does not close.
            match char_literal_end(&chars, i) {
                Some(end) => {
                    i = end;
                    out.push(Token {
                        kind: CHAR,
                        line: start_line,
                    });
                }
                None => {
                    i += 1;
                    while i < chars.len() && is_ident_char(chars[i]) {
                        i += 1;
                    }
                    out.push(Token {
                        kind: LIFETIME,
                        line: start_line,
                    });
                }
            }
        } else if c.is_ascii_digit() {
            i += 1;
            while i < chars.len() {
                let d = chars[i];
                // `1..2` is two numbers and a range; `1.5` and `1e-3` are one number.
                let fraction = d == '.' && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
                let exponent_sign = (d == '-' || d == '+')
                    && matches!(chars[i - 1], 'e' | 'E')
                    && !chars[start..i].contains(&'x');
                if d.is_alphanumeric() || d == '_' || fraction || exponent_sign {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(Token {
                kind: NUMBER,
                line: start_line,
            });
        } else if is_ident_start(c) {
            // `r#match` is an identifier spelled like a keyword.
            let raw = c == 'r' && next == Some('#');
            i += if raw { 2 } else { 1 };
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let kind = match KEYWORDS.iter().position(|k| *k == word) {
                Some(k) if !raw => KEYWORD + k as u32,
                _ => IDENT,
            };
            out.push(Token {
                kind,
                line: start_line,
            });
        } else {
            i += 1;
            out.push(Token {
                kind: c as u32,
                line: start_line,
            });
        }
        line += lines_in(start, i) as u32;
    }
    // A trailing comma is formatting (rustfmt adds one when it breaks a list over
    // lines), so a comma just before a closing bracket is dropped.
    let closing = |t: &Token| [')', ']', '}'].iter().any(|&c| t.kind == c as u32);
    let mut kept = Vec::with_capacity(out.len());
    for (n, t) in out.iter().enumerate() {
        let trailing = t.kind == ',' as u32 && out.get(n + 1).is_some_and(closing);
        if !trailing {
            kept.push(*t);
        }
    }
    kept
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Where a (nested) block comment starting at `i` ends; the end of the text if never.
fn block_comment_end(chars: &[char], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < chars.len() {
        if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
            depth += 1;
            i += 2;
        } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// Past the closing `quote` of a literal whose body starts at `i`, escapes skipped.
fn quoted_end(chars: &[char], mut i: usize, quote: char) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// Past the end of a raw string (`r"..."`, `br#"..."#`, `cr##"..."##`) starting at
/// `i`, if one starts there.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if matches!(chars.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    j += hashes;
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"'
            && chars[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

/// Past the end of a character literal starting at `i` (a `'`), if it is one.
fn char_literal_end(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i + 1)? {
        '\\' => {
            let close = chars[i + 2..].iter().take(12).position(|&c| c == '\'')?;
            Some(i + 2 + close + 1)
        }
        _ if chars.get(i + 2) == Some(&'\'') => Some(i + 3),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn kinds(text: &str) -> Vec<u32> {
        tokens(text).iter().map(|t| t.kind).collect()
    }

    #[test]
    fn renaming_and_reformatting_and_comments_change_nothing() {
        let a = "fn add(a: i64, b: i64) -> i64 { a + b }";
        let b = "/// Sums.\nfn plus(\n    left: i64, // the first\n    right: i64,\n) -> i64 {\n    /* sum */ left + right\n}\n";
        assert_eq!(kinds(a), kinds(b));
        assert_ne!(kinds(a), kinds("fn add(a: i64, b: i64) -> i64 { a - b }"));
    }

    #[test]
    fn literals_fold_by_kind_and_keywords_stay() {
        use super::{CHAR as C, IDENT as I, LIFETIME as L, NUMBER as N, STRING as S};
        let got = kinds(
            r####"let x = 1.5e-3 + 0x1F; 'a: loop { f("a\"b", r#"c"#, b'x', '\n', 1..2) } &'b y"####,
        );
        let kw = |w: &str| KEYWORD + KEYWORDS.iter().position(|k| *k == w).unwrap() as u32;
        let p = |c: char| c as u32;
        assert_eq!(
            got,
            [
                kw("let"),
                I,
                p('='),
                N,
                p('+'),
                N,
                p(';'),
                L,
                p(':'),
                kw("loop"),
                p('{'),
                I,
                p('('),
                S,
                p(','),
                S,
                p(','),
                C,
                p(','),
                C,
                p(','),
                N,
                p('.'),
                p('.'),
                N,
                p(')'),
                p('}'),
                p('&'),
                L,
                I
            ]
        );
    }

    #[test]
    fn lines_are_counted_through_comments_and_strings() {
        let text = "a\n/* one\ntwo */ b\n\"x\ny\" c\n";
        let lines: Vec<u32> = tokens(text).iter().map(|t| t.line).collect();
        assert_eq!(lines, [1, 3, 4, 5]);
    }
}
