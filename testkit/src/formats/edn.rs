//! Just enough EDN to read one flat map per line:
//! `{:process 0, :type :ok, :f :get, :key "x", :value "a\"b"}`.
//!
//! Keys are keywords; values are keywords, integers, strings (with the escapes `\"`,
//! `\\`, `\n`, `\t`, `\r` and `\uXXXX`) or `nil`. Commas count as white space, as in EDN.
//! Nothing else (nested maps, vectors, symbols, floats) is accepted. A general EDN library
//! was rejected: the logs use this one shape, and a small reader can say exactly which
//! column broke it.

use std::iter::Peekable;
use std::str::Chars;

/// A value in the map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Atom {
    /// `nil`.
    Nil,
    /// An integer.
    Int(i64),
    /// A string, escapes resolved.
    Str(String),
    /// A keyword, with its leading colon: `:get`.
    Keyword(String),
}

impl Atom {
    /// How the value reads in messages, close to how it was written.
    pub(super) fn show(&self) -> String {
        match self {
            Atom::Nil => "nil".to_owned(),
            Atom::Int(i) => i.to_string(),
            Atom::Str(s) => format!("{s:?}"),
            Atom::Keyword(k) => k.clone(),
        }
    }
}

/// Reads a line holding one map into its entries, in order. The error says which column
/// broke the shape and what was expected there.
pub(super) fn parse_map(line: &str) -> Result<Vec<(String, Atom)>, String> {
    let mut r = Reader {
        chars: line.chars().peekable(),
        column: 1,
    };
    r.skip_space();
    r.expect('{')?;
    let mut entries = Vec::new();
    loop {
        r.skip_space();
        match r.chars.peek() {
            Some('}') => {
                r.next();
                break;
            }
            Some(':') => {}
            _ => return Err(r.unexpected("a keyword such as :process, or '}'")),
        }
        let key = r.keyword()?;
        r.skip_space();
        let value = r.atom()?;
        entries.push((key, value));
    }
    r.skip_space();
    if r.chars.peek().is_some() {
        return Err(r.unexpected("the end of the line after '}'"));
    }
    Ok(entries)
}

/// A cursor over one line that knows its column.
struct Reader<'a> {
    chars: Peekable<Chars<'a>>,
    /// The column of the next character, counted from 1.
    column: usize,
}

/// Characters that may follow the colon of a keyword or make up `nil`.
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || "-_.*+!?/<>=".contains(c)
}

impl Reader<'_> {
    fn next(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        self.column += 1;
        Some(c)
    }

    fn skip_space(&mut self) {
        while self
            .chars
            .peek()
            .is_some_and(|&c| c.is_whitespace() || c == ',')
        {
            self.next();
        }
    }

    /// An error naming what was expected at the current column and what is there.
    fn unexpected(&mut self, expected: &str) -> String {
        let found = match self.chars.peek() {
            Some(c) => format!("'{c}'"),
            None => "the end of the line".to_owned(),
        };
        format!(
            "expected {expected} at column {}, found {found}",
            self.column
        )
    }

    fn expect(&mut self, want: char) -> Result<(), String> {
        if self.chars.peek() == Some(&want) {
            self.next();
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{want}'")))
        }
    }

    /// Characters while `keep` holds.
    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> String {
        let mut s = String::new();
        while let Some(&c) = self.chars.peek()
            && keep(c)
        {
            s.push(c);
            self.next();
        }
        s
    }

    /// `:name`, returned with its colon.
    fn keyword(&mut self) -> Result<String, String> {
        let start = self.column;
        self.expect(':')?;
        let name = self.take_while(is_name_char);
        if name.is_empty() {
            return Err(format!(
                "expected a keyword name after ':' at column {start}"
            ));
        }
        Ok(format!(":{name}"))
    }

    /// A keyword, integer, string or `nil`.
    fn atom(&mut self) -> Result<Atom, String> {
        let start = self.column;
        match self.chars.peek() {
            Some(':') => self.keyword().map(Atom::Keyword),
            Some('"') => self.string().map(Atom::Str),
            Some(&c) if c.is_ascii_digit() || c == '-' || c == '+' => {
                let text = self.take_while(|c| is_name_char(c) || c == '+');
                text.parse::<i64>()
                    .map(Atom::Int)
                    .map_err(|_| format!("expected an integer at column {start}, found '{text}'"))
            }
            Some(&c) if is_name_char(c) => {
                let word = self.take_while(is_name_char);
                if word == "nil" {
                    Ok(Atom::Nil)
                } else {
                    Err(format!(
                        "expected a keyword, integer, string or nil at column {start}, \
                         found '{word}'"
                    ))
                }
            }
            _ => Err(self.unexpected("a keyword, integer, string or nil")),
        }
    }

    /// A string in double quotes, escapes resolved.
    fn string(&mut self) -> Result<String, String> {
        let start = self.column;
        self.expect('"')?;
        let mut s = String::new();
        loop {
            let column = self.column;
            match self.next() {
                None => return Err(format!("the string opened at column {start} is not closed")),
                Some('"') => return Ok(s),
                Some('\\') => s.push(self.escape(column)?),
                Some(c) => s.push(c),
            }
        }
    }

    /// The character an escape stands for; the backslash at `column` is already read.
    fn escape(&mut self, column: usize) -> Result<char, String> {
        let c = match self.next() {
            Some('"') => '"',
            Some('\\') => '\\',
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            Some('u') => {
                let hex: String = (0..4).filter_map(|_| self.next()).collect();
                u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4)
                    .and_then(char::from_u32)
                    .ok_or_else(|| {
                        format!("expected four hex digits after '\\u' at column {column}")
                    })?
            }
            other => {
                let found = other.map_or("the end of the line".to_owned(), |c| format!("'{c}'"));
                return Err(format!(
                    "expected an escape (\\\" \\\\ \\n \\t \\r \\uXXXX) at column {column}, \
                     found {found}"
                ));
            }
        };
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_flat_map_with_every_kind_of_value() {
        let entries =
            parse_map(r#" {:process 12, :type :ok,:key "a\"b\\c\n\u00e9" :value nil :n -3} "#)
                .unwrap();
        let expected = [
            (":process", Atom::Int(12)),
            (":type", Atom::Keyword(":ok".into())),
            (":key", Atom::Str("a\"b\\c\né".into())),
            (":value", Atom::Nil),
            (":n", Atom::Int(-3)),
        ];
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(entries, expected);
        assert_eq!(parse_map("{}").unwrap(), []);
    }

    #[test]
    fn names_the_column_and_what_was_expected() {
        let cases = [
            ("[:a 1]", "expected '{' at column 1, found '['"),
            (
                "{a 1}",
                "expected a keyword such as :process, or '}' at column 2, found 'a'",
            ),
            ("{: 1}", "expected a keyword name after ':' at column 2"),
            (
                "{:a 1",
                "expected a keyword such as :process, or '}' at column 6, found the end of the line",
            ),
            (
                "{:a}",
                "expected a keyword, integer, string or nil at column 4, found '}'",
            ),
            (
                "{:a true}",
                "expected a keyword, integer, string or nil at column 5, found 'true'",
            ),
            ("{:a 12x}", "expected an integer at column 5, found '12x'"),
            ("{:a \"bc}", "the string opened at column 5 is not closed"),
            (
                r#"{:a "b\q"}"#,
                r#"expected an escape (\" \\ \n \t \r \uXXXX) at column 7, found 'q'"#,
            ),
            (
                r#"{:a "\u12"}"#,
                r"expected four hex digits after '\u' at column 6",
            ),
            (
                "{:a 1} x",
                "expected the end of the line after '}' at column 8, found 'x'",
            ),
        ];
        for (line, message) in cases {
            assert_eq!(parse_map(line).unwrap_err(), message, "for {line}");
        }
    }
}
