//! The SVG of a history, read back with roxmltree: what is drawn where, and what each
//! operation says.

use super::*;
use roxmltree::{Document, Node};
use testkit::history::{Action, Operation, Value};

/// The two SVGs of a page's drawing, parsed: (names, rows).
fn parts(drawing: &Drawing) -> (String, String) {
    let html = drawing.html();
    Document::parse(&html).expect("the drawing is well-formed XML");
    let names = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap() + 6];
    let rows_at = html.find("<div class=\"pane\">").unwrap() + "<div class=\"pane\">".len();
    let rows = &html[rows_at..html.rfind("</svg>").unwrap() + 6];
    (names.to_owned(), rows.to_owned())
}

fn ops<'a>(doc: &'a Document<'a>) -> Vec<Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.attribute("data-op").is_some())
        .collect()
}

fn number(node: Node<'_, '_>, name: &str) -> f64 {
    node.attribute(name).unwrap().parse().unwrap()
}

fn child<'a>(node: Node<'a, 'a>, tag: &str) -> Node<'a, 'a> {
    node.children().find(|c| c.has_tag_name(tag)).unwrap()
}

#[test]
fn bars_follow_the_order_of_events_carry_their_role_and_say_their_times() {
    let history = History::from_ops([
        Operation::write(0, 1, 0, 10_000_000),
        Operation::read(1, None, 20_000_000, 30_500_000),
    ])
    .unwrap();
    let roles = HashMap::from([(0, Role::Ordered(1)), (1, Role::Culprit)]);
    let (_, rows) = parts(&draw(
        &history,
        &[0, 1],
        &roles,
        TimeUnit::Nanoseconds,
        true,
    ));
    let doc = Document::parse(&rows).unwrap();
    let bars = ops(&doc);
    assert_eq!(bars[0].attribute("class"), Some("op ordered"));
    assert_eq!(bars[1].attribute("class"), Some("op culprit"));
    let (w, r) = (child(bars[0], "rect"), child(bars[1], "rect"));
    // The read starts right of the write's end: it was called after the write returned.
    assert!(
        number(r, "x") > number(w, "x") + number(w, "width"),
        "{rows}"
    );
    assert_eq!(
        child(bars[1], "title").text(),
        Some(
            "op 1: client 1 r:nil, called at 20 ms, returned at 30.5 ms; cannot follow that \
             order: the one to look at"
        )
    );
    assert_eq!(
        bars[1].attribute("data-details"),
        child(bars[1], "title").text()
    );
}

#[test]
fn labels_fit_their_bars_up_to_a_length_and_hover_shows_them_whole() {
    // Overlapping swaps with long labels, which a fixed column width cut to `cas…`.
    let mut ops_: Vec<Operation> = (0..6u32)
        .map(|c| {
            let t = u64::from(c) * 2;
            Operation::cas(
                c,
                Some(Value::Int(100_000)),
                200_000 + i64::from(c),
                false,
                t,
                t + 13,
            )
        })
        .collect();
    let long = "a value far too long to be drawn in any bar";
    ops_.push(Operation::write(9, long, 40, 41));
    ops_.push(Operation::unknown(10, Action::Write("x".into()), 3));
    let history = History::from_ops(ops_).unwrap();
    let all: Vec<OpId> = (0..history.len()).collect();
    let (_, rows) = parts(&draw(
        &history,
        &all,
        &HashMap::new(),
        TimeUnit::Nanoseconds,
        true,
    ));
    let doc = Document::parse(&rows).unwrap();
    for bar in ops(&doc) {
        let id: OpId = bar.attribute("data-op").unwrap().parse().unwrap();
        let label = history.op(id).label();
        let shown = child(bar, "text").text().unwrap_or("");
        let title = child(bar, "title").text().unwrap();
        assert!(title.contains(&label), "{title}");
        let width = number(child(bar, "rect"), "width");
        if label.chars().count() <= MAX_LABEL {
            assert_eq!(shown, label);
            assert!(
                width >= label.chars().count() as f64 * CHAR,
                "{label}: {width}"
            );
        } else {
            assert!(
                shown.ends_with('…') && shown.chars().count() <= MAX_LABEL,
                "{shown}"
            );
        }
    }
}

#[test]
fn names_stay_apart_from_the_rows_and_line_up_with_them() {
    let history = History::from_ops([
        Operation::write(3, 1, 0, 10),
        Operation::read(12, Some(1.into()), 20, 30),
    ])
    .unwrap();
    let drawing = draw(
        &history,
        &[0, 1],
        &HashMap::new(),
        TimeUnit::Nanoseconds,
        true,
    );
    let (names, rows) = parts(&drawing);
    let names = Document::parse(&names).unwrap();
    let rows = Document::parse(&rows).unwrap();
    assert_eq!(names.root_element().attribute("class"), Some("names"));
    let labels: Vec<(&str, f64)> = names
        .descendants()
        .filter(|n| n.attribute("class") == Some("client"))
        .map(|n| (n.text().unwrap(), number(n, "y")))
        .collect();
    assert_eq!(
        labels.iter().map(|l| l.0).collect::<Vec<_>>(),
        ["c3", "c12"]
    );
    let lanes: Vec<f64> = rows
        .descendants()
        .filter(|n| n.attribute("class") == Some("lane"))
        .map(|n| number(n, "y1"))
        .collect();
    for ((_, y), lane) in labels.iter().zip(&lanes) {
        assert_eq!(*y, lane + 4.0);
    }
    // The unit of the axis is with the names, so it stays in view too.
    assert!(names.descendants().any(|n| n.text() == Some("ms")));
    // No name is drawn among the rows.
    assert!(
        !rows
            .descendants()
            .any(|n| n.attribute("class") == Some("client"))
    );
    // A figure joins both parts in one SVG, with its style first.
    let svg = drawing.svg("<style>x</style>");
    let figure = Document::parse(&svg).unwrap();
    assert!(
        svg.contains("<style>x</style><text class=\"unit\""),
        "{svg}"
    );
    assert_eq!(
        figure
            .descendants()
            .filter(|n| n.has_tag_name("svg"))
            .count(),
        1
    );
}

#[test]
fn the_axis_writes_milliseconds_that_do_not_crowd_and_those_of_the_culprit() {
    // Forty short operations close together, the culprit in the middle.
    let ms = 1_000_000;
    let history = History::from_ops((0..40u64).map(|i| {
        let t = i * ms + i * 1_250;
        Operation::write(i as u32 % 4, i as i64, t, t + ms / 2)
    }))
    .unwrap();
    let all: Vec<OpId> = (0..history.len()).collect();
    let roles = HashMap::from([(21, Role::Culprit)]);
    let (_, rows) = parts(&draw(&history, &all, &roles, TimeUnit::Nanoseconds, true));
    let doc = Document::parse(&rows).unwrap();
    let ticks: Vec<(f64, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("class") == Some("tick"))
        .map(|n| (number(n, "x"), n.text().unwrap().to_owned()))
        .collect();
    assert!(ticks.len() >= 5, "{ticks:?}");
    for pair in ticks.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let room = (a.1.len() + b.1.len()) as f64 * 6.1 / 2.0;
        assert!(b.0 - a.0 >= room, "{a:?} and {b:?} touch");
    }
    // The culprit's call (21.02625 ms) and return are written.
    let culprit = history.op(21);
    for at in [culprit.call, culprit.ret().unwrap()] {
        let tick = TimeUnit::Nanoseconds.tick(at);
        assert!(ticks.iter().any(|t| t.1 == tick), "{tick} in {ticks:?}");
    }
    // Without a unit, as for the book's figures, there is no axis.
    let plain = draw(&history, &all, &roles, TimeUnit::Nanoseconds, false).svg("");
    assert!(!plain.contains("class=\"axis\""), "{plain}");
}

#[test]
fn an_operation_that_takes_no_time_is_drawn() {
    // It returns at the instant it was called: it gets a column for its call and one
    // for its return, both inside the write that overlaps it.
    let history = History::from_ops([
        Operation::read(0, None, 5, 5),
        Operation::write(1, 1, 0, 10),
    ])
    .unwrap();
    let (_, rows) = parts(&draw(
        &history,
        &[0, 1],
        &HashMap::new(),
        TimeUnit::Nanoseconds,
        false,
    ));
    let doc = Document::parse(&rows).unwrap();
    let bars = ops(&doc);
    let (read, write) = (child(bars[0], "rect"), child(bars[1], "rect"));
    assert!(number(read, "width") >= "r:nil".len() as f64 * CHAR);
    assert!(number(read, "x") > number(write, "x"));
}

#[test]
fn labels_are_cut_to_their_bar_and_escaped() {
    assert_eq!(fit("w(1)", 100), "w(1)");
    assert_eq!(fit("cas(1->2):no", 40), "cas(…");
    assert_eq!(fit("anything", 3), "");
    let history = History::from_ops([Operation::write(0, "<b>", 0, 10)]).unwrap();
    let drawing = draw(
        &history,
        &[0],
        &HashMap::new(),
        TimeUnit::Nanoseconds,
        false,
    );
    Document::parse(&drawing.svg("")).unwrap();
    assert!(!drawing.html().contains("<b>"));
}
