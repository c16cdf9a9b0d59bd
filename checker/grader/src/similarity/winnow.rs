//! Fingerprints of a token stream: hashes of its k-grams, thinned by winnowing.
//!
//! Winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003, the method behind MOSS)
//! keeps the smallest hash of every window of `w` consecutive k-gram hashes. Two
//! documents that share a run of at least `w + k - 1` tokens are then sure to share a
//! fingerprint, and a shared run shorter than `k` is never seen: `k` sets the noise
//! floor, `w` how thin the fingerprints are. Keeping every k-gram was rejected: ten
//! times the fingerprints for no pair that winnowing misses.

use std::collections::HashSet;

use super::tokens::Token;

/// One kept fingerprint: the hash of a k-gram, and where its tokens are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Print {
    /// The k-gram's hash.
    pub hash: u64,
    /// The file it is in (an index into the document's files).
    pub file: u32,
    /// The line of its first token.
    pub first: u32,
    /// The line of its last token.
    pub last: u32,
}

/// The hashes of every k-gram of `tokens`.
pub fn kgram_hashes(tokens: &[Token], k: usize) -> Vec<u64> {
    if tokens.len() < k || k == 0 {
        return Vec::new();
    }
    tokens
        .windows(k)
        .map(|gram| {
            // FNV-1a over the kinds, then a finalizer that spreads the bits, so that
            // the minimum of a window is not biased towards some token kinds.
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for t in gram {
                h ^= u64::from(t.kind);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            h ^= h >> 33;
            h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
            h ^ (h >> 33)
        })
        .collect()
}

/// The winnowed fingerprints of one file's `tokens` (file number `file`), leaving out
/// every hash in `excluded` (the skeleton's k-grams).
pub fn winnow(
    tokens: &[Token],
    file: u32,
    k: usize,
    w: usize,
    excluded: &HashSet<u64>,
) -> Vec<Print> {
    let hashes = kgram_hashes(tokens, k);
    let print = |at: usize| Print {
        hash: hashes[at],
        file,
        first: tokens[at].line,
        last: tokens[at + k - 1].line,
    };
    let mut kept = Vec::new();
    if hashes.is_empty() {
        return kept;
    }
    let w = w.max(1).min(hashes.len());
    let mut last: Option<usize> = None;
    for start in 0..=hashes.len() - w {
        // The rightmost minimum, so that a window sliding over one minimum keeps it
        // once rather than picking a tie elsewhere.
        let mut at = start;
        for (i, &hash) in hashes.iter().enumerate().skip(start).take(w) {
            if hash <= hashes[at] {
                at = i;
            }
        }
        if last != Some(at) {
            last = Some(at);
            if !excluded.contains(&hashes[at]) {
                kept.push(print(at));
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::similarity::tokens::tokens;

    #[test]
    fn a_shared_run_of_w_plus_k_minus_1_tokens_always_shares_a_fingerprint() {
        let (k, w) = (5, 4);
        let common = "x = y + z * (a - b) / c;";
        for pad in 0..6 {
            let a = format!("{}{common}", "q; ".repeat(pad));
            let b = format!("{common}{}", " r.s();".repeat(pad + 1));
            let set = |text: &str| -> HashSet<u64> {
                winnow(&tokens(text), 0, k, w, &HashSet::new())
                    .iter()
                    .map(|p| p.hash)
                    .collect()
            };
            assert!(tokens(common).len() >= w + k - 1);
            assert!(set(&a).intersection(&set(&b)).count() > 0, "pad {pad}");
        }
    }

    #[test]
    fn excluded_hashes_are_never_kept_and_lines_span_the_gram() {
        let text = "a\nb\nc\nd\ne\nf\ng";
        let all = winnow(&tokens(text), 3, 3, 2, &HashSet::new());
        assert!(!all.is_empty());
        for p in &all {
            assert_eq!((p.file, p.last - p.first), (3, 2), "{p:?}");
        }
        let excluded: HashSet<u64> = kgram_hashes(&tokens(text), 3).into_iter().collect();
        assert!(winnow(&tokens(text), 3, 3, 2, &excluded).is_empty());
    }
}
