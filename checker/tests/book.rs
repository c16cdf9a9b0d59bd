//! The course book (`docs/`, an mdBook): its pages, links, anchors and figures.
//!
//! mdBook renders what it is given and says nothing of a link to a page that is not in
//! the book, an anchor that names no heading, or a figure nobody drew. This test reads
//! the book as mdBook does and reports each of those, naming the file and the link:
//!
//! - every entry of `src/SUMMARY.md` names a file that exists, and every `.md` file under
//!   `src/` is named by an entry;
//! - a page is read with its `{{#include FILE}}`s expanded, each FILE relative to the file
//!   that includes it; like mdBook, an include is expanded wherever it stands, in code
//!   too, unless it is escaped as `\{{#include ...}}`; links in included text are judged
//!   from the including page, since that is where the rendered book shows them;
//! - a relative link (`[..](..)`, `![..](..)` or a reference definition `[..]: ..`,
//!   outside code) must lead to a file inside `src/`, and to a page of SUMMARY.md when it
//!   names a `.md` file; `http:`, `https:` and `mailto:` links are not followed, and a
//!   link starting with `/` is refused (the book may be served from a folder);
//! - an anchor, `#id` on the same page or `page.md#id`, must be the id of a heading of
//!   that page, made as mdBook makes it: lowercase, letters, digits, `-` and `_` kept,
//!   spaces turned into `-`, everything else dropped, and `-1`, `-2`, ... added to
//!   repeated ids (an explicit `{#id}` is taken as written);
//! - a figure, a link to `src/figures/NAME.svg` (drawn later by `checker dev figures`, so
//!   the SVG need not exist), must have an entry in `src/figures/figures.toml` and a
//!   history `src/figures/NAME.json`; each entry has exactly a `name` (lowercase letters,
//!   digits and `-`), a `check` (one of [`CHECKS`]) and a one-line `caption`, names are
//!   unique, every entry is shown on some page, its history is a valid JSON history (that
//!   names its data model when the check needs one: `linearizable`, `sequential`), and
//!   every history in the folder has an entry.
//!
//! Pages are read with pulldown-cmark, the Markdown parser mdBook renders with, so that
//! what counts as a link, a heading or code is what the rendered book shows.
//! `checker/tests/fixtures/book/` is a small book with one mistake of each kind, all of
//! which must be reported, and correct links that must not be.
//!
//! A last test runs the consistency checker each figure names on its history and
//! compares the verdict with what the book says of it ([`VERDICTS`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use testkit::check::causal::{Causal, CausalMemory, Guarantee, Session};
use testkit::check::linearizable::Linearizable;
use testkit::check::sequential::Sequential;
use testkit::check::{ConsistencyCheck, Verdict};
use testkit::history::History;
use testkit::history::json::from_json_str;
use testkit::model::ModelKind;

/// The values of a figure's `check`.
const CHECKS: &[&str] = &[
    "linearizable",
    "sequential",
    "causal",
    "read-your-writes",
    "monotonic-reads",
    "monotonic-writes",
    "writes-follow-reads",
    "none",
];

/// How deep includes may nest, as in mdBook.
const MAX_INCLUDE_DEPTH: usize = 10;

/// The course's book, `docs/`.
fn course_book() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs")
}

/// The book with one mistake of each kind.
fn fixture_book() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/book")
}

#[test]
fn the_book_has_no_broken_links_anchors_or_figures() {
    let problems = check_book(&course_book());
    assert!(
        problems.is_empty(),
        "the book (docs/) has {} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_link_check_reports_each_kind_of_mistake_and_nothing_else() {
    let expected = [
        // SUMMARY.md names a file that does not exist.
        "src/SUMMARY.md: entry `ghost.md`: no such file",
        // A page no entry names.
        "src/orphan.md: in no SUMMARY.md entry, so the book does not show it",
        // A link to a file that does not exist.
        "src/chapter.md:9: link `data/missing.csv`: no such file src/data/missing.csv",
        // A link to a page that exists but is not in the book.
        "src/chapter.md:10: link `orphan.md`: src/orphan.md is in no SUMMARY.md entry",
        // An anchor of the same page that names no heading.
        "src/chapter.md:11: link `#no-such-heading`: src/chapter.md has no heading with id \
         `no-such-heading`",
        // An anchor of another page.
        "src/chapter.md:12: link `other.md#nope`: src/other.md has no heading with id `nope`",
        // The third heading "Setup" is `setup-2`; there are two.
        "src/chapter.md:13: link `#setup-2`: src/chapter.md has no heading with id `setup-2`",
        // An existing file outside src/: not part of the rendered book.
        "src/chapter.md:14: link `../outside.txt`: leads out of src/, where the rendered \
         book has no files",
        // Absolute paths break when the book is served from a folder.
        "src/chapter.md:15: link `/chapter.md`: an absolute path; links in the book must be \
         relative",
        // A link whose text runs over two lines is found too, at the line it starts on.
        "src/chapter.md:42: link `missing-too.md`: no such file src/missing-too.md",
        // A figure without an entry in figures.toml.
        "src/chapter.md:17: figure `figures/unlisted.svg`: no entry named `unlisted` in \
         src/figures/figures.toml",
        // A link in an included file is judged from the page that includes it.
        "src/included.md: link `src/lib.rs` (line 3 of extra/README.md, included): no such \
         file src/src/lib.rs",
        // An include of a missing file.
        "src/included.md:3: include `../extra/missing.md`: no such file extra/missing.md",
        // The figures' entries.
        "src/figures/figures.toml: figure 2 (`no-history`): no history \
         src/figures/no-history.json",
        "src/figures/figures.toml: figure 3 (`bad-check`): `check` is \"strong\", expected one \
         of linearizable, sequential, causal, read-your-writes, monotonic-reads, \
         monotonic-writes, writes-follow-reads, none",
        "src/figures/figures.toml: figure 4 (`Bad Name`): `name` must be lowercase letters, \
         digits and `-`",
        "src/figures/figures.toml: figure 5 (`no-caption`): `caption` is missing",
        "src/figures/figures.toml: figure 6 (`two-lines`): `caption` must be one line",
        "src/figures/figures.toml: figure 7 (`extra-field`): unknown field `expect`",
        "src/figures/figures.toml: figure 8 (`good`): the name is used by figure 1 already",
        "src/figures/figures.toml: figure 9 (`unshown`): shown on no page",
        "src/figures/figures.toml: figure 10 (`no-model`): src/figures/no-model.json names no \
         `model`, which the `linearizable` check needs",
        "src/figures/figures.toml: figure 11 (`broken`): src/figures/broken.json is not a \
         history: \"format\" is \"something-else\", expected \
         \"consistency-lab-history\"",
        "src/figures/stray.json: no entry in figures.toml",
    ];
    let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    expected.sort();
    pretty_assertions::assert_eq!(check_book(&fixture_book()), expected);
}

/// What the book says of each figure's history: the checks it names (its own `check`
/// first) and whether each holds.
const VERDICTS: &[(&str, &[(&str, bool)])] = &[
    ("ap-stale-read", &[("linearizable", false)]),
    ("cp-refusal", &[("linearizable", true)]),
    (
        "ladder-ryw-only",
        &[
            ("causal", false),
            ("linearizable", false),
            ("sequential", false),
            ("read-your-writes", true),
            ("monotonic-reads", false),
        ],
    ),
    (
        "stale-read",
        &[("linearizable", false), ("sequential", true)],
    ),
    ("overlapping-read", &[("linearizable", true)]),
    ("cas-one-wins", &[("linearizable", true)]),
    ("no-write-back", &[("linearizable", false)]),
    (
        "sequential-stale-read",
        &[("sequential", true), ("linearizable", false)],
    ),
    (
        "opposite-orders",
        &[
            ("sequential", false),
            ("causal", true),
            ("monotonic-reads", true),
            // Each reader has an order of its own: causal memory allows it too.
            ("causal-memory", true),
        ],
    ),
    (
        // The history separating the course's causal check from causal memory.
        "one-two-one",
        &[
            ("causal", true),
            ("read-your-writes", true),
            ("monotonic-reads", true),
            ("monotonic-writes", true),
            ("writes-follow-reads", true),
            ("causal-memory", false),
            ("sequential", false),
        ],
    ),
    (
        // Thin air: the course's finite rule for eventual consistency rejects it.
        "failed-write-read",
        &[
            ("causal", false),
            ("read-your-writes", false),
            ("linearizable", false),
        ],
    ),
    (
        "reply-before-post",
        &[
            ("causal", false),
            ("writes-follow-reads", false),
            ("read-your-writes", true),
            ("monotonic-reads", true),
            ("monotonic-writes", true),
            ("causal-memory", false),
        ],
    ),
    (
        "own-write-missing",
        &[("read-your-writes", false), ("monotonic-reads", true)],
    ),
    (
        "read-goes-back",
        &[("monotonic-reads", false), ("read-your-writes", true)],
    ),
    (
        "writes-out-of-order",
        &[
            ("monotonic-writes", false),
            ("monotonic-reads", true),
            ("read-your-writes", true),
            ("writes-follow-reads", true),
            ("causal", false),
        ],
    ),
    (
        "lww-skewed-clocks",
        &[
            ("linearizable", false),
            ("sequential", true),
            ("causal", true),
        ],
    ),
    (
        "divergent-replicas",
        &[
            ("linearizable", false),
            ("causal", true),
            ("causal-memory", true),
        ],
    ),
    ("double-withdrawal", &[("linearizable", true)]),
    ("username-claims", &[("linearizable", false)]),
];

#[test]
fn every_figure_has_the_verdicts_the_book_states() {
    let src = course_book().join("src");
    let figures = fs::read_to_string(src.join("figures/figures.toml")).unwrap_or_default();
    let table: toml::Table = toml::from_str(&figures).expect("figures.toml parses");
    let stated: BTreeMap<&str, &[(&str, bool)]> = VERDICTS.iter().copied().collect();
    let mut wrong = Vec::new();
    let mut named = BTreeSet::new();
    for entry in table
        .get("figure")
        .and_then(|f| f.as_array())
        .into_iter()
        .flatten()
    {
        let field = |key: &str| entry.get(key).and_then(|v| v.as_str()).unwrap_or("");
        let (name, check) = (field("name"), field("check"));
        named.insert(name.to_owned());
        let claims = stated.get(name).copied().unwrap_or(&[]);
        if check != "none" && claims.first().map(|c| c.0) != Some(check) {
            wrong.push(format!(
                "{name}: VERDICTS must list its own check `{check}` first"
            ));
        }
        let text = fs::read_to_string(src.join(format!("figures/{name}.json")))
            .unwrap_or_else(|e| panic!("figures/{name}.json: {e}"));
        let (history, model) =
            from_json_str(&text).unwrap_or_else(|e| panic!("figures/{name}.json: {e}"));
        for &(check, holds) in claims {
            let verdict = run_check(check, &history, model.unwrap_or(ModelKind::Register));
            match verdict {
                Ok(v) if v.holds() == holds => {}
                Ok(Verdict::Undecided { reason }) => {
                    wrong.push(format!("{name}: `{check}` undecided: {reason}"))
                }
                Ok(v) => wrong.push(format!(
                    "{name}: the book says `{check}` {}, the checker says {}",
                    if holds { "holds" } else { "is violated" },
                    v.violation()
                        .map_or("it holds".to_owned(), |v| v.summary.clone())
                )),
                Err(e) => wrong.push(format!("{name}: `{check}` cannot check it: {e}")),
            }
        }
    }
    for (name, _) in VERDICTS {
        if !named.contains(*name) {
            wrong.push(format!("{name}: in VERDICTS but not in figures.toml"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Runs the checker a figure's `check` names.
fn run_check(
    check: &str,
    history: &History,
    model: ModelKind,
) -> Result<Verdict, testkit::check::CheckError> {
    match check {
        "linearizable" => Linearizable::new(model).check(history),
        "sequential" => Sequential::new(model).check(history),
        "causal" => Causal.check(history),
        // Not a figure's own check (figures are drawn with the course's checks); the
        // book states it where a history separates the course's causal check from the
        // standard definition.
        "causal-memory" => CausalMemory::default().check(history),
        "read-your-writes" => Session(Guarantee::ReadYourWrites).check(history),
        "monotonic-reads" => Session(Guarantee::MonotonicReads).check(history),
        "monotonic-writes" => Session(Guarantee::MonotonicWrites).check(history),
        "writes-follow-reads" => Session(Guarantee::WritesFollowReads).check(history),
        other => panic!("no checker named {other}"),
    }
}

/// Every problem of the book in `root` (the folder of `book.toml`), as
/// `FILE[:LINE]: what is wrong`, FILE relative to `root`, sorted.
fn check_book(root: &Path) -> Vec<String> {
    let mut book = Book::new(root);
    book.check();
    book.problems.sort();
    book.problems
}

/// A line of a page after its includes are expanded: its text and where it came from.
struct Line {
    text: String,
    /// The file the line is in (the page, or a file it includes).
    origin: PathBuf,
    /// Its 1-based number there.
    number: usize,
}

/// A link found on a page.
struct Link {
    dest: String,
    origin: PathBuf,
    number: usize,
}

/// A page, read: the ids of its headings and its links.
#[derive(Default)]
struct Page {
    ids: BTreeSet<String>,
    links: Vec<Link>,
}

/// A use of a figure on a page.
struct FigureUse {
    name: String,
    at: String,
    dest: String,
}

struct Book {
    root: PathBuf,
    src: PathBuf,
    /// The pages SUMMARY.md names that exist.
    pages: BTreeSet<PathBuf>,
    /// Every page read so far.
    read: BTreeMap<PathBuf, Page>,
    figures_used: Vec<FigureUse>,
    problems: Vec<String>,
}

impl Book {
    fn new(root: &Path) -> Book {
        let root = normalize(root);
        Book {
            src: root.join("src"),
            root,
            pages: BTreeSet::new(),
            read: BTreeMap::new(),
            figures_used: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// A path as the reports show it: relative to the book's folder.
    fn show(&self, path: &Path) -> String {
        relative(&self.root, path)
    }

    fn check(&mut self) {
        let summary = self.src.join("SUMMARY.md");
        let Ok(text) = fs::read_to_string(&summary) else {
            self.problems
                .push(format!("{}: missing", self.show(&summary)));
            return;
        };
        self.read_summary(&summary, &text);

        let mut on_disk = Vec::new();
        markdown_files(&self.src, &mut on_disk);
        on_disk.sort();
        for file in &on_disk {
            if *file != summary && !self.pages.contains(file) {
                self.problems.push(format!(
                    "{}: in no SUMMARY.md entry, so the book does not show it",
                    self.show(file)
                ));
            }
        }
        on_disk.retain(|file| *file != summary);
        for file in &on_disk {
            self.read_page(file);
        }
        for file in &on_disk {
            let links = std::mem::take(&mut self.read.get_mut(file).unwrap().links);
            for link in &links {
                self.check_link(file, link);
            }
        }
        self.check_figures();
    }

    /// Collects the pages SUMMARY.md names and reports the entries without a file.
    fn read_summary(&mut self, summary: &Path, text: &str) {
        let lines = text
            .lines()
            .enumerate()
            .map(|(i, t)| Line {
                text: t.to_owned(),
                origin: summary.to_owned(),
                number: i + 1,
            })
            .collect::<Vec<_>>();
        for link in read_markdown(&lines).links {
            // An entry without a file (`[Draft]()`) is a draft chapter.
            if link.dest.is_empty() {
                continue;
            }
            let path = normalize(&self.src.join(&link.dest));
            let at = format!("{}: entry `{}`", self.show(summary), link.dest);
            if !path.starts_with(&self.src) {
                self.problems.push(format!("{at}: leads out of src/"));
            } else if !path.is_file() {
                self.problems.push(format!("{at}: no such file"));
            } else {
                self.pages.insert(path);
            }
        }
    }

    /// Reads a page (once) with its includes expanded.
    fn read_page(&mut self, file: &Path) {
        if self.read.contains_key(file) {
            return;
        }
        let mut lines = Vec::new();
        self.expand(file, file, 0, &mut lines);
        let page = read_markdown(&lines);
        self.read.insert(file.to_owned(), page);
    }

    /// Appends the lines of `file` to `out`, with its includes expanded; problems are
    /// reported against `page`.
    fn expand(&mut self, page: &Path, file: &Path, depth: usize, out: &mut Vec<Line>) {
        let Ok(text) = fs::read_to_string(file) else {
            return;
        };
        let dir = file.parent().unwrap_or(Path::new("")).to_owned();
        for (i, text) in text.lines().enumerate() {
            let at = if file == page {
                format!("{}:{}", self.show(page), i + 1)
            } else {
                format!(
                    "{} (line {} of {}, included)",
                    self.show(page),
                    i + 1,
                    self.show(file)
                )
            };
            let mut rest = text;
            let line = |text: &str| Line {
                text: text.to_owned(),
                origin: file.to_owned(),
                number: i + 1,
            };
            while let Some((before, directive, after)) = next_directive(rest) {
                if !before.trim().is_empty() {
                    out.push(line(before));
                }
                match directive {
                    Directive::Include(target) if target.contains(':') => {
                        self.problems.push(format!(
                            "{at}: include `{target}`: only whole files are checked here \
                             (no line ranges or anchors)"
                        ));
                    }
                    Directive::Include(target) => {
                        let path = normalize(&dir.join(target));
                        if !path.is_file() {
                            self.problems.push(format!(
                                "{at}: include `{target}`: no such file {}",
                                self.show(&path)
                            ));
                        } else if depth + 1 > MAX_INCLUDE_DEPTH {
                            self.problems.push(format!(
                                "{at}: include `{target}`: includes nest more than \
                                 {MAX_INCLUDE_DEPTH} deep"
                            ));
                        } else {
                            self.expand(page, &path, depth + 1, out);
                        }
                    }
                    Directive::Title => {}
                    Directive::Other(kind) => self.problems.push(format!(
                        "{at}: `{{{{#{kind}}}}}` is not checked here; use `{{{{#include}}}}`"
                    )),
                }
                rest = after;
            }
            if !rest.trim().is_empty() || rest.len() == text.len() {
                out.push(line(rest));
            }
        }
    }

    fn check_link(&mut self, page: &Path, link: &Link) {
        let dest = link.dest.as_str();
        let at = if link.origin == page {
            format!("{}:{}: link `{dest}`", self.show(page), link.number)
        } else {
            format!(
                "{}: link `{dest}` (line {} of {}, included)",
                self.show(page),
                link.number,
                self.show(&link.origin)
            )
        };
        if ["http://", "https://", "mailto:"]
            .iter()
            .any(|scheme| dest.starts_with(scheme))
        {
            return;
        }
        if dest.starts_with('/') {
            self.problems.push(format!(
                "{at}: an absolute path; links in the book must be relative"
            ));
            return;
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (dest, None),
        };
        let target = if path.is_empty() {
            page.to_owned()
        } else {
            normalize(&page.parent().unwrap().join(path))
        };
        if !target.starts_with(&self.src) {
            self.problems.push(format!(
                "{at}: leads out of src/, where the rendered book has no files"
            ));
            return;
        }
        if target.parent() == Some(&self.src.join("figures"))
            && target.extension().is_some_and(|e| e == "svg")
        {
            let name = target.file_stem().unwrap().to_string_lossy().into_owned();
            self.figures_used.push(FigureUse {
                name,
                at: format!("{}:{}", self.show(page), link.number),
                dest: dest.to_owned(),
            });
            return;
        }
        if target.is_dir() {
            self.problems.push(format!(
                "{at}: {} is a folder, not a page",
                self.show(&target)
            ));
            return;
        }
        if !target.is_file() {
            self.problems
                .push(format!("{at}: no such file {}", self.show(&target)));
            return;
        }
        if target.extension().is_none_or(|e| e != "md") {
            return;
        }
        if !self.pages.contains(&target) {
            self.problems.push(format!(
                "{at}: {} is in no SUMMARY.md entry",
                self.show(&target)
            ));
            return;
        }
        if let Some(anchor) = anchor {
            self.read_page(&target);
            if !self.read[&target].ids.contains(anchor) {
                self.problems.push(format!(
                    "{at}: {} has no heading with id `{anchor}`",
                    self.show(&target)
                ));
            }
        }
    }

    /// Checks `src/figures/figures.toml`, its histories, and the figures pages show.
    fn check_figures(&mut self) {
        let folder = self.src.join("figures");
        let toml_path = folder.join("figures.toml");
        let at = self.show(&toml_path);
        let text = match fs::read_to_string(&toml_path) {
            Ok(text) => text,
            Err(_) if self.figures_used.is_empty() => return,
            Err(e) => {
                self.problems.push(format!("{at}: cannot be read: {e}"));
                return;
            }
        };
        let table: toml::Table = match toml::from_str(&text) {
            Ok(table) => table,
            Err(e) => {
                self.problems.push(format!("{at}: not TOML: {e}"));
                return;
            }
        };
        for key in table.keys().filter(|k| *k != "figure") {
            self.problems.push(format!("{at}: unknown table `{key}`"));
        }
        let entries = match table.get("figure") {
            None => Vec::new(),
            Some(toml::Value::Array(entries)) => entries.clone(),
            Some(_) => {
                self.problems.push(format!(
                    "{at}: `figure` must be an array of tables ([[figure]])"
                ));
                Vec::new()
            }
        };
        let used: BTreeSet<String> = self.figures_used.iter().map(|u| u.name.clone()).collect();
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for (i, entry) in entries.iter().enumerate() {
            let number = i + 1;
            let Some(entry) = entry.as_table() else {
                self.problems
                    .push(format!("{at}: figure {number}: not a table"));
                continue;
            };
            let field = |key: &str| entry.get(key).and_then(|v| v.as_str());
            let name = field("name").unwrap_or("");
            let this = format!("{at}: figure {number} (`{name}`)");
            for key in entry.keys() {
                if !["name", "check", "caption"].contains(&key.as_str()) {
                    self.problems.push(format!("{this}: unknown field `{key}`"));
                }
            }
            for key in ["name", "check", "caption"] {
                match entry.get(key) {
                    None => self.problems.push(format!("{this}: `{key}` is missing")),
                    Some(v) if !v.is_str() => self
                        .problems
                        .push(format!("{this}: `{key}` must be a string")),
                    Some(_) => {}
                }
            }
            let check = field("check");
            if let Some(check) = check.filter(|c| !CHECKS.contains(c)) {
                self.problems.push(format!(
                    "{this}: `check` is {check:?}, expected one of {}",
                    CHECKS.join(", ")
                ));
            }
            if let Some(caption) = field("caption") {
                if caption.trim().is_empty() {
                    self.problems.push(format!("{this}: `caption` is empty"));
                } else if caption.contains('\n') {
                    self.problems
                        .push(format!("{this}: `caption` must be one line"));
                }
            }
            if field("name").is_none() {
                continue;
            }
            let well_formed = !name.is_empty()
                && !name.starts_with('-')
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !well_formed {
                self.problems.push(format!(
                    "{this}: `name` must be lowercase letters, digits and `-`"
                ));
                continue;
            }
            if let Some(first) = names.get(name) {
                self.problems.push(format!(
                    "{this}: the name is used by figure {first} already"
                ));
                continue;
            }
            names.insert(name.to_owned(), number);
            if !used.contains(name) {
                self.problems.push(format!("{this}: shown on no page"));
            }
            let json = folder.join(format!("{name}.json"));
            let Ok(history) = fs::read_to_string(&json) else {
                self.problems
                    .push(format!("{this}: no history {}", self.show(&json)));
                continue;
            };
            match from_json_str(&history) {
                Err(e) => self.problems.push(format!(
                    "{this}: {} is not a history: {e}",
                    self.show(&json)
                )),
                Ok((_, None)) if matches!(check, Some("linearizable" | "sequential")) => {
                    self.problems.push(format!(
                        "{this}: {} names no `model`, which the `{}` check needs",
                        self.show(&json),
                        check.unwrap_or("")
                    ))
                }
                Ok(_) => {}
            }
        }
        let uses = std::mem::take(&mut self.figures_used);
        for figure in &uses {
            if !names.contains_key(&figure.name) {
                self.problems.push(format!(
                    "{}: figure `{}`: no entry named `{}` in {at}",
                    figure.at, figure.dest, figure.name
                ));
            }
        }
        let mut stray = Vec::new();
        if let Ok(dir) = fs::read_dir(&folder) {
            for file in dir.flatten().map(|e| e.path()) {
                let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned());
                if file.extension().is_some_and(|e| e == "json")
                    && !stem.is_some_and(|s| names.contains_key(&s))
                {
                    stray.push(file);
                }
            }
        }
        for file in stray {
            self.problems
                .push(format!("{}: no entry in figures.toml", self.show(&file)));
        }
    }
}

/// A `{{#...}}` directive of mdBook.
enum Directive<'a> {
    Include(&'a str),
    Title,
    Other(&'a str),
}

/// The first directive in `text` that is not escaped (`\{{#...}}`): the text before it,
/// the directive, and the text after it.
fn next_directive(text: &str) -> Option<(&str, Directive<'_>, &str)> {
    let mut from = 0;
    while let Some(found) = text[from..].find("{{") {
        let start = from + found;
        let escaped = text[..start].ends_with('\\');
        let inner_start = start + 2;
        let len = text[inner_start..].find("}}")?;
        let inner = text[inner_start..inner_start + len].trim();
        from = inner_start + len + 2;
        let Some(inner) = inner.strip_prefix('#') else {
            continue;
        };
        if escaped {
            continue;
        }
        let (kind, arg) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        let directive = match kind {
            "include" => Directive::Include(arg.trim()),
            "title" => Directive::Title,
            other => Directive::Other(other),
        };
        return Some((&text[..start], directive, &text[from..]));
    }
    None
}

/// The heading ids and links of a page's lines, read by pulldown-cmark, the Markdown
/// parser mdBook itself renders with: links and images (inline or by reference) and
/// reference definitions, wherever they stand outside code, each with the line it starts
/// on; and the id of every heading.
fn read_markdown(lines: &[Line]) -> Page {
    let mut text = String::new();
    let mut starts = Vec::new();
    for line in lines {
        starts.push(text.len());
        text.push_str(&line.text);
        text.push('\n');
    }
    let line_at = |offset: usize| &lines[starts.partition_point(|&s| s <= offset) - 1];
    let mut page = Page::default();
    let mut add_link = |dest: &str, offset: usize| {
        let line = line_at(offset);
        page.links.push(Link {
            dest: dest.to_owned(),
            origin: line.origin.clone(),
            number: line.number,
        });
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let parser = Parser::new_ext(&text, options);
    for (_, definition) in parser.reference_definitions().iter() {
        add_link(&definition.dest, definition.span.start);
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut ids = Vec::new();
    // The heading being read: its explicit id, if any, and its text so far.
    let mut heading: Option<(Option<String>, String)> = None;
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                add_link(&dest_url, range.start);
            }
            Event::Start(Tag::Heading { id, .. }) => {
                heading = Some((id.map(|id| id.to_string()), String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, words)) = heading.as_mut() {
                    words.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((explicit, words)) = heading.take() {
                    ids.push(match explicit {
                        Some(id) => id,
                        None => {
                            let id = heading_id(&words);
                            let count = counts.entry(id.clone()).or_insert(0);
                            *count += 1;
                            match *count - 1 {
                                0 => id,
                                n => format!("{id}-{n}"),
                            }
                        }
                    });
                }
            }
            _ => {}
        }
    }
    page.ids.extend(ids);
    page
}

/// The id mdBook gives a heading of text `words` (code kept, link targets and marks
/// already dropped by the parser): lowercased, with letters, digits, `-` and `_` kept,
/// spaces turned into `-` and everything else dropped.
fn heading_id(words: &str) -> String {
    words
        .trim()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// Every `.md` file under `dir`.
fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(normalize(&path));
        }
    }
}

/// `path` with `.` and `..` worked out without asking the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to the folder `base` (both normalized), with `..` where needed.
fn relative(base: &Path, path: &Path) -> String {
    let base: Vec<_> = base.components().collect();
    let path: Vec<_> = path.components().collect();
    let common = base.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for part in &path[common..] {
        out.push(part);
    }
    out.to_string_lossy().replace('\\', "/")
}
