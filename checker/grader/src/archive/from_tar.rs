//! Reading a `.tar.gz` (or `.tgz`) into a [`Sink`].
//!
//! The tar crate is used in raw mode, which hands over every header as it comes,
//! including the GNU long-name and pax headers that carry the name of the entry after
//! them. Its default mode was rejected because it reads those headers whole into
//! memory, however large they say they are; here they are read through a small limit.
//!
//! A tar is one stream, so passing over an entry (a skipped `target/` folder) still
//! means decompressing it. The stream as a whole is therefore capped, at
//! [`STREAM_FACTOR`](super::STREAM_FACTOR) times the total size allowed (and at least
//! [`STREAM_FLOOR`](super::STREAM_FLOOR)).

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::rc::Rc;

use flate2::read::GzDecoder;
use tar::EntryType;

use super::ArchiveError;
use super::sink::{EntryKind, Sink};
use super::tally::{Skip, size_text};

/// The largest pax header read, in bytes; honest ones hold a path and a few times.
const MAX_PAX: u64 = 64 * 1024;

/// The largest GNU long name read; anything longer is refused as a path anyway.
const MAX_LONG_NAME: u64 = 4096;

/// What the headers before an entry said about it.
#[derive(Default)]
struct Pending {
    /// The name from a GNU long-name or a pax header, which replaces the header's own.
    name: Option<Vec<u8>>,
    /// The size from a pax header, which must agree with the header's own.
    size: Option<u64>,
}

/// Unpacks every entry of the gzip-compressed tar `file` into `sink`, decompressing at
/// most `stream_cap` bytes.
pub(super) fn unpack(
    archive: &str,
    file: File,
    stream_cap: u64,
    sink: &mut Sink<'_>,
) -> Result<(), ArchiveError> {
    let tripped = Rc::new(Cell::new(false));
    let stream = Capped {
        inner: GzDecoder::new(BufReader::new(file)),
        left: stream_cap,
        tripped: Rc::clone(&tripped),
    };
    let too_large = || ArchiveError::TooLarge {
        archive: archive.to_owned(),
        what: format!(
            "it unpacks to more than {}, skipped folders included",
            size_text(stream_cap)
        ),
    };
    // Whatever error the tar crate or the sink makes of the cap being reached, the
    // flag says it was.
    let fail = |error: io::Error| {
        if tripped.get() {
            too_large()
        } else {
            corrupt(archive, error.to_string())
        }
    };
    let mut tar = tar::Archive::new(stream);
    let mut pending = Pending::default();
    for entry in tar.entries().map_err(fail)?.raw(true) {
        let mut entry = entry.map_err(fail)?;
        let entry_type = entry.header().entry_type();
        match entry_type {
            EntryType::GNULongName => {
                let mut name = read_small(&mut entry, MAX_LONG_NAME).map_err(fail)?;
                while name.last() == Some(&0) {
                    name.pop();
                }
                pending.name = Some(name);
                continue;
            }
            EntryType::XHeader => {
                let data = read_small(&mut entry, MAX_PAX).map_err(fail)?;
                if data.len() as u64 > MAX_PAX {
                    return Err(corrupt(archive, "a pax header is too large".to_owned()));
                }
                read_pax(&data, &mut pending).map_err(|why| corrupt(archive, why))?;
                continue;
            }
            // Links are never made, and global headers only say who made the archive.
            EntryType::GNULongLink | EntryType::XGlobalHeader => continue,
            _ => {}
        }
        let pending = std::mem::take(&mut pending);
        if pending.size.is_some_and(|size| size != entry.size()) {
            // Readers that believe one size or the other would see different files.
            return Err(corrupt(
                archive,
                "its headers disagree on the size of a file".to_owned(),
            ));
        }
        let name = pending
            .name
            .unwrap_or_else(|| entry.path_bytes().into_owned());
        let kind = match entry_type {
            // Old tars mark folders only by the trailing slash.
            EntryType::Regular | EntryType::Continuous if name.ends_with(b"/") => EntryKind::Folder,
            EntryType::Regular | EntryType::Continuous => EntryKind::File,
            EntryType::Directory => EntryKind::Folder,
            EntryType::Symlink => EntryKind::Skipped(Skip::Symlink),
            EntryType::Link => EntryKind::Skipped(Skip::HardLink),
            EntryType::Char | EntryType::Block => EntryKind::Skipped(Skip::Device),
            EntryType::Fifo => EntryKind::Skipped(Skip::Fifo),
            _ => EntryKind::Skipped(Skip::Special),
        };
        if let Some(path) = sink.admit(&name, kind)? {
            sink.write(&path, &mut entry)
                .map_err(|error| if tripped.get() { too_large() } else { error })?;
        }
    }
    Ok(())
}

/// Reads at most `limit + 1` bytes of an entry, so the caller can tell "too long".
fn read_small(entry: &mut impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    entry.take(limit + 1).read_to_end(&mut data)?;
    Ok(data)
}

/// Takes the path and the size from a pax header: records of the form
/// `LENGTH KEY=VALUE\n`, where LENGTH counts the whole record.
fn read_pax(mut data: &[u8], pending: &mut Pending) -> Result<(), String> {
    let malformed = || "a pax header is malformed".to_owned();
    while !data.is_empty() {
        let space = data.iter().position(|b| *b == b' ').ok_or_else(malformed)?;
        let length: usize = std::str::from_utf8(&data[..space])
            .ok()
            .and_then(|digits| digits.parse().ok())
            .filter(|length| *length > space + 1 && *length <= data.len())
            .ok_or_else(malformed)?;
        let record = &data[space + 1..length];
        let record = record.strip_suffix(b"\n").ok_or_else(malformed)?;
        let equals = record
            .iter()
            .position(|b| *b == b'=')
            .ok_or_else(malformed)?;
        let (key, value) = (&record[..equals], &record[equals + 1..]);
        match key {
            b"path" => pending.name = Some(value.to_vec()),
            b"size" => {
                let size = std::str::from_utf8(value)
                    .ok()
                    .and_then(|digits| digits.parse().ok())
                    .ok_or_else(malformed)?;
                pending.size = Some(size);
            }
            _ => {}
        }
        data = &data[length..];
    }
    Ok(())
}

fn corrupt(archive: &str, reason: String) -> ArchiveError {
    ArchiveError::Corrupt {
        archive: archive.to_owned(),
        reason,
    }
}

/// A reader that fails once more than `left` bytes were asked of it, and says so in
/// `tripped`.
struct Capped<R> {
    inner: R,
    left: u64,
    tripped: Rc<Cell<bool>>,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 && !buf.is_empty() {
            // One byte more tells a stream that ends exactly at the cap from a longer one.
            let mut probe = [0u8];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.tripped.set(true);
            return Err(io::Error::other("the archive is too large"));
        }
        let room = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..room])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_headers_give_the_path_and_the_size() {
        let mut pending = Pending::default();
        read_pax(
            b"30 mtime=1700000000.123456789\n12 path=a/b\n9 size=7\n",
            &mut pending,
        )
        .unwrap();
        assert_eq!(pending.name.as_deref(), Some(&b"a/b"[..]));
        assert_eq!(pending.size, Some(7));
        for bad in [
            &b"99 path=a\n"[..],
            b"x path=a\n",
            b"9 path=ab",
            b"7 path\n",
        ] {
            assert!(read_pax(bad, &mut Pending::default()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_cap_trips_only_when_the_stream_is_longer() {
        let tripped = Rc::new(Cell::new(false));
        let mut exact = Capped {
            inner: &[1u8, 2, 3][..],
            left: 3,
            tripped: Rc::clone(&tripped),
        };
        let mut all = Vec::new();
        exact.read_to_end(&mut all).unwrap();
        assert_eq!((all.len(), tripped.get()), (3, false));

        let mut longer = Capped {
            inner: &[1u8, 2, 3, 4][..],
            left: 3,
            tripped: Rc::clone(&tripped),
        };
        assert!(longer.read_to_end(&mut Vec::new()).is_err());
        assert!(tripped.get());
    }
}
