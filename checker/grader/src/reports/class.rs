//! `report.html`: what the class did, on one self-contained page (inline style and a few
//! lines of script; nothing fetched), for the instructor.
//!
//! ```text
//! Class report                    how many submissions, exercises, points; mean, median
//! Contents                        a link to each section
//! Flagged submissions             the integrity flags, first, since they need a person
//! Score distribution              a bar per tenth of the points
//! Exercises and tasks             per task, how many earned it and how many did not
//! Most common failures            per failed test, its explanations, counted, an example each
//! Did not compile or timed out    per exercise, counted, then each case
//! Similarity                      (when given: a fragment its own builder escaped)
//! Submissions                     a row each: scores, flags, its files and history pages
//! Who is behind each number       every count above, as the list of its submissions
//! ```
//!
//! Every count links to a list of the submissions behind it (see `Groups`), and each
//! of those names links to its row. Anchors are numbered (`s3`, `g12`) rather than made
//! from submission ids, which are students' file names: no id ever has to be made safe
//! for a fragment. Every text that reaches the page, ids and messages included, goes
//! through [`text`] or [`attr`], and every link through `href`.
//!
//! The page is a pure function of the records, so the merge of shards writes the same
//! page as one run over the whole class.

mod sections;

use std::collections::BTreeMap;

use crate::record::SubmissionGrade;
use checker_core::xml::{attr, text};

use super::ExerciseInfo;

/// The page for `book`, whose exercises are `exercises`. `similarity`, when given, is a
/// ready HTML fragment (its builder escaped what it holds) placed as the "Similarity"
/// section, with a link in the contents.
pub fn report_html(
    book: &[SubmissionGrade],
    exercises: &[ExerciseInfo],
    similarity: Option<String>,
) -> String {
    let class = Class::new(book, exercises);
    let mut groups = Groups::default();
    let mut parts: Vec<(&str, &str, String)> = vec![
        (
            "flagged",
            "Flagged submissions",
            sections::flagged(&class, &mut groups),
        ),
        (
            "scores",
            "Score distribution",
            sections::scores(&class, &mut groups),
        ),
        (
            "tasks",
            "Exercises and tasks",
            sections::tasks(&class, &mut groups),
        ),
        (
            "failures",
            "Most common failures",
            sections::failures(&class, &mut groups),
        ),
        (
            "not-run",
            "Did not compile or timed out",
            sections::not_run(&class, &mut groups),
        ),
    ];
    if let Some(fragment) = similarity {
        parts.push(("similarity", "Similarity", fragment));
    }
    parts.push(("submissions", "Submissions", sections::submissions(&class)));
    let lead = sections::lead(&class, &mut groups);
    parts.push(("groups", "Who is behind each number", groups.html(&class)));

    let mut body =
        format!("<h1>Class report</h1>\n{lead}\n<nav id=\"contents\"><h2>Contents</h2><ol>");
    for (id, title, _) in &parts {
        body.push_str(&format!("<li><a href=\"#{id}\">{title}</a></li>"));
    }
    body.push_str("</ol></nav>\n");
    for (id, title, html) in &parts {
        body.push_str(&format!(
            "<section id=\"{id}\"><h2>{title}</h2>\n{html}</section>\n"
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Class report: {} submissions</title><style>{CSS}</style></head>\n<body>\n\
         {body}<footer>Written by consistency-lab's checker.</footer>\n\
         <script>{SCRIPT}</script>\n</body></html>\n",
        book.len()
    )
}

/// The book with what every section looks up: the anchor of each submission's row and
/// the points there are.
pub(crate) struct Class<'a> {
    /// The records, in book order.
    pub book: &'a [SubmissionGrade],
    /// The exercises of the run, in catalog order.
    pub exercises: &'a [ExerciseInfo],
    /// The points of every exercise together.
    pub max_total: u32,
}

impl<'a> Class<'a> {
    fn new(book: &'a [SubmissionGrade], exercises: &'a [ExerciseInfo]) -> Self {
        Class {
            book,
            exercises,
            max_total: exercises.iter().map(|e| e.max_score).sum(),
        }
    }

    /// The anchor of the row of the submission at `index` in the book.
    pub fn row(index: usize) -> String {
        format!("s{index}")
    }

    /// A link to the row of the submission at `index`, showing its id.
    pub fn link(&self, index: usize) -> String {
        format!(
            "<a href=\"#{}\">{}</a>",
            Self::row(index),
            text(&self.book[index].submission)
        )
    }
}

/// The lists of submissions behind the page's counts: each count is a link to its list,
/// shown in the last section.
#[derive(Default)]
pub(crate) struct Groups {
    /// Each list's caption and the book indices in it.
    lists: Vec<(String, Vec<usize>)>,
    /// The anchor of each list already made, by its members and caption, so that one
    /// list counted twice is listed once.
    made: BTreeMap<(String, Vec<usize>), usize>,
}

impl Groups {
    /// The count of `members` (book indices), linked to the list of them captioned
    /// `caption`; a bare `0` when there is none to list.
    pub fn count(&mut self, caption: &str, members: Vec<usize>) -> String {
        let n = members.len();
        if n == 0 {
            return "<span class=\"n zero\">0</span>".to_owned();
        }
        let key = (caption.to_owned(), members);
        let next = self.lists.len();
        let at = *self.made.entry(key.clone()).or_insert(next);
        if at == next {
            self.lists.push(key);
        }
        format!(
            "<a class=\"n\" href=\"#g{at}\" title=\"{}\">{n}</a>",
            attr(caption)
        )
    }

    /// The section listing every group.
    fn html(&self, class: &Class) -> String {
        let mut out = String::from(
            "<p class=\"note\">Each count on this page links here, to the submissions \
             it counts.</p>\n",
        );
        for (at, (caption, members)) in self.lists.iter().enumerate() {
            out.push_str(&format!(
                "<div class=\"group\" id=\"g{at}\"><h3>{} <span class=\"note\">({})</span></h3><p>",
                text(caption),
                members.len()
            ));
            let links: Vec<String> = members.iter().map(|&i| class.link(i)).collect();
            out.push_str(&links.join(", "));
            out.push_str("</p></div>\n");
        }
        out
    }
}

/// `path` (relative, `/`-separated) as a link target in an attribute: every byte but
/// unreserved ones and `/` percent-encoded, so that an id holding `#`, `?`, `%`, a
/// space or a quote still names its file.
pub(crate) fn href(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    // A path starting with a segment that holds `:` would read as a scheme; none does
    // once `:` is encoded, and the attribute escaping below is then only a guard.
    attr(&out)
}

const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em 2em 6em;color:#222}\
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.6em 0 .4em;\
border-bottom:1px solid #ddd}h3{font-size:1em;margin:1em 0 .3em}\
.note{color:#555}nav ol{columns:2;max-width:40em}\
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ddd;padding:2px 8px;\
text-align:left;vertical-align:top}th{background:#f5f5f5}td.num{text-align:right}\
tr.exercise td{background:#fafafa;font-weight:600}\
a.n{font-weight:600}.zero{color:#999}\
.bar{display:inline-block;height:12px;background:#5c6bc0;vertical-align:middle;margin-right:6px}\
pre{background:#f6f6f6;border:1px solid #e3e3e3;padding:6px;white-space:pre-wrap;\
max-height:16em;overflow:auto;margin:.3em 0}\
.flag{color:#b71c1c;font-weight:600}tr:target,div.group:target{background:#fff8c4}\
#flagged table{border-left:4px solid #c62828}\
#filter{margin:.3em 0;padding:2px 6px;width:20em}\
footer{margin-top:3em;color:#777}";

/// Adds a box that shows only the submissions whose row holds what is typed: with two
/// hundred rows, finding one student by eye is slow. The table works without it.
const SCRIPT: &str = "const rows=document.querySelectorAll('#submissions tbody tr');\
const box=document.createElement('input');box.id='filter';box.type='search';\
box.placeholder='Show only rows holding...';\
box.addEventListener('input',()=>{const q=box.value.toLowerCase();\
rows.forEach(r=>{r.hidden=q!==''&&!r.textContent.toLowerCase().includes(q);});});\
const table=document.querySelector('#submissions table');\
if(table){table.parentNode.insertBefore(box,table);}";

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::reports::sample;

    /// Every value of attribute `name` in `page`, in order.
    fn values<'a>(page: &'a str, name: &str) -> Vec<&'a str> {
        let start = format!(" {name}=\"");
        page.match_indices(&start)
            .map(|(at, _)| {
                let rest = &page[at + start.len()..];
                &rest[..rest.find('"').unwrap()]
            })
            .collect()
    }

    /// The text of the count link inside the element whose id is `id`, in the cell of
    /// class `class`.
    fn count_in(page: &str, id: &str, class: &str) -> String {
        let row = &page[page.find(&format!("id=\"{id}\"")).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        let cell = &row[row.find(&format!("class=\"num {class}\"")).unwrap()..];
        let cell = &cell[..cell.find("</td>").unwrap()];
        let inner = &cell[..cell.rfind("</").unwrap()];
        inner[inner.rfind('>').unwrap() + 1..].to_owned()
    }

    #[test]
    fn every_count_links_to_a_list_of_as_many_submissions_and_every_link_lands() {
        let page = report_html(&sample::book(), &sample::exercises(), None);
        let ids = values(&page, "id");
        for target in values(&page, "href")
            .iter()
            .filter_map(|h| h.strip_prefix('#'))
        {
            assert!(ids.contains(&target), "#{target} has no anchor");
        }
        let mut counted = 0;
        for (at, _) in page.match_indices("<a class=\"n\" href=\"#g") {
            let link = &page[at..];
            let rest = &link["<a class=\"n\" href=\"#".len()..];
            let group = &rest[..rest.find('"').unwrap()];
            let n: usize = link[link.find('>').unwrap() + 1..link.find("</a>").unwrap()]
                .parse()
                .unwrap();
            let list = &page[page.find(&format!("id=\"{group}\"")).unwrap()..];
            let list = &list[..list.find("</div>").unwrap()];
            assert!(list.contains(&format!("({n})")), "{list}");
            assert_eq!(list.matches("<a href=\"#s").count(), n, "{list}");
            counted += 1;
        }
        assert!(counted > 10, "{counted} counts");
        // The lead counts all five, linked.
        assert!(
            page.contains(">5</a> submissions, 2 exercises, 30 points"),
            "{page}"
        );
    }

    #[test]
    fn the_tasks_table_counts_who_earned_each_task_and_who_did_not() {
        let page = report_html(&sample::book(), &sample::exercises(), None);
        for (row, earned, missed) in [
            // Bob failed the history check; Carol's does not compile; Dave has none.
            ("t-01_linearizable-register", "2", "1"),
            ("t-01_linearizable-cas", "3", "0"),
            // Erin failed the private stress test.
            ("t-01_linearizable-stress", "2", "1"),
            // Bob's suite had no test for the task: graded, not earned.
            ("t-02_cap-partition", "3", "1"),
        ] {
            assert_eq!(count_in(&page, row, "earned"), earned, "{row}");
            assert_eq!(count_in(&page, row, "missed"), missed, "{row}");
        }
        assert_eq!(count_in(&page, "x-01_linearizable", "earned"), "1");
        assert_eq!(count_in(&page, "x-01_linearizable", "ungraded"), "2");
    }

    #[test]
    fn markup_in_ids_and_messages_stays_text() {
        let mut book = sample::book();
        book[0].submission = "<script>alert(1)</script>".into();
        book[1].exercises[0].tasks[0].tests[1].message =
            "</pre><script>alert(2)</script><img src=x onerror=alert(3)>".into();
        book[2].exercises[0].message = "<iframe src=\"javascript:alert(4)\">".into();
        let page = report_html(&book, &sample::exercises(), None);
        assert_eq!(page.matches("<script").count(), 1, "only the page's own");
        for raw in ["<img", "<iframe", "alert(1)</script>", "</pre><script"] {
            assert!(!page.contains(raw), "{raw}");
        }
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&lt;img src=x onerror=alert(3)&gt;"));
        // A link to a file of that submission names it, encoded.
        assert!(page.contains("submissions/%3Cscript%3Ealert%281%29%3C/script%3E/grade.json"));
    }

    #[test]
    fn the_similarity_fragment_gets_a_section_and_a_line_in_the_contents() {
        let without = report_html(&sample::book(), &sample::exercises(), None);
        assert!(!without.contains("similarity"));
        let fragment = "<p id=\"pairs\">two pairs</p>".to_owned();
        let with = report_html(&sample::book(), &sample::exercises(), Some(fragment));
        let contents = &with[with.find("<nav").unwrap()..with.find("</nav>").unwrap()];
        assert!(contents.contains("<a href=\"#similarity\">Similarity</a>"));
        let section = &with[with.find("<section id=\"similarity\">").unwrap()..];
        assert!(section.starts_with(
            "<section id=\"similarity\"><h2>Similarity</h2>\n<p id=\"pairs\">two pairs</p>"
        ));
        // Before the rows of the submissions.
        assert!(with.find("id=\"similarity\"") < with.find("id=\"submissions\""));
    }

    #[test]
    fn the_flagged_come_first_and_the_same_book_gives_the_same_page() {
        let page = report_html(&sample::book(), &sample::exercises(), None);
        let flagged = page.find("<section id=\"flagged\">").unwrap();
        for other in ["scores", "tasks", "failures", "not-run", "submissions"] {
            let at = page.find(&format!("<section id=\"{other}\">")).unwrap();
            assert!(flagged < at, "{other}");
        }
        let section = &page[flagged..page.find("<section id=\"scores\">").unwrap()];
        assert!(section.contains("lifetime-extension"), "{section}");
        assert!(section.contains(">erin</a>"), "{section}");
        assert_eq!(
            page,
            report_html(&sample::book(), &sample::exercises(), None)
        );
    }
}
