//! Test support for the grading modules: a private scratch folder, and real archives
//! built entry by entry, hostile entries included.
//!
//! The tar builder writes every header by hand rather than through
//! `tar::Builder::append_data`, which refuses `..` and absolute names: the tests need
//! exactly the archives a hostile student would make.

use std::fs::{self, DirBuilder, File};
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use flate2::Compression;
use flate2::write::GzEncoder;
use tar::{EntryType, Header};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A folder of its own under the system's temporary folder, removed when dropped.
pub(crate) struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// A new, empty folder only this user can enter.
    pub(crate) fn new() -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("checker-grading-test-{}-{n}", std::process::id()));
        // Left over from a crashed run of a process with the same id.
        _ = fs::remove_dir_all(&path);
        DirBuilder::new().mode(0o700).create(&path).unwrap();
        Scratch { path }
    }

    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// `relative` inside the folder.
    pub(crate) fn join(&self, relative: &str) -> PathBuf {
        self.path.join(relative)
    }

    /// Writes a file, creating its parents.
    pub(crate) fn file(&self, relative: &str, content: &[u8]) -> PathBuf {
        let path = self.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        path
    }

    /// Creates a folder and its parents.
    pub(crate) fn folder(&self, relative: &str) -> PathBuf {
        let path = self.join(relative);
        fs::create_dir_all(&path).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        _ = fs::remove_dir_all(&self.path);
    }
}

/// Every path under `dir`, relative and sorted, folders ending in `/` and symbolic
/// links in ` -> TARGET`; links are not followed.
pub(crate) fn tree(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let kind = entry.file_type().unwrap();
            if kind.is_symlink() {
                let target = fs::read_link(entry.path()).unwrap();
                out.push(format!("{name} -> {}", target.display()));
            } else if kind.is_dir() {
                out.push(format!("{name}/"));
                walk(&entry.path(), &format!("{name}/"), out);
            } else {
                out.push(name);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

/// What an archive entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItemKind {
    /// A regular file.
    File,
    /// A folder.
    Folder,
    /// A symbolic link; the data is its target.
    Symlink,
    /// A hard link (tar only); the data is its target.
    HardLink,
    /// A character device (tar only).
    Device,
    /// A named pipe (tar only).
    Fifo,
    /// A pax header whose records are the data (tar only).
    Pax,
}

/// One entry to put in an archive: its raw name, and its content or link target.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    kind: ItemKind,
    name: Vec<u8>,
    data: Vec<u8>,
}

impl Item {
    fn new(kind: ItemKind, name: impl AsRef<[u8]>, data: impl AsRef<[u8]>) -> Item {
        let (name, data) = (name.as_ref().to_vec(), data.as_ref().to_vec());
        Item { kind, name, data }
    }

    /// A regular file.
    pub(crate) fn file(name: impl AsRef<[u8]>, content: impl AsRef<[u8]>) -> Item {
        Item::new(ItemKind::File, name, content)
    }

    /// A folder; zip folder names end with `/`.
    pub(crate) fn folder(name: impl AsRef<[u8]>) -> Item {
        Item::new(ItemKind::Folder, name, b"")
    }

    /// A symbolic link to `target`.
    pub(crate) fn symlink(name: impl AsRef<[u8]>, target: impl AsRef<[u8]>) -> Item {
        Item::new(ItemKind::Symlink, name, target)
    }

    /// A hard link to `target`.
    pub(crate) fn hard_link(name: impl AsRef<[u8]>, target: impl AsRef<[u8]>) -> Item {
        Item::new(ItemKind::HardLink, name, target)
    }

    /// A character device.
    pub(crate) fn device(name: impl AsRef<[u8]>) -> Item {
        Item::new(ItemKind::Device, name, b"")
    }

    /// A named pipe.
    pub(crate) fn fifo(name: impl AsRef<[u8]>) -> Item {
        Item::new(ItemKind::Fifo, name, b"")
    }

    /// A pax header: `records` describe the entry after it.
    pub(crate) fn pax(records: impl AsRef<[u8]>) -> Item {
        Item::new(ItemKind::Pax, "PaxHeader", records)
    }
}

/// The files of a course copy holding `exercises`, each name prefixed with `prefix`
/// (`""`, `"alice/"`).
pub(crate) fn course(prefix: &str, exercises: &[&str]) -> Vec<Item> {
    let mut items = vec![Item::file(format!("{prefix}README.md"), "# course\n")];
    for name in exercises {
        let dir = format!("{prefix}exercises/{name}");
        items.push(Item::folder(format!("{dir}/")));
        items.push(Item::file(format!("{dir}/Cargo.toml"), "[package]\n"));
        items.push(Item::file(format!("{dir}/src/lib.rs"), "pub fn f() {}\n"));
    }
    items
}

/// Writes a zip of `items` at `path`, deflated, with the modes an unpacker must not
/// keep: 0777 for files, 0700 for folders.
pub(crate) fn write_zip(path: &Path, items: &[Item]) {
    let mut zip = ZipWriter::new(File::create(path).unwrap());
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for item in items {
        let name = String::from_utf8(item.name.clone()).expect("zip names are UTF-8 here");
        match item.kind {
            ItemKind::File => {
                zip.start_file(name, options.unix_permissions(0o777))
                    .unwrap();
                zip.write_all(&item.data).unwrap();
            }
            ItemKind::Folder => zip
                .add_directory(name, options.unix_permissions(0o700))
                .unwrap(),
            ItemKind::Symlink => {
                let target = String::from_utf8(item.data.clone()).unwrap();
                zip.add_symlink(name, target, options).unwrap();
            }
            other => panic!("no {other:?} entries in zip fixtures"),
        }
    }
    zip.finish().unwrap();
}

/// Writes a gzip-compressed tar of `items` at `path`, with the names as given and the
/// modes an unpacker must not keep: set-user-id 4777 for files, 0700 for folders.
pub(crate) fn write_tgz(path: &Path, items: &[Item]) {
    let gz = GzEncoder::new(File::create(path).unwrap(), Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for item in items {
        if item.name.len() > 100 {
            // A GNU long-name header carries the name of the entry after it.
            let mut long = item.name.clone();
            long.push(0);
            let header = header(EntryType::GNULongName, b"././@LongLink", long.len());
            tar.append(&header, &long[..]).unwrap();
        }
        let (entry_type, data) = match item.kind {
            ItemKind::File => (EntryType::Regular, &item.data[..]),
            ItemKind::Folder => (EntryType::Directory, &b""[..]),
            ItemKind::Symlink => (EntryType::Symlink, &b""[..]),
            ItemKind::HardLink => (EntryType::Link, &b""[..]),
            ItemKind::Device => (EntryType::Char, &b""[..]),
            ItemKind::Fifo => (EntryType::Fifo, &b""[..]),
            ItemKind::Pax => (EntryType::XHeader, &item.data[..]),
        };
        let name = &item.name[..item.name.len().min(100)];
        let mut header = header(entry_type, name, data.len());
        if matches!(item.kind, ItemKind::Symlink | ItemKind::HardLink) {
            let gnu = header.as_gnu_mut().unwrap();
            gnu.linkname[..item.data.len()].copy_from_slice(&item.data);
            header.set_cksum();
        }
        tar.append(&header, data).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
}

/// A GNU header with a raw name, mode 4777 (0700 for folders) and no timestamp.
fn header(entry_type: EntryType, name: &[u8], size: usize) -> Header {
    let mut header = Header::new_gnu();
    header.set_entry_type(entry_type);
    header.set_size(size as u64);
    header.set_mode(if entry_type.is_dir() { 0o700 } else { 0o4777 });
    header.set_mtime(0);
    header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
    header.set_cksum();
    header
}
