//! The similarity section of the class report: a table of the pairs, each opening onto
//! the regions the two share, side by side.
//!
//! Everything shown comes from students' files (ids, paths, code), so every piece of it
//! is escaped: a file holding `</pre><script>` is shown as that text. The fragment has
//! its own small style sheet, scoped by its class, so it looks the same in
//! whatever page holds it and needs no script.

use std::fmt::Write;

use super::{Pair, Similarity};
use checker_core::xml::{attr, text};

/// The most pairs drawn; the rest are in `similarity.csv`. A class that copied one
/// published solution would otherwise make a page of thousands of pairs.
pub const MAX_PAIRS: usize = 100;
/// The most regions drawn for one pair.
pub const MAX_REGIONS: usize = 12;
/// The most lines drawn of one region's side.
pub const MAX_LINES: usize = 60;

const STYLE: &str = "<style>\
.similarity table{border-collapse:collapse}\
.similarity th,.similarity td{padding:2px 8px;text-align:left;border-bottom:1px solid #ddd}\
.similarity .regions{display:grid;grid-template-columns:1fr 1fr;gap:8px;margin:6px 0}\
.similarity pre{margin:0;padding:6px;background:#f6f6f6;overflow-x:auto;font-size:12px}\
.similarity .where{font:12px monospace;color:#555}\
</style>";

/// The body of the class report's "Similarity" section (the report gives it its
/// heading and anchor): `<div class="similarity">` with every pair of `similarity` at or
/// above its threshold, escaped and ready to put in a page's body.
pub fn section_html(similarity: &Similarity) -> String {
    let mut html = String::new();
    html.push_str("<div class=\"similarity\">");
    html.push_str(STYLE);
    let _ = write!(
        html,
        "<p>{} pair(s) of submissions (and of submissions and known files) compared, exercise \
         by exercise, on their own code (the skeleton left out); {} share at least {:.0}% of \
         the smaller one's fingerprints. A score is a lead, not a verdict: open a pair and \
         read what it shares.</p>",
        similarity.compared,
        similarity.pairs.len(),
        similarity.threshold * 100.0
    );
    if similarity.pairs.is_empty() {
        html.push_str("<p>No pair reaches the threshold.</p></div>");
        return html;
    }
    if similarity.pairs.len() > MAX_PAIRS {
        let _ = write!(
            html,
            "<p>The {MAX_PAIRS} highest are shown; similarity.csv lists all {}.</p>",
            similarity.pairs.len()
        );
    }
    html.push_str(
        "<table><thead><tr><th>exercise</th><th>submission</th><th>and</th><th>score</th>\
         <th>shared</th><th>regions</th></tr></thead><tbody>",
    );
    for (i, pair) in similarity.pairs.iter().take(MAX_PAIRS).enumerate() {
        row(&mut html, i, pair);
    }
    html.push_str("</tbody></table></div>");
    html
}

/// One pair: its row, and a row below it holding the regions.
fn row(html: &mut String, i: usize, pair: &Pair) {
    let _ = write!(
        html,
        "<tr id=\"similarity-{i}\" data-a=\"{}\" data-b=\"{}\"><td>{}</td><td>{}</td><td>{}</td>\
         <td>{:.0}%</td><td>{}</td><td>{}</td></tr>",
        attr(&pair.a),
        attr(&pair.b),
        text(&pair.exercise),
        text(&pair.a),
        text(&pair.b),
        pair.score * 100.0,
        pair.shared,
        pair.regions.len()
    );
    html.push_str("<tr><td colspan=\"6\"><details><summary>shared regions</summary>");
    for region in pair.regions.iter().take(MAX_REGIONS) {
        html.push_str("<div class=\"regions\">");
        for (who, file, lines, code) in [
            (&pair.a, &region.file_a, region.lines_a, &region.text_a),
            (&pair.b, &region.file_b, region.lines_b, &region.text_b),
        ] {
            let _ = write!(
                html,
                "<div><div class=\"where\">{} {}:{}-{}</div><pre>{}</pre></div>",
                text(who),
                text(file),
                lines.0,
                lines.1,
                text(&first_lines(code))
            );
        }
        html.push_str("</div>");
    }
    if pair.regions.len() > MAX_REGIONS {
        let _ = write!(
            html,
            "<p>{} more region(s) in similarity.csv.</p>",
            pair.regions.len() - MAX_REGIONS
        );
    }
    html.push_str("</details></td></tr>");
}

/// At most [`MAX_LINES`] lines of `code`, with a note of how many were left out.
pub fn first_lines(code: &str) -> String {
    let total = code.lines().count();
    if total <= MAX_LINES {
        return code.to_owned();
    }
    let kept: Vec<&str> = code.lines().take(MAX_LINES).collect();
    format!("{}\n[{} more lines]", kept.join("\n"), total - MAX_LINES)
}
