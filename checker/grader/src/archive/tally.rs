//! Counting what unpacking or copying left out, and the words for it.
//!
//! A submission that is skipped in part still gets graded, so the instructor sees one
//! line per kind of thing left out ("3 symbolic links skipped") rather than one line
//! per file: a student's `.git` folder alone can hold thousands of entries, and a list
//! that long would bury the one line that matters.

/// A kind of entry that is never written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Skip {
    /// A symbolic link.
    Symlink,
    /// A hard link (tar only).
    HardLink,
    /// A character or block device.
    Device,
    /// A named pipe.
    Fifo,
    /// A socket, a sparse file, or a tar entry type the grader does not know.
    Special,
    /// A path that is absolute, climbs out with `..`, starts with a drive letter, is
    /// empty, is too long or holds control characters.
    UnsafePath,
    /// A path nested deeper than any course file is.
    TooDeep,
    /// A name that is not UTF-8.
    NotUtf8,
    /// A second entry for a path already written, or a file where a folder is (or the
    /// other way round).
    Clash,
    /// An entry under `target/`, `.git/`, `node_modules/` or `.checker/`.
    BuildFolder,
}

impl Skip {
    /// Every kind, in the order the lines are written.
    const ALL: [Skip; 10] = [
        Skip::Symlink,
        Skip::HardLink,
        Skip::Device,
        Skip::Fifo,
        Skip::Special,
        Skip::UnsafePath,
        Skip::TooDeep,
        Skip::NotUtf8,
        Skip::Clash,
        Skip::BuildFolder,
    ];

    /// What one and what several of this kind are called.
    fn nouns(self) -> (&'static str, &'static str) {
        match self {
            Skip::Symlink => ("symbolic link", "symbolic links"),
            Skip::HardLink => ("hard link", "hard links"),
            Skip::Device => ("device file", "device files"),
            Skip::Fifo => ("named pipe", "named pipes"),
            Skip::Special => ("special file", "special files"),
            Skip::UnsafePath => (
                "entry with an unsafe path (absolute, `..`, a drive letter, empty or control characters)",
                "entries with unsafe paths (absolute, `..`, a drive letter, empty or control characters)",
            ),
            Skip::TooDeep => ("entry nested too deep", "entries nested too deep"),
            Skip::NotUtf8 => (
                "entry whose name is not UTF-8",
                "entries whose names are not UTF-8",
            ),
            Skip::Clash => (
                "entry repeating or clashing with another",
                "entries repeating or clashing with others",
            ),
            Skip::BuildFolder => (
                "entry under target/, .git/, node_modules/ or .checker/",
                "entries under target/, .git/, node_modules/ or .checker/",
            ),
        }
    }
}

/// How many entries of each kind were skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    counts: [usize; Skip::ALL.len()],
}

impl Tally {
    /// Counts one more entry of `kind`.
    pub(crate) fn add(&mut self, kind: Skip) {
        self.counts[kind as usize] += 1;
    }

    /// How many entries of `kind` were counted.
    pub(crate) fn count(&self, kind: Skip) -> usize {
        self.counts[kind as usize]
    }

    /// One line per kind counted at least once, such as "3 symbolic links skipped".
    pub(crate) fn lines(&self) -> Vec<String> {
        Skip::ALL
            .iter()
            .filter(|kind| self.count(**kind) > 0)
            .map(|kind| {
                let (one, many) = kind.nouns();
                match self.count(*kind) {
                    1 => format!("1 {one} skipped"),
                    n => format!("{n} {many} skipped"),
                }
            })
            .collect()
    }
}

/// A size in the largest binary unit that writes it exactly: `8 MiB`, `1500 bytes`.
pub(crate) fn size_text(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    UNITS
        .iter()
        .find(|(unit, _)| bytes >= *unit && bytes % unit == 0)
        .map(|(unit, name)| format!("{} {name}", bytes / unit))
        .unwrap_or_else(|| format!("{bytes} bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_kind_in_a_fixed_order_singular_or_plural() {
        let mut tally = Tally::default();
        assert!(tally.lines().is_empty());
        tally.add(Skip::BuildFolder);
        for _ in 0..3 {
            tally.add(Skip::Symlink);
        }
        assert_eq!(
            tally.lines(),
            [
                "3 symbolic links skipped",
                "1 entry under target/, .git/, node_modules/ or .checker/ skipped",
            ]
        );
    }

    #[test]
    fn sizes_use_the_largest_exact_unit() {
        assert_eq!(size_text(8 << 20), "8 MiB");
        assert_eq!(size_text(64 << 30), "64 GiB");
        assert_eq!(size_text(4096), "4 KiB");
        assert_eq!(size_text(1500), "1500 bytes");
        assert_eq!(size_text(0), "0 bytes");
    }
}
