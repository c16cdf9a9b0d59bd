//! The HTML page of a history check: one self-contained file (inline CSS, SVG and a few
//! lines of script; nothing fetched), to open in any browser, offline.
//!
//! ```text
//! linearizability violated                              the verdict
//! five clients, seed 3                                  the scenario
//! the summary sentence
//! the smallest failing part: 4 of 34 operations; ...    how much was left out
//! [legend]
//!     0    19.25     21.5                     ms        the time axis, in milliseconds
//! c0  [w(1)]      [r:1]                                 the story: a row per client,
//! c1      [cas(1->2)]  [r:nil]                          the evidence in colour
//! 1. w(1) ... 3. cas(1->2); cannot follow: r:nil        the longest order that works
//! c0   n0   n1   n2                                     for simulated runs, the messages
//!  |----->|                                             around the evidence
//! > the whole history: 34 operations                    folded, the story in colour
//! ```
//!
//! A report made for a student carries the smallest story (see
//! [`testkit::report::CheckReport::smallest`]): the page draws it first and the whole
//! history folded at the end. The client names stay in view when the rows scroll
//! sideways, and on load the rows scroll to the operation to look at. Hovering an
//! operation or a message shows its details, times in milliseconds, in a box at the
//! bottom right (and as the element's tooltip, without script).
//!
//! | module | what it draws |
//! | --- | --- |
//! | [`timeline`] | the history as SVG, operations coloured by their role |
//! | [`axis`] | the time axis above it |
//! | [`sequence`] | the network's messages, drops and partitions as SVG |

pub mod axis;
pub mod sequence;
pub mod timeline;

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use testkit::check::Verdict;
use testkit::check::{Evidence, Violation};
use testkit::history::{History, OpId};
use testkit::report::CheckReport;

use crate::xml::text;
use timeline::Role;

/// The most operations drawn; a longer history is drawn around the evidence.
const MAX_OPS: usize = 300;

/// The page of `report`.
pub fn render(report: &CheckReport) -> Result<String> {
    page(report, None)
}

/// The page of `report`, whose whole history is kept in the file `whole` (a name beside
/// the page), if any.
fn page(report: &CheckReport, whole: Option<&str>) -> Result<String> {
    let (history, model) = report
        .history()
        .map_err(|e| anyhow::anyhow!("the report's history cannot be read: {e}"))?;
    let violation = report.evidence().cloned();
    let roles = roles(violation.as_ref());
    let story = report.story.as_ref().map(|s| s.ops.clone());
    let (verdict, summary) = match (&report.verdict, &violation) {
        (Verdict::Holds, _) => (format!("{} holds", report.check), String::new()),
        (
            _,
            Some(Violation {
                broken, summary, ..
            }),
        ) => (format!("{broken} violated"), summary.clone()),
        (Verdict::Undecided { reason }, _) => ("undecided".to_owned(), reason.clone()),
        (Verdict::Violated(_), None) => unreachable!("a violation has evidence"),
    };
    let state = match &report.verdict {
        Verdict::Holds => "holds",
        Verdict::Violated(_) => "violated",
        Verdict::Undecided { .. } => "undecided",
    };
    let mut body = format!(
        "<header class=\"{state}\"><h1>{}</h1><p class=\"scenario\">{}</p>",
        text(&verdict),
        text(&report.title)
    );
    let model = model
        .map(|m| format!(" as a {}", m.name()))
        .unwrap_or_default();
    body.push_str(&format!(
        "<p class=\"checked\">checked for {}{}; {} operations by {} clients</p>",
        text(&report.check),
        text(&model),
        history.len(),
        history.clients().len()
    ));
    if !summary.is_empty() {
        body.push_str(&format!("<p class=\"summary\">{}</p>", text(&summary)));
    }
    let kept = whole.unwrap_or("the report");
    if let Some(line) = report.left_out(kept) {
        body.push_str(&format!(
            "<p class=\"story\">{}, and drawn folded at the end of this page.</p>",
            text(&capitalized(&line))
        ));
    }
    body.push_str("</header>\n");
    body.push_str(LEGEND);
    let unit = report.times;
    match &story {
        Some(ops) => body.push_str(&format!(
            "<section id=\"history\"><h2>The smallest failing part</h2>{}</section>\n",
            timeline::draw(&history, ops, &roles, unit, true).html()
        )),
        None => {
            let shown = shown(&history, violation.as_ref().map(|v| v.focus().0));
            body.push_str("<section id=\"history\"><h2>The history</h2>");
            if shown.len() < history.len() {
                body.push_str(&format!(
                    "<p class=\"note\">{} of {} operations shown: those around the \
                     violation.</p>",
                    shown.len(),
                    history.len()
                ));
            }
            body.push_str(&format!(
                "{}</section>\n",
                timeline::draw(&history, &shown, &roles, unit, true).html()
            ));
        }
    }
    if let Some(violation) = &violation {
        body.push_str(&evidence(&history, violation));
    }
    if let Some(svg) = sequence::render(&report.trace) {
        let left_out = if report.trace_left_out > 0 {
            format!(" ({} events of the run left out)", report.trace_left_out)
        } else {
            String::new()
        };
        body.push_str(&format!(
            "<section id=\"network\"><h2>What the network did</h2><p class=\"note\">From the \
             first operation shown to the last{left_out}: arrows are messages, crosses are \
             messages dropped, bands are partitions.</p><div class=\"scroll\">{svg}</div>\
             </section>\n"
        ));
    }
    if let Some(ops) = &story {
        // The story in its colours and numbers, among the rest.
        let shown = shown(&history, Some(ops.clone()));
        let note = if shown.len() < history.len() {
            format!(
                "{} of them drawn, those around the smallest failing part; ",
                shown.len()
            )
        } else {
            String::new()
        };
        body.push_str(&format!(
            "<section id=\"whole\"><details><summary>The whole history: {} operations\
             </summary><p class=\"note\">{note}the smallest failing part in colour.</p>{}\
             </details></section>\n",
            history.len(),
            timeline::draw(&history, &shown, &roles, unit, true).html()
        ));
    }
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{PAGE_CSS}{SVG_CSS}</style></head>\n<body>\n{body}\
         <aside id=\"details\">Hover an operation or a message for its details.</aside>\n\
         <footer>Drawn by consistency-lab's checker.</footer>\n<script>{SCRIPT}</script>\n\
         </body></html>\n",
        text(&format!("{verdict}: {}", report.title))
    ))
}

/// `line` with its first letter in capitals.
fn capitalized(line: &str) -> String {
    let mut chars = line.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The history of `report` as a standalone SVG, its style inside: a figure for the book.
/// Its times are only an order, so it has no time axis.
pub fn figure(report: &CheckReport) -> Result<String> {
    let (history, _) = report
        .history()
        .map_err(|e| anyhow::anyhow!("the report's history cannot be read: {e}"))?;
    let all: Vec<OpId> = (0..history.len()).collect();
    let drawing = timeline::draw(
        &history,
        &all,
        &roles(report.evidence()),
        report.times,
        false,
    );
    // The style and a white ground go first inside the root element.
    Ok(drawing.svg(&format!(
        "<style>{SVG_CSS}</style>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
    )))
}

/// The text of the history of `report` as it is kept beside its page
/// (`NAME.history.json`): the report's history, naming the property it was checked for
/// (`"consistency"`), so that `checker history check` on the file checks the same
/// property.
pub fn kept_history(report: &CheckReport) -> serde_json::Result<String> {
    let mut history = report.history.clone();
    if let Some(fields) = history.as_object_mut() {
        fields.insert(
            "consistency".to_owned(),
            serde_json::Value::String(report.check.clone()),
        );
    }
    Ok(serde_json::to_string_pretty(&history)? + "\n")
}

/// Writes the page of `report` to `path`, making its folder. The page says the whole
/// history is beside it, as `checker check` keeps it: `NAME.history.json` for `NAME.html`.
pub fn write(report: &CheckReport, path: &Path) -> Result<()> {
    let whole = path
        .file_name()
        .map(|name| name.to_string_lossy())
        .map(|name| {
            format!(
                "{}.history.json",
                name.strip_suffix(".html").unwrap_or(&name)
            )
        });
    let page = page(report, whole.as_deref())?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, page).with_context(|| format!("cannot write {}", path.display()))
}

/// The part each operation the evidence names plays.
fn roles(violation: Option<&Violation>) -> HashMap<OpId, Role> {
    let mut roles = HashMap::new();
    match violation.map(|v| &v.evidence) {
        Some(Evidence::PartialOrder {
            prefix, blocked, ..
        }) => {
            for (place, &id) in prefix.iter().enumerate() {
                roles.insert(id, Role::Ordered(place + 1));
            }
            for (i, &id) in blocked.iter().enumerate() {
                roles.insert(id, if i == 0 { Role::Culprit } else { Role::Blocked });
            }
        }
        Some(Evidence::Ops { ops }) => {
            for (i, &id) in ops.iter().enumerate() {
                let last = i + 1 == ops.len();
                roles.insert(id, if last { Role::Culprit } else { Role::Named });
            }
        }
        None => {}
    }
    roles
}

/// The operations to draw: all of a short history; of a long one, the `focus` and the
/// operations nearest in time to one of its operations, at most [`MAX_OPS`].
fn shown(history: &History, focus: Option<Vec<OpId>>) -> Vec<OpId> {
    let all: Vec<OpId> = (0..history.len()).collect();
    if history.len() <= MAX_OPS {
        return all;
    }
    let focus = focus.unwrap_or_default();
    let span = |id: OpId| {
        let op = history.op(id);
        (op.call, op.ret().unwrap_or(u64::MAX))
    };
    // The time between two operations, 0 when they overlap.
    let gap = |a: (u64, u64), b: (u64, u64)| b.0.saturating_sub(a.1).max(a.0.saturating_sub(b.1));
    let distance = |id: OpId| {
        let nearest = focus
            .iter()
            .map(|&f| gap(span(id), span(f)))
            .min()
            .unwrap_or(0);
        (!focus.contains(&id), nearest)
    };
    let mut near = all;
    near.sort_by_key(|&id| (distance(id), id));
    near.truncate(MAX_OPS);
    near.sort_unstable();
    near
}

/// The evidence in words: the end of the longest order that works and what cannot
/// follow it, or the operations of the broken guarantee.
fn evidence(history: &History, violation: &Violation) -> String {
    const LISTED: usize = 10;
    let name = |id: OpId| {
        let op = history.op(id);
        format!("op {id} (client {}: {})", op.client, op.label())
    };
    // A name that shows its operation on the history when followed.
    let link = |id: OpId| format!("<a href=\"#op-{id}\">{}</a>", text(&name(id)));
    match &violation.evidence {
        Evidence::PartialOrder {
            prefix,
            state,
            blocked,
        } => {
            let first = prefix.len().saturating_sub(LISTED);
            let items: String = prefix[first..]
                .iter()
                .map(|&id| format!("<li>{}</li>", link(id)))
                .collect();
            let cannot: Vec<String> = blocked.iter().take(5).map(|&id| link(id)).collect();
            format!(
                "<section id=\"evidence\"><h2>The longest order that works</h2>\
                 <p>{} operations can be put in an order a single copy would have produced{}. \
                 It ends:</p><ol start=\"{}\">{items}</ol>\
                 <p>It leaves the state <code>{}</code>, and no operation can come next. \
                 <span class=\"culprit-text\">The one to look at: {}</span>{}</p></section>\n",
                prefix.len(),
                if first > 0 {
                    ", numbered on the history"
                } else {
                    ""
                },
                first + 1,
                text(state),
                cannot.first().map_or("", String::as_str),
                if cannot.len() > 1 {
                    format!("; nor {}.", cannot[1..].join(", "))
                } else {
                    ".".to_owned()
                }
            )
        }
        Evidence::Ops { ops } => {
            let items: String = ops
                .iter()
                .map(|&id| format!("<li>{}</li>", link(id)))
                .collect();
            format!(
                "<section id=\"evidence\"><h2>The operations that break it</h2>\
                 <ol>{items}</ol></section>\n"
            )
        }
    }
}

/// What the colours mean.
const LEGEND: &str = "<section id=\"legend\"><span class=\"chip ordered\">1</span> in the \
    longest order that works <span class=\"chip culprit\"></span> cannot follow it: the one \
    to look at <span class=\"chip blocked\"></span> cannot follow it either \
    <span class=\"chip named\"></span> part of the broken guarantee \
    <span class=\"chip other\"></span> other operations \
    <span class=\"chip unknown\"></span> outcome unknown \
    <span class=\"chip failed\"></span> failed, no effect</section>\n";

/// The page's style around the drawings: print-friendly, no fonts or images fetched.
const PAGE_CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em 2em 6em;color:#222}\
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}\
header.violated h1{color:#b71c1c}header.holds h1{color:#1b5e20}header.undecided h1{color:#e65100}\
.scenario{font-weight:600;margin:.2em 0}.checked,.note{color:#555;margin:.2em 0}\
.summary{max-width:60em}.story{font-weight:600;color:#444;max-width:60em}\
.scroll{overflow-x:auto;border:1px solid #ddd;padding:6px;background:#fff}\
.drawing{display:flex;align-items:flex-start;border:1px solid #ddd;background:#fff}\
.drawing .names{flex:none;border-right:1px solid #eee}\
.drawing .pane{flex:1 1 auto;min-width:0;overflow-x:auto}\
details summary{cursor:pointer;font-weight:600;margin:.4em 0}\
code{background:#f3f3f3;padding:0 .3em}\
#legend{margin:1em 0;color:#444}.chip{display:inline-block;width:22px;height:14px;\
border:2px solid;border-radius:3px;vertical-align:middle;margin:0 .3em 0 1em;font-size:10px;\
text-align:center;line-height:14px}\
.chip.ordered{background:#c8e6c9;border-color:#2e7d32}.chip.culprit{background:#ffcdd2;\
border-color:#c62828;border-width:3px}.chip.blocked{background:#ffe0b2;border-color:#ef6c00}\
.chip.named{background:#bbdefb;border-color:#1565c0}.chip.other{background:#eeeeee;\
border-color:#9e9e9e}.chip.unknown{background:#fff;border-color:#616161;border-style:dashed}\
.chip.failed{background:#fafafa;border-color:#bdbdbd;opacity:.6}\
#evidence a{color:inherit}#details{position:fixed;right:1em;bottom:1em;max-width:38em;background:#263238;color:#fff;\
padding:.6em .9em;border-radius:6px;font:12px/1.4 ui-monospace,monospace;opacity:.95}\
footer{margin-top:2em;color:#888;font-size:12px}\
.culprit-text{color:#b71c1c;font-weight:600}\
@media print{#details{display:none}}";

/// The drawings' style, also carried inside a standalone figure.
const SVG_CSS: &str = "svg text{font:11px ui-monospace,monospace;fill:#222}\
svg .client,svg .endpoint{font-weight:700;font-size:12px}svg .endpoint{text-anchor:middle}\
svg .lane{stroke:#ccc;stroke-width:1}\
.op rect{stroke-width:2}.op.ordered rect{fill:#c8e6c9;stroke:#2e7d32}\
.op.culprit rect{fill:#ffcdd2;stroke:#c62828;stroke-width:4}\
.op.blocked rect{fill:#ffe0b2;stroke:#ef6c00}.op.named rect{fill:#bbdefb;stroke:#1565c0}\
.op.other rect{fill:#eeeeee;stroke:#9e9e9e}.op.unknown rect{stroke-dasharray:5 3}\
.op.failed{opacity:.55}.op.hover rect{stroke:#000}\
.badge{fill:#2e7d32}text.badge{fill:#fff;font-size:9px;text-anchor:middle}\
.message line{stroke:#37474f;stroke-width:1.5}.message text{fill:#37474f;text-anchor:middle;\
font-size:10px}.message.dropped line{stroke:#c62828;stroke-dasharray:4 3}\
.message.dropped text{fill:#c62828}marker path{fill:#37474f}\
.cross{fill:#c62828;font-size:14px;text-anchor:middle;font-weight:700}\
.cut rect{fill:#fce4ec;opacity:.7}.cut text{fill:#ad1457;font-size:10px}\
.note text{fill:#6a1b9a;font-size:10px}.time{fill:#777;font-size:10px}\
.message.hover line{stroke-width:3}\
line.axis-line,line.tick{stroke:#999;stroke-width:1}text.tick{fill:#555;font-size:10px;\
text-anchor:middle}svg .unit{fill:#555;font-size:10px}";

/// Hover: the element's details in the box, the element outlined. A link to the page
/// ending in `#op-N` (as the evidence's names are) shows operation N so; without one,
/// the history's rows scroll sideways to put the culprit in the middle (the client names,
/// outside the scrolled pane, stay where they are), and the page down only as far as it
/// takes to show it, so that the verdict above stays in view when it can.
const SCRIPT: &str = "const box=document.getElementById('details');\
function show(el){box.textContent=el.dataset.details;el.classList.add('hover');}\
for(const el of document.querySelectorAll('[data-details]')){\
el.addEventListener('mouseenter',()=>show(el));\
el.addEventListener('mouseleave',()=>el.classList.remove('hover'));}\
function go(){const m=location.hash.match(/^#op-(\\d+)$/);if(!m)return false;\
const el=document.querySelector('[data-op=\"'+m[1]+'\"]');if(!el)return false;\
for(const h of document.querySelectorAll('.hover'))h.classList.remove('hover');\
show(el);el.scrollIntoView({block:'center',inline:'center'});return true;}\
window.addEventListener('hashchange',go);\
if(!go()){const c=document.querySelector('.op.culprit rect');\
if(c)c.scrollIntoView({block:'nearest',inline:'center'});}";

#[cfg(test)]
mod tests {
    use super::*;
    use testkit::check::ConsistencyCheck;
    use testkit::check::linearizable::Linearizable;
    use testkit::history::{Operation, TimeUnit};
    use testkit::model::ModelKind;

    fn stale_report() -> CheckReport {
        let history = History::from_ops([
            Operation::write(0, 1, 0, 10),
            Operation::write(1, 2, 12, 20),
            Operation::read(2, Some(1.into()), 25, 30),
        ])
        .unwrap();
        let verdict = Linearizable::new(ModelKind::Register)
            .check(&history)
            .unwrap();
        CheckReport::new(
            "a stale read <i>",
            "linearizability",
            &history,
            Some(ModelKind::Register),
            &verdict,
        )
    }

    #[test]
    fn the_page_is_whole_and_marks_what_cannot_follow() {
        let page = render(&stale_report()).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("<h1>linearizability violated</h1>"), "{page}");
        assert!(page.contains("a stale read &lt;i&gt;"), "{page}");
        assert!(
            page.contains("class=\"op culprit\" data-op=\"2\""),
            "{page}"
        );
        assert!(
            page.contains("class=\"op ordered\" data-op=\"0\""),
            "{page}"
        );
        assert!(
            page.contains("The one to look at: <a href=\"#op-2\">op 2 (client 2: r:1)</a>"),
            "{page}"
        );
        // Nothing to fetch: no address but the SVG namespace's name, links only within.
        let rest = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        for fetch in ["http://", "https://", " src=", "@import", "url(http"] {
            assert!(!rest.contains(fetch), "the page fetches something: {fetch}");
        }
        for link in rest.split(" href=\"").skip(1) {
            assert!(link.starts_with("#op-"), "a link out of the page: {link}");
        }
    }

    #[test]
    fn a_figure_is_one_svg_with_its_style_inside() {
        let svg = figure(&stale_report()).unwrap();
        roxmltree::Document::parse(&svg).unwrap();
        assert!(svg.starts_with("<svg xmlns="), "{svg}");
        assert!(svg.contains("<style>svg text{"), "{svg}");
        assert!(svg.contains("class=\"op culprit\" data-op=\"2\""), "{svg}");
    }

    /// Twelve clients write and read back their numbers; then client 99 reads 3, long
    /// overwritten. In milliseconds.
    fn crowd() -> History {
        let ms = 1_000_000;
        let mut ops = Vec::new();
        for i in 0..12u64 {
            let t = i * 10 * ms;
            ops.push(Operation::write(i as u32, i as i64, t, t + 5 * ms));
            ops.push(Operation::read(
                i as u32,
                Some((i as i64).into()),
                t + 6 * ms,
                t + 8 * ms,
            ));
        }
        ops.push(Operation::read(99, Some(3.into()), 200 * ms, 210 * ms));
        History::from_ops(ops).unwrap()
    }

    #[test]
    fn a_story_is_drawn_first_and_the_whole_history_folded_after_it() {
        let history = crowd();
        let checker = Linearizable::new(ModelKind::Register);
        let verdict = checker.check(&history).unwrap();
        let report = CheckReport::new("a crowd", "linearizability", &history, None, &verdict)
            .smallest(&history, &checker);
        let story = report.story.clone().unwrap();
        let dir = std::env::temp_dir().join(format!("pages-story-{}", std::process::id()));
        let path = dir.join("register.crowd.html");
        write(&report, &path).unwrap();
        let page = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            page.contains(
                "<p class=\"story\">The smallest failing part: 3 of 25 operations; the whole \
                 history is in register.crowd.history.json, and drawn folded at the end of this \
                 page.</p>"
            ),
            "{page}"
        );
        let (first, whole) = page.split_once("<section id=\"whole\">").unwrap();
        let first = first.split_once("<section id=\"history\">").unwrap().1;
        assert!(
            first.starts_with("<h2>The smallest failing part</h2>"),
            "{first}"
        );
        // The story's operations only, with their roles from the story's evidence.
        assert_eq!(first.matches("<g class=\"op ").count(), 3, "{first}");
        for id in &story.ops {
            assert!(first.contains(&format!("data-op=\"{id}\"")), "{first}");
        }
        assert!(
            first.contains("class=\"op culprit\" data-op=\"24\""),
            "{first}"
        );
        assert!(
            first.contains("op 24: client 99 r:3, called at 200 ms, returned at 210 ms"),
            "{first}"
        );
        // Folded at the end: every operation, the story in colour among them.
        assert!(whole.starts_with("<details><summary>The whole history: 25 operations"));
        assert_eq!(whole.matches("<g class=\"op ").count(), 25, "{whole}");
        assert_eq!(whole.matches("<g class=\"op other").count(), 22, "{whole}");
        assert!(
            whole.contains("class=\"op culprit\" data-op=\"24\""),
            "{whole}"
        );
        let drawing = first.split("</section>").next().unwrap();
        let drawing = &drawing[drawing.find("<div class=\"drawing\">").unwrap()..];
        roxmltree::Document::parse(drawing).unwrap();
        // The evidence lists the story's order.
        assert!(
            page.contains("2 operations can be put in an order"),
            "{page}"
        );
    }

    #[test]
    fn a_log_s_times_are_lines_on_the_page() {
        let history = crowd();
        let verdict = Linearizable::new(ModelKind::Register)
            .check(&history)
            .unwrap();
        let report = CheckReport::new("log", "linearizability", &history, None, &verdict)
            .times_in(TimeUnit::Lines);
        let page = render(&report).unwrap();
        assert!(
            page.contains("called at line 200000000, returned at line 210000000"),
            "{page}"
        );
        assert!(page.contains(">line</text>"), "{page}");
        assert!(!page.contains("class=\"story\""), "{page}");
    }

    #[test]
    fn a_history_written_by_hand_keeps_its_plain_numbers_on_the_page() {
        let history = History::from_ops([
            Operation::write(0, 1, 0, 10),
            Operation::read(1, None, 20, 30),
        ])
        .unwrap();
        let verdict = Linearizable::new(ModelKind::Register)
            .check(&history)
            .unwrap();
        let report = CheckReport::new("by hand", "linearizability", &history, None, &verdict)
            .times_in(TimeUnit::Ticks);
        let page = render(&report).unwrap();
        assert!(page.contains("called at 20, returned at 30"), "{page}");
        assert!(page.contains(">time</text>"), "{page}");
        assert!(!page.contains(" ms"), "{page}");
        assert!(!page.contains("0.00002"), "{page}");
    }

    #[test]
    fn a_long_history_is_drawn_around_the_evidence() {
        let mut ops = Vec::new();
        for i in 0..1000u64 {
            ops.push(Operation::write(0, i as i64, i * 10, i * 10 + 5));
        }
        // Near the end, a read of a value long overwritten.
        ops.push(Operation::read(1, Some(3.into()), 9_001, 9_002));
        let history = History::from_ops(ops).unwrap();
        let verdict = Linearizable::new(ModelKind::Register)
            .check(&history)
            .unwrap();
        let violation = verdict.violation().unwrap();
        let focus = violation.focus().0;
        let shown = shown(&history, Some(focus.clone()));
        assert_eq!(shown.len(), MAX_OPS);
        assert!(shown.contains(&1000));
        // Kept: every operation of the evidence, and those nearest to it in time; left
        // out: the write farthest from all of them.
        assert!(
            focus.iter().all(|id| shown.contains(id)),
            "{focus:?} {shown:?}"
        );
        let distance = |id: OpId| focus.iter().map(|&f| f.abs_diff(id)).min().unwrap();
        let farthest = (0..1000).max_by_key(|&id| distance(id)).unwrap();
        assert!(distance(farthest) > MAX_OPS, "{focus:?}");
        assert!(!shown.contains(&farthest), "{farthest} {shown:?}");
    }
}
