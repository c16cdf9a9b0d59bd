//! Headless Chromium for the tests of the pages the checker writes: the DOM after the
//! page's scripts ran, and screenshots read back as pixels.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs headless Chromium on `url` with `args` (such as `--dump-dom` or
/// `--screenshot=PATH`) in a window `size` pixels wide and tall, with its own empty
/// profile under `dir` and none of its calls home (the machine's network is closed).
pub fn chromium(dir: &Path, url: &str, args: &[&str], size: (u32, u32)) -> Output {
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
        ])
        .arg(format!("--window-size={},{}", size.0, size.1))
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .expect("chromium starts")
}

/// The rows of the screenshot `png` holding at least `wide` pixels of colour `rgb`: rows
/// of a bar, where a legend's small chip has fewer.
pub fn rows(png: &Path, rgb: [u8; 3], wide: usize) -> Vec<u32> {
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
