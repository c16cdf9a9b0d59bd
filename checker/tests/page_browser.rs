//! The history page in a real browser: headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs) opens a page `checker history check --html` drew, runs its script,
//! and takes a screenshot; the test reads the page's DOM as the browser left it, and the
//! screenshot's pixels, to see that the violation is drawn and highlighted and that
//! pointing at an operation shows its details.

#[path = "support/course.rs"]
mod course;
#[path = "support/grading.rs"]
mod grading;

use std::path::{Path, PathBuf};
use std::process::Command;

use grading::{said, tool_available};

/// w(1) then w(2) complete; then a read returns 1: not linearizable, the read is the
/// operation to look at (op 2).
const HISTORY: &str = r#"{
  "format": "consistency-lab-history",
  "version": 1,
  "model": "register",
  "ops": [
    {"client": 0, "f": "write", "value": 1, "call": 0, "return": 10, "outcome": "ok"},
    {"client": 1, "f": "write", "value": 2, "call": 20, "return": 30, "outcome": "ok"},
    {"client": 2, "f": "read", "value": 1, "call": 40, "return": 50, "outcome": "ok"}
  ]
}
"#;

/// The culprit's fill and outline in the page's style.
const CULPRIT_FILL: [u8; 3] = [0xff, 0xcd, 0xd2];
const CULPRIT_LINE: [u8; 3] = [0xc6, 0x28, 0x28];
/// The fill of an operation in the longest legal order.
const ORDERED_FILL: [u8; 3] = [0xc8, 0xe6, 0xc9];

/// Runs headless Chromium on `url` with `args`, with its own empty profile and none of
/// its calls home (the machine's network is closed).
fn chromium(dir: &Path, url: &str, args: &[&str]) -> std::process::Output {
    let profile = dir.join(format!("profile-{}", args.len()));
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--window-size=1000,700",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .expect("chromium starts")
}

/// The rows of `png` holding at least `wide` pixels of colour `rgb`: rows of a bar,
/// where a legend's small chip has fewer.
fn rows(png: &Path, rgb: [u8; 3], wide: usize) -> Vec<u32> {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let channels = info.color_type.samples();
    (0..info.height)
        .filter(|&y| {
            let line = &buffer[y as usize * info.line_size..][..info.line_size];
            line.chunks(channels).filter(|p| p[..3] == rgb).count() >= wide
        })
        .collect()
}

#[test]
fn the_violation_is_drawn_highlighted_and_its_details_show_in_a_browser() {
    if !tool_available("chromium") {
        return;
    }
    let dir: PathBuf = course::workspace().join("target/page-browser-test");
    _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
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
        details.starts_with("op 2: client 2 r:1, called at 40, returned at 50; cannot follow"),
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
