//! The history page in a real browser: headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs) opens pages the checker drew, runs their script, and takes
//! screenshots. The tests read the page's DOM as the browser left it, the screenshot's
//! pixels, and what a probe script added to a copy of the page measured of its layout
//! (where the client names, the operation to look at and the axis's times ended up), to
//! see that the violation is drawn and highlighted, that the names stay in view while the
//! rows scroll to that operation, that the times on the axis do not touch, and that
//! pointing at an operation shows its details.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

use std::path::{Path, PathBuf};
use std::process::Command;

use browser::rows;
use grading::{said, tool_available};
use serde_json::Value as Json;
use testkit::check::ConsistencyCheck;
use testkit::check::linearizable::Linearizable;
use testkit::generate::{GenConfig, generate};
use testkit::history::json::to_json_string;
use testkit::history::{Action, History, Operation, Outcome, Value};
use testkit::model::ModelKind;
use testkit::report::CheckReport;

/// w(1) then w(2) complete; then a read returns 1: not linearizable, the read is the
/// operation to look at (op 2). Times in nanoseconds: milliseconds apart.
const HISTORY: &str = r#"{
  "format": "consistency-lab-history",
  "version": 1,
  "model": "register",
  "ops": [
    {"client": 0, "f": "write", "value": 1, "call": 0, "return": 10000000, "outcome": "ok"},
    {"client": 1, "f": "write", "value": 2, "call": 20000000, "return": 30000000, "outcome": "ok"},
    {"client": 2, "f": "read", "value": 1, "call": 40000000, "return": 50250000, "outcome": "ok"}
  ]
}
"#;

/// Chromium on `url` in a window of 1000 by 700 pixels.
fn chromium(dir: &Path, url: &str, args: &[&str]) -> std::process::Output {
    browser::chromium(dir, url, args, (1000, 700))
}

/// The culprit's fill and outline in the page's style.
const CULPRIT_FILL: [u8; 3] = [0xff, 0xcd, 0xd2];
const CULPRIT_LINE: [u8; 3] = [0xc6, 0x28, 0x28];
/// The fill of an operation in the longest legal order.
const ORDERED_FILL: [u8; 3] = [0xc8, 0xe6, 0xc9];

#[test]
fn the_violation_is_drawn_highlighted_and_its_details_show_in_a_browser() {
    if !tool_available("chromium") {
        return;
    }
    let dir = scratch("stale");
    let history = dir.join("stale.json");
    std::fs::write(&history, HISTORY).unwrap();
    let page = dir.join("stale.html");
    let drew = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["history", "check", "--html"])
        .arg(&page)
        .arg(&history)
        .output()
        .unwrap();
    assert_eq!(drew.status.code(), Some(1), "{}", said(&drew));
    let url = format!("file://{}", page.display());

    // The DOM after the script ran, opened on the culprit's link.
    let dom = chromium(&dir, &format!("{url}#op-2"), &["--dump-dom"]);
    assert!(dom.status.success(), "{}", said(&dom));
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    assert!(dom.contains("<h1>linearizability violated</h1>"), "{dom}");
    assert!(
        dom.contains("class=\"op culprit hover\" data-op=\"2\""),
        "{dom}"
    );
    let details = dom.split("<aside id=\"details\">").nth(1).unwrap();
    assert!(
        details.starts_with(
            "op 2: client 2 r:1, called at 40 ms, returned at 50.25 ms; cannot follow"
        ),
        "{details}"
    );
    // Every operation carries its details for the tooltip too.
    assert_eq!(dom.matches("<title>op ").count(), 3, "{dom}");

    // The screenshot: the culprit drawn in its colours, below the two ordered writes.
    let shot = dir.join("stale.png");
    let taken = chromium(&dir, &url, &[&format!("--screenshot={}", shot.display())]);
    assert!(taken.status.success() && shot.is_file(), "{}", said(&taken));
    let culprit = rows(&shot, CULPRIT_FILL, 60);
    let outline = rows(&shot, CULPRIT_LINE, 60);
    let ordered = rows(&shot, ORDERED_FILL, 60);
    // A bar is about 100 pixels wide and 20 high: the read in its colours, the writes in
    // theirs; the legend's chips are too narrow to count.
    assert!(culprit.len() >= 12, "the culprit's fill rows: {culprit:?}");
    assert!(
        !outline.is_empty(),
        "the culprit's outline rows: {outline:?}"
    );
    assert!(ordered.len() >= 24, "the ordered writes' rows: {ordered:?}");
    // Client 2's read is drawn below both writes, in a row of its own.
    assert!(
        culprit.iter().min() > ordered.iter().max(),
        "{culprit:?} {ordered:?}"
    );
}

/// A fresh folder for one test's pages and browser profiles.
fn scratch(test: &str) -> PathBuf {
    let dir = course::workspace()
        .join("target/page-browser-test")
        .join(test);
    _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Measures the page at `page` in the browser, opened at `fragment`: a copy of it with a
/// probe script after its own, which reports the layout as JSON.
fn probe(dir: &Path, page: &Path, fragment: &str) -> Json {
    let html = std::fs::read_to_string(page).unwrap();
    let probed = dir.join(format!("probe{}.html", fragment.len()));
    let script = format!("<script>{PROBE}</script></body>");
    std::fs::write(&probed, html.replace("</body>", &script)).unwrap();
    let url = format!("file://{}{fragment}", probed.display());
    let dom = chromium(dir, &url, &["--dump-dom"]);
    assert!(dom.status.success(), "{}", said(&dom));
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    let found = dom
        .rsplit("<pre id=\"probe\">")
        .next()
        .filter(|rest| rest.len() < dom.len())
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("the probe reported nothing: {dom}"));
    let json = found
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// Measures, in the first drawing of the page (the story, or the history): the visible
/// part of the scrolled pane, the boxes of the client names, of the operation to look at
/// and of the axis's written times, and the details box after pointing at that
/// operation and at one whose label is cut.
const PROBE: &str = "{const r={};const h=document.querySelector('#history');\
const box=e=>{const b=e.getBoundingClientRect();return [b.left,b.right,b.top,b.bottom];};\
const pane=h.querySelector('.pane');r.pane=box(pane);r.scrollLeft=pane.scrollLeft;\
r.width=innerWidth;r.height=innerHeight;\
r.names=[...h.querySelectorAll('.names .client,.names .unit')].map(n=>[n.textContent].concat(box(n)));\
r.ticks=[...h.querySelectorAll('text.tick')].map(t=>[t.textContent].concat(box(t)));\
const c=h.querySelector('.op.culprit');r.culprit=box(c.querySelector('rect'));\
c.dispatchEvent(new MouseEvent('mouseenter'));r.culpritDetails=document.getElementById('details').textContent;\
const cut=[...document.querySelectorAll('.op')].find(g=>g.querySelector('text').textContent.endsWith('\\u2026'));\
if(cut){r.cutLabel=cut.querySelector('text').textContent;cut.dispatchEvent(new MouseEvent('mouseenter'));\
r.cutDetails=document.getElementById('details').textContent;r.cutTitle=cut.querySelector('title').textContent;}\
r.hovered=[...document.querySelectorAll('.op.hover')].map(g=>g.dataset.op);\
const out=document.createElement('pre');out.id='probe';\
out.textContent=JSON.stringify(r);document.body.append(out);}";

fn f(json: &Json) -> f64 {
    json.as_f64().unwrap()
}

/// `[left, right, top, bottom]` of a probed box, from `at` in its array.
fn rect(json: &Json, at: usize) -> [f64; 4] {
    let a = json.as_array().unwrap();
    [f(&a[at]), f(&a[at + 1]), f(&a[at + 2]), f(&a[at + 3])]
}

/// A long history, far wider than the window: six clients, 300 operations, times in
/// quarter milliseconds, a stale read planted near the end, and a failed write whose
/// label is too long for any bar.
fn wide() -> History {
    let cfg = GenConfig {
        clients: 6,
        ops_per_client: 50,
        violation: true,
        seed: 11,
        ..GenConfig::default()
    };
    let quarter = |t: u64| t * 250_000;
    let mut ops: Vec<Operation> = generate(&cfg)
        .ops()
        .iter()
        .map(|op| {
            let mut op = op.clone();
            op.call = quarter(op.call);
            op.outcome = match op.outcome {
                Outcome::Ok { at, output } => Outcome::Ok {
                    at: quarter(at),
                    output,
                },
                Outcome::Failed { at } => Outcome::Failed { at: quarter(at) },
                Outcome::Unknown => Outcome::Unknown,
            };
            op
        })
        .collect();
    let long = Value::from("a value far too long for any bar of the drawing");
    ops.push(Operation::failed(77, Action::Write(long), 0, 250_000));
    History::from_ops(ops).unwrap()
}

#[test]
fn the_names_stay_in_view_while_the_rows_open_on_the_culprit_and_the_axis_reads_in_ms() {
    if !tool_available("chromium") {
        return;
    }
    let dir = scratch("wide");
    let history = dir.join("wide.json");
    std::fs::write(
        &history,
        to_json_string(&wide(), Some(ModelKind::CasRegister)),
    )
    .unwrap();
    let page = dir.join("wide.html");
    let drew = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["history", "check", "--html"])
        .arg(&page)
        .arg(&history)
        .output()
        .unwrap();
    assert_eq!(drew.status.code(), Some(1), "{}", said(&drew));

    let at_load = probe(&dir, &page, "");
    let pane = rect(&at_load["pane"], 0);
    // The rows scrolled sideways, to the operation to look at, now in view.
    assert!(f(&at_load["scrollLeft"]) > 1000.0, "{at_load}");
    let culprit = rect(&at_load["culprit"], 0);
    let middle = (culprit[0] + culprit[1]) / 2.0;
    assert!(
        middle > pane[0] && middle < pane[1] && culprit[1] <= f(&at_load["width"]),
        "the culprit {culprit:?} is outside the pane {pane:?}"
    );
    assert!(culprit[3] <= f(&at_load["height"]), "{at_load}");
    // Every client's name, and the axis's unit, in view left of the rows.
    let names = at_load["names"].as_array().unwrap();
    assert_eq!(names.len(), 1 + 6 + 1 + 1, "{at_load}");
    for name in names {
        let b = rect(name, 1);
        assert!(
            b[0] >= 0.0 && b[1] <= pane[0] + 1.0,
            "{name} is not in view"
        );
    }
    assert_eq!(names[0][0], "ms");
    // The written times, in milliseconds, do not touch as the browser set them.
    let mut ticks: Vec<(String, [f64; 4])> = at_load["ticks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t[0].as_str().unwrap().to_owned(), rect(t, 1)))
        .collect();
    assert!(ticks.len() > 40, "{ticks:?}");
    ticks.sort_by(|a, b| a.1[0].total_cmp(&b.1[0]));
    for pair in ticks.windows(2) {
        assert!(pair[1].1[0] >= pair[0].1[1] + 4.0, "{pair:?} crowd");
        assert!(pair[0].0.parse::<f64>().is_ok(), "{pair:?}");
    }
    // Pointing at the culprit and at the cut label shows them in milliseconds, whole.
    let details = at_load["culpritDetails"].as_str().unwrap();
    assert!(
        details.contains(" ms, returned at ") && details.ends_with("the one to look at"),
        "{details}"
    );
    let cut = at_load["cutLabel"].as_str().unwrap();
    assert!(
        cut.starts_with("w(\"a value") && cut.ends_with('…'),
        "{cut}"
    );
    let whole = "w(\"a value far too long for any bar of the drawing\")!";
    for said in [&at_load["cutDetails"], &at_load["cutTitle"]] {
        assert!(said.as_str().unwrap().contains(whole), "{said}");
    }

    // Opened on the first operation's link, the rows are at their start, the names in
    // view all the same.
    let at_first = probe(&dir, &page, "#op-0");
    assert!(f(&at_first["scrollLeft"]) < 300.0, "{at_first}");
    assert!(
        at_first["hovered"]
            .as_array()
            .unwrap()
            .contains(&Json::from("0"))
    );
    for name in at_first["names"].as_array().unwrap() {
        assert!(rect(name, 1)[0] >= 0.0, "{name}");
    }
}

#[test]
fn a_story_is_drawn_small_and_the_whole_history_folded() {
    if !tool_available("chromium") {
        return;
    }
    let dir = scratch("story");
    let history = wide();
    let checker = Linearizable::new(ModelKind::CasRegister);
    let verdict = checker.check(&history).unwrap();
    let report = CheckReport::new(
        "six clients, seed 11",
        "linearizability",
        &history,
        Some(ModelKind::CasRegister),
        &verdict,
    )
    .smallest(&history, &checker);
    let story = report.story.clone().expect("a smaller story");
    assert!(story.ops.len() <= 4, "{story:?}");
    let page = dir.join("register.wide.html");
    checker_core::pages::write(&report, &page).unwrap();

    let dom = chromium(&dir, &format!("file://{}", page.display()), &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    let line = format!(
        "The smallest failing part: {} of {} operations; the whole history is in \
         register.wide.history.json, and drawn folded at the end of this page.",
        story.ops.len(),
        history.len()
    );
    assert!(dom.contains(&line), "{dom}");
    let at_load = probe(&dir, &page, "");
    // Small enough to need no scrolling, and all in view.
    assert_eq!(f(&at_load["scrollLeft"]), 0.0, "{at_load}");
    let culprit = rect(&at_load["culprit"], 0);
    assert!(culprit[1] <= rect(&at_load["pane"], 0)[1], "{at_load}");

    let shot = dir.join("story.png");
    let taken = chromium(
        &dir,
        &format!("file://{}", page.display()),
        &[&format!("--screenshot={}", shot.display())],
    );
    assert!(taken.status.success() && shot.is_file(), "{}", said(&taken));
    assert!(rows(&shot, CULPRIT_FILL, 40).len() >= 12);
}
