//! The two CSV files: `grades.csv`, long (one row per submission and exercise), and
//! `gradebook.csv`, wide (one row per submission), as spreadsheets and LMS imports want.
//!
//! Both follow RFC 4180, written by the csv crate: rows end in CRLF, and a cell holding
//! a comma, a quote or a line break is quoted, its quotes doubled, so any submission id
//! reads back unchanged.
//! A text cell that a spreadsheet could take for a formula gets a `'` before the formula:
//! submission ids are students' file names, and `=HYPERLINK(...)` must stay text. A
//! spreadsheet may split a cell where this file does not (at `;`, a tab or `|` in
//! locales that separate with those), may skip spaces before a formula, and may take the
//! full-width `＝ ＋ － ＠` for their ASCII forms; so every place where a cell could
//! start, under any of those readings, is guarded. Numbers are written bare.

use crate::record::SubmissionGrade;

use super::ExerciseInfo;

/// The header of `grades.csv`. `flags` lists what the integrity scan found in the
/// exercise's sources (empty when nothing), for the instructor; it never changes a score.
const GRADES_HEADER: [&str; 8] = [
    "submission",
    "exercise",
    "status",
    "score",
    "max_score",
    "tests_passed",
    "tests_total",
    "flags",
];

/// `grades.csv`: one row per submission and exercise in its record, in record order.
pub fn grades_csv(book: &[SubmissionGrade]) -> String {
    let mut out = sheet();
    row(&mut out, GRADES_HEADER.iter().map(|h| text(h)));
    for sub in book {
        for e in &sub.exercises {
            let tests = e.tasks.iter().flat_map(|t| &t.tests);
            let total = tests.clone().count();
            let passed = tests.filter(|t| t.passed).count();
            let flags: Vec<String> = sub.flags_of(&e.exercise).map(|f| f.short()).collect();
            let cells = [
                text(&sub.submission),
                text(&e.exercise),
                text(e.status.as_str()),
                number(e.score),
                number(e.max_score),
                number(passed),
                number(total),
                text(&flags.join("; ")),
            ];
            row(&mut out, cells.into_iter());
        }
    }
    finish(out)
}

/// `gradebook.csv`: one row per submission, its score in each of `exercises` (an empty
/// cell for one its record lacks), then `total` and `max_total`.
///
/// `total` is the sum of the row's cells and `max_total` the points of all `exercises`,
/// the same on every row; the record's own maximum was rejected because it leaves out
/// exercises the record lacks, which would make a missing exercise look smaller.
pub fn gradebook_csv(book: &[SubmissionGrade], exercises: &[ExerciseInfo]) -> String {
    let mut out = sheet();
    let header = std::iter::once(text("submission"))
        .chain(exercises.iter().map(|e| text(&e.name)))
        .chain([text("total"), text("max_total")]);
    row(&mut out, header);
    let max_total: u32 = exercises.iter().map(|e| e.max_score).sum();
    for sub in book {
        let scores: Vec<Option<u32>> = exercises
            .iter()
            .map(|e| sub.exercise(&e.name).map(|g| g.score))
            .collect();
        let total: u32 = scores.iter().flatten().sum();
        let cells = std::iter::once(text(&sub.submission))
            .chain(scores.iter().map(|s| s.map(number).unwrap_or_default()))
            .chain([number(total), number(max_total)]);
        row(&mut out, cells);
    }
    finish(out)
}

/// A CSV writer into memory: RFC 4180's line ends, quotes only where needed.
fn sheet() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new())
}

/// Writes one row of ready cells.
fn row(out: &mut csv::Writer<Vec<u8>>, cells: impl Iterator<Item = String>) {
    // Writing into memory cannot fail.
    out.write_record(cells.collect::<Vec<_>>())
        .expect("a row is written into memory");
}

/// The text of the sheet.
fn finish(out: csv::Writer<Vec<u8>>) -> String {
    let bytes = out.into_inner().expect("a sheet in memory is flushed");
    String::from_utf8(bytes).expect("every cell is text")
}

/// A number cell: never quoted, never guarded.
fn number(n: impl std::fmt::Display) -> String {
    n.to_string()
}

/// A text cell, guarded against formulas (the writer quotes it where it needs to be).
fn text(cell: &str) -> String {
    guard(cell)
}

/// Characters a spreadsheet may split a cell at, in one locale or another.
const SPLITS: [char; 6] = [',', ';', '\t', '|', '\r', '\n'];

/// Characters that start a formula, in ASCII and full width.
const FORMULA: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// `cell` with a `'` before every formula start: at the start of the cell or after any
/// character a spreadsheet may split at, past any spaces. A cell that starts with a tab
/// or a carriage return is guarded too, as some spreadsheets read those as a formula.
fn guard(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len() + 2);
    if cell.starts_with(['\t', '\r']) {
        out.push('\'');
    }
    let mut at_start = true;
    for c in cell.chars() {
        if at_start && FORMULA.contains(&c) {
            out.push('\'');
        }
        out.push(c);
        at_start = SPLITS.contains(&c) || (at_start && c.is_whitespace());
    }
    out
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::super::sample;
    use super::*;

    /// Reads RFC 4180 text back into rows of cells, to check that quoting round-trips.
    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut cell)),
                (false, '\r') => {
                    assert_eq!(chars.next(), Some('\n'), "a bare CR ends no row");
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => cell.push(c),
            }
        }
        assert!(
            cell.is_empty() && row.is_empty() && !quoted,
            "unfinished row"
        );
        rows
    }

    #[test]
    fn grades_rows_count_tests_and_quote_and_guard_ids() {
        let book = sample::book();
        let mut small = vec![book[1].clone(), book[3].clone()];
        small[0].submission = "=HYPERLINK(\"x\"),\nbob".into();
        small[1].submission = "dave, \"the\" second".into();
        let expected = "submission,exercise,status,score,max_score,tests_passed,tests_total,\
            flags\r\n\
            \"'=HYPERLINK(\"\"x\"\"),\nbob\",01_linearizable,graded,10,20,3,4,\r\n\
            \"'=HYPERLINK(\"\"x\"\"),\nbob\",02_cap,graded,0,10,0,0,\r\n\
            \"dave, \"\"the\"\" second\",01_linearizable,missing,0,20,0,0,\r\n";
        assert_eq!(grades_csv(&small), expected);
        let rows = parse(expected);
        assert_eq!(rows[1][0], "'=HYPERLINK(\"x\"),\nbob");
        assert_eq!(rows[3][0], "dave, \"the\" second");
    }

    #[test]
    fn flags_fill_the_flags_column_of_their_exercise_only() {
        let book = sample::book();
        let rows = parse(&grades_csv(&book));
        assert_eq!(rows[0].last().unwrap(), "flags");
        let erin: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "erin").collect();
        assert_eq!(
            erin[0][7],
            "lifetime-extension (01_linearizable/src/register.rs:7)"
        );
        assert_eq!(erin[1][7], "", "02_cap has no flag");
        assert!(
            rows[1..]
                .iter()
                .filter(|r| r[0] != "erin")
                .all(|r| r[7].is_empty())
        );
    }

    /// One row of one text cell, as the sheets write it.
    fn one_cell(cell: &str) -> String {
        let mut out = sheet();
        row(&mut out, std::iter::once(text(cell)));
        finish(out)
    }

    #[test]
    fn every_formula_start_is_guarded_and_plain_text_is_left_alone() {
        for start in ["=", "+", "-", "@", "\t", "\r"] {
            let cell = format!("{start}1+1");
            let written = one_cell(&cell);
            let read = &parse(&written)[0][0];
            assert_eq!(read, &format!("'{cell}"), "{cell:?} written as {written:?}");
        }
        assert_eq!(text("alice-smith"), "alice-smith");
        assert_eq!(text("a'b"), "a'b");
    }

    #[test]
    fn formulas_after_other_separators_spaces_or_in_full_width_are_guarded() {
        for (cell, guarded) in [
            ("bob;=HYPERLINK(\"x\")", "bob;'=HYPERLINK(\"x\")"),
            ("bob|+1", "bob|'+1"),
            ("bob\t-1", "bob\t'-1"),
            ("  =1+1", "  '=1+1"),
            ("a; @SUM(A1)", "a; '@SUM(A1)"),
            ("＝1+1", "'＝1+1"),
            ("x;＋1", "x;'＋1"),
            ("＠cmd", "'＠cmd"),
            ("line\n=2", "line\n'=2"),
        ] {
            assert_eq!(guard(cell), guarded, "{cell:?}");
            // Read back as RFC 4180, the guard is all that changed.
            assert_eq!(parse(&one_cell(cell))[0][0], guarded);
        }
        // Dashes and at signs inside words stay as they are.
        assert_eq!(guard("anne-marie@school"), "anne-marie@school");
        assert_eq!(guard("a;b"), "a;b");
    }

    #[test]
    fn the_gradebook_has_a_column_per_exercise_and_blanks_what_a_record_lacks() {
        let book = sample::book();
        let expected = "submission,01_linearizable,02_cap,total,max_total\r\n\
            alice,20,10,30,30\r\n\
            bob,10,0,10,30\r\n\
            carol,0,10,10,30\r\n\
            dave,0,,0,30\r\n\
            erin,15,10,25,30\r\n";
        assert_eq!(gradebook_csv(&book, &sample::exercises()), expected);
    }

    #[test]
    fn gradebook_ids_and_exercise_names_are_quoted_too() {
        let mut book = vec![sample::book().remove(0)];
        book[0].submission = "-1,\"x\"".into();
        let mut exercises = sample::exercises();
        exercises[1].name = "+cap".into();
        let text = gradebook_csv(&book, &exercises);
        let rows = parse(&text);
        assert_eq!(
            rows[0],
            [
                "submission",
                "01_linearizable",
                "'+cap",
                "total",
                "max_total"
            ]
        );
        // The renamed exercise is not in the record: its cell is empty and adds nothing.
        assert_eq!(rows[1], ["'-1,\"x\"", "20", "", "20", "30"]);
    }
}
