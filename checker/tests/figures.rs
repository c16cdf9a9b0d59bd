//! `checker dev figures`: the book's figures are the checker's drawings of their
//! histories, and `--check` says when one is not.

#[path = "support/course.rs"]
mod course;

use course::{checker, stdout};

#[test]
fn the_books_figures_are_the_checkers_drawings() {
    let run = checker(&course::workspace(), &["dev", "figures", "--check"]);
    assert_eq!(run.status.code(), Some(0), "{}", stdout(&run));
    assert!(
        stdout(&run).ends_with("figure(s) up to date\n"),
        "{}",
        stdout(&run)
    );
}

#[test]
fn a_stale_drawing_is_found_and_drawn_again() {
    let root = course::course("figures");
    let figures = root.join("docs/src/figures");
    std::fs::create_dir_all(&figures).unwrap();
    std::fs::write(
        figures.join("figures.toml"),
        "[[figure]]\nname = \"stale\"\ncheck = \"linearizable\"\ncaption = \"A stale read.\"\n",
    )
    .unwrap();
    std::fs::write(
        figures.join("stale.json"),
        r#"{"format": "consistency-lab-history", "version": 1, "model": "register", "ops": [
  {"client": 0, "f": "write", "value": 1, "call": 0, "return": 10, "outcome": "ok"},
  {"client": 1, "f": "read", "value": null, "call": 20, "return": 30, "outcome": "ok"}
]}"#,
    )
    .unwrap();
    std::fs::write(figures.join("stale.svg"), "<svg/>").unwrap();

    let run = checker(&root, &["dev", "figures", "--check"]);
    assert_eq!(run.status.code(), Some(1), "{}", stdout(&run));
    assert!(stdout(&run).contains("stale.svg is not the checker's drawing of stale.json"));
    assert_eq!(
        std::fs::read_to_string(figures.join("stale.svg")).unwrap(),
        "<svg/>"
    );

    let run = checker(&root, &["dev", "figures"]);
    assert_eq!(run.status.code(), Some(0), "{}", stdout(&run));
    let svg = std::fs::read_to_string(figures.join("stale.svg")).unwrap();
    assert!(svg.contains("class=\"op culprit\" data-op=\"1\""), "{svg}");
    // Hand-written times are shown as written, not as nanoseconds.
    assert!(svg.contains("called at 20, returned at 30"), "{svg}");
    assert!(!svg.contains(" ms"), "{svg}");
    let run = checker(&root, &["dev", "figures", "--check"]);
    assert_eq!(run.status.code(), Some(0), "{}", stdout(&run));

    std::fs::write(
        figures.join("figures.toml"),
        "[[figure]]\nname = \"stale\"\ncheck = \"strict\"\ncaption = \"x\"\n",
    )
    .unwrap();
    let run = checker(&root, &["dev", "figures"]);
    assert_eq!(run.status.code(), Some(2));
    let error = course::stderr(&run);
    assert!(
        error.contains("figures.toml: figure stale: unknown check \"strict\""),
        "{error}"
    );
}
