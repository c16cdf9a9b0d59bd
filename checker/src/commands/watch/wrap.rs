//! Fitting text to the screen's width.
//!
//! Text is wrapped at spaces, never inside a word: a word longer than the whole width is
//! the only thing ever cut. A wrapped line keeps its indentation, so a test's message
//! stays under the test it belongs to. Tables (the course list, whose columns are padded
//! for a wide terminal) first lose padding that every row has in the same column, which
//! keeps their columns aligned, and wrap only if that is not enough.
//!
//! Widths are counted in characters: the checker's own text and the history timelines
//! are single-width, and a library of Unicode widths was not worth a dependency here.

/// How many columns `text` takes.
pub fn columns(text: &str) -> usize {
    text.chars().count()
}

/// `text` made safe to draw: tabs become spaces, and escape sequences and other control
/// characters (a test may print colours or carriage returns) are dropped, since they
/// would move the cursor or change colours on a screen the watch mode lays out itself.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            '\x1b' => match chars.next() {
                // CSI: parameters up to a final byte in @..~.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC: up to BEL or the string terminator ESC \.
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            },
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `width` columns, ending in `…` when something was cut: for lines that
/// must stay one line (the header, a task).
pub fn fit(text: &str, width: usize) -> String {
    if columns(text) <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// Every line of `text`, wrapped to `width` columns.
pub fn wrap_text(text: &str, width: usize) -> Vec<String> {
    text.lines().flat_map(|line| wrap(line, width)).collect()
}

/// One line wrapped to `width` columns at spaces. The runs of spaces inside a row (the
/// alignment of a timeline) are kept where the row is not broken.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let line = line.trim_end();
    if columns(line) <= width {
        return vec![line.to_owned()];
    }
    // Continuation rows keep the indentation, up to half the width so that a deeply
    // indented message still has room for its words.
    let indent = (columns(line) - columns(line.trim_start_matches(' '))).min(width / 2);
    let pad = " ".repeat(indent);
    let mut rows = Vec::new();
    let mut row = pad.clone();
    let mut used = indent;
    let mut rest = line.trim_start_matches(' ');
    while !rest.is_empty() {
        let word_start = rest.len() - rest.trim_start_matches(' ').len();
        let gap = &rest[..word_start];
        rest = &rest[word_start..];
        let word_end = rest.find(' ').unwrap_or(rest.len());
        let mut word = &rest[..word_end];
        rest = &rest[word_end..];
        if used > indent {
            if used + columns(gap) + columns(word) <= width {
                row.push_str(gap);
                used += columns(gap);
            } else {
                rows.push(std::mem::replace(&mut row, pad.clone()));
                used = indent;
            }
        }
        // Only a word wider than a whole row is cut, into pieces that fill rows.
        while used + columns(word) > width {
            let room = width - used;
            let cut = word.char_indices().nth(room).map_or(word.len(), |(i, _)| i);
            row.push_str(&word[..cut]);
            word = &word[cut..];
            rows.push(std::mem::replace(&mut row, pad.clone()));
            used = indent;
        }
        row.push_str(word);
        used += columns(word);
    }
    if used > indent || rows.is_empty() {
        rows.push(row);
    }
    rows
}

/// Narrows the table rows among `lines` (those with padding inside them: two spaces or
/// more after their first word) to `width` columns if it can, by removing columns that
/// are padding in every such row, rightmost first, always leaving two spaces between
/// columns. Other lines are left alone, to be wrapped.
pub fn squeeze(lines: &mut [String], width: usize) {
    let table: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].trim().contains("  "))
        .collect();
    let mut rows: Vec<Vec<char>> = table.iter().map(|&i| lines[i].chars().collect()).collect();
    let indents: Vec<usize> = rows
        .iter()
        .map(|r| r.iter().take_while(|c| **c == ' ').count())
        .collect();
    loop {
        let widest = rows.iter().map(Vec::len).max().unwrap_or(0);
        if widest <= width {
            break;
        }
        let padding = |c: usize| {
            rows.iter().zip(&indents).all(|(row, &indent)| {
                c >= row.len() || (c >= indent + 2 && row[c - 2..=c].iter().all(|x| *x == ' '))
            })
        };
        let Some(column) = (2..widest).rev().find(|&c| padding(c)) else {
            break;
        };
        for row in &mut rows {
            if column < row.len() {
                row.remove(column);
            }
        }
    }
    for (&i, row) in table.iter().zip(rows) {
        lines[i] = row.into_iter().collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_spaces_and_keep_their_indentation() {
        assert_eq!(
            wrap("  one two three four", 10),
            ["  one two", "  three", "  four"]
        );
        assert_eq!(wrap("short", 10), ["short"]);
        assert_eq!(wrap("", 10), [""]);
        // Alignment inside a row that fits is kept.
        assert_eq!(wrap("c0 [w(1)]    [r:1]", 40), ["c0 [w(1)]    [r:1]"]);
    }

    #[test]
    fn only_a_word_wider_than_the_row_is_cut() {
        assert_eq!(
            wrap("ab abcdefghijkl cd", 6),
            ["ab", "abcdef", "ghijkl", "cd"]
        );
        assert_eq!(wrap("    abcdefgh", 6), ["   abc", "   def", "   gh"]);
    }

    #[test]
    fn escape_sequences_and_control_characters_are_dropped() {
        assert_eq!(clean("\x1b[31mred\x1b[0m\tx\r\n"), "red    x\n");
        assert_eq!(clean("a\x1b]0;title\x07b"), "ab");
    }

    #[test]
    fn tables_lose_common_padding_before_anything_wraps() {
        let mut lines = vec![
            "> 01_sums       Adding numbers       0/5".to_owned(),
            "  02_words      Counting words       0/4".to_owned(),
            "a prose line that is not a table row at all".to_owned(),
        ];
        squeeze(&mut lines, 31);
        assert_eq!(lines[0], "> 01_sums   Adding numbers  0/5");
        assert_eq!(lines[1], "  02_words  Counting words  0/4");
        assert_eq!(lines[2], "a prose line that is not a table row at all");
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
    }
}
