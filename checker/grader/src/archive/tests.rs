//! Unpacking real archives, honest and hostile, built by [`fixtures`](super::fixtures).

use std::os::unix::fs::PermissionsExt;

use super::fixtures::{Item, Scratch, course, tree, write_tgz, write_zip};
use super::*;

/// Writes `items` as `name` (a zip or a tgz, by its suffix) in `scratch`.
fn archive(scratch: &Scratch, name: &str, items: &[Item]) -> std::path::PathBuf {
    let path = scratch.join(name);
    match kind(&path) {
        Some(ArchiveKind::Zip) => write_zip(&path, items),
        Some(ArchiveKind::TarGz) => write_tgz(&path, items),
        None => panic!("{name} is not an archive name"),
    }
    path
}

/// One pax record, `LENGTH KEY=VALUE\n`, whose length counts its own digits.
fn pax_record(key: &str, value: &str) -> String {
    let rest = format!(" {key}={value}\n");
    let mut length = rest.len() + 1;
    while length.to_string().len() + rest.len() != length {
        length += 1;
    }
    format!("{length}{rest}")
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn archive_kinds_come_from_the_suffix_in_any_case() {
    assert_eq!(kind(Path::new("/s/alice.zip")), Some(ArchiveKind::Zip));
    assert_eq!(kind(Path::new("alice.TAR.GZ")), Some(ArchiveKind::TarGz));
    assert_eq!(kind(Path::new("alice.tgz")), Some(ArchiveKind::TarGz));
    assert_eq!(kind(Path::new("alice.tar")), None);
    assert_eq!(kind(Path::new("alice.gz")), None);
    assert_eq!(split_name("a.b.tar.gz"), Some(("a.b", ArchiveKind::TarGz)));
    assert_eq!(split_name("é.zip"), Some(("é", ArchiveKind::Zip)));
    assert_eq!(split_name("zip"), None);
}

#[test]
fn a_course_copy_unpacks_with_fixed_modes_from_zip_and_tgz() {
    for name in ["alice.zip", "alice.tgz"] {
        let scratch = Scratch::new();
        let path = archive(&scratch, name, &course("", &["01_a"]));
        let into = scratch.join("out");
        let unpacked = unpack(&path, &into, &Limits::default()).unwrap();
        assert_eq!(
            tree(&into),
            [
                "README.md",
                "exercises/",
                "exercises/01_a/",
                "exercises/01_a/Cargo.toml",
                "exercises/01_a/src/",
                "exercises/01_a/src/lib.rs",
            ],
            "{name}"
        );
        assert_eq!((unpacked.files, unpacked.folders), (3, 3), "{name}");
        assert_eq!(unpacked.bytes, 9 + 10 + 14, "{name}");
        assert!(
            unpacked.skipped.is_empty(),
            "{name}: {:?}",
            unpacked.skipped
        );
        assert_eq!(
            mode(&into.join("exercises/01_a/src/lib.rs")),
            0o644,
            "{name}"
        );
        assert_eq!(mode(&into.join("exercises/01_a")), 0o755, "{name}");
        assert_eq!(mode(&into.join("exercises/01_a/src")), 0o755, "{name}");
    }
}

#[test]
fn escaping_names_are_refused_and_nothing_is_written_outside() {
    let hostile = [
        Item::file("../escape.rs", "x"),
        Item::file("/abs.rs", "x"),
        Item::file("inside/../../up.rs", "x"),
        Item::file("C:\\drive.rs", "x"),
        Item::file("kept.rs", "x"),
    ];
    for name in ["evil.zip", "evil.tgz"] {
        let scratch = Scratch::new();
        let path = archive(&scratch, name, &hostile);
        let parent = scratch.folder("parent");
        let before = tree(scratch.path());
        let into = parent.join("out");
        let unpacked = unpack(&path, &into, &Limits::default()).unwrap();
        assert_eq!(tree(&into), ["kept.rs"], "{name}");
        let mut after = tree(scratch.path());
        after.retain(|p| !p.starts_with("parent/out/"));
        after.retain(|p| p != "parent/out/");
        assert_eq!(after, before, "{name}");
        assert!(!Path::new("/abs.rs").exists());
        assert_eq!(unpacked.skipped.len(), 1, "{name}: {:?}", unpacked.skipped);
        assert!(
            unpacked.skipped[0].starts_with("4 entries with unsafe paths"),
            "{name}: {:?}",
            unpacked.skipped
        );
    }
}

#[test]
fn links_devices_and_pipes_are_skipped_and_no_link_is_made() {
    let scratch = Scratch::new();
    let tgz = archive(
        &scratch,
        "links.tgz",
        &[
            Item::symlink("shadow", "/etc/shadow"),
            Item::symlink("bob", "../bob/exercises"),
            Item::hard_link("passwd", "/etc/passwd"),
            Item::device("tty"),
            Item::fifo("pipe"),
            Item::file("kept.rs", "x"),
        ],
    );
    let into = scratch.join("tgz");
    let unpacked = unpack(&tgz, &into, &Limits::default()).unwrap();
    assert_eq!(tree(&into), ["kept.rs"]);
    assert_eq!(
        unpacked.skipped,
        [
            "2 symbolic links skipped",
            "1 hard link skipped",
            "1 device file skipped",
            "1 named pipe skipped",
        ]
    );

    let zip = archive(
        &scratch,
        "links.zip",
        &[
            Item::symlink("src/shadow.rs", "/etc/shadow"),
            Item::file("src/lib.rs", "x"),
        ],
    );
    let into = scratch.join("zip");
    let unpacked = unpack(&zip, &into, &Limits::default()).unwrap();
    assert_eq!(tree(&into), ["src/", "src/lib.rs"]);
    assert_eq!(unpacked.skipped, ["1 symbolic link skipped"]);
}

#[test]
fn a_bomb_stops_at_the_limit() {
    let zeros = vec![0u8; 24 << 20];
    for name in ["bomb.zip", "bomb.tgz"] {
        let scratch = Scratch::new();
        let path = archive(&scratch, name, &[Item::file("src/lib.rs", &zeros)]);
        assert!(fs::metadata(&path).unwrap().len() < 200 << 10, "{name}");
        let into = scratch.join("out");
        let error = unpack(&path, &into, &Limits::default()).unwrap_err();
        let ArchiveError::TooLarge { what, .. } = &error else {
            panic!("{name}: {error}");
        };
        assert_eq!(what, "src/lib.rs is larger than 8 MiB", "{name}");
        let written = fs::metadata(into.join("src/lib.rs")).unwrap().len();
        assert!(written <= 8 << 20, "{name}: {written} bytes written");
    }
}

#[test]
fn too_many_files_or_bytes_in_all_are_refused() {
    let scratch = Scratch::new();
    let many: Vec<Item> = (0..10)
        .map(|i| Item::file(format!("f{i}.rs"), "x"))
        .collect();
    let path = archive(&scratch, "many.zip", &many);
    let limits = Limits {
        max_files: 9,
        ..Limits::default()
    };
    let error = unpack(&path, &scratch.join("a"), &limits).unwrap_err();
    assert!(
        matches!(&error, ArchiveError::TooLarge { what, .. } if what.contains("more than 9 files")),
        "{error}"
    );
    // Ten files of one byte fit, exactly.
    let limits = Limits {
        max_total_bytes: 10,
        ..Limits::default()
    };
    assert_eq!(
        unpack(&path, &scratch.join("b"), &limits).unwrap().bytes,
        10
    );
    let limits = Limits {
        max_total_bytes: 9,
        ..Limits::default()
    };
    let error = unpack(&path, &scratch.join("c"), &limits).unwrap_err();
    assert!(
        matches!(&error, ArchiveError::TooLarge { what, .. } if what == "its files hold more than 9 bytes"),
        "{error}"
    );
}

#[test]
fn build_folders_are_skipped_and_do_not_count() {
    let mut items = course("alice/", &["01_a"]);
    items.push(Item::file("alice/target/debug/big", vec![7u8; 4096]));
    for i in 0..20 {
        items.push(Item::file(format!("alice/.git/objects/{i}"), "x"));
    }
    items.push(Item::folder("alice/exercises/01_a/target/"));
    items.push(Item::file("alice/node_modules/x.js", "x"));
    items.push(Item::file("alice/.checker/progress.json", "{}"));
    let limits = Limits {
        max_total_bytes: 1000,
        max_files: 10,
        max_file_bytes: 100,
    };
    for name in ["built.zip", "built.tgz"] {
        let scratch = Scratch::new();
        let path = archive(&scratch, name, &items);
        let into = scratch.join("out");
        let unpacked = unpack(&path, &into, &limits).unwrap();
        let paths = tree(&into);
        assert!(
            paths.iter().all(|p| !p.contains("target")
                && !p.contains(".git")
                && !p.contains("node_modules")
                && !p.contains(".checker")),
            "{name}: {paths:?}"
        );
        assert!(paths.contains(&"alice/exercises/01_a/src/lib.rs".to_owned()));
        assert_eq!(
            unpacked.skipped,
            ["24 entries under target/, .git/, node_modules/ or .checker/ skipped"],
            "{name}"
        );
    }
}

#[test]
fn what_is_skipped_is_still_bounded() {
    let limits = Limits {
        max_total_bytes: 1000,
        ..Limits::default()
    };
    let scratch = Scratch::new();
    // Zeros compress to almost nothing, but a tar must decompress them to pass them.
    let zeros = archive(
        &scratch,
        "zeros.tgz",
        &[
            Item::file("target/big", vec![0u8; 2 << 20]),
            Item::file("a", "x"),
        ],
    );
    let error = unpack(&zeros, &scratch.join("a"), &limits).unwrap_err();
    assert!(
        matches!(&error, ArchiveError::TooLarge { what, .. } if what.contains("more than 1 MiB")),
        "{error}"
    );
    // Bytes that do not compress make the archive file itself too large.
    let mut noise = Vec::with_capacity(2 << 20);
    let mut x: u32 = 1;
    while noise.len() < 2 << 20 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.extend_from_slice(&x.to_le_bytes());
    }
    let big = archive(&scratch, "noise.zip", &[Item::file("target/noise", noise)]);
    let error = unpack(&big, &scratch.join("b"), &limits).unwrap_err();
    assert!(
        matches!(&error, ArchiveError::TooLarge { what, .. }
            if what == "the archive itself is larger than 1 MiB"),
        "{error}"
    );
}

#[test]
fn an_archive_that_is_not_what_its_name_says_gets_a_clear_error() {
    let scratch = Scratch::new();
    let fake = scratch.file("alice.zip", b"Rar!\x1a\x07\x00 not a zip");
    let into = scratch.join("out");
    let error = unpack(&fake, &into, &Limits::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "alice.zip is not a zip archive (its first bytes are not a zip header): \
         submit a .zip, .tar.gz or .tgz"
    );
    assert!(!error.is_tool_error());
    assert!(!into.exists(), "nothing is created for a wrong archive");

    let zip_as_tgz = scratch.join("bob.tgz");
    write_zip(&zip_as_tgz, &[Item::file("a", "x")]);
    let error = unpack(&zip_as_tgz, &into, &Limits::default()).unwrap_err();
    assert!(matches!(
        error,
        ArchiveError::WrongContent {
            kind: ArchiveKind::TarGz,
            ..
        }
    ));

    let empty = scratch.file("carol.zip", b"");
    assert!(matches!(
        unpack(&empty, &into, &Limits::default()),
        Err(ArchiveError::WrongContent { .. })
    ));
    let rar = scratch.file("dave.rar", b"Rar!");
    let error = unpack(&rar, &into, &Limits::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "dave.rar is not an archive the grader reads: submit a .zip, .tar.gz or .tgz"
    );
}

#[test]
fn a_damaged_archive_is_reported_as_damaged() {
    let scratch = Scratch::new();
    let good = archive(&scratch, "good.zip", &course("", &["01_a"]));
    let bytes = fs::read(&good).unwrap();
    let cut = scratch.file("cut.zip", &bytes[..bytes.len() / 2]);
    let error = unpack(&cut, &scratch.join("a"), &Limits::default()).unwrap_err();
    assert!(matches!(error, ArchiveError::Corrupt { .. }), "{error}");
    assert!(
        error.to_string().starts_with("cut.zip is damaged ("),
        "{error}"
    );

    let good = archive(&scratch, "good.tgz", &course("", &["01_a"]));
    let bytes = fs::read(&good).unwrap();
    let cut = scratch.file("cut.tgz", &bytes[..bytes.len() / 2]);
    let error = unpack(&cut, &scratch.join("b"), &Limits::default()).unwrap_err();
    assert!(matches!(error, ArchiveError::Corrupt { .. }), "{error}");
}

#[test]
fn tar_names_that_are_not_utf8_are_skipped_and_long_names_kept() {
    let scratch = Scratch::new();
    let long = format!("{}/lib.rs", "d".repeat(120));
    let path = archive(
        &scratch,
        "names.tgz",
        &[
            Item::file(b"bad\xff.rs", "x"),
            Item::file(&long, "long"),
            Item::pax(pax_record("path", "pax.rs")),
            Item::file("short-name-replaced", "pax"),
            Item::pax(pax_record("path", "../pax.rs")),
            Item::file("harmless", "x"),
        ],
    );
    let into = scratch.join("out");
    let unpacked = unpack(&path, &into, &Limits::default()).unwrap();
    assert_eq!(
        tree(&into),
        [format!("{}/", "d".repeat(120)), long, "pax.rs".into()]
    );
    assert_eq!(
        unpacked.skipped,
        [
            "1 entry with an unsafe path (absolute, `..`, a drive letter, empty or control \
             characters) skipped",
            "1 entry whose name is not UTF-8 skipped",
        ]
    );
}

#[test]
fn repeated_and_clashing_entries_are_skipped() {
    let scratch = Scratch::new();
    let path = archive(
        &scratch,
        "twice.tgz",
        &[
            Item::file("a.rs", "first"),
            Item::file("a.rs", "second"),
            Item::file("x", "a file"),
            Item::file("x/y.rs", "under a file"),
            Item::folder("d/"),
            Item::file("d", "a file where a folder is"),
        ],
    );
    let into = scratch.join("out");
    let unpacked = unpack(&path, &into, &Limits::default()).unwrap();
    assert_eq!(tree(&into), ["a.rs", "d/", "x"]);
    assert_eq!(fs::read_to_string(into.join("a.rs")).unwrap(), "first");
    assert_eq!(
        unpacked.skipped,
        ["3 entries repeating or clashing with others skipped"]
    );
}

#[test]
fn the_destination_must_be_empty() {
    let scratch = Scratch::new();
    let path = archive(&scratch, "a.zip", &course("", &["01_a"]));
    let into = scratch.folder("out");
    fs::write(into.join("old"), "x").unwrap();
    let error = unpack(&path, &into, &Limits::default()).unwrap_err();
    assert!(error.is_tool_error(), "{error}");
    assert!(error.to_string().contains("it is not empty"), "{error}");
    let empty = scratch.folder("empty");
    unpack(&path, &empty, &Limits::default()).unwrap();
}
